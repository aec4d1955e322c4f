import assert from "node:assert/strict";
import { matrixRank } from "../../lib/linalg/rank.ts";
import { type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";

/** A seeded rows × cols matrix of rank k (a product of Gaussian rows × k and k × cols factors), times `scale`. */
function rankK(rows: number, cols: number, k: number, seed: number, scale = 1): Matrix {
  const prng = createPrng(seed), A = matrix(rows, cols);
  const B = Float64Array.from({ length: rows * k }, () => prng.normal());
  const C = Float64Array.from({ length: k * cols }, () => prng.normal());
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < k; p++) {
      for (let j = 0; j < cols; j++) A.data[i * cols + j] += scale * B[i * k + p] * C[p * cols + j];
    }
  }
  return A;
}

Deno.test("matrixRank: products of rank k, tall, wide and square, at any scale", () => {
  for (
    const [rows, cols, k] of [[60, 60, 60], [60, 60, 59], [80, 30, 30], [30, 80, 12], [40, 40, 1], [7, 3, 2]]
  ) {
    for (const scale of [1, 1e-200, 1e200]) {
      assert.equal(
        matrixRank(rankK(rows, cols, k, rows + cols + k, scale)),
        k,
        `${rows}×${cols} rank ${k} ×${scale}`,
      );
    }
  }
  assert.equal(matrixRank(matrix(5, 4)), 0);
  assert.equal(matrixRank(matrix(0, 4)), 0);
  // A column that is another plus 1e-10 of noise is independent; one plus 1e-17 is not (below ε).
  const A = rankK(20, 5, 5, 9), B = matrix(20, 6);
  for (let i = 0; i < 20; i++) {
    B.data.set(A.data.subarray(i * 5, (i + 1) * 5), i * 6);
    B.data[i * 6 + 5] = A.data[i * 5] * (1 + (i % 2 ? 1e-10 : -1e-10));
  }
  assert.equal(matrixRank(B), 6);
  for (let i = 0; i < 20; i++) B.data[i * 6 + 5] = A.data[i * 5] * (1 + (i % 2 ? 1e-17 : 0));
  assert.equal(matrixRank(B), 5);
  assert.throws(() => matrixRank({ rows: 1, cols: 2, data: new Float64Array([1, NaN]) }), /NaN/);
});
