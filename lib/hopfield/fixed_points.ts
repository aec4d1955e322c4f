/**
 * Classifying fixed points by how many patterns carry their probability mass.
 *
 * Two size measures are used in the papers: the number of entries above a threshold (0.01 in Hu et al.
 * 2024, U-Hop+ Table 1) and the fewest entries whose sum reaches 90% of the mass (Ramsauer et al. 2020,
 * App. A.5.1, the metastable-state size k).
 *
 * @module
 */
import { checkMatrix, distance, type Matrix, row } from "../linalg/matrix.ts";

/** Throws unless every entry of p is a finite number ≥ 0, naming the first that is not. */
function checkProbabilities(p: ArrayLike<number>, action: string): void {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0) || !Number.isFinite(p[i])) {
      throw new RangeError(`Cannot ${action}: probabilities must be finite and ≥ 0: p[${i}]=${p[i]}`);
    }
  }
}

/**
 * Number of entries of p strictly above `threshold` (default 0.01).
 *
 * @example
 * ```ts
 * import { sizeAbove } from "./fixed_points.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sizeAbove([0.5, 0.495, 0.005]), 2);
 * ```
 */
export function sizeAbove(p: ArrayLike<number>, threshold = 0.01): number {
  checkProbabilities(p, "size fixed point");
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    throw new RangeError(
      `Cannot size fixed point: threshold must be a finite number ≥ 0: threshold=${threshold}`,
    );
  }
  let k = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > threshold) k++;
  return k;
}

/**
 * The fewest entries of p, taken largest first, whose sum reaches `mass` (default 0.9): Ramsauer's k.
 *
 * @example
 * ```ts
 * import { sizeForMass } from "./fixed_points.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sizeForMass([0.5, 0.3, 0.15, 0.05]), 3);
 * ```
 */
export function sizeForMass(p: ArrayLike<number>, mass = 0.9): number {
  if (!(mass > 0 && mass <= 1)) {
    throw new RangeError(`Cannot size fixed point: mass must be in (0, 1]: mass=${mass}`);
  }
  checkProbabilities(p, "size fixed point");
  const sorted = Float64Array.from(p).sort().reverse();
  let s = 0;
  // A relative slack of 1e-12 keeps exact cases (mass reached by rounding) from counting one entry more.
  for (let k = 0; k < sorted.length; k++) {
    s += sorted[k];
    if (s >= mass * (1 - 1e-12)) return k + 1;
  }
  return sorted.length;
}

/** The kind of a fixed point. */
export type FixedPointKind = "single" | "metastable" | "global";

/**
 * Classifies a fixed point from its size k among N patterns: `single` if k = 1, `global` if k > N/2 (the
 * averaging regime, Ramsauer's class I), else `metastable` (a state near the mean of a subset of k patterns).
 *
 * @example
 * ```ts
 * import { classifyFixedPoint } from "./fixed_points.ts";
 * import assert from "node:assert/strict";
 * assert.equal(classifyFixedPoint(1, 100), "single");
 * assert.equal(classifyFixedPoint(7, 100), "metastable");
 * assert.equal(classifyFixedPoint(60, 100), "global");
 * ```
 */
export function classifyFixedPoint(size: number, n: number): FixedPointKind {
  if (!Number.isInteger(size) || size < 1 || size > n) {
    throw new RangeError(
      `Cannot classify fixed point: size must be an integer in [1, N]: size=${size}, N=${n}`,
    );
  }
  if (size === 1) return "single";
  return n > 1 && size > n / 2 ? "global" : "metastable";
}

/** Ramsauer et al.'s attention-head classes. */
export type HeadClass = "I" | "II" | "III" | "IV";

/**
 * Ramsauer et al. (2020, Sec. 4, App. A.5.1): a head's class from the median metastable size k̄ over N tokens —
 * I if k̄ > N/2, II if N/8 < k̄ ≤ N/2, III if N/32 < k̄ ≤ N/8, IV if k̄ ≤ N/32.
 *
 * @example
 * ```ts
 * import { headClass } from "./fixed_points.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([300, 100, 20, 16].map((k) => headClass(k, 512)), ["I", "II", "III", "IV"]);
 * ```
 */
export function headClass(medianSize: number, n: number): HeadClass {
  if (!(medianSize >= 0) || !(n >= 1)) {
    throw new RangeError(
      `Cannot classify head: need median size ≥ 0 and N ≥ 1: median=${medianSize}, N=${n}`,
    );
  }
  if (medianSize > n / 2) return "I";
  if (medianSize > n / 8) return "II";
  if (medianSize > n / 32) return "III";
  return "IV";
}

/**
 * The distinct states among the rows of `states`: greedy clusters whose representatives are more than `tol`
 * apart (Euclidean); returns the representatives' row indices, in order.
 *
 * @example
 * ```ts
 * import { distinctStates } from "./fixed_points.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(distinctStates(fromRows([[0, 0], [1e-6, 0], [1, 0]]), 1e-3), [0, 2]);
 * ```
 */
export function distinctStates(states: Matrix, tol: number): number[] {
  checkMatrix(states, "states", "find distinct states");
  if (!(tol >= 0) || !Number.isFinite(tol)) {
    throw new RangeError(`Cannot find distinct states: tol must be a finite number ≥ 0: tol=${tol}`);
  }
  const reps: number[] = [];
  for (let i = 0; i < states.rows; i++) {
    if (!reps.some((j) => distance(row(states, i), row(states, j)) <= tol)) reps.push(i);
  }
  return reps;
}
