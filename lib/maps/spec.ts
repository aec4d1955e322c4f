/**
 * Map options, normalised once: the separation map's name, β and α, checked at the API edge and passed down as
 * a {@link MapSpec} that every backend and inner loop trusts without checking again.
 *
 * @module
 */

/** The separation maps by name. */
export const MAP_KINDS = ["softmax", "sparsemax", "entmax15", "entmax"] as const;
/** A separation map's name. */
export type MapKind = typeof MAP_KINDS[number];

/** Which map, at which inverse temperature (what a caller writes). */
export interface MapOptions {
  /** The map (default `"softmax"`). */
  kind?: MapKind;
  /** Inverse temperature β > 0 multiplying the scores (default 1). */
  beta?: number;
  /** α > 1 for `kind: "entmax"` (required there, rejected elsewhere). */
  alpha?: number;
}

declare const normalised: unique symbol;

/**
 * Map options with every default filled in and checked. Only {@link mapSpec} makes one (the brand keeps an
 * unchecked object literal out), so code that receives a `MapSpec` need not check it again.
 */
export interface MapSpec {
  /** The map. */
  readonly kind: MapKind;
  /** Inverse temperature β, positive and finite. */
  readonly beta: number;
  /** The entmax α of this map: 1 softmax, 1.5 entmax15, 2 sparsemax, any finite α > 1 for entmax. */
  readonly alpha: number;
  /** Type-level mark of a checked spec. */
  readonly [normalised]: true;
}

const SPECS = new WeakSet<object>();

/**
 * Normalises map options once: fills the defaults, checks β, the kind and α, and names the bad value. A spec it
 * made before is returned as it is.
 *
 * @example
 * ```ts
 * import { mapSpec } from "./spec.ts";
 * import assert from "node:assert/strict";
 * const spec = mapSpec({ kind: "sparsemax" });
 * assert.deepEqual({ ...spec }, { kind: "sparsemax", beta: 1, alpha: 2 });
 * assert.equal(mapSpec(spec), spec);
 * assert.throws(() => mapSpec({ kind: "entmax" }), /alpha/);
 * ```
 */
export function mapSpec(options: MapOptions | MapSpec = {}): MapSpec {
  if (SPECS.has(options)) return options as MapSpec;
  const kind = options.kind ?? "softmax";
  const beta = options.beta ?? 1;
  if (!(MAP_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`Cannot use map: kind must be one of ${MAP_KINDS.join(", ")}: kind=${kind}`);
  }
  if (typeof beta !== "number" || !(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot use map: beta must be a positive finite number: beta=${beta}`);
  }
  let alpha: number;
  if (kind === "entmax") {
    alpha = options.alpha as number;
    if (typeof alpha !== "number" || !(alpha > 1) || !Number.isFinite(alpha)) {
      throw new RangeError(
        `Cannot use map: entmax needs alpha, a finite number greater than 1: alpha=${alpha}`,
      );
    }
  } else {
    alpha = kind === "softmax" ? 1 : kind === "entmax15" ? 1.5 : 2;
    if (options.alpha !== undefined && options.alpha !== alpha) {
      throw new RangeError(
        `Cannot use map: alpha applies only to kind "entmax": kind=${kind}, alpha=${options.alpha}`,
      );
    }
  }
  const spec = Object.freeze({ kind, beta, alpha }) as MapSpec;
  SPECS.add(spec);
  return spec;
}
