/**
 * The `webgpu` backend: retrieval on a GPU context (`gpu_retrieval.ts`), energies of sparse maps on the host.
 *
 * @module
 */
import { energyRows } from "../hopfield/energy.ts";
import { solve } from "../linalg/solve.ts";
import { GpuContext, type GpuLimits } from "./gpu_context.ts";
import { GpuRetrieval } from "./gpu_retrieval.ts";
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
  return Object.freeze(
    {
      name: "webgpu",
      precision: "f32",
      description: `${gpu.description}${gpu.fallback ? " (software fallback adapter)" : ""}`,
      step: (X, Q, spec, output = {}) => run.iterate(X, Q, spec, 1, output.probabilities !== false),
      iterate: (X, Q, spec, steps, output = {}) =>
        run.iterate(X, Q, spec, steps, output.probabilities !== false),
      energies: (X, states, spec) =>
        spec.kind === "softmax"
          ? run.energies(X, states, spec.beta)
          : Promise.resolve(energyRows(X, states, spec)),
      scores: (X, Q) => run.scores(X, Q),
      solve,
    } satisfies Backend,
  );
}
