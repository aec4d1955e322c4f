/**
 * Lambert W, the inverse of `w ↦ w·eʷ`, on its two real branches, by Halley's iteration
 * (Corless et al. 1996, "On the Lambert W function", Eq. 5.9) from the series starting points of §4.
 * Written here because mathjs has no Lambert W.
 *
 * @module
 */

const BRANCH_POINT = -1 / Math.E;

/**
 * Principal branch W₀(x) for x ≥ −1/e (W₀ ≥ −1).
 *
 * @example
 * ```ts
 * import { lambertW0 } from "./lambert_w.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(lambertW0(1) - 0.5671432904097838) < 1e-15); // the omega constant
 * ```
 */
export function lambertW0(x: number): number {
  if (!(x >= BRANCH_POINT - 1e-15) || Number.isNaN(x)) {
    throw new RangeError(`Cannot compute Lambert W0: x must be ≥ −1/e: x=${x}`);
  }
  if (x === Infinity) return Infinity;
  if (x === 0) return 0;
  let w: number;
  if (x < -0.25) w = -1 + branchSeries(x);
  else if (x < 3) w = Math.log1p(x) * 0.8;
  else {
    const l1 = Math.log(x), l2 = Math.log(l1);
    w = l1 - l2 + l2 / l1;
  }
  return halley(x, w);
}

/**
 * `W₀(eᵘ)` for any real u, without forming eᵘ: the root w of `w + ln w = u` (Newton from `u − ln u` when
 * eᵘ would overflow, u > 700). Used where the argument of W is an exponential that can exceed the double range.
 *
 * @example
 * ```ts
 * import { lambertW0, lambertW0OfExp } from "./lambert_w.ts";
 * import assert from "node:assert/strict";
 * assert.equal(lambertW0OfExp(2), lambertW0(Math.exp(2)));
 * const w = lambertW0OfExp(1000); // W₀(e¹⁰⁰⁰): e¹⁰⁰⁰ itself overflows
 * assert.ok(Math.abs(w + Math.log(w) - 1000) < 1e-12);
 * ```
 */
export function lambertW0OfExp(u: number): number {
  if (Number.isNaN(u)) {
    throw new RangeError(`Cannot compute Lambert W0 of exp(u): u must be a number: u=${u}`);
  }
  if (u <= 700) return lambertW0(Math.exp(u));
  if (u === Infinity) return Infinity;
  let w = u - Math.log(u);
  for (let i = 0; i < 50; i++) {
    const step = (w + Math.log(w) - u) / (1 + 1 / w);
    w -= step;
    if (Math.abs(step) <= 1e-16 * w) break;
  }
  return w;
}

/**
 * Lower branch W₋₁(x) for −1/e ≤ x < 0 (W₋₁ ≤ −1).
 *
 * @example
 * ```ts
 * import { lambertWm1 } from "./lambert_w.ts";
 * import assert from "node:assert/strict";
 * const w = lambertWm1(-0.1);
 * assert.ok(Math.abs(w * Math.exp(w) + 0.1) < 1e-15 && w < -1);
 * ```
 */
export function lambertWm1(x: number): number {
  if (!(x >= BRANCH_POINT - 1e-15 && x < 0)) {
    throw new RangeError(`Cannot compute Lambert W-1: x must be in [−1/e, 0): x=${x}`);
  }
  let w: number;
  if (x < -0.25) w = -1 - branchSeries(x);
  else {
    const l1 = Math.log(-x), l2 = Math.log(-l1);
    w = l1 - l2 + l2 / l1;
  }
  return halley(x, w);
}

/** p = √(2(ex + 1)), the first term of the series about the branch point. */
function branchSeries(x: number): number {
  const p = Math.sqrt(Math.max(0, 2 * (Math.E * x + 1)));
  return p - (p * p) / 3 + (11 / 72) * p * p * p;
}

function halley(x: number, w0: number): number {
  let w = w0;
  for (let i = 0; i < 64; i++) {
    const ew = Math.exp(w);
    const f = w * ew - x;
    const wp1 = w + 1;
    if (wp1 === 0) break;
    const step = f / (ew * wp1 - ((w + 2) * f) / (2 * wp1));
    if (!Number.isFinite(step)) break;
    w -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(w))) break;
  }
  return w;
}
