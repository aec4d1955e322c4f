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
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { MapSpec } from "../maps/spec.ts";
import { checkF32 } from "./f32_range.ts";
import type { Backend } from "./types.ts";

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
  const run = new GpuRetrieval(gpu);
  const name = "webgpu";
  // Multi-step states stay in the convex hull of the patterns, so their norms never exceed the patterns' largest.
  const guard = (X: DenseMatrix, Q: DenseMatrix, spec?: MapSpec, steps = 1) => {
    checkF32(name, X, Q, spec);
    if (steps > 1) checkF32(name, X, X, spec);
  };
  return Object.freeze(
    {
      name,
      precision: "f32",
      description: `${gpu.description}${gpu.fallback ? " (software fallback adapter)" : ""}`,
      step: async (X, Q, spec, output = {}) => {
        guard(X, Q, spec);
        const r = await run.iterate(X, Q, spec, 1, output.probabilities !== false);
        return deliverInto(r, output.into, "f32", name);
      },
      iterate: async (X, Q, spec, steps, output = {}) => {
        guard(X, Q, spec, steps);
        const r = await run.iterate(X, Q, spec, steps, output.probabilities !== false);
        return deliverInto(r, output.into, "f32", name);
      },
      energies: async (X, states, spec) => {
        if (spec.kind !== "softmax") return energyRows(X, states, spec);
        guard(X, states, spec);
        return await run.energies(X, states, spec.beta);
      },
      scores: async (X, Q) => {
        guard(X, Q);
        return await run.scores(X, Q);
      },
      solve,
    } satisfies Backend,
  );
}
