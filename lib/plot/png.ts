/**
 * A minimal PNG encoder for greyscale images (8-bit, colour type 0), using stored (uncompressed) deflate
 * blocks, per RFC 1950/1951 and the PNG specification (ISO/IEC 15948). Small images only (digit tiles).
 *
 * @module
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const part = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    out[o] = b === blocks - 1 ? 1 : 0;
    out[o + 1] = part.length & 0xff;
    out[o + 2] = part.length >>> 8;
    out[o + 3] = ~part.length & 0xff;
    out[o + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, o + 5);
    o += 5 + part.length;
  }
  let a = 1, s = 0;
  for (let i = 0; i < raw.length; i++) {
    a = (a + raw[i]) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(o, ((s << 16) | a) >>> 0);
  return out;
}

/**
 * Encodes greyscale `values` (row-major, `height × width`, 0 = black … 1 = white, clipped) as a PNG.
 *
 * @example
 * ```ts
 * import { greyPng } from "./png.ts";
 * import assert from "node:assert/strict";
 * const png = greyPng([0, 1, 1, 0], { width: 2, height: 2 });
 * assert.deepEqual(Array.from(png.slice(1, 4)), [80, 78, 71]); // "PNG"
 * ```
 */
export function greyPng(values: ArrayLike<number>, size: { width: number; height: number }): Uint8Array {
  const { width, height } = size;
  if (values.length !== width * height) {
    throw new RangeError(
      `Cannot encode PNG: values length must equal width*height: ${values.length} != ${width}*${height}`,
    );
  }
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      raw[y * (width + 1) + 1 + x] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0;
    }
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", zlibStored(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A `data:image/png;base64,…` URL for a greyscale image (see {@link greyPng}). */
export function greyPngUrl(values: ArrayLike<number>, size: { width: number; height: number }): string {
  const png = greyPng(values, size);
  let bin = "";
  for (let i = 0; i < png.length; i++) bin += String.fromCharCode(png[i]);
  return "data:image/png;base64," + btoa(bin);
}
