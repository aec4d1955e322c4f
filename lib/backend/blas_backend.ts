/**
 * The `blas` backend: matrix products by the system CBLAS (`blas.ts`), maps on the host, and the fused
 * streaming-softmax step (`fused_softmax.ts`) when no probabilities are asked for.
 *
 * @module
 */
import { energyRows } from "../hopfield/energy.ts";
import { type DenseMatrix, type FloatArray, type Matrix, matrix } from "../linalg/matrix.ts";
import { solve } from "../linalg/solve.ts";
import { applyScaled, scaleShifted } from "../maps/separate.ts";
import { type MapSpec, mapSpec } from "../maps/spec.ts";
import { type Blas, loadBlas } from "./blas.ts";
import { checkF32 } from "./f32_range.ts";
import { fusedSoftmaxStep } from "./fused_softmax.ts";
import { iterateSteps } from "./iterate.ts";
import { checkInto, deliverInto } from "./step_into.ts";
import { type Memory, memoryParts } from "./memory.ts";
import { checkLeaveOneOut, leaveOneOutBlas32, leaveOneOutBlas64 } from "./leave_one_out.ts";
import { productShape, transposeTiled } from "./matmul.ts";
import type { Backend, StepOutput, StepResult } from "./types.ts";

/** `fn()` as a promise: its value, or what it throws as a rejection. */
const settle = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

/** Queries per block of the unfused step and of `scores`. */
const QUERY_BLOCK = 64;

/**
 * A `blas` backend in the given precision, or `null` if no CBLAS library loads (`blasError()` says why). Pattern
 * matrices are converted to the precision once and cached by their data array, so a Float64 pattern array must
 * not be changed in place after its first use here (pass a new array instead).
 *
 * @example
 * ```ts
 * import { blasBackend } from "./blas_backend.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { mapSpec } from "../maps/spec.ts";
 * import assert from "node:assert/strict";
 * const blas = blasBackend("f64");
 * if (blas) {
 *   const r = await blas.step(fromRows([[1, 0], [0, 1]]), fromRows([[0.9, 0.1]]), mapSpec({ beta: 100 }));
 *   assert.ok(Math.abs(r.states.data[0] - 1) < 1e-12);
 * }
 * ```
 */
export function blasBackend(precision: "f32" | "f64" = "f32"): Backend | null {
  const blas = loadBlas();
  if (!blas) return null;
  const Arr = precision === "f32" ? Float32Array : Float64Array;
  const converted = new WeakMap<FloatArray, FloatArray>();
  const asArr = (m: DenseMatrix): FloatArray => {
    if (m.data instanceof Arr) return m.data;
    let c = converted.get(m.data);
    if (!c) converted.set(m.data, c = new Arr(m.data));
    return c;
  };
  const fresh = (m: DenseMatrix): FloatArray => (m.data instanceof Arr ? m.data : new Arr(m.data));
  const guard = (X: DenseMatrix, Q: DenseMatrix, spec?: MapSpec) => {
    if (precision === "f32") checkF32("blas", X, Q, spec);
  };
  // deno-lint-ignore require-await
  const step = async (
    memory: Memory,
    queries: DenseMatrix,
    spec: MapSpec,
    output: StepOutput = {},
  ) => {
    const { keys, values } = memoryParts(memory, queries.cols, "step on blas");
    const fused = spec.kind === "softmax" && precision === "f32" && output.probabilities === false;
    if (precision === "f32") {
      checkF32("blas", keys, fused ? null : queries, spec);
      if (values !== keys) checkF32("blas", values, null);
    }
    const K = asArr(keys), V = asArr(values);
    if (fused && K instanceof Float32Array && V instanceof Float32Array) {
      if (output.into) checkInto(output.into, queries.rows, values.cols, precision, "blas");
      return {
        states: fusedSoftmaxStep(blas, K, V, keys.rows, values.cols, queries, spec.beta, output.into),
      };
    }
    return deliverInto(
      unfusedStep(blas, Arr, K, V, keys.rows, values.cols, queries, spec, output),
      output.into,
      precision,
      "blas",
    );
  };
  return Object.freeze(
    {
      name: "blas",
      precision,
      description: `${blas.library}, ${precision}`,
      step,
      iterate: (X, Q, spec, steps, output) => iterateSteps(step, X, Q, spec, steps, output),
      energies: (X, states, spec) => Promise.resolve(energyRows(X, states, spec)),
      scores: (X, Q) =>
        settle(() => {
          guard(X, Q);
          return blockScores(blas, Arr, asArr(X), X.rows, Q);
        }),
      matmul: (A, B, options = {}) =>
        settle(() => {
          const { m, n, k } = productShape(A, B, options, `blas ${precision}`);
          if (precision === "f32") {
            checkF32("blas", A, null);
            checkF32("blas", B, null);
          }
          // Converted afresh on every call (O(size) against the product's O(mnk)): a matmul's operands are often
          // arrays their owner changes in place between calls, which the step's conversion cache would miss.
          let a = fresh(A), ta = options.transposeA ?? false;
          const b = fresh(B), c = new Arr(m * n), tb = options.transposeB ?? false;
          if (ta && tb) [a, ta] = [transposeTiled({ rows: A.rows, cols: A.cols, data: a }).data, false];
          if (ta) blas.gemmTN(a, b, c, m, n, k);
          else blas.gemm(tb, m, n, k, a, k, b, tb ? k : n, 0, c, n);
          return { rows: m, cols: n, data: c };
        }),
      leaveOneOutAttention: (U, beta, values) =>
        settle(() => {
          checkLeaveOneOut(U, beta, `blas ${precision}`, values);
          if (precision === "f32") {
            checkF32("blas", U, U, mapSpec({ beta }));
            if (values) checkF32("blas", values, null);
          }
          const u = asArr(U), v = values ? asArr(values) : u, dv = values?.cols ?? U.cols;
          return u instanceof Float32Array && v instanceof Float32Array
            ? leaveOneOutBlas32(blas, u, U.rows, U.cols, beta, v, dv)
            : leaveOneOutBlas64(blas, u as Float64Array, U.rows, U.cols, beta, v as Float64Array, dv);
        }),
      // LAPACK when the library has it; the TypeScript LU otherwise, and for shapes it should name in its error.
      solve: (A, b) =>
        blas.solve && A.rows === A.cols && b.length === A.rows ? blas.solve(A.data, b, A.rows) : solve(A, b),
    } satisfies Backend,
  );
}

/** `S = Q·Xᵀ` in blocks of queries, widened to Float64. */
function blockScores(
  blas: Blas,
  Arr: Float32ArrayConstructor | Float64ArrayConstructor,
  X: FloatArray,
  n: number,
  queries: DenseMatrix,
): Matrix {
  const d = queries.cols, b = queries.rows, out = matrix(b, n);
  const block = Math.min(QUERY_BLOCK, b), scores = new Arr(block * n);
  for (let q0 = 0; q0 < b; q0 += block) {
    const m = Math.min(block, b - q0);
    blas.gemmNT(new Arr(queries.data.subarray(q0 * d, (q0 + m) * d)), X, scores, m, n, d);
    out.data.set(scores.subarray(0, m * n), q0 * n);
  }
  return out;
}

/**
 * One update with the B × N probabilities: sgemm/dgemm for the products (`S = Q Kᵀ`, `out = P V`), the map on
 * the host in Float64.
 */
function unfusedStep(
  blas: Blas,
  Arr: Float32ArrayConstructor | Float64ArrayConstructor,
  K: FloatArray,
  V: FloatArray,
  n: number,
  dv: number,
  queries: DenseMatrix,
  spec: MapSpec,
  output: StepOutput,
): StepResult {
  const d = queries.cols, b = queries.rows;
  // Without probabilities asked for, each row's map goes through one scratch row: no B × N matrix is made.
  const probabilities = output.probabilities === false ? null : matrix(b, n), states = matrix(b, dv);
  const block = Math.min(QUERY_BLOCK, b), row = probabilities ? null : new Float64Array(n);
  const scores = new Arr(block * n), out = new Arr(block * dv), z = new Float64Array(n);
  // A sparse map's rows usually keep a few memories: those rows are mixed from their support alone (in Float64),
  // and the block's second product is skipped when every row is that sparse.
  const sparseLimit = spec.kind === "softmax" ? 0 : Math.floor(n / 64),
    support = new Int32Array(Math.max(1, sparseLimit));
  const sparseRows = new Float64Array(block * dv);
  for (let q0 = 0; q0 < b; q0 += block) {
    const m = Math.min(block, b - q0);
    blas.gemmNT(new Arr(queries.data.subarray(q0 * d, (q0 + m) * d)), K, scores, m, n, d);
    let allSparse = sparseLimit > 0;
    for (let r = 0; r < m; r++) {
      const srow = scores.subarray(r * n, (r + 1) * n);
      const prow = probabilities ? probabilities.data.subarray((q0 + r) * n, (q0 + r + 1) * n) : row!;
      applyScaled(scaleShifted(srow, spec.beta, z, "update"), spec, prow);
      if (allSparse) {
        let count = 0;
        for (let j = 0; j < n && count <= sparseLimit; j++) if (prow[j] > 0) support[count++] = j;
        if (count > sparseLimit) allSparse = false;
        else {
          const o = sparseRows.subarray(r * dv, (r + 1) * dv).fill(0);
          for (let c = 0; c < count; c++) {
            const j = support[c], w = prow[j];
            for (let k = 0; k < dv; k++) o[k] += w * V[j * dv + k];
          }
        }
      }
      srow.set(prow);
    }
    if (allSparse) states.data.set(sparseRows.subarray(0, m * dv), q0 * dv);
    else {
      blas.gemmNN(scores, V, out, m, dv, n);
      states.data.set(out.subarray(0, m * dv), q0 * dv);
    }
  }
  return probabilities ? { states, probabilities } : { states };
}
