/**
 * The `webgpu` backend: retrieval on a GPU context (`gpu_retrieval.ts`), energies of sparse maps on the host.
 *
 * @module
 */
import { energyRows } from "../hopfield/energy.ts";
import { solve } from "../linalg/solve.ts";
import { GpuContext, type GpuLimits } from "./gpu_context.ts";
import { GpuRetrieval } from "./gpu_retrieval.ts";
import { deliverInto } from "./step_into.ts";
import { type DenseMatrix, rowRange } from "../linalg/matrix.ts";
import { type MapSpec, mapSpec } from "../maps/spec.ts";
import { checkF32 } from "./f32_range.ts";
import { type Memory, memoryParts } from "./memory.ts";
import { checkLeaveOneOut, leaveOneOutOnHost } from "./leave_one_out.ts";
import { productShape, transposeTiled } from "./matmul.ts";
import type { Backend, StepOutput } from "./types.ts";

/** Options of {@link webgpuBackend}. */
export interface WebgpuOptions {
  /** Accept a software fallback adapter such as lavapipe (for tests; default false). */
  allowFallback?: boolean;
  /** Lower the device's limits (tests use this to force chunking). */
  limits?: Partial<GpuLimits>;
}

/**
 * A `webgpu` backend on the first adapter, or `null` when there is none (or only a software fallback adapter
 * and `allowFallback` is not set). Each call opens its own device; `selectBackend()` keeps one per process.
 *
 * @example
 * ```ts ignore
 * import { webgpuBackend } from "./webgpu_backend.ts";
 * const gpu = await webgpuBackend({ allowFallback: true });
 * console.log(gpu?.description); // e.g. "llvmpipe (LLVM 15.0.6, 256 bits) (software fallback adapter)"
 * ```
 */
export async function webgpuBackend(options: WebgpuOptions = {}): Promise<Backend | null> {
  const gpu = await GpuContext.create(options);
  if (!gpu) return null;
  const gpuRun = new GpuRetrieval(gpu);
  const name = "webgpu";
  // Multi-step states stay in the convex hull of the values, so their norms never exceed the values' largest.
  const guard = (X: DenseMatrix, Q: DenseMatrix, spec?: MapSpec, steps = 1, V: DenseMatrix = X) => {
    checkF32(name, X, Q, spec);
    if (V !== X) checkF32(name, V, null);
    if (steps > 1) checkF32(name, X, V, spec);
  };
  const run = async (memory: Memory, Q: DenseMatrix, spec: MapSpec, steps: number, output: StepOutput) => {
    const { keys, values } = memoryParts(memory, Q.cols, "step on webgpu");
    guard(keys, Q, spec, steps, values);
    const r = await gpuRun.iterate(keys, values, Q, spec, steps, output.probabilities !== false);
    return deliverInto(r, output.into, "f32", name);
  };
  return Object.freeze(
    {
      name,
      precision: "f32",
      description: `${gpu.description}${gpu.fallback ? " (software fallback adapter)" : ""}`,
      step: (memory, Q, spec, output = {}) => run(memory, Q, spec, 1, output),
      // deno-lint-ignore require-await
      iterate: async (memory, Q, spec, steps, output = {}) => {
        const { keys, values } = memoryParts(memory, Q.cols, "iterate on webgpu");
        if (values.cols !== keys.cols) {
          throw new RangeError(
            `Cannot iterate on webgpu: values must be as wide as the keys to feed each output back as a query: values=${values.cols}, keys=${keys.cols}`,
          );
        }
        return run(memory, Q, spec, steps, output);
      },
      energies: async (X, states, spec) => {
        if (spec.kind !== "softmax") return energyRows(X, states, spec);
        guard(X, states, spec);
        return await gpuRun.energies(X, states, spec.beta);
      },
      scores: async (X, Q) => {
        guard(X, Q);
        return await gpuRun.scores(X, Q);
      },
      matmul: async (A, B, options = {}) => {
        productShape(A, B, options, name);
        checkF32(name, A, null);
        checkF32(name, B, null);
        // The device computes Q·Pᵀ (the scores kernel): lay out op(A) as Q and op(B)ᵀ as P on the host.
        const Q = options.transposeA ? transposeTiled(A) : A, P = options.transposeB ? B : transposeTiled(B);
        const c = await gpuRun.transient(P, () => gpuRun.scores(P, Q));
        return { rows: c.rows, cols: c.cols, data: new Float32Array(c.data) };
      },
      leaveOneOutAttention: async (U, beta, values) => {
        checkLeaveOneOut(U, beta, name, values);
        guard(U, U, mapSpec({ beta }));
        return await gpuRun.transient(
          U,
          () => leaveOneOutOnHost(U, beta, (r0, r1) => gpuRun.scores(U, rowRange(U, r0, r1)), values),
        );
      },
      solve,
    } satisfies Backend,
  );
}
