/**
 * Whitened coordinates for Stage I: the same affine feature maps, optimised in coordinates where the memories'
 * second moments are the identity, so that gradient steps on (W, b) are not skewed by the memories' shape.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import { columnMeans, type Matrix, matrix } from "../linalg/matrix.ts";
import { featureMapUnchecked, type LinearFeatureMap } from "./feature_map.ts";

/** A whitening `x̃ = S(x − m)` of a set of memories, with its inverse. */
export interface Whitening {
  /** m, the memories' mean (zeros when not centred), length d. */
  readonly mean: Float64Array;
  /** S, d × d symmetric. */
  readonly scale: Matrix;
  /** S⁻¹, d × d symmetric. */
  readonly inverse: Matrix;
}

/**
 * The symmetric whitening of the memories' (centred, if `centre`) second moments `C = (1/M) Σ (ξ−m)(ξ−m)ᵀ =
 * V Λ Vᵀ`: `S = V diag(s) Vᵀ` with `s_i = λ_i^{−1/2}` on the memories' span (λ_i above `d·λ_max·2⁻⁵²`) and
 * `s_i = 1` across it, so S is invertible even when M ≤ d. Why it matters: with `Φ(x) = Wx + b` the gradient
 * in (W, b) is the gradient in the features preconditioned by `[Ξ 1]ᵀ[Ξ 1]`; for M = d + 1 points that matrix
 * is square, and measured here (Gaussian points, M = 3…6) every start that failed to reach the regular simplex
 * in 3000 Adam steps had condition number 32–1459, every success 3–39. Whitened, the memories sit in
 * isotropic position and the same steps move every feature alike.
 *
 * A map `Φ̃(x̃) = W̃x̃ + b̃` in whitened coordinates is `Φ(x) = W̃S x + (b̃ − W̃Sm)` in the memories' own
 * ({@link mapToInputs}); every feature, and so every loss, is the same.
 *
 * Shapes: patterns M × d; O(M d² + d³).
 *
 * @example
 * ```ts
 * import { whitening, whiten } from "./whiten.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[3, 1], [-1, 1], [1, 4], [1, -2]]);
 * const Y = whiten(X, whitening(X, { centre: true }));
 * let xy = 0, xx = 0;
 * for (let i = 0; i < 4; i++) { xx += Y.data[2 * i] ** 2 / 4; xy += Y.data[2 * i] * Y.data[2 * i + 1] / 4; }
 * assert.ok(Math.abs(xx - 1) < 1e-12 && Math.abs(xy) < 1e-12);
 * ```
 */
export function whitening(patterns: Matrix, options: { centre: boolean }): Whitening {
  const M = patterns.rows, d = patterns.cols, x = patterns.data;
  const mean = options.centre ? columnMeans(patterns) : new Float64Array(d);
  const C = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const r = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    for (let a = 0; a < d; a++) r[a] = x[i * d + a] - mean[a];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) C[a][b] += (r[a] * r[b]) / M;
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) C[a][b] = C[b][a];
  const evd = new EigenvalueDecomposition(new MlMatrix(C), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues, V = evd.eigenvectorMatrix;
  const top = Math.max(...lambda.map(Math.abs));
  const s = lambda.map((l) => (l > d * top * 2 ** -52 ? 1 / Math.sqrt(l) : 1));
  const compose = (f: (v: number) => number) => {
    const out = matrix(d, d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let sum = 0;
        for (let k = 0; k < d; k++) sum += V.get(a, k) * f(s[k]) * V.get(b, k);
        out.data[a * d + b] = sum;
      }
    }
    return out;
  };
  return { mean, scale: compose((v) => v), inverse: compose((v) => 1 / v) };
}

/** The memories in whitened coordinates, `x̃_μ = S(ξ_μ − m)`, M × d. */
export function whiten(patterns: Matrix, w: Whitening): Matrix {
  const M = patterns.rows, d = patterns.cols, out = matrix(M, d), S = w.scale.data;
  const r = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    for (let a = 0; a < d; a++) r[a] = patterns.data[i * d + a] - w.mean[a];
    for (let a = 0; a < d; a++) {
      let sum = 0;
      for (let b = 0; b < d; b++) sum += S[a * d + b] * r[b];
      out.data[i * d + a] = sum;
    }
  }
  return out;
}

/**
 * `Φ̃(x̃) = W̃x̃ + b̃` rewritten on the memories' own coordinates: `W = W̃S`, `b = b̃ − W̃Sm` (unchecked; b stays
 * `null` when Φ̃ has none, which `whitening` then did not centre).
 */
export function mapToInputs(map: LinearFeatureMap, w: Whitening): LinearFeatureMap {
  const W = product(map.weights, w.scale);
  return featureMapUnchecked(W, map.bias ? shift(map.bias, W, w.mean, -1) : null);
}

/** The inverse of {@link mapToInputs}: `W̃ = WS⁻¹`, `b̃ = b + Wm`. */
export function mapToWhitened(map: LinearFeatureMap, w: Whitening): LinearFeatureMap {
  return featureMapUnchecked(
    product(map.weights, w.inverse),
    map.bias ? shift(map.bias, map.weights, w.mean, 1) : null,
  );
}

/** A (D × d) times B (d × d). */
function product(A: Matrix, B: Matrix): Matrix {
  const D = A.rows, d = A.cols, out = matrix(D, d);
  for (let i = 0; i < D; i++) {
    for (let k = 0; k < d; k++) {
      const a = A.data[i * d + k];
      for (let j = 0; j < d; j++) out.data[i * d + j] += a * B.data[k * d + j];
    }
  }
  return out;
}

/** `b + sign · W m`. */
function shift(b: Float64Array, W: Matrix, m: Float64Array, sign: number): Float64Array {
  const out = Float64Array.from(b), d = W.cols;
  for (let i = 0; i < W.rows; i++) {
    let sum = 0;
    for (let k = 0; k < d; k++) sum += W.data[i * d + k] * m[k];
    out[i] += sign * sum;
  }
  return out;
}
