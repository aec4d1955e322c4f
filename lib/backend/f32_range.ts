/**
 * What an f32 backend can compute: the guard that makes `webgpu` and `blas` in f32 either match the Float64
 * reference within their tolerance or refuse, naming the f32 range, instead of returning NaN.
 *
 * @module
 */
import { type DenseMatrix, maxRowNorm } from "../linalg/matrix.ts";
import type { MapSpec } from "../maps/spec.ts";

/** The largest finite f32, ≈ 3.4e38. */
export const F32_MAX = 3.4028234663852886e38;

const norms = new WeakMap<object, number>();

/** `max |aₖ|`, NaN if any entry is NaN. */
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (v !== v) return NaN;
    const u = v < 0 ? -v : v;
    if (u > m) m = u;
  }
  return m;
}

/** `maxᵢ ‖xᵢ‖` of a pattern matrix, cached by its data array (patterns are reused across steps). */
function cachedMaxNorm(m: DenseMatrix): number {
  let v = norms.get(m.data);
  if (v === undefined) norms.set(m.data, v = maxRowNorm(m));
  return v;
}

/**
 * Throws a RangeError when an f32 computation of `map(β Q Xᵀ) X` could leave the f32 range: an entry of the
 * patterns or queries beyond ±3.4e38, scores that can (by Cauchy–Schwarz, `|xᵢᵀξ| ≤ ‖xᵢ‖‖ξ‖`) overflow, or a
 * map scale (β, and (α − 1)β for entmax, times log₂e for the streaming softmax) beyond it. With `queries` null
 * only the patterns and the scale are checked: the fused `blas` step finds overflow in its scores instead, which
 * costs nothing, where a scan of the queries cost 40 µs of a 330 µs step at S0. @internal
 *
 * @example
 * ```ts
 * import { checkF32 } from "./f32_range.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { mapSpec } from "../maps/spec.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1e20, 0], [0, 1e20]]);
 * assert.throws(() => checkF32("webgpu", X, X, mapSpec()), /f32 range/);
 * checkF32("webgpu", fromRows([[1, 0]]), fromRows([[0, 1]]), mapSpec({ beta: 1e30 }));
 * ```
 */
export function checkF32(
  backend: string,
  patterns: DenseMatrix,
  queries: DenseMatrix | null,
  spec?: MapSpec,
): void {
  const action = `Cannot run on ${backend} (f32)`;
  const xn = cachedMaxNorm(patterns);
  // Queries change every step: bound their norm by √d·max|entry| (one pass, no row views), and compute the exact
  // norms only when that bound is too loose to clear them. `null`: the caller finds overflow in the scores.
  const bound = queries ? Math.sqrt(queries.cols) * maxAbs(queries.data) : 0;
  const qn = !queries || xn * bound <= F32_MAX ? bound : maxRowNorm(queries);
  const given = queries
    ? [["patterns", patterns, xn], ["queries", queries, qn]] as const
    : [["patterns", patterns, xn]] as const;
  for (const [what, m, norm] of given) {
    if (!(norm <= F32_MAX) && m.data.some((v) => Math.abs(v) > F32_MAX)) {
      throw new RangeError(
        `${action}: ${what} hold entries beyond the f32 range ±3.4e38; use cpu or blas f64`,
      );
    }
  }
  if (queries && !(xn * qn <= F32_MAX)) {
    throw new RangeError(
      `${action}: scores can reach ‖x‖·‖ξ‖ = ${(xn * qn).toExponential(2)}, beyond the f32 range ±3.4e38 ` +
        `(largest pattern norm ${xn.toExponential(2)}, query norm ${
          qn.toExponential(2)
        }); use cpu or blas f64`,
    );
  }
  if (spec) {
    const scale = spec.beta * Math.max(1, spec.alpha - 1) * Math.LOG2E;
    if (!(scale <= F32_MAX)) {
      throw new RangeError(
        `${action}: beta=${spec.beta}${
          spec.kind === "entmax" ? `, alpha=${spec.alpha}` : ""
        } makes the map's ` +
          `scale ${scale.toExponential(2)} exceed the f32 range ±3.4e38; use cpu or blas f64`,
      );
    }
  }
}
