/**
 * The computational-limits theory of Hu et al. 2024 as functions (§3.3–3.4 of the shared notes; the theorems
 * follow Alman & Song 2023 and fix only orders of growth, so every constant is a parameter).
 *
 * @module
 */
import { taylorRank } from "./taylor.ts";

/**
 * The norm boundary `B*(τ) = c·√(ln τ)` with τ = max(M, L): under SETH no algorithm retrieves in `O(τ^{2−q})`
 * once the entries reach it (with d = Θ(log τ)); below it, `B = o(√log τ)`, low-rank retrieval takes
 * `τ^{1+o(1)}`. The theorem fixes the order only: c (default 1) is for drawing.
 *
 * @example
 * ```ts
 * import { normBoundary } from "./theory.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(normBoundary(Math.E ** 4) - 2) < 1e-12);
 * ```
 */
export function normBoundary(tau: number, options: { constant?: number } = {}): number {
  const c = options.constant ?? 1;
  if (!(tau > 1) || !Number.isFinite(tau)) {
    throw new RangeError(`Cannot compute B*: tau must be finite and > 1: tau=${tau}`);
  }
  if (!(c > 0) || !Number.isFinite(c)) {
    throw new RangeError(`Cannot compute B*: constant must be finite and > 0: constant=${c}`);
  }
  return c * Math.sqrt(Math.log(tau));
}

/**
 * The degree of Aggarwal & Alman's polynomial for `|P(x) − eˣ| < ε·eˣ` on the entries of a kernel with entries
 * bounded by B (after Alman & Song's `/d` scaling): `g = c·max(ln(1/ε) / ln(ln(1/ε)/B), B²)`, rounded up
 * (c default 1: the order only; the first term applies where ln(1/ε) > e·B, else B² alone is used).
 *
 * @example
 * ```ts
 * import { aggarwalAlmanDegree } from "./theory.ts";
 * import assert from "node:assert/strict";
 * assert.equal(aggarwalAlmanDegree(1e-6, 0.5), 5); // ⌈ln(1e6)/ln(ln(1e6)/0.5)⌉ = ⌈13.8/3.32⌉
 * ```
 */
export function aggarwalAlmanDegree(eps: number, B: number, options: { constant?: number } = {}): number {
  const c = options.constant ?? 1, action = "compute the Aggarwal–Alman degree";
  if (!(eps > 0 && eps < 1)) throw new RangeError(`Cannot ${action}: eps must be in (0, 1): eps=${eps}`);
  if (!(B > 0) || !Number.isFinite(B)) {
    throw new RangeError(`Cannot ${action}: B must be finite and > 0: B=${B}`);
  }
  const L = Math.log(1 / eps), first = L > Math.E * B ? L / Math.log(L / B) : 0;
  return Math.ceil(c * Math.max(first, B * B));
}

/**
 * Predicted operation counts of one retrieval update for L queries against M memories in d dimensions, values
 * d_v wide (default d): exact `2·L·M·(d + d_v)`; low rank with rank r `2·(L + M)·r·(d_v + 1)` plus the features,
 * O((L + M)·r).
 *
 * @example
 * ```ts
 * import { predictedCost } from "./theory.ts";
 * import assert from "node:assert/strict";
 * const c = predictedCost({ L: 1000, M: 1000, d: 16, rank: 153 });
 * assert.ok(c.exact / c.lowRank > 5);
 * ```
 */
export function predictedCost(p: { L: number; M: number; d: number; rank: number; dv?: number }): {
  exact: number;
  lowRank: number;
} {
  const dv = p.dv ?? p.d;
  return {
    exact: 2 * p.L * p.M * (p.d + dv),
    lowRank: 2 * (p.L + p.M) * p.rank * (dv + 1) + (p.L + p.M) * p.rank,
  };
}

/**
 * The largest even Taylor degree whose rank `C(d + g, g)` stays within a budget (at least 2): how much
 * polynomial a retrieval of τ^{1+γ} cost can afford with budget τ^γ.
 *
 * @example
 * ```ts
 * import { affordableDegree } from "./theory.ts";
 * import assert from "node:assert/strict";
 * assert.equal(affordableDegree(16, 4096), 2); // C(20, 4) = 4845 > 4096
 * ```
 */
export function affordableDegree(d: number, budget: number): number {
  let g = 2;
  while (taylorRank(g + 2, d) <= budget) g += 2;
  return g;
}
