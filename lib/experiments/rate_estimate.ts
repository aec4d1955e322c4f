/**
 * A success rate measured on a finite sample, with its binomial confidence interval.
 *
 * @module
 */

/** A rate measured at one N: successes out of samples, and its 95% Wilson score interval. */
export interface RateEstimate {
  /** The number of stored patterns it was measured at. */
  n: number;
  /** Successful samples. */
  successes: number;
  /** Samples (queries, or pattern sets for an all-patterns event). */
  samples: number;
  /** successes / samples. */
  rate: number;
  /** Lower end of the 95% Wilson interval. */
  low: number;
  /** Upper end of the 95% Wilson interval. */
  high: number;
}

/**
 * The Wilson score interval for a binomial proportion (Wilson 1927; Agresti & Coull 1998):
 * `(p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, z = 1.96 for 95%. Unlike the normal interval it stays
 * inside [0, 1] and is not empty at p̂ = 0 or 1 (there its width is about 3.8/n).
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./rate_estimate.ts";
 * import assert from "node:assert/strict";
 * const { low, high } = wilsonInterval(90, 100);
 * assert.ok(Math.abs(low - 0.8256) < 1e-4 && Math.abs(high - 0.9448) < 1e-4);
 * assert.equal(wilsonInterval(10, 10).high, 1);
 * ```
 */
export function wilsonInterval(successes: number, samples: number, z = 1.96): { low: number; high: number } {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(
      `Cannot compute a Wilson interval: samples must be a positive integer: samples=${samples}`,
    );
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > samples) {
    throw new RangeError(
      `Cannot compute a Wilson interval: successes must be an integer in [0, samples]: successes=${successes}`,
    );
  }
  const p = successes / samples, z2 = z * z, denom = 1 + z2 / samples;
  const centre = (p + z2 / (2 * samples)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / samples + z2 / (4 * samples * samples))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * A {@link RateEstimate} from counts.
 *
 * @example
 * ```ts
 * import { rateEstimate } from "./rate_estimate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rateEstimate(8, 45, 50).rate, 0.9);
 * ```
 */
export function rateEstimate(n: number, successes: number, samples: number): RateEstimate {
  return { n, successes, samples, rate: successes / samples, ...wilsonInterval(successes, samples) };
}
