/**
 * softmax and log-sum-exp, max-shifted so that no exponent overflows.
 *
 * @module
 */

/**
 * Largest finite-or-infinite entry, NaN-checked. Throws if `z` is empty, holds NaN, or is all −∞.
 * @internal
 */
export function checkedMax(z: ArrayLike<number>, action: string): number {
  if (z.length === 0) throw new RangeError(`Cannot ${action}: scores must be non-empty: length=0`);
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    if (Number.isNaN(v)) throw new RangeError(`Cannot ${action}: scores must not be NaN: scores[${i}]=NaN`);
    if (v > m) m = v;
  }
  if (m === -Infinity) {
    throw new RangeError(`Cannot ${action}: at least one score must be greater than -Infinity`);
  }
  return m;
}

/**
 * softmax: `pᵢ = exp(zᵢ − max z) / Σⱼ exp(zⱼ − max z)`. Entries equal to −∞ get probability 0; if some entries
 * are +∞ the mass is shared equally among them (the limit of softmax(β·z) as those entries grow).
 *
 * Shapes: `z` length n → probabilities length n (written into `out` when given).
 *
 * @example
 * ```ts
 * import { softmax } from "./softmax.ts";
 * import assert from "node:assert/strict";
 * const p = softmax([-2, 0, 0.5]);
 * assert.ok(Math.abs(p[2] - 0.5922) < 1e-4);
 * ```
 */
export function softmax(z: ArrayLike<number>, out: Float64Array = new Float64Array(z.length)): Float64Array {
  const m = checkedMax(z, "compute softmax");
  if (m === Infinity) {
    let k = 0;
    for (let i = 0; i < z.length; i++) if (z[i] === Infinity) k++;
    for (let i = 0; i < z.length; i++) out[i] = z[i] === Infinity ? 1 / k : 0;
    return out;
  }
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp(z[i] - m);
    out[i] = e;
    s += e;
  }
  for (let i = 0; i < z.length; i++) out[i] /= s;
  return out;
}

/**
 * Log-sum-exp `log Σᵢ exp(zᵢ)`, computed as `max z + log Σᵢ exp(zᵢ − max z)`.
 *
 * @example
 * ```ts
 * import { logSumExp } from "./softmax.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(logSumExp([1000, 1000]) - (1000 + Math.LN2)) < 1e-9);
 * ```
 */
export function logSumExp(z: ArrayLike<number>): number {
  const m = checkedMax(z, "compute log-sum-exp");
  if (m === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.exp(z[i] - m);
  return m + Math.log(s);
}

/**
 * Ramsauer et al. (2020, Eq. 1): `lse(β, z) = β⁻¹ log Σᵢ exp(β zᵢ)`.
 *
 * @example
 * ```ts
 * import { lse } from "./softmax.ts";
 * import assert from "node:assert/strict";
 * // As β → ∞, lse(β, z) → max z.
 * assert.ok(Math.abs(lse(1e6, [0.3, 0.7]) - 0.7) < 1e-6);
 * assert.equal(lse(1e300, [2e10, 1e10]), 2e10);
 * ```
 */
export function lse(beta: number, z: ArrayLike<number>): number {
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot compute lse: beta must be a positive finite number: beta=${beta}`);
  }
  // lse(β, z) = max z + β⁻¹ log Σ exp(β(zᵢ − max z)): finite however large β is.
  const m = checkedMax(z, "compute lse");
  if (m === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += z[i] === m ? 1 : Math.exp(beta * (z[i] - m));
  return m + Math.log(s) / beta;
}
