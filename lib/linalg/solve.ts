/**
 * Dense linear solves on row-major typed arrays: Gaussian elimination with partial pivoting (Golub & Van Loan,
 * Alg. 3.4.1) and Cholesky (Alg. 4.2.1).
 *
 * Written here rather than taken from ml-matrix because both sit on hot paths (the polish's Gauss–Newton systems,
 * the Newton continuation of `globalThreshold`) and measured faster in the same run on the development machine:
 * LU 1.2 / 6.3 / 157 ms against ml-matrix's `LuDecomposition` 2.0 / 21.9 / 330 ms at n = 50 / 250 / 800, Cholesky
 * 1.3 / 6.9 / 95 ms against its `CholeskyDecomposition` 2.1 / 13.0 / 119 ms (ml-matrix keeps rows as nested
 * arrays; these work in place on one Float64Array).
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";

/** The order n of the system `A x = b`, after checking that A is n × n and b has length n. */
function order(A: Matrix, b: ArrayLike<number>): number {
  const n = A.rows;
  if (A.cols !== n || b.length !== n) {
    throw new RangeError(
      `Cannot solve: A must be square and b match it: A=${A.rows}×${A.cols}, b=${b.length}`,
    );
  }
  return n;
}

/**
 * Solves `A x = b` for square A (n × n), b of length n. Throws when A is singular to working precision.
 *
 * @example
 * ```ts
 * import { solve } from "./solve.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(solve(fromRows([[2, 1], [1, 3]]), [3, 5])), [0.8, 1.4]);
 * ```
 */
export function solve(A: Matrix, b: ArrayLike<number>): Float64Array {
  const n = order(A, b);
  const a = A.data.slice(), x = Float64Array.from(b);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[piv * n + k])) piv = i;
    if (Math.abs(a[piv * n + k]) <= 1e-14 * scale) {
      throw new RangeError(`Cannot solve: A is singular (column ${k})`);
    }
    if (piv !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[piv * n + j]] = [a[piv * n + j], a[k * n + j]];
      [x[k], x[piv]] = [x[piv], x[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / a[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/**
 * Solves `A x = b` for symmetric positive definite A (n × n) by Cholesky factorisation `A = LLᵀ` (Golub & Van
 * Loan, Alg. 4.2.1): n³/3 flops, half of {@link solve}'s. Reads only the lower triangle of A. Throws when a
 * pivot is not positive (A not positive definite to working precision).
 *
 * @example
 * ```ts
 * import { solveSpd } from "./solve.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const x = solveSpd(fromRows([[4, 2], [2, 3]]), [2, 5]);
 * assert.ok(Math.abs(x[0] + 0.5) < 1e-15 && Math.abs(x[1] - 2) < 1e-15);
 * assert.throws(() => solveSpd(fromRows([[1, 2], [2, 1]]), [1, 1]), /not positive definite/);
 * ```
 */
export function solveSpd(A: Matrix, b: ArrayLike<number>): Float64Array {
  const n = order(A, b);
  // L overwrites the lower triangle of a copy of A, row by row (rows i and j of L are contiguous).
  const L = A.data.slice(), x = Float64Array.from(b);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = L[rj + j];
    for (let k = 0; k < j; k++) s -= L[rj + k] * L[rj + k];
    if (!(s > 0)) throw new RangeError(`Cannot solve: A is not positive definite (pivot ${j}: ${s})`);
    const ljj = Math.sqrt(s);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = L[ri + j];
      for (let k = 0; k < j; k++) v -= L[ri + k] * L[rj + k];
      L[ri + j] = v / ljj;
    }
  }
  choleskySolve(L, n, n, x);
  return x;
}

/**
 * `v ← (L Lᵀ)⁻¹ v` for a Cholesky factor L held in the lower triangle of the first k rows of a row-major
 * array with row stride `stride` (k ≤ stride): forward substitution `L y = v`, then back substitution
 * `Lᵀ x = y` (Golub & Van Loan, Alg. 3.1.1–3.1.2), 2k² flops, in place on `v[0..k)`. {@link solveSpd} uses it
 * after factorising, and NNLS on a factor that grows and shrinks inside a fixed n × n buffer.
 *
 * @example
 * ```ts
 * import { choleskySolve } from "./solve.ts";
 * import assert from "node:assert/strict";
 * // L = (2 0; 1 √2) factors A = (4 2; 2 3); A x = (2, 5) gives x = (−0.5, 2).
 * const v = Float64Array.of(2, 5);
 * choleskySolve(Float64Array.of(2, 0, 1, Math.SQRT2), 2, 2, v);
 * assert.ok(Math.abs(v[0] + 0.5) < 1e-15 && Math.abs(v[1] - 2) < 1e-15);
 * ```
 */
export function choleskySolve(L: Float64Array, stride: number, k: number, v: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = v[i];
    for (let q = 0, ri = i * stride; q < i; q++) s -= L[ri + q] * v[q];
    v[i] = s / L[i * stride + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = v[i];
    for (let q = i + 1; q < k; q++) s -= L[q * stride + i] * v[q];
    v[i] = s / L[i * stride + i];
  }
}
