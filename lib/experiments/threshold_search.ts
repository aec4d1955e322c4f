/**
 * The capacity search: the largest N whose success rate reaches a threshold, from noisy rate estimates, with
 * the uncertainty of the answer and a check that the rate did fall where the search assumed it would.
 *
 * @module
 */
import type { RateEstimate } from "./rate_estimate.ts";

/** The answer of {@link thresholdSearch}. */
export interface ThresholdResult {
  /** The largest N whose measured rate reaches the threshold, below the first N where it does not. */
  capacity: number;
  /**
   * The capacity's interval: the largest N measured to pass surely (its Wilson interval above the threshold)
   * up to the last N before one measured to fail surely (interval below it); `high` is `nMax` when none does.
   */
  low: number;
  /** See `low`. */
  high: number;
  /** True when even `nMax` met the threshold: the true capacity is at least `capacity`. */
  censored: boolean;
  /** False when some N above a failing one passed again: the rate is not monotone there, read `capacity` with care. */
  monotone: boolean;
  /** Every N measured, in the order first measured, each at the largest effort it was measured with. */
  evaluations: RateEstimate[];
}

/** What {@link thresholdSearch} measures with: the rate at N from `effort` × the base number of samples. */
export type RateEstimator = (n: number, effort: number) => Promise<RateEstimate>;

/** The range of N searched and how far a rate may be refined. */
export interface ThresholdRange {
  /** Smallest N (default 1). */
  nMin?: number;
  /** Largest N. */
  nMax: number;
  /**
   * Largest effort (a power of 2, default 1: no refinement): an N at an end of the bracket whose interval still
   * contains the threshold is measured again with twice the samples, up to this many times the base.
   */
  maxEffort?: number;
}

/**
 * Searches `[nMin, nMax]` for the largest N with `rate ≥ threshold`: doubling until a measured failure, bisection
 * of that bracket, then a ladder of N below the answer (×0.8 each) until one passes surely and above it (×1.25)
 * until one fails surely, which bound the answer. A ladder N whose interval contains the threshold is measured
 * again with doubled effort (up to `maxEffort`) before the ladder moves on, so the bracket tightens to the
 * ladder's spacing where the samples allow. Last, the rate at twice the first failure checks that it stays below
 * the threshold beyond it (any N above the first failure that passes again sets `monotone: false`).
 *
 * @example
 * ```ts
 * import { thresholdSearch } from "./threshold_search.ts";
 * import { rateEstimate } from "./rate_estimate.ts";
 * import assert from "node:assert/strict";
 * // An exact curve: the rate is 1 up to N = 37 and 0 above (400 samples each).
 * const r = await thresholdSearch((n) => Promise.resolve(rateEstimate(n, n <= 37 ? 400 : 0, 400)), 0.9, { nMax: 1000 });
 * assert.deepEqual([r.capacity, r.low, r.high, r.monotone], [37, 37, 37, true]);
 * ```
 */
export async function thresholdSearch(
  estimate: RateEstimator,
  threshold: number,
  range: ThresholdRange,
  onEvaluation?: (e: RateEstimate, count: number) => void,
): Promise<ThresholdResult> {
  const nMin = range.nMin ?? 1, nMax = range.nMax, maxEffort = range.maxEffort ?? 1;
  if (!Number.isInteger(nMin) || nMin < 1) {
    throw new RangeError(`Cannot search for the capacity: nMin must be an integer ≥ 1: nMin=${nMin}`);
  }
  if (!Number.isInteger(nMax) || nMax < nMin) {
    throw new RangeError(
      `Cannot search for the capacity: nMax must be an integer ≥ nMin = ${nMin}: nMax=${nMax}`,
    );
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(
      `Cannot search for the capacity: the threshold must be in (0, 1]: threshold=${threshold}`,
    );
  }
  if (!(Number.isInteger(Math.log2(maxEffort)) && maxEffort >= 1)) {
    throw new RangeError(
      `Cannot search for the capacity: maxEffort must be a power of 2 ≥ 1: maxEffort=${maxEffort}`,
    );
  }
  const seen = new Map<number, { e: RateEstimate; effort: number }>();
  let count = 0;
  const measure = async (n: number, effort: number): Promise<RateEstimate> => {
    const e = await estimate(n, effort);
    seen.set(n, { e, effort });
    onEvaluation?.(e, ++count);
    return e;
  };
  const at = async (n: number): Promise<RateEstimate> => seen.get(n)?.e ?? await measure(n, 1);
  /** The rate at n, refined while its interval contains the threshold and effort remains. */
  const decided = async (n: number): Promise<RateEstimate> => {
    let e = await at(n);
    for (let effort = seen.get(n)!.effort * 2; e.low < threshold && e.high >= threshold; effort *= 2) {
      if (effort > maxEffort) break;
      e = await measure(n, effort);
    }
    return e;
  };
  const passes = async (n: number) => (await at(n)).rate >= threshold;
  const result = (capacity: number, low: number, high: number, censored: boolean, bad: number) => {
    const evaluations = [...seen.values()].map((v) => v.e);
    const monotone = evaluations.every((e) => e.n <= bad || e.rate < threshold);
    return { capacity, low, high, censored, monotone, evaluations };
  };
  // Doubling, then bisection, on the measured rate.
  if (!(await passes(nMin))) {
    return result(nMin - 1, nMin - 1, await climb(decided, threshold, nMin, nMax), false, nMin);
  }
  let good = nMin, bad = nMax + 1;
  for (let n = Math.min(nMax, nMin * 2);; n = Math.min(nMax, n * 2)) {
    if (await passes(n)) good = n;
    else {
      bad = n;
      break;
    }
    if (n === nMax) break;
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await passes(mid)) good = mid;
    else bad = mid;
  }
  if (bad > nMax) return result(good, good, nMax, true, bad);
  // The answer's interval: down until one N passes surely, up until one fails surely.
  let low = nMin - 1;
  for (let n = good; n >= nMin; n = Math.min(n - 1, Math.floor(n * 0.8))) {
    if ((await decided(n)).low >= threshold) {
      low = n;
      break;
    }
  }
  const high = await climb(decided, threshold, bad, nMax);
  // The bracket check: the rate should stay below the threshold well beyond the first failure.
  if (2 * bad <= nMax) await at(2 * bad);
  return result(good, low, high, false, bad);
}

/** From `start` up (×1.25) until an N fails surely; the N before it, or `nMax` when none does. */
async function climb(
  decided: (n: number) => Promise<RateEstimate>,
  threshold: number,
  start: number,
  nMax: number,
): Promise<number> {
  for (let n = start; n <= nMax; n = Math.max(n + 1, Math.ceil(n * 1.25))) {
    if ((await decided(n)).high < threshold) return n - 1;
  }
  return nMax;
}
