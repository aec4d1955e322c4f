/**
 * Transformer attention, to check the Hopfield–attention identity (Ramsauer et al. 2020, Eq. 10).
 *
 * @module
 */
import { matmul, matmulT, type Matrix } from "../linalg/matrix.ts";
import { separateRows } from "../maps/mod.ts";

/**
 * Scaled dot-product attention `Z = softmax(β Q Kᵀ) V`, row-wise softmax, β = 1/√d_k by default.
 *
 * Shapes: Q is S × d_k, K is N × d_k, V is N × d_v → Z is S × d_v. With K = V = X (patterns as rows) and
 * Q = Ξ (states as rows) each row of Z is one Hopfield update.
 *
 * @example
 * ```ts
 * import { attention } from "./attention.ts";
 * import { update } from "./update.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 2], [3, -1]]);
 * const Z = attention(fromRows([[0.5, 0.5]]), X, X, { beta: 0.7 });
 * const h = update(X, [0.5, 0.5], { beta: 0.7 }).state;
 * assert.ok(Math.abs(Z.data[0] - h[0]) < 1e-15 && Math.abs(Z.data[1] - h[1]) < 1e-15);
 * ```
 */
export function attention(q: Matrix, k: Matrix, v: Matrix, options: { beta?: number } = {}): Matrix {
  if (q.cols !== k.cols) {
    throw new RangeError(
      `Cannot compute attention: Q and K widths differ: Q.cols=${q.cols}, K.cols=${k.cols}`,
    );
  }
  if (k.rows !== v.rows) {
    throw new RangeError(
      `Cannot compute attention: K and V row counts differ: K.rows=${k.rows}, V.rows=${v.rows}`,
    );
  }
  const beta = options.beta ?? 1 / Math.sqrt(k.cols);
  return matmul(separateRows(matmulT(q, k), { beta }), v);
}
