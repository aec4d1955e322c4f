/**
 * Retrieval: iterate the update `ξ ← X·map(β Xᵀξ)` from a batch of queries until each state stops moving.
 *
 * @module
 */
import { type Matrix, maxRowNorm } from "../linalg/matrix.ts";
import { energyRows } from "./energy.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "./options.ts";
import { retrievalLoop, type RetrieveResult, type StoppingRule } from "./retrieval_loop.ts";
import { updateRows } from "./update.ts";

export type { RetrieveResult, StoppingRule, Trajectory } from "./retrieval_loop.ts";

/** Retrieval options: the model plus the stopping rule. */
export interface RetrieveOptions extends HopfieldOptions {
  /** At most this many updates (default 100); `1` is exactly one update, i.e. attention. */
  maxSteps?: number;
  /** Stop once `‖ξ_{t+1} − ξ_t‖ ≤ eps` (default 1e-8). */
  eps?: number;
  /** Record the per-step trajectory (default true). */
  trajectory?: boolean;
  /** Called after each batched update with the update's number and how many queries are still moving. */
  onProgress?: (info: { step: number; active: number }) => void;
}

/**
 * The stopping rule of `retrieve()`, checked: `maxSteps` (default 100) and `eps` (default 1e-8).
 *
 * @example
 * ```ts
 * import { stoppingRule } from "./retrieve.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(stoppingRule({}), { maxSteps: 100, eps: 1e-8 });
 * assert.throws(() => stoppingRule({ maxSteps: 0 }), /maxSteps=0/);
 * ```
 */
export function stoppingRule(options: { maxSteps?: number; eps?: number }): StoppingRule {
  const maxSteps = options.maxSteps ?? 100;
  const eps = options.eps ?? 1e-8;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`Cannot retrieve: maxSteps must be a positive integer: maxSteps=${maxSteps}`);
  }
  if (!(eps >= 0) || !Number.isFinite(eps)) {
    throw new RangeError(`Cannot retrieve: eps must be a finite number ≥ 0: eps=${eps}`);
  }
  return { maxSteps, eps };
}

/**
 * Retrieves from a batch of queries by iterating `ξ_{t+1} = X·map(β Xᵀξ_t)` (Ramsauer et al. 2020, Eq. 3;
 * sparse maps: Hu et al. 2023, Wu et al. 2024). Each query stops on its own once `‖ξ_{t+1} − ξ_t‖ ≤ eps`, or
 * after `maxSteps` updates. For softmax the energy along each trajectory never increases (Theorem 1). This is
 * the Float64 reference; `retrieveOn()` runs the same loop on a fast backend.
 *
 * Shapes: patterns N × d (one per row), queries B × d → states B × d, probabilities B × N.
 *
 * @example
 * ```ts
 * import { retrieve } from "./retrieve.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
 * const r = retrieve(X, fromRows([[0.8, 0.3, 0.1]]), { beta: 20 });
 * assert.ok(r.converged[0] && Math.abs(r.states.data[0] - 1) < 1e-6);
 * ```
 */
export function retrieve(patterns: Matrix, queries: Matrix, options: RetrieveOptions): RetrieveResult {
  const spec = hopfieldSpec(options, "retrieve");
  checkPatterns(patterns, queries, "retrieve");
  const rule = stoppingRule(options), maxNorm = maxRowNorm(patterns);
  const loop = retrievalLoop(patterns, queries, rule, {
    record: options.trajectory ?? true,
    eachStep: true,
    onProgress: options.onProgress,
  });
  let next = loop.next();
  while (!next.done) {
    const r = next.value;
    next = loop.next(
      r.op === "step"
        ? updateRows(patterns, patterns, r.states, spec, r.probabilities)
        : energyRows(patterns, r.states, spec, maxNorm),
    );
  }
  return next.value;
}
