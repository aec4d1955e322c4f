/**
 * The phase transition for arbitrary pattern sets (e.g. MNIST), where the equidistant closed forms do not
 * apply: the data-dependent instability of the global fixed point and a β_eff estimate from the patterns'
 * separation (data/sources/phase-transition.md §2.6).
 *
 * Everything is computed in the N-dimensional coefficient space: after one update every state is `ξ = Xᵀp`
 * with p on the simplex, the scores are `Gp` (G = XXᵀ, the N × N Gram matrix), and the fixed-point equation
 * is `p = softmax(βGp)`. The Jacobian of the update at ξ is `β Xᵀ(diag p − ppᵀ)X`; its non-zero eigenvalues are
 * those of `β (diag p − ppᵀ) G`, all real and ≥ 0.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import {
  checkMatrix,
  columnMeans,
  distance,
  matmulT,
  type Matrix,
  maxRowNorm,
  row,
  transpose,
} from "../linalg/matrix.ts";
import { softmax } from "../maps/softmax.ts";
import { solve } from "../linalg/solve.ts";

/**
 * `Δ̄ = mean_{i≠j} ‖xᵢ − xⱼ‖² / 2`, the mean half squared distance; for equidistant patterns it is
 * `r²(1 − c)`, the Δ of `phase.ts`, so `β·Δ̄` generalises `K = β r²(1−c)`. Shapes: patterns N × d (N ≥ 2).
 *
 * @example
 * ```ts
 * import { meanSeparation } from "./phase_data.ts";
 * import { equidistant } from "../data/synthetic.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(meanSeparation(equidistant(6, { cosine: 0.2, radius: 2 })) - 4 * 0.8) < 1e-12);
 * ```
 */
export function meanSeparation(patterns: Matrix): number {
  checkMatrix(patterns, "patterns", "compute the mean separation");
  const n = patterns.rows, d = patterns.cols;
  if (n < 2) throw new RangeError(`Cannot compute the mean separation: need N ≥ 2 patterns: N=${n}`);
  // Σ_{i,j} ‖xᵢ − xⱼ‖² = 2N Σ‖xᵢ − x̄‖², so the mean over i ≠ j of half of it is N/(N−1) · tr Cov_u.
  const mean = columnMeans(patterns);
  let ss = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) ss += (patterns.data[i * d + k] - mean[k]) ** 2;
  return ss / (n - 1);
}

/**
 * Largest eigenvalue of `A·B` for symmetric PSD A and B given as `v ↦ ABv` (power iteration, Rayleigh). Used on
 * the continuation's hot path, where each step needs only the spectral radius of an N × N Jacobian: one
 * iteration is O(N²), a full eigendecomposition O(N³).
 */
function topEigenvalue(apply: (v: Float64Array) => Float64Array, n: number, tol = 1e-14): number {
  let v = new Float64Array(n).map((_, i) => 1 + Math.sin(1 + i)); // fixed start: deterministic
  let lambda = 0;
  for (let it = 0; it < 50000; it++) {
    const w = apply(v);
    let num = 0, den = 0;
    for (let i = 0; i < n; i++) [num, den] = [num + w[i] * v[i], den + v[i] * v[i]];
    const next = num / den;
    const size = Math.hypot(...w);
    if (size === 0) return 0;
    v = w.map((x) => x / size);
    if (Math.abs(next - lambda) <= tol * Math.abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

/** `β (diag p − ppᵀ) G v`. */
function jacobianApply(G: Matrix, p: Float64Array, beta: number): (v: Float64Array) => Float64Array {
  const n = p.length;
  return (v) => {
    const gv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += G.data[i * n + j] * v[j];
      gv[i] = s;
    }
    let pg = 0;
    for (let i = 0; i < n; i++) pg += p[i] * gv[i];
    return gv.map((x, i) => beta * p[i] * (x - pg));
  };
}

/** A dense solver of `A x = b`: `solve` from linalg, or a backend's (LAPACK on `blas`). */
export type DenseSolve = (A: Matrix, b: ArrayLike<number>) => Float64Array;

/** The fixed point `p = softmax(βGp)` by Newton's method from `start` (used for continuation along a branch). */
function newtonFixedPoint(
  G: Matrix,
  beta: number,
  start: Float64Array,
  dense: DenseSolve,
): { p: Float64Array; converged: boolean } {
  const n = start.length;
  let p = start.slice();
  for (let it = 0; it < 100; it++) {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += G.data[i * n + j] * p[j];
      z[i] = beta * s;
    }
    const q = softmax(z);
    const residual = p.map((x, i) => x - q[i]);
    const size = Math.hypot(...residual);
    if (size <= 1e-15) return { p, converged: true };
    // h(p) = p − softmax(βGp); h'(p) = I − β (diag q − qqᵀ) G.
    // (diag q − qqᵀ)G = diag(q)G − q(qᵀG): O(N²).
    const qG = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) qG[j] += q[k] * G.data[k * n + j];
    const J = { rows: n, cols: n, data: new Float64Array(n * n) };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        J.data[i * n + j] = (i === j ? 1 : 0) - beta * q[i] * (G.data[i * n + j] - qG[j]);
      }
    }
    const step = dense(J, residual);
    p = p.map((x, i) => x - step[i]);
    if (Math.hypot(...step) <= 1e-15) return { p, converged: true };
  }
  return { p, converged: false };
}

/** Where the global fixed point of a pattern set loses stability. */
export interface GlobalThreshold {
  /** β at which the largest Jacobian eigenvalue at the global fixed point reaches 1. */
  beta: number;
  /** `λ_max` of the uniform-weight covariance `Cov_u[x]`; `1/λ_max` is the threshold for centred data. */
  lambdaMax: number;
  /** Whether the patterns' mean is 0 (then `beta = 1/λ_max` exactly). */
  centred: boolean;
  /**
   * Whether the global branch lost stability below `betaMax`. For uncentred data it can instead deform
   * continuously into pattern-dominated states (an imperfect bifurcation); then `beta` is `Infinity`.
   */
  found: boolean;
}

/**
 * `λ_max(Cov_u)` of centred rows Xc (N × d): the largest eigenvalue of `Xcᵀ Xc / N` (d × d), or of the Gram
 * matrix `Xc Xcᵀ / N` (N × N, the same non-zero eigenvalues), whichever is smaller, by ml-matrix's symmetric
 * eigendecomposition (Householder tridiagonalisation and QL; exact to rounding, where a power iteration's
 * convergence depends on the gap to the second eigenvalue).
 */
function largestCovarianceEigenvalue(centred: Matrix): number {
  const n = centred.rows, d = centred.cols;
  const small = n <= d ? matmulT(centred, centred) : matmulT(transpose(centred), transpose(centred));
  const k = small.rows;
  const rows = Array.from(
    { length: k },
    (_, i) => Array.from(small.data.subarray(i * k, (i + 1) * k), (v) => v / n),
  );
  const { realEigenvalues } = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true });
  return Math.max(...realEigenvalues);
}

/**
 * The data-dependent stability threshold of the global fixed point. For centred data (mean 0) the global fixed
 * point is ξ = 0 with Jacobian `β Cov_u[x]`, so `β = 1/λ_max(Cov_u)`. Otherwise the global branch is followed
 * from β = 0 (p uniform) by Newton continuation in coefficient space (steps of 3% near instability), and the β where the largest
 * Jacobian eigenvalue reaches 1 (or the branch folds) is located by bisection to relative width `tol`
 * (default 1e-10). If that does not happen below `betaMax` (default 30/λ_max), `found` is false. Each Newton
 * step solves an N × N system with `solve` (default: the TypeScript LU; `backend.solve` brings LAPACK);
 * `onProgress` hears each point of the march. Shapes: patterns N × d.
 *
 * @example
 * ```ts
 * import { globalThreshold } from "./phase_data.ts";
 * import { equidistant } from "../data/synthetic.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(globalThreshold(equidistant(10)).beta - 9) < 1e-9); // centred simplex: N − 1
 * assert.ok(Math.abs(globalThreshold(equidistant(4, { cosine: 0 })).beta - 4) < 1e-8); // orthonormal: N
 * ```
 */
export function globalThreshold(
  patterns: Matrix,
  options: {
    tol?: number;
    betaMax?: number;
    solve?: DenseSolve;
    /** Called after each point of the branch is followed (β and the Jacobian's spectral radius there). */
    onProgress?: (beta: number, radius: number) => void;
  } = {},
): GlobalThreshold {
  checkMatrix(patterns, "patterns", "locate the global threshold");
  const n = patterns.rows, d = patterns.cols, tol = options.tol ?? 1e-10, dense = options.solve ?? solve;
  if (n < 2) throw new RangeError(`Cannot locate the global threshold: need N ≥ 2 patterns: N=${n}`);
  const mean = columnMeans(patterns);
  const centredRows = patterns.data.map((v, k) => v - mean[k % d]);
  const lambdaMax = largestCovarianceEigenvalue({ rows: n, cols: d, data: centredRows });
  const centred = Math.hypot(...mean) <= 1e-12 * maxRowNorm(patterns);
  if (centred) return { beta: 1 / lambdaMax, lambdaMax, centred, found: true };
  const betaMax = options.betaMax ?? 30 / lambdaMax;
  const G = matmulT(patterns, patterns);
  // 1e-12 decides ρ ≥ 1 far more finely than the bisection needs, at a fraction of the power iterations.
  const radius = (beta: number, p: Float64Array) => topEigenvalue(jacobianApply(G, p, beta), n, 1e-12);
  // March up the global branch in small steps (so Newton stays on it) until it is unstable, then bisect.
  let lo = 0, pLo: Float64Array = new Float64Array(n).fill(1 / n);
  let hi = 0.25 / lambdaMax;
  for (;;) {
    if (hi > betaMax) return { beta: Infinity, lambdaMax, centred, found: false };
    const r = newtonFixedPoint(G, hi, pLo, dense);
    if (!r.converged) break; // Newton fails at a fold: the branch ends there
    const rho = radius(hi, r.p);
    options.onProgress?.(hi, rho);
    if (rho >= 1) break;
    [lo, pLo] = [hi, r.p];
    hi *= rho < 0.5 ? 1.2 : 1.03; // long strides while far from instability
  }
  while (hi - lo > tol * hi) {
    const mid = 0.5 * (lo + hi);
    const r = newtonFixedPoint(G, mid, pLo, dense);
    if (r.converged && radius(mid, r.p) < 1) [lo, pLo] = [mid, r.p];
    else hi = mid;
  }
  return { beta: 0.5 * (lo + hi), lambdaMax, centred, found: true };
}

/**
 * The normalised divergence `D = mean_i ‖ξᵢ* − xᵢ‖ / mean_i ‖xᵢ − x̄‖`, where ξᵢ* is the fixed point reached
 * from stored pattern xᵢ: 0 when every pattern is its own attractor, 1 when all fall into the mean.
 *
 * @example
 * ```ts
 * import { normalisedDivergence } from "./phase_data.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * assert.equal(normalisedDivergence(X, X), 0);
 * assert.ok(Math.abs(normalisedDivergence(X, fromRows([[0.5, 0.5], [0.5, 0.5]])) - 1) < 1e-15);
 * ```
 */
export function normalisedDivergence(patterns: Matrix, finals: Matrix): number {
  checkMatrix(patterns, "patterns", "compute the divergence");
  checkMatrix(finals, "finals", "compute the divergence");
  if (finals.rows !== patterns.rows || finals.cols !== patterns.cols) {
    throw new RangeError(
      `Cannot compute the divergence: finals must have the patterns' shape: patterns=${patterns.rows}×${patterns.cols}, finals=${finals.rows}×${finals.cols}`,
    );
  }
  const mean = columnMeans(patterns);
  let num = 0, den = 0;
  for (let i = 0; i < patterns.rows; i++) {
    num += distance(row(finals, i), row(patterns, i));
    den += distance(row(patterns, i), mean);
  }
  if (!(den > 0)) throw new RangeError("Cannot compute the divergence: all patterns are equal");
  return num / den;
}
