/**
 * Separation maps: one family, one API. Every map sends a score vector to a probability vector on the
 * simplex; all are α-entmax for some α (softmax α = 1, 1.5-entmax, sparsemax α = 2).
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { entmax, entmax15, tsallisEntropy } from "./entmax.ts";
import { logSumExp, softmax } from "./softmax.ts";
import { sparsemax } from "./sparsemax.ts";

export { entmax, entmax15, tsallisEntropy } from "./entmax.ts";
export { logSumExp, lse, softmax } from "./softmax.ts";
export { sparsemax } from "./sparsemax.ts";

/** The separation maps by name. */
export const MAP_KINDS = ["softmax", "sparsemax", "entmax15", "entmax"] as const;
/** A separation map's name. */
export type MapKind = typeof MAP_KINDS[number];

/** Which map, at which inverse temperature. */
export interface MapOptions {
  /** The map (default `"softmax"`). */
  kind?: MapKind;
  /** Inverse temperature β > 0 multiplying the scores (default 1). */
  beta?: number;
  /** α > 1 for `kind: "entmax"` (required there, rejected elsewhere). */
  alpha?: number;
}

/** Map options with every default filled in and checked. */
export interface MapSpec {
  kind: MapKind;
  beta: number;
  /** The entmax α of this map: 1 softmax, 1.5 entmax15, 2 sparsemax. */
  alpha: number;
}

/**
 * Normalises map options once: fills defaults, checks β, the kind and α, and names the bad value.
 *
 * @example
 * ```ts
 * import { mapSpec } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(mapSpec({ kind: "sparsemax" }), { kind: "sparsemax", beta: 1, alpha: 2 });
 * assert.throws(() => mapSpec({ kind: "entmax" }), /alpha/);
 * ```
 */
export function mapSpec(options: MapOptions = {}): MapSpec {
  const kind = options.kind ?? "softmax";
  const beta = options.beta ?? 1;
  if (!(MAP_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`Cannot use map: kind must be one of ${MAP_KINDS.join(", ")}: kind=${kind}`);
  }
  if (typeof beta !== "number" || !(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot use map: beta must be a positive finite number: beta=${beta}`);
  }
  if (kind === "entmax") {
    const alpha = options.alpha;
    if (typeof alpha !== "number" || !(alpha > 1) || !Number.isFinite(alpha)) {
      throw new RangeError(
        `Cannot use map: entmax needs alpha, a finite number greater than 1: alpha=${alpha}`,
      );
    }
    return { kind, beta, alpha };
  }
  const alpha = kind === "softmax" ? 1 : kind === "entmax15" ? 1.5 : 2;
  if (options.alpha !== undefined && options.alpha !== alpha) {
    throw new RangeError(
      `Cannot use map: alpha applies only to kind "entmax": kind=${kind}, alpha=${options.alpha}`,
    );
  }
  return { kind, beta, alpha };
}

/**
 * Applies a separation map to `β·scores`: `p = map(β z)`.
 *
 * Shapes: `scores` length n → probabilities length n (into `out` when given).
 *
 * @example
 * ```ts
 * import { separate } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const p = separate([-2, 0, 0.5], { kind: "entmax15" });
 * assert.ok(Math.abs(p[2] - 0.674) < 1e-3);
 * ```
 */
export function separate(
  scores: ArrayLike<number>,
  options: MapOptions | MapSpec = {},
  out: Float64Array = new Float64Array(scores.length),
): Float64Array {
  const spec = mapSpec(options);
  const z = new Float64Array(scores.length);
  for (let i = 0; i < z.length; i++) z[i] = spec.beta * scores[i];
  return applyScaled(z, spec, out);
}

/** Applies the map to already-scaled scores `z = β·scores`. @internal */
export function applyScaled(z: ArrayLike<number>, spec: MapSpec, out: Float64Array): Float64Array {
  switch (spec.kind) {
    case "softmax":
      return softmax(z, out);
    case "sparsemax":
      return sparsemax(z, out);
    case "entmax15":
      return entmax15(z, out);
    case "entmax":
      return entmax(z, spec.alpha, out);
  }
}

/**
 * Applies the map to every row of a score matrix (`B × N` → `B × N`).
 *
 * @example
 * ```ts
 * import { separateRows } from "./mod.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const p = separateRows(fromRows([[0, 0], [1, -1]]), { kind: "sparsemax" });
 * assert.deepEqual(Array.from(p.data), [0.5, 0.5, 1, 0]);
 * ```
 */
export function separateRows(scores: Matrix, options: MapOptions | MapSpec = {}): Matrix {
  const spec = mapSpec(options);
  const out = new Float64Array(scores.data.length);
  const n = scores.cols;
  for (let i = 0; i < scores.rows; i++) {
    separate(scores.data.subarray(i * n, (i + 1) * n), spec, out.subarray(i * n, (i + 1) * n));
  }
  return { data: out, rows: scores.rows, cols: n };
}

/**
 * The convex conjugate of the negative Tsallis entropy at `z = β·scores`:
 * `Ψ*_α(z) = max_{p ∈ Δ} ⟨z, p⟩ + H_α(p) = ⟨z, p*⟩ + H_α(p*)` with `p* = α-entmax(z)`; at α = 1 it is
 * `log Σ exp(zᵢ)`, computed directly. Its gradient is the map itself (Hu et al. 2023; Wu et al. 2024).
 *
 * @example
 * ```ts
 * import { conjugate, mapSpec } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(conjugate([0, 0], mapSpec()) - Math.LN2) < 1e-15);
 * ```
 */
export function conjugate(z: ArrayLike<number>, spec: MapSpec, p?: ArrayLike<number>): number {
  if (spec.kind === "softmax") return logSumExp(z);
  const probs = p ?? applyScaled(z, spec, new Float64Array(z.length));
  let s = 0;
  for (let i = 0; i < z.length; i++) if (probs[i] > 0) s += z[i] * probs[i];
  return s + tsallisEntropy(probs, spec.alpha);
}
