/**
 * The fused softmax step of the `blas` backend in f32: `out = softmax(β·Q·Xᵀ)·X` without ever storing the
 * B × N probabilities.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix } from "../linalg/matrix.ts";
import type { Blas } from "./blas.ts";
import { OnlineSoftmax } from "./online_softmax.ts";

/**
 * Query rows per block, and score entries per block (4 MB in f32: it stays in L3 while it is mapped and
 * multiplied; measured best on S1 and S2 among 1–8 MB).
 */
const FUSED_QUERIES = 256, FUSED_BLOCK = 1 << 20;

/**
 * The fused softmax step in f32: for each block of queries and each chunk of patterns, `S = Q·Xcᵀ` (sgemm),
 * the online softmax of `β·S` in place (WebAssembly SIMD on every core; Milakov & Gimelshein 2018), rescale the
 * output rows by `α`, then `O += S·Xc` (sgemm); finally `out = O / ℓ`. Memory: one score block and one output
 * block, whatever B and N. @internal
 *
 * Shapes: X N × d (f32), queries B × d → states B × d (Float64).
 */
export function fusedSoftmaxStep(
  blas: Blas,
  X: Float32Array,
  n: number,
  queries: DenseMatrix,
  beta: number,
): Matrix {
  const d = queries.cols, b = queries.rows;
  const states = matrix(b, d);
  const sm = OnlineSoftmax.shared();
  const qb = Math.min(FUSED_QUERIES, b), nc = Math.min(Math.max(512, Math.floor(FUSED_BLOCK / qb)), n);
  const Q = new Float32Array(qb * d), O = new Float32Array(qb * d);
  for (let q0 = 0; q0 < b; q0 += qb) {
    const m = Math.min(qb, b - q0);
    Q.set(queries.data.subarray(q0 * d, (q0 + m) * d));
    O.fill(0);
    let block = sm.reserve(m, Math.ceil(nc / 4) * 4);
    block.max.fill(-Infinity);
    block.norm.fill(0);
    for (let j0 = 0; j0 < n; j0 += nc) {
      const w = Math.min(nc, n - j0), stride = Math.ceil(w / 4) * 4;
      block = sm.reserve(m, stride);
      if (stride !== w) {
        for (let r = 0; r < m; r++) block.scores.fill(-Infinity, r * stride + w, (r + 1) * stride);
      }
      const Xc = X.subarray(j0 * d, (j0 + w) * d);
      blas.gemm(true, m, w, d, Q, d, Xc, d, 0, block.scores, stride);
      sm.run(m, stride, beta);
      const alpha = block.alpha;
      for (let r = 0; r < m; r++) {
        const a = alpha[r];
        if (a !== 1) { for (let k = r * d; k < (r + 1) * d; k++) O[k] *= a; }
      }
      blas.gemm(false, m, d, w, block.scores, stride, Xc, d, 1, O, d);
    }
    for (let r = 0; r < m; r++) {
      const norm = block.norm[r];
      if (!(norm > 0)) {
        throw new RangeError(
          `Cannot apply softmax: scores must be finite: query ${q0 + r} has no finite score`,
        );
      }
      for (let k = 0; k < d; k++) states.data[(q0 + r) * d + k] = O[r * d + k] / norm;
    }
  }
  return states;
}
