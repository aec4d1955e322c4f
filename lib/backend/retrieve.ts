/**
 * Retrieval on any backend: `retrieve()`'s loop and stopping rule (`hopfield/retrieval_loop.ts`), with each
 * batched update run by `cpu`, `blas` or `webgpu`.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { type RetrieveOptions, type RetrieveResult, stoppingRule } from "../hopfield/retrieve.ts";
import { retrievalLoop } from "../hopfield/retrieval_loop.ts";
import { checkPatterns, hopfieldSpec } from "../hopfield/options.ts";
import type { Backend } from "./types.ts";
import { approximationOf, lowRankAttention, lowRankMemory, type MethodOptions } from "../approx/low_rank.ts";

/** `retrieve()` options plus the backend to run on and the kernel's method. */
export interface RetrieveOnOptions extends RetrieveOptions, MethodOptions {
  /** The backend, chosen once by `selectBackend()` and passed down. */
  backend: Backend;
}

/**
 * `retrieve()` on a backend: the same loop, stopping rule and results, each update of the still-moving queries
 * one batched backend step. On `cpu` it gives `retrieve()`'s numbers to the bit. With `trajectory: false` the
 * steps skip the B × N probabilities (the fused `blas` path), and the probabilities of each query's last update
 * are computed once at the end.
 *
 * With `method: "polynomial"` (degree g) or `"random-features"` (R features) each update is the low-rank
 * attention of `approx/low_rank.ts` (softmax only): the memory is summarised once, `U(Ξ)ᵀ[Ξ | 1]`, and each
 * update costs O(B·r·d); the result then carries the rank r. Energies along a trajectory are the exact energy
 * of the states the approximate updates reach.
 *
 * Shapes: patterns N × d, queries B × d → states B × d, probabilities B × N.
 *
 * @example
 * ```ts
 * import { retrieveOn } from "./retrieve.ts";
 * import { selectBackend } from "./select.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
 * const backend = await selectBackend("blas");
 * const r = await retrieveOn(X, fromRows([[0.8, 0.3, 0.1]]), { backend, beta: 20, eps: 1e-5 });
 * assert.ok(r.converged[0] && Math.abs(r.states.data[0] - 1) < 1e-5);
 * ```
 */
export async function retrieveOn(
  patterns: Matrix,
  queries: Matrix,
  options: RetrieveOnOptions,
): Promise<RetrieveResult & { backend: Backend; rank?: number }> {
  const spec = hopfieldSpec(options, "retrieve");
  const backend = options.backend;
  if (!backend || typeof backend.step !== "function") {
    throw new TypeError(
      `Cannot retrieve: options.backend must be a backend from selectBackend(): backend=${backend}`,
    );
  }
  checkPatterns(patterns, queries, "retrieve");
  const approximation = approximationOf(options);
  if (approximation && spec.kind !== "softmax") {
    throw new RangeError(
      `Cannot retrieve: method ${approximation.method} approximates exp, so the map must be softmax: map=${spec.kind}`,
    );
  }
  const lowRank = approximation
    ? await lowRankMemory(patterns, patterns, approximation, spec.beta, backend)
    : null;
  const loop = retrievalLoop(patterns, queries, stoppingRule(options), {
    record: options.trajectory ?? true,
    eachStep: backend.name === "cpu",
    onProgress: options.onProgress,
  });
  let next = loop.next();
  while (!next.done) {
    const r = next.value;
    next = loop.next(
      r.op === "energies"
        ? await backend.energies(patterns, r.states, spec)
        : lowRank
        ? await lowRankAttention(lowRank, r.states, backend, { probabilities: r.probabilities })
        : await backend.step(patterns, r.states, spec, { probabilities: r.probabilities }),
    );
  }
  return lowRank ? { ...next.value, backend, rank: lowRank.rank } : { ...next.value, backend };
}
