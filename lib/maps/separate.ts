/**
 * Applying a separation map to scores: one vector, or every row of a matrix.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { entmax, entmax15 } from "./entmax.ts";
import { softmax } from "./softmax.ts";
import { sparsemax } from "./sparsemax.ts";
import { type MapOptions, type MapSpec, mapSpec } from "./spec.ts";

/**
 * Applies a separation map to `β·scores`: `p = map(β z)`.
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
  const z = new Float64Array(scores.length);
  for (let i = 0; i < z.length; i++) z[i] = spec.beta * scores[i];
  return applyScaled(z, spec, out);
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
