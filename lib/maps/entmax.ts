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
  // p_max = (0 − τ)² ≤ 1 in units of (z − m)/2, so τ ≥ −1: no entry with z ≤ m − 2 is in the support.
  const s = sortedDescending(z, m, 2);
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
 * α-entmax for any α > 1 by bisection (Blondel et al. 2020, Alg. 1), written so that it stays accurate as α → 1:
 * with `ε = α − 1` and `xᵢ = zᵢ − max z`, `pᵢ = [1 + ε(xᵢ − θ)]₊^{1/ε} = exp(log1p(ε(xᵢ − θ))/ε)`, which tends to
 * `exp(xᵢ − θ)` (softmax) as ε → 0 instead of raising a rounded number to the power 1/ε. Σp decreases in θ, and
 * `θ ∈ [0, −expm1(−ε ln n)/ε]` (at the upper end every pᵢ ≤ 1/n); 80 halvings fix θ to rounding, and the result
 * is renormalised so that it sums to one. (This is the usual `[(α−1)z − τ]₊^{1/(α−1)}` with τ = −1 + εθ.)
 *
 * Shapes: `z` length n → probabilities length n. Entries equal to −∞ get probability 0.
 *
 * @example
 * ```ts
 * import { entmax } from "./entmax.ts";
 * import { softmax } from "./softmax.ts";
 * import assert from "node:assert/strict";
 * const p = entmax([-2, 0, 0.5], 2); // α = 2 is sparsemax
 * assert.ok(Math.abs(p[1] - 0.25) < 1e-12 && Math.abs(p[2] - 0.75) < 1e-12);
 * const q = entmax([-2, 0, 0.5], 1 + 2 ** -52), s = softmax([-2, 0, 0.5]); // α → 1 is softmax
 * assert.ok(q.every((v, i) => Math.abs(v - s[i]) < 1e-12));
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
  const eps = alpha - 1, n = z.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = z[i] - m;
  const entry = (v: number, theta: number): number => {
    const u = eps * (v - theta);
    return u > -1 ? Math.exp(Math.log1p(u) / eps) : 0;
  };
  const mass = (theta: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += entry(x[i], theta);
    return s;
  };
  let lo = 0, hi = -Math.expm1(-eps * Math.log(n)) / eps; // mass(lo) ≥ 1 ≥ mass(hi)
  for (let it = 0; it < 80 && hi - lo > 0; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (mass(mid) >= 1) lo = mid;
    else hi = mid;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += out[i] = entry(x[i], lo);
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
  if (!(alpha >= 1) || !Number.isFinite(alpha)) {
    throw new RangeError(
      `Cannot compute the Tsallis entropy: alpha must be a finite number ≥ 1: alpha=${alpha}`,
    );
  }
  for (let j = 0; j < p.length; j++) {
    if (!(p[j] >= 0) || !Number.isFinite(p[j])) {
      throw new RangeError(
        `Cannot compute the Tsallis entropy: probabilities must be finite and ≥ 0: p[${j}]=${p[j]}`,
      );
    }
  }
  let h = 0;
  if (alpha === 1) {
    for (let j = 0; j < p.length; j++) if (p[j] > 0) h -= p[j] * Math.log(p[j]);
    return h;
  }
  for (let j = 0; j < p.length; j++) if (p[j] > 0) h += p[j] - Math.pow(p[j], alpha);
  return h / (alpha * (alpha - 1));
}
