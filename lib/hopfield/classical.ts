/**
 * The classical binary Hopfield network (Hopfield 1982): Hebbian weights `W = (1/d) Σ_μ x_μ x_μᵀ` with zero
 * diagonal, states `s ∈ {−1, +1}ᵈ`, energy `E(s) = −½ sᵀ W s`, and sign updates
 * `sᵢ ← sign(Σⱼ Wᵢⱼ sⱼ)` — asynchronous (one unit at a time, energy never increases) or synchronous (all units
 * at once, may 2-cycle). A zero local field keeps the unit's current value.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";

/**
 * Checks that every entry is ±1.
 *
 * @example
 * ```ts
 * import { checkBipolar } from "./classical.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => checkBipolar([1, 0.5], "state", "update"), /state\[1\]=0.5/);
 * ```
 */
export function checkBipolar(m: Matrix | ArrayLike<number>, what: string, action: string): void {
  const data = "data" in m ? m.data : m;
  for (let k = 0; k < data.length; k++) {
    if (data[k] !== 1 && data[k] !== -1) {
      throw new RangeError(`Cannot ${action}: ${what} must be ±1: ${what}[${k}]=${data[k]}`);
    }
  }
}

/**
 * Hebbian weights `W = (1/d) Σ_μ x_μ x_μᵀ`, diagonal set to 0 (d × d). Shapes: patterns N × d (±1).
 *
 * @example
 * ```ts
 * import { hebbianWeights } from "./classical.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const W = hebbianWeights(fromRows([[1, -1, 1, 1]]));
 * assert.deepEqual(Array.from(W.data.subarray(0, 4)), [0, -0.25, 0.25, 0.25]);
 * ```
 */
export function hebbianWeights(patterns: Matrix): Matrix {
  checkBipolar(patterns, "patterns", "build Hebbian weights");
  const n = patterns.rows, d = patterns.cols, W = matrix(d, d);
  for (let mu = 0; mu < n; mu++) {
    const x = patterns.data.subarray(mu * d, (mu + 1) * d);
    for (let i = 0; i < d; i++) {
      const xi = x[i] / d;
      for (let j = 0; j < d; j++) W.data[i * d + j] += xi * x[j];
    }
  }
  for (let i = 0; i < d; i++) W.data[i * d + i] = 0;
  return W;
}

/**
 * `E(s) = −½ sᵀ W s`.
 *
 * @example
 * ```ts
 * import { classicalEnergy, hebbianWeights } from "./classical.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const W = hebbianWeights(fromRows([[1, -1, 1]]));
 * assert.ok(Math.abs(classicalEnergy(W, [1, -1, 1]) + 1) < 1e-15); // −½ · 3·2/3
 * ```
 */
export function classicalEnergy(weights: Matrix, state: ArrayLike<number>): number {
  const d = weights.cols;
  if (state.length !== d) {
    throw new RangeError(`Cannot compute classical energy: state length must be ${d}: state=${state.length}`);
  }
  let e = 0;
  for (let i = 0; i < d; i++) {
    let h = 0;
    for (let j = 0; j < d; j++) h += weights.data[i * d + j] * state[j];
    e += state[i] * h;
  }
  return -0.5 * e;
}

/** Options of the classical update. */
export interface ClassicalUpdateOptions {
  /** `async` (default): units one at a time in a random order from `prng` (sequential without one). */
  mode?: "async" | "sync";
  /** Generator of the update order (async mode). */
  prng?: Prng;
}

/**
 * One sweep of sign updates in place on `state` (±1). Returns the number of units that changed.
 *
 * @example
 * ```ts
 * import { classicalUpdate, hebbianWeights } from "./classical.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const W = hebbianWeights(fromRows([[1, -1, 1, -1, 1]]));
 * const s = new Float64Array([1, -1, -1, -1, 1]); // one bit flipped
 * classicalUpdate(W, s);
 * assert.deepEqual(Array.from(s), [1, -1, 1, -1, 1]);
 * ```
 */
export function classicalUpdate(
  weights: Matrix,
  state: Float64Array,
  options: ClassicalUpdateOptions = {},
): number {
  const d = weights.cols;
  checkBipolar(state, "state", "update the classical network");
  const field = (i: number, s: ArrayLike<number>) => {
    let h = 0;
    for (let j = 0; j < d; j++) h += weights.data[i * d + j] * s[j];
    return h;
  };
  let changed = 0;
  if ((options.mode ?? "async") === "sync") {
    const old = state.slice();
    for (let i = 0; i < d; i++) {
      const h = field(i, old);
      const v = h > 0 ? 1 : h < 0 ? -1 : old[i];
      if (v !== old[i]) changed++;
      state[i] = v;
    }
    return changed;
  }
  for (const i of visitOrder(d, options.prng)) {
    const h = field(i, state);
    const v = h > 0 ? 1 : h < 0 ? -1 : state[i];
    if (v !== state[i]) [state[i], changed] = [v, changed + 1];
  }
  return changed;
}

/**
 * 0…d−1, shuffled by `prng` (Fisher–Yates) when one is given.
 *
 * @example
 * ```ts
 * import { visitOrder } from "./classical.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(visitOrder(4), [0, 1, 2, 3]);
 * assert.deepEqual([...visitOrder(4, createPrng(1))].sort(), [0, 1, 2, 3]);
 * ```
 */
export function visitOrder(d: number, prng?: Prng): number[] {
  const order = Array.from({ length: d }, (_, i) => i);
  if (prng) {
    for (let i = d - 1; i > 0; i--) {
      const j = prng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  return order;
}

/**
 * Sweeps until no unit changes (or `maxSweeps`, default 100). Returns the final state and the sweeps used.
 *
 * @example
 * ```ts
 * import { classicalRetrieve, hebbianWeights } from "./classical.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const W = hebbianWeights(fromRows([[1, 1, -1, -1, 1, -1]]));
 * const r = classicalRetrieve(W, [1, -1, -1, -1, 1, -1]); // one bit flipped
 * assert.ok(r.converged && r.state[1] === 1);
 * ```
 */
export function classicalRetrieve(
  weights: Matrix,
  query: ArrayLike<number>,
  options: ClassicalUpdateOptions & { maxSweeps?: number } = {},
): { state: Float64Array; sweeps: number; converged: boolean } {
  const { state, maxSweeps } = startRetrieval(query, weights.cols, options.maxSweeps);
  for (let t = 1; t <= maxSweeps; t++) {
    if (classicalUpdate(weights, state, options) === 0) return { state, sweeps: t, converged: true };
  }
  return { state, sweeps: maxSweeps, converged: false };
}

/**
 * The same dynamics as {@link classicalRetrieve} with `W = hebbianWeights(patterns)`, without forming W. The
 * local field is computed from the overlaps `m_μ = x_μ · s`:
 *
 *   `d · hᵢ = Σ_μ x_μᵢ m_μ − N sᵢ`   (the last term removes W's diagonal),
 *
 * and a flipped unit updates every overlap by `2 sᵢ x_μᵢ`. A sweep costs O(N d) instead of O(d²), so below
 * N = d (the classical capacity is about 0.14 d) it is the cheaper form; every quantity is an integer, so a zero
 * field is exactly zero and keeps the unit, as the rule says. Shapes: patterns N × d (±1), query d (±1).
 *
 * @example
 * ```ts
 * import { hebbianRetrieve } from "./classical.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const r = hebbianRetrieve(fromRows([[1, 1, -1, -1, 1, -1]]), [1, -1, -1, -1, 1, -1]); // one bit flipped
 * assert.ok(r.converged && r.state[1] === 1);
 * ```
 */
export function hebbianRetrieve(
  patterns: Matrix,
  query: ArrayLike<number>,
  options: ClassicalUpdateOptions & { maxSweeps?: number } = {},
): { state: Float64Array; sweeps: number; converged: boolean } {
  checkBipolar(patterns, "patterns", "retrieve with the classical network");
  const n = patterns.rows, d = patterns.cols;
  const { state, maxSweeps } = startRetrieval(query, d, options.maxSweeps);
  const columns = new Float64Array(n * d); // columns[i·N + μ] = x_μᵢ: unit i's entries lie together
  for (let mu = 0; mu < n; mu++) {
    for (let i = 0; i < d; i++) columns[i * n + mu] = patterns.data[mu * d + i];
  }
  const m = new Float64Array(n);
  for (let mu = 0; mu < n; mu++) {
    for (let i = 0; i < d; i++) m[mu] += patterns.data[mu * d + i] * state[i];
  }
  const field = (i: number, si: number) => {
    let h = -n * si;
    for (let mu = 0; mu < n; mu++) h += columns[i * n + mu] * m[mu];
    return h;
  };
  const flip = (i: number, v: number) => {
    for (let mu = 0; mu < n; mu++) m[mu] += 2 * v * columns[i * n + mu];
    state[i] = v;
  };
  const sync = (options.mode ?? "async") === "sync";
  for (let t = 1; t <= maxSweeps; t++) {
    let changed = 0;
    if (sync) {
      const next = state.map((si, i) => {
        const h = field(i, si);
        return h > 0 ? 1 : h < 0 ? -1 : si;
      });
      next.forEach((v, i) => {
        if (v !== state[i]) {
          flip(i, v);
          changed++;
        }
      });
    } else {
      for (const i of visitOrder(d, options.prng)) {
        const h = field(i, state[i]);
        const v = h > 0 ? 1 : h < 0 ? -1 : state[i];
        if (v !== state[i]) {
          flip(i, v);
          changed++;
        }
      }
    }
    if (changed === 0) return { state, sweeps: t, converged: true };
  }
  return { state, sweeps: maxSweeps, converged: false };
}

/** A ±1 copy of the query and a checked sweep cap (default 100). */
function startRetrieval(
  query: ArrayLike<number>,
  d: number,
  maxSweeps = 100,
): { state: Float64Array; maxSweeps: number } {
  const state = Float64Array.from(query);
  if (state.length !== d) {
    throw new RangeError(
      `Cannot retrieve with the classical network: query length must equal the dimension: query=${state.length}, d=${d}`,
    );
  }
  state.forEach((v, k) => {
    if (v !== 1 && v !== -1) {
      throw new RangeError(
        `Cannot retrieve with the classical network: the query must be ±1: query[${k}]=${v}`,
      );
    }
  });
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new RangeError(
      `Cannot retrieve with the classical network: maxSweeps must be a positive integer: maxSweeps=${maxSweeps}`,
    );
  }
  return { state, maxSweeps };
}
