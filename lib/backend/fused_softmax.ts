/**
 * The fused softmax step of the `blas` backend in f32: `out = softmax(β·Q·Xᵀ)·X` without ever storing the
 * B × N probabilities.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { Blas } from "./blas.ts";
import { OnlineSoftmax, type SoftmaxBlock } from "./online_softmax.ts";

/**
 * Query rows per block, and score entries per block (4 MB in f32: it stays in L3 while it is mapped and
 * multiplied; measured best on S1 and S2 among 1–8 MB).
 */
const FUSED_QUERIES = 256, FUSED_BLOCK = 1 << 20;

/**
 * The fused softmax step in f32: for each block of queries and each chunk of keys and values, `S = Q·Kcᵀ`
 * (sgemm), the online softmax of `β·S` in place (WebAssembly SIMD on every core; Milakov & Gimelshein 2018),
 * rescale the output rows by `α`, then `O += S·Vc` (sgemm); finally `out = O / ℓ`. For the Hopfield update the
 * keys and the values are the patterns. Memory: one score block and one output block, whatever B and N. The
 * states stay in f32 (a B × d f64 copy per step cost more than the softmax at S0). @internal
 *
 * Shapes: K N × d, V N × d_v (f32), queries B × d → states B × d_v (f32), written into `into` when given
 * (checked by the caller).
 */
export function fusedSoftmaxStep(
  blas: Blas,
  K: Float32Array,
  V: Float32Array,
  n: number,
  dv: number,
  queries: DenseMatrix,
  beta: number,
  into?: DenseMatrix,
): DenseMatrix {
  const d = queries.cols, b = queries.rows;
  const states = into ?? { rows: b, cols: dv, data: new Float32Array(b * dv) };
  if (into && into.data === queries.data) {
    throw new RangeError(
      "Cannot step on blas: into must not be the queries (they are read while it is written)",
    );
  }
  const sm = OnlineSoftmax.shared();
  const qb = Math.min(FUSED_QUERIES, b), nc = Math.min(Math.max(512, Math.floor(FUSED_BLOCK / qb)), n);
  // f32 queries are multiplied in place (a block of rows is contiguous); f64 ones are converted block by block.
  const direct = queries.data instanceof Float32Array ? queries.data : null;
  const Q = direct ? null : workspace("queries", qb * d);
  for (let q0 = 0; q0 < b; q0 += qb) {
    const m = Math.min(qb, b - q0);
    const Qb = direct ? direct.subarray(q0 * d, (q0 + m) * d) : Q!;
    if (!direct) Q!.set(queries.data.subarray(q0 * d, (q0 + m) * d));
    const block = streamBlock(blas, sm, Qb, m, K, V, n, d, dv, beta, nc);
    for (let r = 0; r < m; r++) {
      if (!(block.norm[r] > 0)) {
        throw new RangeError(
          `Cannot run on blas (f32): query ${
            q0 + r
          } has no finite score: its scores are NaN or beyond the f32 ` +
            `range ±3.4e38 (‖x‖·‖ξ‖ too large); use cpu or blas f64`,
        );
      }
    }
    sm.scaleRows(m, dv, "inverse norm");
    states.data.set(block.out.subarray(0, m * dv), q0 * dv);
  }
  return states;
}

/**
 * The streaming pass over one block of `m` query rows `Qb`: for each chunk of `nc` keys and values, `S = Qb·Kcᵀ`
 * (sgemm), the online softmax of `β·S` in place (running maximum and normaliser per row), rescale the output rows
 * by α, `O += S·Vc` (sgemm). Returns the kernel's block: `out` unnormalised, `max` and `norm` per row. With
 * `selfRow0`, row r's own column (key `selfRow0 + r`) is left out (set to −∞): leave-one-out attention. @internal
 */
export function streamBlock(
  blas: Blas,
  sm: OnlineSoftmax,
  Qb: Float32Array,
  m: number,
  K: Float32Array,
  V: Float32Array,
  n: number,
  d: number,
  dv: number,
  beta: number,
  nc: number,
  selfRow0?: number,
): SoftmaxBlock {
  // The output rows accumulate in the kernel's memory, where it rescales and normalises them.
  let block = sm.reserve(m, Math.ceil(nc / 4) * 4, dv);
  block.max.fill(-Infinity);
  block.norm.fill(0);
  for (let j0 = 0; j0 < n; j0 += nc) {
    const w = Math.min(nc, n - j0), stride = Math.ceil(w / 4) * 4;
    block = sm.reserve(m, stride, dv);
    if (stride !== w) {
      for (let r = 0; r < m; r++) block.scores.fill(-Infinity, r * stride + w, (r + 1) * stride);
    }
    const Kc = K.subarray(j0 * d, (j0 + w) * d), Vc = V.subarray(j0 * dv, (j0 + w) * dv);
    blas.gemm(true, m, w, d, Qb, d, Kc, d, 0, block.scores, stride);
    if (selfRow0 !== undefined) {
      for (let r = 0; r < m; r++) {
        const j = selfRow0 + r - j0;
        if (j >= 0 && j < w) block.scores[r * stride + j] = -Infinity;
      }
    }
    sm.run(m, stride, beta);
    // The first chunk writes O (beta = 0); later ones rescale it by α = exp(β(m_old − m_new)), then add.
    if (j0 > 0) sm.scaleRows(m, dv, "alpha");
    blas.gemm(false, m, dv, w, block.scores, stride, Vc, dv, j0 > 0 ? 1 : 0, block.out, dv);
  }
  return block;
}

const workspaces = new Map<string, Float32Array>();

/** A scratch array of at least `length` floats, kept across calls (the step allocates nothing per call). */
function workspace(name: string, length: number): Float32Array {
  let w = workspaces.get(name);
  if (!w || w.length < length) workspaces.set(name, w = new Float32Array(length));
  return w;
}
