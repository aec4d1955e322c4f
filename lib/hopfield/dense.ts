/**
 * Dense associative memories for bipolar patterns: energy `E(s) = −Σ_μ F(x_μᵀ s)` with the interaction
 * `F(x) = xⁿ` (Krotov & Hopfield 2016; n = 2 is the classical network up to a constant) or `F(x) = eˣ`
 * (Demircigil et al. 2017). The update sets one unit at a time to the sign with the lower energy,
 *
 *   sᵢ ← sign( Σ_μ [F(x_μᵀ s⁽ⁱ⁺⁾) − F(x_μᵀ s⁽ⁱ⁻⁾)] ),   s⁽ⁱ±⁾ = s with sᵢ = ±1,
 *
 * so the energy never increases (ties keep the current value). The exponential energy is evaluated through
 * log-sum-exp, so the comparison is exact where `eˣ` itself would overflow.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { checkBipolar, visitOrder } from "./classical.ts";

/** The interaction function F: `{ kind: "power", n }` (n ≥ 2 integer) or `{ kind: "exp" }`. */
export type Interaction = { kind: "power"; n: number } | { kind: "exp" };

function checkInteraction(f: Interaction, action: string): void {
  if (f.kind === "power") {
    if (!Number.isInteger(f.n) || f.n < 2) {
      throw new RangeError(`Cannot ${action}: the power n must be an integer ≥ 2: n=${f.n}`);
    }
  } else if (f.kind !== "exp") {
    throw new RangeError(
      `Cannot ${action}: interaction kind must be power or exp: kind=${(f as { kind: string }).kind}`,
    );
  }
}

/** Overlaps `h_μ = x_μᵀ s`. */
function overlaps(patterns: Matrix, state: ArrayLike<number>): Float64Array {
  const n = patterns.rows, d = patterns.cols, h = new Float64Array(n);
  for (let mu = 0; mu < n; mu++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += patterns.data[mu * d + k] * state[k];
    h[mu] = s;
  }
  return h;
}

/** `Σ_μ F(h_μ)` for power interactions; `ln Σ_μ e^{h_μ}` for exp. */
function total(h: ArrayLike<number>, f: Interaction): number {
  if (f.kind === "power") {
    let s = 0;
    for (let mu = 0; mu < h.length; mu++) s += h[mu] ** f.n;
    return s;
  }
  let max = -Infinity;
  for (let mu = 0; mu < h.length; mu++) max = Math.max(max, h[mu]);
  let s = 0;
  for (let mu = 0; mu < h.length; mu++) s += Math.exp(h[mu] - max);
  return max + Math.log(s);
}

/**
 * `E(s) = −Σ_μ F(x_μᵀ s)` (for exp: `−exp(ln Σ_μ e^{x_μᵀ s})`, finite while `max_μ x_μᵀ s` < 709).
 * Shapes: patterns N × d (±1), state d (±1).
 *
 * @example
 * ```ts
 * import { denseEnergy } from "./dense.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1, -1], [1, -1, 1]]);
 * assert.equal(denseEnergy(X, [1, 1, -1], { kind: "power", n: 3 }), -(27 - 1));
 * assert.ok(Math.abs(denseEnergy(X, [1, 1, -1], { kind: "exp" }) + Math.exp(3) + Math.exp(-1)) < 1e-12);
 * ```
 */
export function denseEnergy(patterns: Matrix, state: ArrayLike<number>, interaction: Interaction): number {
  checkInteraction(interaction, "compute dense energy");
  checkShapes(patterns, state, "compute dense energy");
  const t = total(overlaps(patterns, state), interaction);
  return interaction.kind === "power" ? -t : -Math.exp(t);
}

function checkShapes(patterns: Matrix, state: ArrayLike<number>, action: string): void {
  checkBipolar(patterns, "patterns", action);
  checkBipolar(state, "state", action);
  if (state.length !== patterns.cols) {
    throw new RangeError(
      `Cannot ${action}: state length must equal pattern dimension: state=${state.length}, d=${patterns.cols}`,
    );
  }
}

/**
 * One asynchronous sweep in place on `state` (order shuffled by `prng` if given). Keeps the overlaps up to date,
 * so a sweep costs O(N·d). Returns the number of units that changed.
 *
 * @example
 * ```ts
 * import { denseUpdate } from "./dense.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1, -1, 1, -1], [1, -1, 1, 1, 1]]);
 * const s = new Float64Array([1, 1, 1, 1, -1]); // pattern 0 with one bit flipped
 * denseUpdate(X, s, { kind: "power", n: 3 });
 * assert.deepEqual(Array.from(s), [1, 1, -1, 1, -1]);
 * ```
 */
export function denseUpdate(
  patterns: Matrix,
  state: Float64Array,
  interaction: Interaction,
  options: { prng?: Prng } = {},
): number {
  checkInteraction(interaction, "update the dense network");
  checkShapes(patterns, state, "update the dense network");
  const n = patterns.rows, d = patterns.cols;
  const h = overlaps(patterns, state), plus = new Float64Array(n), minus = new Float64Array(n);
  let changed = 0;
  for (const i of visitOrder(d, options.prng)) {
    for (let mu = 0; mu < n; mu++) {
      const x = patterns.data[mu * d + i], rest = h[mu] - x * state[i];
      plus[mu] = rest + x;
      minus[mu] = rest - x;
    }
    const diff = total(plus, interaction) - total(minus, interaction); // −E(+) − (−E(−)), monotone in Σ F
    const v = diff > 0 ? 1 : diff < 0 ? -1 : state[i];
    if (v !== state[i]) {
      for (let mu = 0; mu < n; mu++) h[mu] = v === 1 ? plus[mu] : minus[mu];
      state[i] = v;
      changed++;
    }
  }
  return changed;
}

/**
 * Sweeps until no unit changes (or `maxSweeps`, default 100).
 *
 * @example
 * ```ts
 * import { denseRetrieve } from "./dense.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1, -1, 1, -1, 1], [-1, 1, 1, 1, 1, -1]]);
 * const r = denseRetrieve(X, [1, 1, -1, 1, 1, 1], { kind: "exp" });
 * assert.deepEqual(Array.from(r.state), [1, 1, -1, 1, -1, 1]);
 * ```
 */
export function denseRetrieve(
  patterns: Matrix,
  query: ArrayLike<number>,
  interaction: Interaction,
  options: { prng?: Prng; maxSweeps?: number } = {},
): { state: Float64Array; sweeps: number; converged: boolean } {
  const state = Float64Array.from(query);
  const maxSweeps = options.maxSweeps ?? 100;
  if (state.length !== patterns.cols) {
    throw new RangeError(
      `Cannot retrieve with the dense network: query length must equal the dimension: query=${state.length}, d=${patterns.cols}`,
    );
  }
  state.forEach((v, k) => {
    if (v !== 1 && v !== -1) {
      throw new RangeError(`Cannot retrieve with the dense network: the query must be ±1: query[${k}]=${v}`);
    }
  });
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new RangeError(
      `Cannot retrieve with the dense network: maxSweeps must be a positive integer: maxSweeps=${maxSweeps}`,
    );
  }
  for (let t = 1; t <= maxSweeps; t++) {
    if (denseUpdate(patterns, state, interaction, options) === 0) {
      return { state, sweeps: t, converged: true };
    }
  }
  return { state, sweeps: maxSweeps, converged: false };
}
