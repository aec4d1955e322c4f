/**
 * Experiment scales and progress output shared by every experiment.
 *
 * `smoke` (CI, seconds per notebook), `quick` (default of `deno task reproduce`), `paper` (the papers' sizes).
 *
 * @module
 */
import { displayInKernel, jupyterKernel } from "../plot/jupyter.ts";

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
  const value = Deno.env.get("HOPFIELD_SCALE") ?? "quick";
  if (!(SCALES as readonly string[]).includes(value)) {
    throw new RangeError(
      `Cannot use scale: HOPFIELD_SCALE must be one of ${SCALES.join(", ")}: HOPFIELD_SCALE=${value}`,
    );
  }
  return value as Scale;
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

/** A progress reporter: `log(message)` prints a line; `log.tick(message)` prints only every 2 s at most. */
export interface Progress {
  /** Prints `[name] message (elapsed s)` on stderr (unless `HOPFIELD_QUIET` is set). */
  (message: string): void;
  /** Like a call, but only when 2 s have passed since the last line: for steps of a long loop. */
  tick(message: string): void;
}

/** One display per reporter name in this kernel: a later reporter of the same name updates the same line. */
const displays = new Map<string, string>();

/**
 * A progress reporter for a long computation. In a Jupyter kernel (`deno jupyter`, as VS Code, Jupyter and
 * `deno task reproduce` run the notebooks) it keeps ONE line per reporter name under the running cell, updated in
 * place (`display_data`, then `update_display_data` with the same display id; `reproduce` forwards each update
 * to its console); elsewhere (scripts, `deno task hop`, tests) it prints `[name] message (elapsed s)` on stderr.
 * Silent when `HOPFIELD_QUIET` is set.
 *
 * @example
 * ```ts
 * import { progress } from "./scale.ts";
 * const log = progress("demo");
 * for (let i = 0; i < 3; i++) log.tick(`step ${i}`); // at most one line every 2 s
 * log("done");
 * ```
 */
export function progress(name: string): Progress {
  const start = performance.now();
  const quiet = Deno.env.get("HOPFIELD_QUIET") !== undefined, kernel = quiet ? null : jupyterKernel();
  let last = start;
  const log = (message: string) => {
    last = performance.now();
    if (quiet) return;
    const line = `[${name}] ${message} (${((last - start) / 1000).toFixed(1)} s)`;
    if (!kernel) {
      console.error(line);
      return;
    }
    const shown = displays.get(name), id = shown ?? `hopfield-progress-${crypto.randomUUID()}`;
    displays.set(name, id);
    const metadata = { "hopfield-progress": name };
    displayInKernel({ "text/plain": line }, { displayId: id, update: shown !== undefined, metadata })
      .then((ok) => ok || console.error(line));
  };
  return Object.assign(log, {
    tick: (message: string) => {
      if (performance.now() - last >= 2000) log(message);
    },
  });
}
