/**
 * Positive random features (FAVOR+, Choromanski et al. 2021, "Rethinking Attention with Performers", Lemma 1):
 * `exp(⟨q, k⟩) = E_w[φ_w(q) φ_w(k)]` with `φ_w(x) = exp(wᵀx − ‖x‖²/2)`, `w ~ N(0, I_d)` — the baseline a
 * practitioner reaches for. Positive features keep the normaliser positive; their variance grows like
 * `exp(2‖q + k‖²)`, so, as for the polynomial, large norms are where they fail.
 *
 * @module
 */
import type { DenseMatrix, Matrix } from "../linalg/matrix.ts";
import { matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";

/** R Gaussian directions in ℝᵈ (iid N(0, 1) entries), R × d. */
export interface RandomFeatures {
  /** The directions w_1 … w_R, as rows. */
  readonly directions: Matrix;
}

/**
 * Draws R iid Gaussian directions (plain iid draws: the unbiasedness and variance below are exactly those of
 * iid features; orthogonal ones lower the variance further).
 *
 * @example
 * ```ts
 * import { drawRandomFeatures } from "./random_features.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * assert.equal(drawRandomFeatures(3, 64, createPrng(1)).directions.rows, 64);
 * ```
 */
export function drawRandomFeatures(d: number, features: number, prng: Prng): RandomFeatures {
  for (const [name, v] of [["d", d], ["features", features]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 1e7) {
      throw new RangeError(
        `Cannot draw random features: ${name} must be an integer from 1 to 1e7: ${name}=${v}`,
      );
    }
  }
  const directions = matrix(features, d);
  for (let k = 0; k < directions.data.length; k++) directions.data[k] = prng.normal();
  return { directions };
}

/**
 * The features `φ(√s x)_i = exp(w_iᵀ√s x − s‖x‖²/2 − c) / √R` of each row, with the shift c (default 0)
 * subtracted in the exponent: `⟨φ(q), φ(k)⟩` estimates `e^{−c_q−c_k} exp(s⟨q, k⟩)` without bias. A shift per
 * query row, or one for all keys, cancels in the attention ratio and keeps the exponentials in range: pass
 * `shift: "row-max"` for queries; for keys, the largest exponent over all of them (see `lowRankMemory`).
 *
 * Shapes: X n × d → n × R.
 *
 * @example
 * ```ts
 * import { drawRandomFeatures, randomFeatures } from "./random_features.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const rf = drawRandomFeatures(2, 20000, createPrng(3));
 * const U = randomFeatures(fromRows([[0.3, 0.1], [0.2, -0.4]]), rf);
 * let k = 0;
 * for (let i = 0; i < U.cols; i++) k += U.data[i] * U.data[U.cols + i];
 * assert.ok(Math.abs(k - Math.exp(0.06 - 0.04)) < 0.03);
 * ```
 */
export function randomFeatures(
  X: DenseMatrix,
  rf: RandomFeatures,
  options: { scale?: number; shift?: number | "row-max" } = {},
): Matrix {
  const scale = options.scale ?? 1, shift = options.shift ?? 0;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot make random features: scale must be finite and > 0: scale=${scale}`);
  }
  if (shift !== "row-max" && !Number.isFinite(shift)) {
    throw new RangeError(`Cannot make random features: shift must be finite or "row-max": shift=${shift}`);
  }
  const W = rf.directions, R = W.rows, d = W.cols;
  if (X.cols !== d) {
    throw new RangeError(`Cannot make random features: rows must have d = ${d} entries: cols=${X.cols}`);
  }
  const out = randomFeatureExponents(X, rf, scale), norm = 1 / Math.sqrt(R);
  for (let i = 0; i < X.rows; i++) {
    const row = out.data.subarray(i * R, (i + 1) * R);
    let c = shift === "row-max" ? -Infinity : shift;
    if (shift === "row-max") { for (let k = 0; k < R; k++) c = Math.max(c, row[k]); }
    for (let k = 0; k < R; k++) row[k] = Math.exp(row[k] - c) * norm;
  }
  return out;
}

/**
 * The exponents `w_iᵀ√s x − s‖x‖²/2` (n × R) of {@link randomFeatures}, before the exponential.
 *
 * @example
 * ```ts
 * import { drawRandomFeatures, randomFeatureExponents } from "./random_features.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const a = randomFeatureExponents(fromRows([[0, 0]]), drawRandomFeatures(2, 3, createPrng(1)));
 * assert.deepEqual(Array.from(a.data), [0, 0, 0]);
 * ```
 */
export function randomFeatureExponents(X: DenseMatrix, rf: RandomFeatures, scale = 1): Matrix {
  const W = rf.directions, R = W.rows, d = W.cols, n = X.rows, out = matrix(n, R), s = Math.sqrt(scale);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += X.data[i * d + j] ** 2;
    const half = (scale * sq) / 2;
    for (let k = 0; k < R; k++) {
      let a = 0;
      for (let j = 0; j < d; j++) a += W.data[k * d + j] * X.data[i * d + j];
      out.data[i * R + k] = s * a - half;
    }
  }
  return out;
}

/**
 * The variance of the R-feature estimate of `exp(⟨q, k⟩)`:
 * `(exp(2‖q + k‖² − ‖q‖² − ‖k‖²) − exp(2⟨q, k⟩)) / R` (from `E[e^{2wᵀ(q+k)}] = e^{2‖q+k‖²}`).
 *
 * @example
 * ```ts
 * import { randomFeatureVariance } from "./random_features.ts";
 * import assert from "node:assert/strict";
 * // q = k = 0: every feature is exactly 1.
 * assert.equal(randomFeatureVariance([0, 0], [0, 0], 10), 0);
 * ```
 */
export function randomFeatureVariance(q: ArrayLike<number>, k: ArrayLike<number>, features: number): number {
  let qq = 0, kk = 0, qk = 0;
  for (let j = 0; j < q.length; j++) qq += q[j] ** 2, kk += k[j] ** 2, qk += q[j] * k[j];
  const sum = qq + kk + 2 * qk;
  return (Math.exp(2 * sum - qq - kk) - Math.exp(2 * qk)) / features;
}
