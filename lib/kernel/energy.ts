/**
 * The kernelized Hopfield energy (Wu et al. 2024, U-Hop, §2.1).
 *
 * @module
 */
import { type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { energyUnchecked } from "../hopfield/energy.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "../hopfield/options.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";

/**
 * `E_K(ξ) = ½ K(ξ, ξ) − β⁻¹ Ψ*_α(β K(Ξ, ξ)) + β⁻¹ H_α(u_N) + ½ max_μ K(ξ_μ, ξ_μ)`, with `K(u, v) = ⟨Φu, Φv⟩`
 * and `Ψ*_α` the conjugate of the Tsallis entropy of the map (log-sum-exp for softmax). It is the energy of
 * {@link energy} with features in place of states and patterns, `E_K(ξ) = E(Φξ; Φ(Ξ))`, so with `Φ = id` it is
 * Ramsauer et al.'s Eq. 2 (or the Fenchel–Young energy of a sparse map), constants included. The kernelized
 * update `ξ ← Ξᵀ map(β K(Ξ, ξ))` never increases it when W has full column rank (U-Hop Theorem 2.1: CCCP with
 * convex part `½‖Φξ‖²`).
 *
 * Shapes: patterns N × d (one per row), query length d.
 *
 * @example
 * ```ts
 * import { kernelEnergy } from "./energy.ts";
 * import { identityFeatureMap } from "./feature_map.ts";
 * import { energy } from "../hopfield/energy.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * assert.equal(kernelEnergy(identityFeatureMap(2), X, [0.3, 0.8], { beta: 2 }), energy(X, [0.3, 0.8], { beta: 2 }));
 * ```
 */
export function kernelEnergy(
  map: LinearFeatureMap,
  patterns: Matrix,
  query: ArrayLike<number>,
  options: HopfieldOptions,
): number {
  const action = "compute the kernelized energy";
  const spec = hopfieldSpec(options, action);
  checkPatterns(patterns, query, action);
  const F = features(map, patterns);
  const phi = features(map, matrix(1, query.length, Float64Array.from(query)));
  return energyUnchecked(F, phi.data, spec, maxRowNorm(F));
}
