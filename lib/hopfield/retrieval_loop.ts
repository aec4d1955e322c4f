/**
 * The one retrieval loop behind `retrieve()` (synchronous, on the Float64 reference) and `retrieveOn()` (on any
 * backend): a generator that asks its driver for batched updates and energies and applies the stopping rule, so
 * the iteration, the stopping rule and the bookkeeping exist once.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix } from "../linalg/matrix.ts";

/** The stopping rule: at most `maxSteps` updates, a query stops once `‖ξ_{t+1} − ξ_t‖ ≤ eps`. */
export interface StoppingRule {
  /** At most this many updates per query (≥ 1). */
  maxSteps: number;
  /** Stop a query once its state moves by at most this much (≥ 0). */
  eps: number;
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

/** What retrieval returns for a batch of B queries. */
export interface RetrieveResult {
  /** Final states, B × d. */
  states: Matrix;
  /** The probabilities of each query's last update, B × N. */
  probabilities: Matrix;
  /** Updates applied to each query. */
  steps: number[];
  /** Whether each query met `‖Δξ‖ ≤ eps` within `maxSteps`. */
  converged: boolean[];
  /** Per-query trajectories (empty when not recorded). */
  trajectories: Trajectory[];
}

/**
 * A request from the loop to its driver: one update of the given states (with or without their B × N
 * probabilities), or their energies. @internal
 */
export type LoopRequest =
  | { op: "step"; states: Matrix; probabilities: boolean }
  | { op: "energies"; states: DenseMatrix };

/** The driver's answer: a step's states (and probabilities when asked), or energies. @internal */
export type LoopReply = { states: DenseMatrix; probabilities?: Matrix } | Float64Array;

/**
 * The retrieval loop over a batch: every still-moving query takes one batched update per round; a query stops
 * on its own once `‖ξ_{t+1} − ξ_t‖ ≤ eps` or after `maxSteps` updates. With `record` it asks for the energies
 * before and after each update and keeps each query's trajectory. With `eachStep` it asks for the probabilities
 * of every update (free on the reference, where the update computes them anyway); otherwise only in the last
 * possible round (`maxSteps`), and once more at the end for the queries that stopped earlier: the update of their
 * last state but one, whose probabilities are their last update's. @internal
 */
export function* retrievalLoop(
  patterns: DenseMatrix,
  queries: Matrix,
  rule: StoppingRule,
  options: {
    record: boolean;
    eachStep: boolean;
    onProgress?: (info: { step: number; active: number }) => void;
  },
): Generator<LoopRequest, RetrieveResult, LoopReply> {
  const n = patterns.rows, d = patterns.cols, b = queries.rows;
  const { record } = options, eachStep = options.eachStep || record;
  const states = matrix(b, d), before = eachStep ? null : matrix(b, d);
  // Filled update by update when each step brings its probabilities; otherwise by the last possible round, and
  // for queries that stopped before it, by one more update of their last state but one.
  const probabilities = matrix(b, n);
  states.data.set(queries.data);
  const steps = new Array<number>(b).fill(0), converged = new Array<boolean>(b).fill(false);
  const paths: Trajectory[] = record
    ? Array.from({ length: b }, () => ({ energy: [], delta: [], support: [] }))
    : [];
  if (record) {
    const e = (yield { op: "energies", states }) as Float64Array;
    paths.forEach((p, q) => p.energy.push(e[q]));
  }
  let active = Array.from({ length: b }, (_, q) => q);
  const early: number[] = []; // queries that stopped before the round that brings probabilities
  for (let t = 0; t < rule.maxSteps && active.length > 0; t++) {
    const Q = active.length === b ? states : gather(states, active);
    const withP = eachStep || t === rule.maxSteps - 1;
    const r = (yield { op: "step", states: Q, probabilities: withP }) as {
      states: Matrix;
      probabilities?: Matrix;
    };
    const energies = record ? (yield { op: "energies", states: r.states }) as Float64Array : null;
    const still: number[] = [];
    active.forEach((q, i) => {
      let sq = 0;
      for (let k = 0; k < d; k++) sq += (r.states.data[i * d + k] - states.data[q * d + k]) ** 2;
      const delta = Math.sqrt(sq);
      before?.data.set(states.data.subarray(q * d, (q + 1) * d), q * d);
      states.data.set(r.states.data.subarray(i * d, (i + 1) * d), q * d);
      steps[q]++;
      if (withP) probabilities.data.set(r.probabilities!.data.subarray(i * n, (i + 1) * n), q * n);
      if (record) {
        paths[q].energy.push(energies![i]);
        paths[q].delta.push(delta);
        let support = 0;
        for (let j = 0; j < n; j++) if (r.probabilities!.data[i * n + j] > 0) support++;
        paths[q].support.push(support);
      }
      if (delta <= rule.eps) {
        converged[q] = true;
        if (!withP) early.push(q);
      } else still.push(q);
    });
    active = still;
    options.onProgress?.({ step: t + 1, active: active.length });
  }
  if (early.length > 0) {
    early.sort((x, y) => x - y);
    const Q = early.length === b ? before! : gather(before!, early);
    const last = (yield { op: "step", states: Q, probabilities: true }) as { probabilities?: Matrix };
    early.forEach((q, i) =>
      probabilities.data.set(last.probabilities!.data.subarray(i * n, (i + 1) * n), q * n)
    );
  }
  return { states, probabilities, steps, converged, trajectories: paths };
}

/** The rows of `m` at `rows`, as a new matrix. */
function gather(m: Matrix, rows: number[]): Matrix {
  const out = matrix(rows.length, m.cols);
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return out;
}
