/**
 * Linear feature maps `Φ(x) = W x + b` of the kernelized Hopfield model (Wu et al. 2024, U-Hop, §2.1): the
 * kernel is `K(u, v) = ⟨Φ(u), Φ(v)⟩`. The official code uses a square `W` (D_Φ = d), no bias, initialised
 * `randn(d, d)`; the paper describes a linear affine map, possibly into D_Φ > d. Both are covered here.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { matrixRank } from "../linalg/rank.ts";

/** A checked linear (affine) feature map `Φ(x) = W x + b`, `W` of full column rank. Frozen. */
export interface LinearFeatureMap {
  /** W, D_Φ × d. */
  readonly weights: Matrix;
  /** b (length D_Φ), or `null` for a linear map. */
  readonly bias: Float64Array | null;
  /** d, the pattern dimension. */
  readonly inputDim: number;
  /** D_Φ, the feature dimension. */
  readonly featureDim: number;
}

/**
 * Checks `W` (finite, rank d: Assumption 2.1 of U-Hop, needed for the kernelized update to decrease the
 * kernelized energy, since the CCCP step solves `WᵀW ξ' = WᵀW Ξᵀp`) and `b`, and freezes them (copies). With
 * `requireFullRank: false` the rank is not checked: U-Hop+'s experiments map d = 784 pixels to D_Φ = 200
 * features, where the update is still defined but Theorem 2.1's energy guarantee does not apply.
 *
 * Shapes: weights D_Φ × d with D_Φ ≥ d, bias length D_Φ.
 *
 * @example
 * ```ts
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const phi = linearFeatureMap(fromRows([[2, 0], [0, 1], [1, 1]]));
 * assert.equal(phi.featureDim, 3);
 * assert.throws(() => linearFeatureMap(fromRows([[1, 2], [2, 4]])), /rank 1/);
 * ```
 */
export function linearFeatureMap(
  weights: Matrix,
  options: { bias?: ArrayLike<number>; requireFullRank?: boolean } = {},
): LinearFeatureMap {
  const action = "make a feature map";
  checkMatrix(weights, "weights", action);
  const D = weights.rows, d = weights.cols;
  if (D < 1 || d < 1) {
    throw new RangeError(`Cannot ${action}: weights must be non-empty: rows=${D}, cols=${d}`);
  }
  let bias: Float64Array | null = null;
  if (options.bias !== undefined) {
    if (options.bias.length !== D) {
      throw new RangeError(
        `Cannot ${action}: bias length must equal the feature dimension (weights rows): bias=${options.bias.length}, rows=${D}`,
      );
    }
    bias = Float64Array.from(options.bias);
    bias.forEach((v, k) => {
      if (!Number.isFinite(v)) throw new RangeError(`Cannot ${action}: bias must be finite: bias[${k}]=${v}`);
    });
  }
  const rank = options.requireFullRank === false ? d : matrixRank(weights);
  if (rank < d) {
    throw new RangeError(
      `Cannot ${action}: weights must have full column rank (rank d = ${d}, Assumption 2.1 of U-Hop), so that Φ is injective and the kernelized update decreases the energy: weights (${D} × ${d}) have rank ${rank}`,
    );
  }
  return Object.freeze({
    weights: Object.freeze({ rows: D, cols: d, data: Float64Array.from(weights.data) }),
    bias,
    inputDim: d,
    featureDim: D,
  });
}

/**
 * A map over the given arrays (not copied) without the rank check (a QR, 0.4 s at d = 784): for the identity, a
 * Gaussian start, and the intermediate maps of an optimisation, whose final map {@link linearFeatureMap} checks.
 * The caller must not change the arrays while the map is in use. @internal
 */
export function featureMapUnchecked(weights: Matrix, bias: Float64Array | null): LinearFeatureMap {
  return { weights, bias, inputDim: weights.cols, featureDim: weights.rows };
}

/**
 * The identity map `Φ(x) = x`: the kernelized model is then the plain modern Hopfield network.
 *
 * @example
 * ```ts
 * import { identityFeatureMap } from "./feature_map.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(identityFeatureMap(2).weights.data), [1, 0, 0, 1]);
 * ```
 */
export function identityFeatureMap(d: number): LinearFeatureMap {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`Cannot make the identity feature map: d must be a positive integer: d=${d}`);
  }
  const W = matrix(d, d);
  for (let i = 0; i < d; i++) W.data[i * d + i] = 1;
  return Object.freeze(featureMapUnchecked(Object.freeze(W), null)); // full rank: no QR needed
}

/**
 * `W` with independent N(0, scale²) entries and no bias (the official U-Hop initialisation is `randn(d, d)`,
 * scale 1; U-Hop+'s `nn.Linear` starts from Kaiming's scale √(2/d)). With D_Φ ≥ d it has full rank with
 * probability 1, so only D_Φ < d (rank at most D_Φ) is refused, unless `requireFullRank: false`.
 *
 * Shapes: → D_Φ × d.
 *
 * @example
 * ```ts
 * import { gaussianFeatureMap } from "./feature_map.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const phi = gaussianFeatureMap(3, 5, { prng: createPrng(1) });
 * assert.equal(phi.weights.rows, 5);
 * ```
 */
export function gaussianFeatureMap(
  d: number,
  featureDim: number,
  options: { prng: Prng; scale?: number; requireFullRank?: boolean },
): LinearFeatureMap {
  const scale = options.scale ?? 1;
  for (const [name, v] of [["d", d], ["featureDim", featureDim]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `Cannot make a Gaussian feature map: ${name} must be a positive integer: ${name}=${v}`,
      );
    }
  }
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(
      `Cannot make a Gaussian feature map: scale must be positive and finite: scale=${scale}`,
    );
  }
  if (featureDim < d && options.requireFullRank !== false) {
    throw new RangeError(
      `Cannot make a Gaussian feature map: weights must have full column rank (rank d = ${d}, Assumption 2.1 of U-Hop): a ${featureDim} × ${d} W has rank at most ${featureDim}`,
    );
  }
  const W = matrix(featureDim, d);
  for (let k = 0; k < W.data.length; k++) W.data[k] = scale * options.prng.normal();
  return Object.freeze(featureMapUnchecked(Object.freeze(W), null));
}

/**
 * The features `Φ(xᵢ) = W xᵢ + b` of every row. Unchecked beyond the width.
 *
 * Shapes: X N × d → N × D_Φ.
 *
 * @example
 * ```ts
 * import { features, linearFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const phi = linearFeatureMap(fromRows([[2, 0], [0, 1]]), { bias: [1, 0] });
 * assert.deepEqual(Array.from(features(phi, fromRows([[1, 3]])).data), [3, 3]);
 * ```
 */
export function features(map: LinearFeatureMap, X: Matrix): Matrix {
  const d = map.inputDim, D = map.featureDim;
  if (X.cols !== d) {
    throw new RangeError(
      `Cannot apply the feature map: rows must have the map's input dimension: cols=${X.cols}, d=${d}`,
    );
  }
  const out = matrix(X.rows, D), W = map.weights.data;
  for (let i = 0; i < X.rows; i++) {
    const x = X.data.subarray(i * d, (i + 1) * d), o = i * D;
    for (let r = 0; r < D; r++) {
      let s = map.bias ? map.bias[r] : 0;
      for (let k = 0; k < d; k++) s += W[r * d + k] * x[k];
      out.data[o + r] = s;
    }
  }
  return out;
}
