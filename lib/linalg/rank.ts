/**
 * Numerical rank of a dense matrix by Householder QR with column pivoting (Golub & Van Loan, Alg. 5.4.1).
 *
 * Written here rather than taken from ml-matrix: its SVD, on nested arrays, took 1.5 s for a 784 × 784 matrix,
 * and U-Hop checks the rank of every feature map it learns; the pivoted QR below takes a fraction of that.
 *
 * @module
 */
import { checkMatrix, type Matrix } from "./matrix.ts";

/**
 * The number of pivots `|R_kk|` of a column-pivoted QR factorisation above `max(rows, cols) · |R_00| · ε`
 * (ε = 2⁻⁵²; `|R_00|` is the largest column norm). Column pivoting makes the diagonal of R non-increasing in
 * magnitude and reveals the rank of all but contrived matrices (Golub & Van Loan, §5.4.2); the threshold is
 * the one numpy's `matrix_rank` applies to singular values. Used where a map must be injective (a feature map
 * `Φ(x) = Wx` needs rank d).
 *
 * Shapes: any rows × cols; O(rows · cols · min(rows, cols)) flops.
 *
 * @example
 * ```ts
 * import { matrixRank } from "./rank.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.equal(matrixRank(fromRows([[1, 2], [2, 4], [0, 0]])), 1);
 * assert.equal(matrixRank(fromRows([[1, 0], [0, 1], [1, 1]])), 2);
 * assert.equal(matrixRank(fromRows([[0, 0], [0, 0]])), 0);
 * ```
 */
export function matrixRank(m: Matrix): number {
  checkMatrix(m, "matrix", "compute rank");
  const rows = m.rows, cols = m.cols, steps = Math.min(rows, cols);
  if (steps === 0) return 0;
  // Column j of A is row j of C (contiguous), so each reflection updates contiguous rows. The rank does not
  // depend on scale: dividing by the largest entry keeps the squares in the norms from under- or overflowing.
  let top = 0;
  for (let k = 0; k < m.data.length; k++) top = Math.max(top, Math.abs(m.data[k]));
  if (top === 0) return 0;
  const C = new Float64Array(cols * rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) C[j * rows + i] = m.data[i * cols + j] / top;
  const norms = new Float64Array(cols), exact = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += C[j * rows + i] ** 2;
    norms[j] = exact[j] = Math.sqrt(s);
  }
  let tol = -1;
  for (let k = 0; k < steps; k++) {
    let p = k;
    for (let j = k + 1; j < cols; j++) if (norms[j] > norms[p]) p = j;
    if (p !== k) {
      const a = C.subarray(k * rows, (k + 1) * rows), b = C.subarray(p * rows, (p + 1) * rows), t = a.slice();
      a.set(b);
      b.set(t);
      [norms[k], norms[p]] = [norms[p], norms[k]];
      [exact[k], exact[p]] = [exact[p], exact[k]];
    }
    // Householder reflection zeroing column k below its diagonal: v = x − α e₁, α = −sign(x₀)‖x‖.
    const x = C.subarray(k * rows + k, (k + 1) * rows);
    let nx = 0;
    for (let i = 0; i < x.length; i++) nx += x[i] * x[i];
    nx = Math.sqrt(nx);
    if (tol < 0) tol = Math.max(rows, cols) * nx * Number.EPSILON;
    if (!(nx > tol)) return k;
    const alpha = x[0] > 0 ? -nx : nx;
    x[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < x.length; i++) vv += x[i] * x[i];
    for (let j = k + 1; j < cols; j++) {
      const y = C.subarray(j * rows + k, (j + 1) * rows);
      let dot = 0;
      for (let i = 0; i < y.length; i++) dot += x[i] * y[i];
      const f = (2 * dot) / vv;
      for (let i = 0; i < y.length; i++) y[i] -= f * x[i];
      // Downdate the remaining norm; recompute it when cancellation has eaten its digits (LAPACK's xGEQP3 rule).
      const r = Math.abs(y[0]) / norms[j];
      const shrink = Math.max(0, (1 - r) * (1 + r));
      if (shrink * (norms[j] / exact[j]) ** 2 <= Math.sqrt(Number.EPSILON)) {
        let s = 0;
        for (let i = 1; i < y.length; i++) s += y[i] * y[i];
        norms[j] = exact[j] = Math.sqrt(s);
      } else {
        norms[j] *= Math.sqrt(shrink);
      }
    }
  }
  return steps;
}
