/**
 * Separation of the stored patterns in feature space (Wu et al. 2024, U-Hop, §2.1).
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { separation } from "../theory/separation.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";

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
