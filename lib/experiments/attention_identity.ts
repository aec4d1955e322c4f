/**
 * Notebook 01, table `attention_identity`: transformer attention equals one Hopfield update
 * (Ramsauer et al. 2020, Eq. 10): `softmax(β R W_Q W_Kᵀ Yᵀ) Y W_K W_V` is the update of the states
 * `ξ = W_Qᵀ r` on the patterns `x = W_Kᵀ y`, followed by the projection W_V.
 *
 * @module
 */
import { attention } from "../hopfield/attention.ts";
import { update } from "../hopfield/update.ts";
import { matmul, type Matrix, matrix, row } from "../linalg/matrix.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";

/** Sizes of the check. */
export interface AttentionParams {
  /** Number of state (query) patterns S. */
  s: number;
  /** Number of stored (key) patterns N. */
  n: number;
  /** Width of the state patterns R. */
  dr: number;
  /** Width of the stored patterns Y. */
  dy: number;
  /** Associative (key) dimension d_k; β = 1/√d_k. */
  dk: number;
  /** Value dimension d_v. */
  dv: number;
  /** Seed of the random matrices. */
  seed: number;
}

function gaussian(rows: number, cols: number, prng: Prng): Matrix {
  const m = matrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = prng.normal() / Math.sqrt(cols);
  return m;
}

/** Computes both sides of Eq. 10 and their largest absolute difference. */
export function runAttentionIdentity(
  params: AttentionParams,
): { maxAbsDiff: number; beta: number; shape: number[] } {
  const prng = createPrng(params.seed);
  const R = gaussian(params.s, params.dr, prng), Y = gaussian(params.n, params.dy, prng);
  const WQ = gaussian(params.dr, params.dk, prng), WK = gaussian(params.dy, params.dk, prng);
  const WV = gaussian(params.dk, params.dv, prng);
  const beta = 1 / Math.sqrt(params.dk);
  const K = matmul(Y, WK), Q = matmul(R, WQ), V = matmul(K, WV);
  const Z = attention(Q, K, V, { beta });
  let maxAbsDiff = 0;
  for (let i = 0; i < params.s; i++) {
    const xi = update(K, row(Q, i), { beta }).state; // Hopfield update in the associative space
    const projected = matmul({ data: xi, rows: 1, cols: params.dk }, WV);
    for (let j = 0; j < params.dv; j++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(projected.data[j] - Z.data[i * params.dv + j]));
    }
  }
  return { maxAbsDiff, beta, shape: [Z.rows, Z.cols] };
}
