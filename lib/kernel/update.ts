/**
 * The kernelized update `ξ ← Ξᵀ map(β K(Ξ, ξ))` (Wu et al. 2024, U-Hop, §2.1): similarities in feature space,
 * the retrieved state in pattern space.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { UpdateResult } from "../hopfield/update.ts";
import { applyScaled, scaleShifted } from "../maps/separate.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "../hopfield/options.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";

/**
 * The kernel's keys: `K(ξ_μ, ξ) = ⟨Φξ_μ, Wξ + b⟩ = kᵀ_μ ξ + c_μ` with `k_μ = Wᵀ Φ(ξ_μ)` and `c_μ = ⟨Φξ_μ, b⟩`,
 * so one product with the N × d key matrix gives every kernel value, and with `Φ = id` the keys are the
 * patterns. Shapes: patterns N × d → keys N × d, offsets length N (all zero without a bias).
 *
 * @example
 * ```ts
 * import { kernelKeys } from "./update.ts";
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const { keys } = kernelKeys(linearFeatureMap(fromRows([[2, 0], [0, 1]])), fromRows([[1, 1]]));
 * assert.deepEqual(Array.from(keys.data), [4, 1]); // WᵀW ξ
 * ```
 */
export function kernelKeys(map: LinearFeatureMap, patterns: Matrix): { keys: Matrix; offsets: Float64Array } {
  const F = features(map, patterns), D = map.featureDim, d = map.inputDim, W = map.weights.data;
  const keys = matrix(patterns.rows, d), offsets = new Float64Array(patterns.rows);
  for (let mu = 0; mu < patterns.rows; mu++) {
    const f = F.data.subarray(mu * D, (mu + 1) * D), k = keys.data.subarray(mu * d, (mu + 1) * d);
    for (let r = 0; r < D; r++) {
      const fr = f[r];
      if (fr === 0) continue;
      for (let j = 0; j < d; j++) k[j] += fr * W[r * d + j];
      if (map.bias) offsets[mu] += fr * map.bias[r];
    }
  }
  return { keys, offsets };
}

/**
 * One kernelized update of a single state: `p = map(β K(Ξ, ξ))`, `ξ_new = Σ_μ p_μ ξ_μ`. With `Φ = id` it is
 * exactly {@link update}. The official code multiplies the map's output by β instead of its input; that is
 * the same only at β = 1, and is not followed here.
 *
 * Shapes: patterns N × d, query length d → state length d, probabilities length N.
 *
 * @example
 * ```ts
 * import { kernelUpdate } from "./update.ts";
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * // W stretches the first axis: the query's kernel similarity to pattern 0 wins.
 * const phi = linearFeatureMap(fromRows([[10, 0], [0, 1]]));
 * const { state } = kernelUpdate(phi, fromRows([[1, 0], [0, 1]]), [0.5, 0.5], { beta: 1 });
 * assert.ok(state[0] > 0.99);
 * ```
 */
export function kernelUpdate(
  map: LinearFeatureMap,
  patterns: Matrix,
  query: ArrayLike<number>,
  options: HopfieldOptions,
): UpdateResult {
  const action = "compute the kernelized update";
  const spec = hopfieldSpec(options, action);
  checkPatterns(patterns, query, action);
  if (patterns.cols !== map.inputDim) {
    throw new RangeError(
      `Cannot ${action}: patterns must have the map's input dimension: cols=${patterns.cols}, d=${map.inputDim}`,
    );
  }
  const { keys, offsets } = kernelKeys(map, patterns);
  const n = patterns.rows, d = patterns.cols;
  const scores = new Float64Array(n);
  for (let mu = 0; mu < n; mu++) {
    let s = offsets[mu];
    for (let j = 0; j < d; j++) s += keys.data[mu * d + j] * query[j];
    scores[mu] = s;
  }
  const probabilities = applyScaled(
    scaleShifted(scores, spec.beta, scores, action),
    spec,
    new Float64Array(n),
  );
  const state = new Float64Array(d);
  for (let mu = 0; mu < n; mu++) {
    const p = probabilities[mu];
    if (p !== 0) { for (let j = 0; j < d; j++) state[j] += p * patterns.data[mu * d + j]; }
  }
  return { state, probabilities };
}
