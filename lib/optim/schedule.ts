/**
 * Learning-rate schedules: the rate to use at each (0-based) optimisation step.
 *
 * @module
 */

/** A learning-rate schedule: step t = 0, 1, 2, … → rate. */
export type Schedule = (step: number) => number;

/** Names of the built-in schedules (see {@link schedule}). */
export const SCHEDULES = ["constant", "inverse-sqrt", "cosine", "cumulative-inverse-sqrt"] as const;
/** A built-in schedule name. */
export type ScheduleName = typeof SCHEDULES[number];

function checkRate(lr: number, action: string): void {
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`Cannot ${action}: lr must be a positive finite number: lr=${lr}`);
  }
}

/**
 * A named schedule from the base rate `lr`:
 *
 * - `constant`: `lr`;
 * - `inverse-sqrt`: `lr / √(t + 1)`;
 * - `cosine`: `lr · ½(1 + cos(π t / steps))` over `steps` steps (cosine annealing to 0, then 0);
 * - `cumulative-inverse-sqrt`: `lr / √(t!)`, the official U-Hop code's average-loss schedule, which divides the
 *   rate by √(t + 1) again after every step (so it is ~1e-3·lr by t = 8 and W stops moving).
 *
 * @example
 * ```ts
 * import { schedule } from "./schedule.ts";
 * import assert from "node:assert/strict";
 * assert.equal(schedule("inverse-sqrt", 1)(3), 0.5);
 * assert.ok(Math.abs(schedule("cumulative-inverse-sqrt", 1)(3) - 1 / Math.sqrt(6)) < 1e-15); // 1/√(3!)
 * assert.equal(schedule("cosine", 2, { steps: 4 })(2), 1);
 * ```
 */
export function schedule(name: ScheduleName, lr: number, options: { steps?: number } = {}): Schedule {
  const action = `make the ${name} schedule`;
  checkRate(lr, action);
  switch (name) {
    case "constant":
      return () => lr;
    case "inverse-sqrt":
      return (t) => lr / Math.sqrt(t + 1);
    case "cumulative-inverse-sqrt":
      return (t) => {
        let r = lr;
        for (let i = 1; i <= t && r > 0; i++) r /= Math.sqrt(i);
        return r;
      };
    case "cosine": {
      const steps = options.steps;
      if (steps === undefined || !Number.isInteger(steps) || steps < 1) {
        throw new RangeError(`Cannot ${action}: steps must be a positive integer: steps=${steps}`);
      }
      return (t) => (t >= steps ? 0 : lr * 0.5 * (1 + Math.cos((Math.PI * t) / steps)));
    }
    default:
      throw new RangeError(
        `Cannot make a schedule: name must be one of ${SCHEDULES.join(", ")}: name=${name}`,
      );
  }
}
