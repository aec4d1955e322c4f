/**
 * Numerical rank of a dense matrix, by singular values (ml-matrix's SVD).
 *
 * @module
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from "ml-matrix";
import { checkMatrix, type Matrix } from "./matrix.ts";

/**
 * The number of singular values above `max(rows, cols) · σ_max · ε` (ε = 2⁻⁵², the threshold of LAPACK's and
 * numpy's `matrix_rank`). Used where a map must be injective (a feature map `Φ(x) = Wx` needs rank d).
 *
 * Shapes: any rows × cols.
 *
 * @example
 * ```ts
 * import { matrixRank } from "./rank.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.equal(matrixRank(fromRows([[1, 2], [2, 4], [0, 0]])), 1);
 * assert.equal(matrixRank(fromRows([[1, 0], [0, 1], [1, 1]])), 2);
 * ```
 */
export function matrixRank(m: Matrix): number {
  checkMatrix(m, "matrix", "compute rank");
  if (m.rows === 0 || m.cols === 0) return 0;
  const rows = Array.from(
    { length: m.rows },
    (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)),
  );
  const svd = new SingularValueDecomposition(new MlMatrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  const sigma = svd.diagonal;
  const tol = Math.max(m.rows, m.cols) * Math.max(...sigma) * Number.EPSILON;
  return sigma.filter((s) => s > tol).length;
}
