/**
 * Separation of stored patterns and the retrieval bounds built on it (Ramsauer et al. 2020, Sec. 2 and
 * App. A.1.5).
 *
 * @module
 */
import { checkMatrix, columnMeans, distance, dot, type Matrix, maxRowNorm, row } from "../linalg/matrix.ts";

function checkBeta(beta: number, action: string): void {
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot ${action}: beta must be a positive finite number: beta=${beta}`);
  }
}

/**
 * Separation of each pattern (Definition 2): `Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ`. With equal norms
 * `Δᵢ = ½ minⱼ ‖xᵢ − xⱼ‖²`. Needs at least two patterns.
 *
 * Shapes: patterns N × d → length N.
 *
 * @example
 * ```ts
 * import { separation } from "./separation.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(separation(fromRows([[1, 0], [0, 1]]))), [1, 1]);
 * ```
 */
export function separation(patterns: Matrix): Float64Array {
  checkMatrix(patterns, "patterns", "compute separation");
  const n = patterns.rows;
  if (n < 2) throw new RangeError(`Cannot compute separation: need at least 2 patterns: N=${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = row(patterns, i);
    let best = -Infinity;
    for (let j = 0; j < n; j++) if (j !== i) best = Math.max(best, dot(xi, row(patterns, j)));
    out[i] = dot(xi, xi) - best;
  }
  return out;
}

/**
 * Spread of the patterns around their mean (Lemma A3): `m_max = maxᵢ ‖xᵢ − m_x‖`, `m_x = (1/N) Σ xᵢ`.
 * If `β m_max² < 1` the update is a contraction with a unique (global) fixed point.
 *
 * @example
 * ```ts
 * import { spread } from "./separation.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.equal(spread(fromRows([[1, 0], [-1, 0]])), 1);
 * ```
 */
export function spread(patterns: Matrix): number {
  const mean = columnMeans(patterns);
  let best = 0;
  for (let i = 0; i < patterns.rows; i++) best = Math.max(best, distance(row(patterns, i), mean));
  return best;
}

/**
 * The separation a pattern needs to be "well separated" (Lemmas A5–A7): a fixed point exists in the sphere
 * `Sᵢ = {ξ : ‖ξ − xᵢ‖ ≤ 1/(βNM)}` when `Δᵢ ≥ 2/(βN) + β⁻¹ ln(2(N−1)NβM²)`.
 *
 * @example
 * ```ts
 * import { wellSeparatedThreshold } from "./separation.ts";
 * import assert from "node:assert/strict";
 * const t = wellSeparatedThreshold({ beta: 1, n: 2, maxNorm: 1 });
 * assert.ok(Math.abs(t - (1 + Math.log(4))) < 1e-15);
 * ```
 */
export function wellSeparatedThreshold(options: { beta: number; n: number; maxNorm: number }): number {
  const { beta, n, maxNorm } = options;
  checkBeta(beta, "compute well-separated threshold");
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot compute well-separated threshold: n must be an integer ≥ 2: n=${n}`);
  }
  return 2 / (beta * n) + Math.log(2 * (n - 1) * n * beta * maxNorm * maxNorm) / beta;
}

/**
 * Whether each pattern is well separated at β (see {@link wellSeparatedThreshold}).
 *
 * @example
 * ```ts
 * import { isWellSeparated } from "./separation.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isWellSeparated(fromRows([[10, 0], [0, 10]]), { beta: 1 }), [true, true]);
 * ```
 */
export function isWellSeparated(patterns: Matrix, options: { beta: number }): boolean[] {
  const threshold = wellSeparatedThreshold({
    beta: options.beta,
    n: patterns.rows,
    maxNorm: maxRowNorm(patterns),
  });
  return Array.from(separation(patterns), (delta) => delta >= threshold);
}

/**
 * One-step retrieval error bound (Theorem 5 = A9):
 * `‖f(ξ) − xᵢ‖ ≤ 2(N−1) exp(−β(Δᵢ − 2 r M)) M`, with `r = max{‖ξ − xᵢ‖, ‖xᵢ* − xᵢ‖}`.
 *
 * @example
 * ```ts
 * import { oneStepErrorBound } from "./separation.ts";
 * import assert from "node:assert/strict";
 * const b = oneStepErrorBound({ beta: 1, n: 2, separation: 3, radius: 0.5, maxNorm: 1 });
 * assert.ok(Math.abs(b - 2 * Math.exp(-2)) < 1e-15);
 * ```
 */
export function oneStepErrorBound(
  options: { beta: number; n: number; separation: number; radius: number; maxNorm: number },
): number {
  const { beta, n, separation: delta, radius, maxNorm } = options;
  checkBeta(beta, "compute one-step error bound");
  if (!(radius >= 0)) {
    throw new RangeError(`Cannot compute one-step error bound: radius must be ≥ 0: radius=${radius}`);
  }
  return 2 * (n - 1) * Math.exp(-beta * (delta - 2 * radius * maxNorm)) * maxNorm;
}

/**
 * Distance of the fixed point from its pattern (Theorem 5): `‖xᵢ − xᵢ*‖ ≤ 2e(N−1) M exp(−βΔᵢ)`, valid when
 * both ξ and xᵢ* lie within 1/(2βM) of xᵢ.
 *
 * @example
 * ```ts
 * import { fixedPointErrorBound } from "./separation.ts";
 * import assert from "node:assert/strict";
 * assert.ok(fixedPointErrorBound({ beta: 10, n: 3, separation: 2, maxNorm: 1 }) < 1e-7);
 * ```
 */
export function fixedPointErrorBound(
  options: { beta: number; n: number; separation: number; maxNorm: number },
): number {
  const { beta, n, separation: delta, maxNorm } = options;
  checkBeta(beta, "compute fixed-point error bound");
  return 2 * Math.E * (n - 1) * maxNorm * Math.exp(-beta * delta);
}
