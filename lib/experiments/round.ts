/**
 * Rounding of the numbers experiments hand to their figures, so that snapshots and figure files are stable.
 *
 * @module
 */

/**
 * `x` to `digits` significant digits (default 6), as a number.
 *
 * @example
 * ```ts
 * import { round } from "./round.ts";
 * import assert from "node:assert/strict";
 * assert.equal(round(Math.PI), 3.14159);
 * assert.equal(round(Math.PI, 3), 3.14);
 * ```
 */
export function round(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}
