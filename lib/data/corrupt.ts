/**
 * Corruptions that turn stored patterns into queries: masking, Gaussian noise, dropout, bit flips.
 * Each returns a new matrix; the input is untouched.
 *
 * @module
 */
import { checkMatrix, clone, type Matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";

function checkFraction(name: string, v: number, action: string, closedTop = true): void {
  if (!(v >= 0 && (closedTop ? v <= 1 : v < 1))) {
    throw new RangeError(`Cannot ${action}: ${name} must be in [0, 1${closedTop ? "]" : ")"}: ${name}=${v}`);
  }
}

/**
 * Sets a random `fraction` of each row's entries to `value` (default 0).
 *
 * @example
 * ```ts
 * import { maskRandom } from "./corrupt.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const q = maskRandom(fromRows([[1, 1, 1, 1]]), { fraction: 0.5, prng: createPrng(3) });
 * assert.equal(q.data.filter((v) => v === 0).length, 2);
 * ```
 */
export function maskRandom(m: Matrix, options: { fraction: number; prng: Prng; value?: number }): Matrix {
  checkFraction("fraction", options.fraction, "mask");
  checkMatrix(m, "m", "mask");
  const out = clone(m);
  const k = Math.round(options.fraction * m.cols);
  for (let i = 0; i < m.rows; i++) {
    const idx = Array.from({ length: m.cols }, (_, j) => j);
    for (let j = 0; j < k; j++) {
      const s = j + options.prng.int(m.cols - j);
      [idx[j], idx[s]] = [idx[s], idx[j]];
      out.data[i * m.cols + idx[j]] = options.value ?? 0;
    }
  }
  return out;
}

/**
 * Masks one half of each row seen as a `height × width` image (default: the lower half, as in the
 * hopfield-layers blog), setting it to `value` (default 0).
 *
 * @example
 * ```ts
 * import { maskHalf } from "./corrupt.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const q = maskHalf(fromRows([[1, 2, 3, 4]]), { height: 2, width: 2 });
 * assert.deepEqual(Array.from(q.data), [1, 2, 0, 0]);
 * ```
 */
export function maskHalf(
  m: Matrix,
  options: { height: number; width: number; side?: "lower" | "upper" | "left" | "right"; value?: number },
): Matrix {
  checkMatrix(m, "m", "mask half");
  const { height, width } = options, side = options.side ?? "lower";
  if (height * width !== m.cols) {
    throw new RangeError(
      `Cannot mask half: height*width must equal row length: ${height}*${width} != ${m.cols}`,
    );
  }
  if (!["lower", "upper", "left", "right"].includes(side)) {
    throw new RangeError(`Cannot mask half: side must be lower, upper, left or right: side=${side}`);
  }
  const out = clone(m);
  for (let i = 0; i < m.rows; i++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const hit = side === "lower"
          ? y >= height / 2
          : side === "upper"
          ? y < height / 2
          : side === "left"
          ? x < width / 2
          : x >= width / 2;
        if (hit) out.data[i * m.cols + y * width + x] = options.value ?? 0;
      }
    }
  }
  return out;
}

/**
 * Adds independent Gaussian noise N(0, σ²) to every entry.
 *
 * @example
 * ```ts
 * import { gaussianNoise } from "./corrupt.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const q = gaussianNoise(fromRows([[0, 0]]), { sigma: 0, prng: createPrng(1) });
 * assert.deepEqual(Array.from(q.data), [0, 0]);
 * ```
 */
export function gaussianNoise(m: Matrix, options: { sigma: number; prng: Prng }): Matrix {
  if (!(options.sigma >= 0) || !Number.isFinite(options.sigma)) {
    throw new RangeError(`Cannot add noise: sigma must be a finite number ≥ 0: sigma=${options.sigma}`);
  }
  checkMatrix(m, "m", "add noise");
  const out = clone(m);
  for (let k = 0; k < out.data.length; k++) out.data[k] += options.sigma * options.prng.normal();
  return out;
}

/**
 * Dropout: each entry is zeroed with probability `rate` and the survivors are scaled by 1/(1 − rate), so the
 * expected value of every entry is unchanged.
 *
 * @example
 * ```ts
 * import { dropout } from "./corrupt.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const q = dropout(fromRows([[1, 1, 1, 1]]), { rate: 0.5, prng: createPrng(4) });
 * assert.ok(q.data.every((v) => v === 0 || v === 2));
 * ```
 */
export function dropout(m: Matrix, options: { rate: number; prng: Prng }): Matrix {
  checkFraction("rate", options.rate, "apply dropout", false);
  checkMatrix(m, "m", "apply dropout");
  const out = clone(m);
  const keep = 1 / (1 - options.rate);
  for (let k = 0; k < out.data.length; k++) {
    out.data[k] = options.prng.next() < options.rate ? 0 : out.data[k] * keep;
  }
  return out;
}

/**
 * Flips the sign of a random `fraction` of each row's entries (for bipolar patterns).
 *
 * @example
 * ```ts
 * import { flipSigns } from "./corrupt.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const q = flipSigns(fromRows([[1, 1, 1, 1]]), { fraction: 0.25, prng: createPrng(5) });
 * assert.equal(q.data.filter((v) => v === -1).length, 1);
 * ```
 */
export function flipSigns(m: Matrix, options: { fraction: number; prng: Prng }): Matrix {
  checkFraction("fraction", options.fraction, "flip signs");
  const flipped = maskRandom(m, { fraction: options.fraction, prng: options.prng, value: NaN });
  for (let k = 0; k < flipped.data.length; k++) {
    if (Number.isNaN(flipped.data[k])) flipped.data[k] = -m.data[k];
  }
  return flipped;
}
