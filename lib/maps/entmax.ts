/**
 * α-entmax (Peters, Niculae & Martins 2019, "Sparse Sequence-to-Sequence Models"): the maximiser of
 * `⟨p, z⟩ + H_α(p)` over the simplex, with the Tsallis entropy `H_α(p) = Σⱼ (pⱼ − pⱼ^α) / (α(α−1))`.
 * Closed form `pᵢ = [(α−1) zᵢ − τ]₊^{1/(α−1)}` with τ chosen so that `Σ pᵢ = 1`.
 * α → 1 gives softmax, α = 2 gives sparsemax.
 *
 * @module
 */
import { checkedMax } from "./softmax.ts";
import { infiniteShare, sortedDescending } from "./sparsemax.ts";

/**
 * 1.5-entmax by the exact sort-based algorithm (Peters et al. 2019, Alg. 2): `pᵢ = [zᵢ/2 − τ]₊²`.
 * With `x = z/2 − max(z/2)` sorted decreasingly, for each support size ρ:
 * `τ_ρ = mean_ρ − √max(0, (1 − ρ(msq_ρ − mean_ρ²))/ρ)`; the support is `#{ρ : τ_ρ ≤ x₍ρ₎}`.
 *
 * Shapes: `z` length n → probabilities length n. Entries equal to −∞ get probability 0.
 *
 * @example
 * ```ts
 * import { entmax15 } from "./entmax.ts";
 * import assert from "node:assert/strict";
 * const p = entmax15([-2, 0, 0.5]);
 * assert.ok(Math.abs(p[1] - 0.3260) < 1e-4 && Math.abs(p[2] - 0.6740) < 1e-4 && p[0] === 0);
 * ```
 */
export function entmax15(z: ArrayLike<number>, out: Float64Array = new Float64Array(z.length)): Float64Array {
  const m = checkedMax(z, "compute entmax15");
  if (m === Infinity) return infiniteShare(z, out);
  const s = sortedDescending(z);
  let sum = 0, sumSq = 0, tauStar = 0;
  for (let r = 0; r < s.length && s[r] > -Infinity; r++) {
    const x = (s[r] - m) / 2;
    sum += x;
    sumSq += x * x;
    const rho = r + 1;
    const mean = sum / rho;
    const delta = (1 - rho * (sumSq / rho - mean * mean)) / rho;
    const tau = mean - Math.sqrt(Math.max(delta, 0));
    if (tau <= x) tauStar = tau;
  }
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    const v = Math.max((z[i] - m) / 2 - tauStar, 0);
    out[i] = v * v;
    total += out[i];
  }
  for (let i = 0; i < z.length; i++) out[i] /= total;
  return out;
}

/**
 * α-entmax for any α > 1 by bisection on τ (Blondel et al. 2020, Alg. 1), robust to peaked scores and −∞
 * entries: with `x = (α−1)(z − max z)`, τ lies in `[−1, −(1/n)^{α−1}]`; 60 halvings fix it to machine
 * precision, and the result is renormalised so that it sums to one.
 *
 * Shapes: `z` length n → probabilities length n.
 *
 * @example
 * ```ts
 * import { entmax } from "./entmax.ts";
 * import assert from "node:assert/strict";
 * const p = entmax([-2, 0, 0.5], 2); // α = 2 is sparsemax
 * assert.ok(Math.abs(p[1] - 0.25) < 1e-12 && Math.abs(p[2] - 0.75) < 1e-12);
 * ```
 */
export function entmax(
  z: ArrayLike<number>,
  alpha: number,
  out: Float64Array = new Float64Array(z.length),
): Float64Array {
  if (!(alpha > 1) || !Number.isFinite(alpha)) {
    throw new RangeError(
      `Cannot compute entmax: alpha must be a finite number greater than 1: alpha=${alpha}`,
    );
  }
  const m = checkedMax(z, "compute entmax");
  if (m === Infinity) return infiniteShare(z, out);
  const am1 = alpha - 1, inv = 1 / am1, n = z.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = am1 * (z[i] - m);
  const mass = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i] - tau;
      if (v > 0) s += Math.pow(v, inv);
    }
    return s;
  };
  let lo = -1, hi = -Math.pow(1 / n, am1);
  for (let it = 0; it < 60 && hi - lo > 0; it++) {
    const mid = 0.5 * (lo + hi);
    if (mass(mid) >= 1) lo = mid;
    else hi = mid;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] - lo;
    out[i] = v > 0 ? Math.pow(v, inv) : 0;
    total += out[i];
  }
  for (let i = 0; i < n; i++) out[i] /= total;
  return out;
}

/**
 * Tsallis α-entropy `H_α(p) = Σⱼ (pⱼ − pⱼ^α) / (α(α−1))`; Shannon `−Σ pⱼ log pⱼ` at α = 1.
 *
 * @example
 * ```ts
 * import { tsallisEntropy } from "./entmax.ts";
 * import assert from "node:assert/strict";
 * // Uniform on n atoms: (1 − n^{1−α}) / (α(α−1)).
 * assert.ok(Math.abs(tsallisEntropy([0.25, 0.25, 0.25, 0.25], 2) - (1 - 4 ** -1) / 2) < 1e-15);
 * ```
 */
export function tsallisEntropy(p: ArrayLike<number>, alpha: number): number {
  let h = 0;
  if (alpha === 1) {
    for (let j = 0; j < p.length; j++) if (p[j] > 0) h -= p[j] * Math.log(p[j]);
    return h;
  }
  for (let j = 0; j < p.length; j++) if (p[j] > 0) h += p[j] - Math.pow(p[j], alpha);
  return h / (alpha * (alpha - 1));
}
