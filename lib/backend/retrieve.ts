/**
 * Retrieval on any backend: the same iteration and stopping rule as `retrieve()` (lib/hopfield/retrieve.ts),
 * with each batched update run by `cpu`, `blas` or `webgpu`.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import {
  retrieve,
  type RetrieveOptions,
  type RetrieveResult,
  stoppingRule,
  type Trajectory,
} from "../hopfield/retrieve.ts";
import { checkPatterns, hopfieldSpec } from "../hopfield/options.ts";
import { type BackendName, hostEnergies, selectBackend } from "./mod.ts";
import type { Backend } from "./types.ts";

/** `retrieve()` options plus the backend to run on. */
export interface RetrieveOnOptions extends RetrieveOptions {
  /** A backend or its name (default: `HOPFIELD_BACKEND`, else `auto`). */
  backend?: BackendName | Backend;
}

/**
 * `retrieve()` on a backend. On `cpu` it is `retrieve()` itself (Float64, the reference). Elsewhere each update
 * of the still-moving queries is one batched backend step; a query stops once `‖ξ_{t+1} − ξ_t‖ ≤ eps` or after
 * `maxSteps`. With `trajectory: false` the steps skip the B × N probabilities (the fused `blas` path), and the
 * probabilities of each query's last update are computed once at the end.
 *
 * Shapes: patterns N × d, queries B × d → states B × d, probabilities B × N.
 *
 * @example
 * ```ts
 * import { retrieveOn } from "./retrieve.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
 * const r = await retrieveOn(X, fromRows([[0.8, 0.3, 0.1]]), { beta: 20, backend: "blas", eps: 1e-5 });
 * assert.ok(r.converged[0] && Math.abs(r.states.data[0] - 1) < 1e-5);
 * ```
 */
export async function retrieveOn(
  patterns: Matrix,
  queries: Matrix,
  options: RetrieveOnOptions,
): Promise<RetrieveResult & { backend: Backend }> {
  const backend = typeof options.backend === "object"
    ? options.backend
    : await selectBackend(options.backend);
  if (backend.name === "cpu") return { ...retrieve(patterns, queries, options), backend };
  const spec = hopfieldSpec(options, "retrieve");
  checkPatterns(patterns, queries, "retrieve");
  const { maxSteps, eps } = stoppingRule(options), record = options.trajectory ?? true;
  const n = patterns.rows, d = patterns.cols, b = queries.rows;
  const states = matrix(b, d), before = matrix(b, d);
  states.data.set(queries.data);
  const steps = new Array<number>(b).fill(0), converged = new Array<boolean>(b).fill(false);
  const paths: Trajectory[] = Array.from({ length: b }, () => ({ energy: [], delta: [], support: [] }));
  const options_ = { kind: spec.kind, beta: spec.beta, alpha: spec.alpha };
  // Softmax energies run on the backend; the sparse maps' Fenchel–Young energies on the host (Float64).
  const energiesOf = (m: Matrix) =>
    spec.kind === "softmax"
      ? backend.energies(patterns, m, spec)
      : Promise.resolve(hostEnergies(patterns, m, spec));
  if (record) {
    const e = await energiesOf(states);
    paths.forEach((p, q) => p.energy.push(e[q]));
  }
  let active = Array.from({ length: b }, (_, q) => q);
  for (let t = 0; t < maxSteps && active.length > 0; t++) {
    const Q = gather(states, active);
    const r = await backend.step(patterns, Q, options_, { probabilities: record });
    const energies = record ? await energiesOf(r.states) : null;
    const still: number[] = [];
    active.forEach((q, i) => {
      let sq = 0;
      for (let k = 0; k < d; k++) sq += (r.states.data[i * d + k] - states.data[q * d + k]) ** 2;
      const delta = Math.sqrt(sq);
      before.data.set(states.data.subarray(q * d, (q + 1) * d), q * d);
      states.data.set(r.states.data.subarray(i * d, (i + 1) * d), q * d);
      steps[q]++;
      if (record) {
        paths[q].energy.push(energies![i]);
        paths[q].delta.push(delta);
        let support = 0;
        for (let j = 0; j < n; j++) if (r.probabilities!.data[i * n + j] > 0) support++;
        paths[q].support.push(support);
      }
      if (delta <= eps) converged[q] = true;
      else still.push(q);
    });
    active = still;
  }
  const last = await backend.step(patterns, before, options_, { probabilities: true });
  return {
    states,
    probabilities: last.probabilities!,
    steps,
    converged,
    trajectories: record ? paths : [],
    backend,
  };
}

function gather(m: Matrix, rows: number[]): Matrix {
  const out = matrix(rows.length, m.cols);
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return out;
}
