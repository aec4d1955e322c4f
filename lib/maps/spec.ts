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

/**
 * Map options with every default filled in and checked: a frozen object that only {@link mapSpec} makes (its
 * private field makes the type nominal, so an unchecked object literal does not type-check as one). Code that
 * receives a `MapSpec` need not check it again.
 */
export class MapSpec {
  /** The map. */
  readonly kind: MapKind;
  /** Inverse temperature β, positive and finite. */
  readonly beta: number;
  /** The entmax α of this map: 1 softmax, 1.5 entmax15, 2 sparsemax, any finite α > 1 for entmax. */
  readonly alpha: number;
  // The brand: a private field makes the class type nominal.
  readonly #checked = true;

  private constructor(kind: MapKind, beta: number, alpha: number) {
    this.kind = kind;
    this.beta = beta;
    this.alpha = alpha;
    Object.freeze(this);
  }

  /** The checked spec of `options` (see {@link mapSpec}); a spec is returned as it is. */
  static from(options: MapOptions | MapSpec = {}): MapSpec {
    if (options instanceof MapSpec) return options;
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
    return new MapSpec(kind, beta, alpha);
  }
}

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
  return MapSpec.from(options);
}
