/**
 * Parameter grids for sweeps.
 *
 * @module
 */

/**
 * `count` evenly spaced values from `start` to `stop` inclusive.
 *
 * @example
 * ```ts
 * import { linspace } from "./grid.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(start: number, stop: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 2) {
    throw new RangeError(`Cannot build a grid: count must be an integer ≥ 2: count=${count}`);
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new RangeError(`Cannot build a grid: start and stop must be finite: start=${start}, stop=${stop}`);
  }
  return Array.from(
    { length: count },
    (_, i) => (i === count - 1 ? stop : start + ((stop - start) * i) / (count - 1)),
  );
}

/**
 * `count` values from `10^a` to `10^b`, evenly spaced in log₁₀.
 *
 * @example
 * ```ts
 * import { logspace } from "./grid.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(logspace(0, 2, 3), [1, 10, 100]);
 * ```
 */
export function logspace(a: number, b: number, count: number): number[] {
  return linspace(a, b, count).map((e) => Number((10 ** e).toPrecision(15)));
}
