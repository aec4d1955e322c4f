/**
 * Experiment scales and progress output shared by every experiment.
 *
 * `smoke` (CI, seconds per notebook), `quick` (default of `deno task reproduce`), `paper` (the papers' sizes).
 *
 * @module
 */

/** The three scales. */
export const SCALES = ["smoke", "quick", "paper"] as const;
/** An experiment scale. */
export type Scale = typeof SCALES[number];

/**
 * Parses a scale name, naming the bad value.
 *
 * @example
 * ```ts
 * import { parseScale } from "./scale.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseScale("smoke"), "smoke");
 * assert.throws(() => parseScale("huge"), /scale=huge/);
 * ```
 */
export function parseScale(value: string): Scale {
  if (!(SCALES as readonly string[]).includes(value)) {
    throw new RangeError(`Cannot use scale: scale must be one of ${SCALES.join(", ")}: scale=${value}`);
  }
  return value as Scale;
}

/** The scale from `HOPFIELD_SCALE`, defaulting to `quick`. */
export function scaleFromEnv(): Scale {
  return parseScale(Deno.env.get("HOPFIELD_SCALE") ?? "quick");
}

/**
 * Picks the value for a scale.
 *
 * @example
 * ```ts
 * import { atScale } from "./scale.ts";
 * import assert from "node:assert/strict";
 * assert.equal(atScale("quick", { smoke: 10, quick: 100, paper: 1000 }), 100);
 * ```
 */
export function atScale<T>(scale: Scale, values: Record<Scale, T>): T {
  return values[parseScale(scale)];
}

/**
 * Prints a progress line to stderr (`[name] message (elapsed s)`), unless `HOPFIELD_QUIET` is set.
 * Returns a function that reports the next step.
 */
export function progress(name: string): (message: string) => void {
  const start = performance.now();
  const quiet = Deno.env.get("HOPFIELD_QUIET") !== undefined;
  return (message: string) => {
    if (quiet) return;
    const s = ((performance.now() - start) / 1000).toFixed(1);
    console.error(`[${name}] ${message} (${s} s)`);
  };
}
