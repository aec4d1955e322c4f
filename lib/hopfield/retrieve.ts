/**
 * Retrieval: iterate the update `ξ ← X·map(β Xᵀξ)` from a batch of queries until each state stops moving.
 *
 * @module
 */
import { type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { energyUnchecked } from "./energy.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "./options.ts";
import { updateInto } from "./update.ts";

/** Retrieval options: the model plus the stopping rule. */
export interface RetrieveOptions extends HopfieldOptions {
  /** At most this many updates (default 100); `1` is exactly one update, i.e. attention. */
  maxSteps?: number;
  /** Stop once `‖ξ_{t+1} − ξ_t‖ ≤ eps` (default 1e-8). */
  eps?: number;
  /** Record the per-step trajectory (default true). */
  trajectory?: boolean;
}

/** The path of one query: entry 0 of `energy` is the query's own energy, entry t the energy after update t. */
export interface Trajectory {
  /** Energy before the first update, then after each update (length steps + 1). */
  energy: number[];
  /** `‖ξ_t − ξ_{t−1}‖` for each update (length steps). */
  delta: number[];
  /** Number of non-zero probabilities at each update (length steps). */
  support: number[];
}

/** What `retrieve()` returns for a batch of B queries. */
export interface RetrieveResult {
  /** Final states, B × d. */
  states: Matrix;
  /** The probabilities of the last update, B × N. */
  probabilities: Matrix;
  /** Updates applied to each query. */
  steps: number[];
  /** Whether each query met `‖Δξ‖ ≤ eps` within `maxSteps`. */
  converged: boolean[];
  /** Per-query trajectories (empty when `trajectory: false`). */
  trajectories: Trajectory[];
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
export function stoppingRule(
  options: { maxSteps?: number; eps?: number },
): { maxSteps: number; eps: number } {
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
 * after `maxSteps` updates. For softmax the energy along each trajectory never increases (Theorem 1).
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
  const { maxSteps, eps } = stoppingRule(options);
  const record = options.trajectory ?? true;
  const n = patterns.rows, d = patterns.cols, b = queries.rows;
  const maxNorm = maxRowNorm(patterns);
  const states = matrix(b, d), probabilities = matrix(b, n);
  const steps: number[] = [], converged: boolean[] = [], trajectories: Trajectory[] = [];
  let current = new Float64Array(d), next = new Float64Array(d);
  for (let q = 0; q < b; q++) {
    current.set(queries.data.subarray(q * d, (q + 1) * d));
    const p = probabilities.data.subarray(q * n, (q + 1) * n);
    const path: Trajectory = { energy: [], delta: [], support: [] };
    if (record) path.energy.push(energyUnchecked(patterns, current, spec, maxNorm));
    let t = 0, done = false;
    while (t < maxSteps && !done) {
      updateInto(patterns, current, spec, next, p);
      t++;
      let sq = 0;
      for (let k = 0; k < d; k++) sq += (next[k] - current[k]) ** 2;
      const delta = Math.sqrt(sq);
      done = delta <= eps;
      [current, next] = [next, current];
      if (record) {
        path.energy.push(energyUnchecked(patterns, current, spec, maxNorm));
        path.delta.push(delta);
        let support = 0;
        for (let i = 0; i < n; i++) if (p[i] > 0) support++;
        path.support.push(support);
      }
    }
    states.data.set(current, q * d);
    steps.push(t);
    converged.push(done);
    if (record) trajectories.push(path);
  }
  return { states, probabilities, steps, converged, trajectories };
}
