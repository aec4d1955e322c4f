/**
 * The `cpu` backend: the Float64 TypeScript reference, the source of truth the others are tested against.
 *
 * @module
 */
import { energyRows } from "../hopfield/energy.ts";
import { updateRows } from "../hopfield/update.ts";
import { type DenseMatrix, type Matrix, matrix, rowRange } from "../linalg/matrix.ts";
import { solve } from "../linalg/solve.ts";
import type { MapSpec } from "../maps/spec.ts";
import { iterateSteps } from "./iterate.ts";
import { deliverInto } from "./step_into.ts";
import { type Memory, memoryParts } from "./memory.ts";
import { checkLeaveOneOut, leaveOneOutOnHost } from "./leave_one_out.ts";
import { matmulOnHost } from "./matmul.ts";
import type { Backend, StepOutput, StepResult } from "./types.ts";

// deno-lint-ignore require-await
const step = async (
  memory: Memory,
  Q: DenseMatrix,
  spec: MapSpec,
  output: StepOutput = {},
): Promise<StepResult> => {
  const { keys, values } = memoryParts(memory, Q.cols, "step on cpu");
  return deliverInto(
    updateRows(keys, values, Q, spec, output.probabilities !== false),
    output.into,
    "f64",
    "cpu",
  );
};

/**
 * The Float64 TypeScript reference backend (an f32 pattern matrix is computed on in f64).
 *
 * @example
 * ```ts
 * import { cpuBackend } from "./cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { mapSpec } from "../maps/spec.ts";
 * import assert from "node:assert/strict";
 * const r = await cpuBackend.step(fromRows([[1, 0], [0, 1]]), fromRows([[0.9, 0.1]]), mapSpec({ beta: 100 }));
 * assert.ok(Math.abs(r.states.data[0] - 1) < 1e-12);
 * ```
 */
export const cpuBackend: Backend = Object.freeze(
  {
    name: "cpu",
    precision: "f64",
    description: "TypeScript, Float64",
    step,
    iterate: (X, Q, spec, steps, output) => iterateSteps(step, X, Q, spec, steps, output),
    energies: (X, states, spec) => Promise.resolve(energyRows(X, states, spec)),
    scores: (X, Q) => Promise.resolve(scoresOnHost(X, Q)),
    // deno-lint-ignore require-await
    matmul: async (A, B, options = {}) => matmulOnHost(A, B, options),
    leaveOneOutAttention: async (U, beta, values) => {
      checkLeaveOneOut(U, beta, "cpu", values);
      return await leaveOneOutOnHost(
        U,
        beta,
        (r0, r1) => Promise.resolve(scoresOnHost(U, rowRange(U, r0, r1))),
        values,
      );
    },
    solve,
  } satisfies Backend,
);

/** `Q·Xᵀ` in Float64, row by row. */
function scoresOnHost(patterns: DenseMatrix, queries: DenseMatrix): Matrix {
  const n = patterns.rows, d = patterns.cols, b = queries.rows, out = matrix(b, n);
  const X = patterns.data, Q = queries.data;
  for (let q = 0; q < b; q++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Q[q * d + k] * X[i * d + k];
      out.data[q * n + i] = s;
    }
  }
  return out;
}
