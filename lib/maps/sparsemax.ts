/**
 * sparsemax (Martins & Astudillo 2016): the Euclidean projection of the scores onto the probability simplex.
 *
 * @module
 */
import { checkedMax } from "./softmax.ts";

/**
 * The values of `z` with `z − top > −width`, sorted in decreasing order (`top` = max z). The sparse maps pass a
 * width beyond which no entry can be in the support (every probability is at most 1), so that a long score row
 * with a short support sorts a few candidates instead of all of it; the sorted prefix, and so every sum over it,
 * is the same. Entries equal to −∞ are never kept. @internal
 */
export function sortedDescending(z: ArrayLike<number>, top: number, width = Infinity): Float64Array {
  let k = 0;
  for (let i = 0; i < z.length; i++) if (z[i] - top > -width) k++;
  const s = new Float64Array(k);
  k = 0;
  for (let i = 0; i < z.length; i++) if (z[i] - top > -width) s[k++] = z[i];
  s.sort();
  s.reverse();
  return s;
}

/**
 * sparsemax: `pᵢ = [zᵢ − τ]₊`, with `τ = (Σ_{j≤k} z₍ⱼ₎ − 1)/k` and `k = max{k : 1 + k z₍ₖ₎ > Σ_{j≤k} z₍ⱼ₎}`
 * over the scores sorted in decreasing order (Martins & Astudillo 2016, Alg. 1). Equals 2-entmax.
 *
 * Shapes: `z` length n → probabilities length n. Entries equal to −∞ get probability 0.
 *
 * @example
 * ```ts
 * import { sparsemax } from "./sparsemax.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(sparsemax([-2, 0, 0.5])), [0, 0.25, 0.75]);
 * ```
 */
export function sparsemax(
  z: ArrayLike<number>,
  out: Float64Array = new Float64Array(z.length),
): Float64Array {
  const m = checkedMax(z, "compute sparsemax");
  if (m === Infinity) return infiniteShare(z, out);
  // p_max = m − τ ≤ 1, so τ ≥ m − 1 and no entry with z − m ≤ −1 is in the support.
  const s = sortedDescending(z, m, 1);
  let cum = 0, k = 0, cumK = 0;
  for (let j = 0; j < s.length && s[j] > -Infinity; j++) {
    // Shift by the max so that 1 + k·z₍ₖ₎ > Σ stays accurate for large scores.
    const v = s[j] - m;
    cum += v;
    if (1 + (j + 1) * v > cum) {
      k = j + 1;
      cumK = cum;
    }
  }
  const tau = (cumK - 1) / k;
  for (let i = 0; i < z.length; i++) out[i] = Math.max(z[i] - m - tau, 0);
  return out;
}

/** Shares the mass equally among +∞ entries (the β → ∞ limit of every map here). @internal */
export function infiniteShare(z: ArrayLike<number>, out: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < z.length; i++) if (z[i] === Infinity) k++;
  for (let i = 0; i < z.length; i++) out[i] = z[i] === Infinity ? 1 / k : 0;
  return out;
}
