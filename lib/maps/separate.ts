/**
 * Applying a separation map to scores: one vector, or every row of a matrix.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { entmax, entmax15 } from "./entmax.ts";
import { checkedMax, softmax } from "./softmax.ts";
import { sparsemax } from "./sparsemax.ts";
import { type MapOptions, type MapSpec, mapSpec } from "./spec.ts";

/**
 * Applies a separation map to `β·scores`: `p = map(β z)`. Every map here is invariant to shifting its argument,
 * so the scores are shifted by their maximum before they are scaled (`β(zᵢ − max z)`): a product that would
 * overflow cannot make a false tie, and the map is exact in the limit β → ∞ (see {@link scaleShifted}).
 *
 * Shapes: `scores` length n → probabilities length n (into `out` when given).
 *
 * @example
 * ```ts
 * import { separate } from "./separate.ts";
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
  const z = scaleShifted(scores, spec.beta, new Float64Array(scores.length), "apply the map");
  return applyScaled(z, spec, out);
}

/**
 * `zᵢ = β(sᵢ − max s)` into `z` (which may be `s` itself): the argument every map receives. The shift happens
 * before the product, so `β = 1e300` with scores 2e10 and 1e10 gives (0, −∞), not a tie of two infinities.
 * +∞ scores stay +∞ (the others become −∞). Throws, naming `action`, on NaN or when no score exceeds −∞.
 *
 * @example
 * ```ts
 * import { scaleShifted } from "./separate.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(scaleShifted([2e10, 1e10], 1e300, new Float64Array(2))), [0, -Infinity]);
 * ```
 */
export function scaleShifted(
  scores: ArrayLike<number>,
  beta: number,
  z: Float64Array,
  action = "apply the map",
): Float64Array {
  const m = checkedMax(scores, action);
  if (m === Infinity) {
    for (let i = 0; i < scores.length; i++) z[i] = scores[i] === Infinity ? Infinity : -Infinity;
    return z;
  }
  for (let i = 0; i < scores.length; i++) {
    const d = scores[i] - m;
    z[i] = d === 0 ? 0 : beta * d;
  }
  return z;
}

/**
 * Applies the map to already-scaled scores `z = β·scores` (β is not applied again), into `out`.
 *
 * @example
 * ```ts
 * import { applyScaled } from "./separate.ts";
 * import { mapSpec } from "./spec.ts";
 * import assert from "node:assert/strict";
 * const p = applyScaled([0, 1], mapSpec({ kind: "sparsemax", beta: 100 }), new Float64Array(2));
 * assert.deepEqual(Array.from(p), [0, 1]);
 * ```
 */
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
 * import { separateRows } from "./separate.ts";
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
