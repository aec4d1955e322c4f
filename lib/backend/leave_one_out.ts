/**
 * Leave-one-out self-attention of a set of rows: every row attends to all the others, never to itself. It is
 * what the separation losses of U-Hop and U-Hop+ are made of (the log-mean-exp over pairs and its gradient), and
 * it is computed in blocks of rows so that no N × N matrix ever exists.
 *
 * @module
 */
import { type DenseMatrix, type FloatArray, type Matrix, matrix } from "../linalg/matrix.ts";
import type { Blas } from "./blas.ts";
import { OnlineSoftmax } from "./online_softmax.ts";
import { streamBlock } from "./fused_softmax.ts";

/** What {@link Backend.leaveOneOutAttention} returns. */
export interface LeaveOneOut {
  /** `lse_μ = log Σ_{ν≠μ} exp(β u_μᵀu_ν)`, length N. */
  lse: Float64Array;
  /**
   * `out_μ = Σ_{ν≠μ} p_μν v_ν`, p the softmax over ν ≠ μ and v the values (U itself unless given): N × d_v, in the
   * backend's precision.
   */
  states: DenseMatrix;
}

/** Score entries per block of rows (2²² entries: 32 MB in Float64). */
const BLOCK_ENTRIES = 1 << 22;

/** Checks U (N ≥ 2 rows), β and the values' rows once for every implementation. @internal */
export function checkLeaveOneOut(U: DenseMatrix, beta: number, backend: string, values?: DenseMatrix): void {
  const action = `Cannot compute leave-one-out attention on ${backend}`;
  if (U.rows < 2) throw new RangeError(`${action}: need at least 2 rows: rows=${U.rows}`);
  if (values && values.rows !== U.rows) {
    throw new RangeError(
      `${action}: values must have one row per row of U: values=${values.rows}, U=${U.rows}`,
    );
  }
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`${action}: beta must be a positive finite number: beta=${beta}`);
  }
}

/**
 * Leave-one-out attention from score blocks: `scoreRows(r0, r1)` gives rows r0…r1 of `U Uᵀ` (from the backend),
 * then each row is masked at its own entry, exponentiated from its maximum, and multiplied into U on the host in
 * Float64. Used by `cpu` and `webgpu`. @internal
 *
 * Shapes: U N × d → lse N, states N × d.
 */
export async function leaveOneOutOnHost(
  U: DenseMatrix,
  beta: number,
  scoreRows: (r0: number, r1: number) => Promise<Matrix>,
  values: DenseMatrix = U,
): Promise<LeaveOneOut> {
  const n = U.rows, d = values.cols, lse = new Float64Array(n), states = matrix(n, d), V = values.data;
  const block = Math.max(1, Math.floor(BLOCK_ENTRIES / n));
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block), S = await scoreRows(r0, r1);
    for (let i = r0; i < r1; i++) {
      const s = S.data.subarray((i - r0) * n, (i - r0 + 1) * n),
        out = states.data.subarray(i * d, (i + 1) * d);
      let m = -Infinity;
      for (let j = 0; j < n; j++) if (j !== i && s[j] > m) m = s[j];
      let l = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const e = Math.exp(beta * (s[j] - m));
        if (e === 0) continue;
        l += e;
        for (let k = 0; k < d; k++) out[k] += e * V[j * d + k];
      }
      for (let k = 0; k < d; k++) out[k] /= l;
      lse[i] = beta * m + Math.log(l);
    }
  }
  return { lse, states };
}

/**
 * Leave-one-out attention on the system BLAS in Float64: per block of rows `S = U_R Uᵀ` (dgemm), the masked
 * exponentials on the host, `out = E U` (dgemm). @internal
 */
export function leaveOneOutBlas64(
  blas: Blas,
  U: Float64Array,
  n: number,
  d: number,
  beta: number,
  V: Float64Array = U,
  dv: number = d,
): LeaveOneOut {
  const lse = new Float64Array(n), states = matrix(n, dv);
  const block = Math.max(1, Math.min(n, Math.floor(BLOCK_ENTRIES / n)));
  const S = new Float64Array(block * n), out = new Float64Array(block * dv);
  for (let r0 = 0; r0 < n; r0 += block) {
    const m = Math.min(block, n - r0);
    blas.gemmNT(U.subarray(r0 * d, (r0 + m) * d), U, S, m, n, d);
    for (let r = 0; r < m; r++) {
      const i = r0 + r, s = S.subarray(r * n, (r + 1) * n);
      s[i] = -Infinity;
      let top = -Infinity;
      for (let j = 0; j < n; j++) if (s[j] > top) top = s[j];
      let l = 0;
      for (let j = 0; j < n; j++) l += s[j] = Math.exp(beta * (s[j] - top));
      for (let j = 0; j < n; j++) s[j] /= l;
      lse[i] = beta * top + Math.log(l);
    }
    blas.gemmNN(S, V, out, m, dv, n);
    states.data.set(out.subarray(0, m * dv), r0 * dv);
  }
  return { lse, states };
}

/** Rows per block and columns per chunk of the f32 path (as the fused softmax step). */
const F32_ROWS = 256, F32_BLOCK = 1 << 20;

/**
 * Leave-one-out attention on the system BLAS in f32: the fused softmax step's streaming pass (`streamBlock`:
 * sgemm, SIMD online softmax, sgemm) with each row's own column left out. Memory: one score block of about 4 MB
 * and one output block. @internal
 */
export function leaveOneOutBlas32(
  blas: Blas,
  U: Float32Array,
  n: number,
  d: number,
  beta: number,
  V: Float32Array = U,
  dv: number = d,
): LeaveOneOut {
  const lse = new Float64Array(n),
    states = { rows: n, cols: dv, data: new Float32Array(n * dv) as FloatArray };
  const sm = OnlineSoftmax.shared();
  const qb = Math.min(F32_ROWS, n), nc = Math.min(Math.max(512, Math.floor(F32_BLOCK / qb)), n);
  for (let q0 = 0; q0 < n; q0 += qb) {
    const m = Math.min(qb, n - q0), Qb = U.subarray(q0 * d, (q0 + m) * d);
    // The first chunk is at least min(512, N) ≥ 2 wide, so every row has a finite score there and no running
    // maximum stays −∞ when its own column is left out.
    const block = streamBlock(blas, sm, Qb, m, U, V, n, d, dv, beta, nc, q0);
    for (let r = 0; r < m; r++) lse[q0 + r] = beta * block.max[r] + Math.log(block.norm[r]);
    sm.scaleRows(m, dv, "inverse norm");
    states.data.set(block.out.subarray(0, m * dv), q0 * dv);
  }
  return { lse, states };
}
