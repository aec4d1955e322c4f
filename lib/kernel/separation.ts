/**
 * Separation of the stored patterns in feature space (Wu et al. 2024, U-Hop, §2.1).
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { separation } from "../theory/separation.ts";
import type { Backend } from "../backend/types.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";
import { separationLoss } from "./separation_loss.ts";

/**
 * `Δ^Φ_μ = K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_μ, ξ_ν)` for every pattern, and `Δ^Φ_min = min_μ Δ^Φ_μ`. With Δ replaced
 * by Δ^Φ, the retrieval-error and well-separation results of the modern Hopfield model hold for the kernelized
 * one: a larger Δ^Φ_min means fewer metastable states. Needs at least two patterns.
 *
 * Shapes: patterns N × d → `each` length N.
 *
 * @example
 * ```ts
 * import { kernelSeparation } from "./separation.ts";
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const phi = linearFeatureMap(fromRows([[2, 0], [0, 2]]));
 * assert.equal(kernelSeparation(phi, fromRows([[1, 0], [0, 1]])).min, 4);
 * ```
 */
export function kernelSeparation(
  map: LinearFeatureMap,
  patterns: Matrix,
): { each: Float64Array; min: number } {
  const each = separation(features(map, patterns));
  return { each, min: each.reduce((a, b) => Math.min(a, b), Infinity) };
}

/**
 * Δ_min of the normalised features, `1 − max_{μ≠ν} u_μᵀu_ν` with `u_μ = Φ(ξ_μ)/‖Φ(ξ_μ)‖`: the separation that
 * U-Hop's Stage I raises (its max loss at t is `−2t` times it). Computed on a backend in blocks, as the loss.
 *
 * Shapes: patterns M × d (M ≥ 2).
 *
 * @example
 * ```ts
 * import { normalisedSeparation } from "./separation.ts";
 * import { identityFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[2, 0], [0, 3], [1, 1]]); // closest pair at 45°
 * assert.ok(Math.abs((await normalisedSeparation(identityFeatureMap(2), X)) - (1 - Math.SQRT1_2)) < 1e-15);
 * ```
 */
export async function normalisedSeparation(
  map: LinearFeatureMap,
  patterns: Matrix,
  options: { backend?: Backend } = {},
): Promise<number> {
  return -(await separationLoss(map, patterns, { loss: "max", t: 0.5, backend: options.backend })).loss;
}
