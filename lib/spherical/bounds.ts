/**
 * Bounds on spherical codes (data/sources/spherical-code-bounds.md): `A(d, θ)` is the largest number of points
 * on S^{d−1} with pairwise angles ≥ θ, and `s = cos θ`. Every bound is returned as a real number (not rounded
 * down); rates are in bits per dimension.
 *
 * @module
 */
import { betaInc, binomial, gegenbauer, largestJacobiZero, lnGamma } from "./special.ts";

function checkDim(d: number, action: string): void {
  if (!Number.isInteger(d) || d < 2) {
    throw new RangeError(`Cannot ${action}: d must be an integer ≥ 2: d=${d}`);
  }
}

function checkAngle(theta: number, action: string, max = Math.PI): void {
  if (!(theta > 0 && theta <= max)) {
    throw new RangeError(
      `Cannot ${action}: the angle must be in (0, ${max === Math.PI ? "180" : "90"}°]: angle=${
        (theta * 180) / Math.PI
      }°`,
    );
  }
}

/**
 * The normalised cap measure `μ_d(θ)`: the fraction of S^{d−1} within angle θ of a point,
 * `½ I_{sin²θ}((d−1)/2, ½)` for θ ≤ π/2 and `1 − ½ I_{sin²θ}((d−1)/2, ½)` above.
 *
 * @example
 * ```ts
 * import { capMeasure } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * const t = 1.1;
 * assert.ok(Math.abs(capMeasure(3, t) - (1 - Math.cos(t)) / 2) < 1e-15);
 * assert.ok(Math.abs(capMeasure(4, t) - (t - Math.sin(t) * Math.cos(t)) / Math.PI) < 1e-15);
 * ```
 */
export function capMeasure(d: number, theta: number): number {
  checkDim(d, "compute the cap measure");
  if (!(theta >= 0 && theta <= Math.PI)) {
    throw new RangeError(`Cannot compute the cap measure: theta must be in [0, π]: theta=${theta}`);
  }
  const s = Math.sin(theta), half = 0.5 * betaInc(Math.min(1, s * s), (d - 1) / 2, 0.5);
  return theta <= Math.PI / 2 ? half : 1 - half;
}

/**
 * Chabauty–Shannon–Wyner: `A(d, θ) ≥ 1/μ_d(θ)` (a maximal code's caps of radius θ cover the sphere).
 *
 * @example
 * ```ts
 * import { cswLower } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(cswLower(3, Math.PI / 3) - 4) < 1e-12); // 1/μ₃(60°) = 2/(1 − cos 60°)
 * ```
 */
export function cswLower(d: number, theta: number): number {
  checkAngle(theta, "compute the CSW bound");
  return 1 / capMeasure(d, theta);
}

/**
 * Cap packing: `A(d, θ) ≤ 1/μ_d(θ/2)` (caps of radius θ/2 around the points are disjoint).
 *
 * @example
 * ```ts
 * import { capPackingUpper } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(capPackingUpper(3, Math.PI / 3) - (8 + 4 * Math.sqrt(3))) < 1e-12);
 * ```
 */
export function capPackingUpper(d: number, theta: number): number {
  checkAngle(theta, "compute the cap-packing bound");
  return 1 / capMeasure(d, theta / 2);
}

/**
 * Rankin (1955). For θ < 90°, with `sin β = √2 sin(θ/2)`:
 * `A ≤ √π Γ((d−1)/2) sin β tan β / (2 Γ(d/2) ∫₀^β sin^{d−2}φ (cos φ − cos β) dφ)`, the integral in closed form
 * `sin^{d−1}β/(d−1) − cos β · C μ_d(β)`, `C = √π Γ((d−1)/2)/Γ(d/2)`. For θ = 90°: 2d; above: `min(d + 1, 1 − 1/cos θ)`.
 *
 * @example
 * ```ts
 * import { rankinUpper } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rankinUpper(5, Math.PI / 2), 10);
 * assert.ok(Math.abs(rankinUpper(3, Math.acos(-1 / 3)) - 4) < 1e-12); // the tetrahedron
 * ```
 */
export function rankinUpper(d: number, theta: number): number {
  checkDim(d, "compute Rankin's bound");
  checkAngle(theta, "compute Rankin's bound");
  const c = Math.cos(theta);
  if (Math.abs(c) < 1e-15) return 2 * d;
  if (c < 0) return Math.min(d + 1, 1 - 1 / c);
  const beta = Math.asin(Math.SQRT2 * Math.sin(theta / 2));
  const C = Math.exp(0.5 * Math.log(Math.PI) + lnGamma((d - 1) / 2) - lnGamma(d / 2));
  const integral = Math.sin(beta) ** (d - 1) / (d - 1) - Math.cos(beta) * C * capMeasure(d, beta);
  return (C * Math.sin(beta) * Math.tan(beta)) / (2 * integral);
}

const zeroCache = new Map<string, number>();
/** `t_k^{1,0}` (ε = 0) and `t_k^{1,1}` (ε = 1): the largest zero of `P_k^{(a+1, a+ε)}`, a = (d−3)/2; `t_0^{1,1} = −1`. */
function levenshteinNode(d: number, k: number, eps: 0 | 1): number {
  if (k === 0) return -1;
  const key = `${d}:${k}:${eps}`;
  let z = zeroCache.get(key);
  if (z === undefined) {
    const a = (d - 3) / 2;
    try {
      z = largestJacobiZero(k, a + 1, a + eps);
    } catch {
      throw new RangeError(
        `Cannot compute the Levenshtein bound: at d=${d} the node t_${k} (the largest zero of a Jacobi ` +
          `polynomial of degree ${k}) could not be located in double precision; this d is too large for it`,
      );
    }
    zeroCache.set(key, z);
  }
  return z;
}

/**
 * Levenshtein's universal bound `L(d, s)` on `A(d, arccos s)` (Levenshtein 1979; branches by the largest zeros
 * of Jacobi polynomials), with Gegenbauer polynomials `P_k` (`P_k(1) = 1`):
 * `L_{2k−1} = C(k+d−3, k−1)[(2k+d−3)/(d−1) − (P_{k−1}(s) − P_k(s))/((1−s)P_k(s))]` on `[t_{k−1}^{1,1}, t_k^{1,0})`,
 * `L_{2k} = C(k+d−2, k)[(2k+d−1)/(d−1) − (1+s)(P_k(s) − P_{k+1}(s))/((1−s)(P_k(s) + P_{k+1}(s)))]` on
 * `[t_k^{1,0}, t_k^{1,1})`.
 *
 * @example
 * ```ts
 * import { levenshtein } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(levenshtein(3, 1 / Math.sqrt(5)) - 12) < 1e-9); // the icosahedron attains it
 * assert.ok(Math.abs(levenshtein(8, 0.5) - 240) < 1e-7); // so do the E8 roots
 * ```
 */
export function levenshtein(d: number, s: number): number {
  checkDim(d, "compute the Levenshtein bound");
  if (!(s >= -1 && s < 1)) {
    throw new RangeError(`Cannot compute the Levenshtein bound: s = cos θ must be in [−1, 1): s=${s}`);
  }
  for (let k = 1; k <= 400; k++) {
    const P = gegenbauer(d, k + 1, s);
    if (s < levenshteinNode(d, k, 0)) {
      return binomial(k + d - 3, k - 1) *
        ((2 * k + d - 3) / (d - 1) - (P[k - 1] - P[k]) / ((1 - s) * P[k]));
    }
    if (s < levenshteinNode(d, k, 1)) {
      return binomial(k + d - 2, k) *
        ((2 * k + d - 1) / (d - 1) - ((1 + s) * (P[k] - P[k + 1])) / ((1 - s) * (P[k] + P[k + 1])));
    }
  }
  throw new RangeError(
    `Cannot compute the Levenshtein bound: at d=${d} and s = cos θ = ${s} (θ = ${
      (Math.acos(s) * 180 / Math.PI).toPrecision(4)
    }°) it needs more than 400 branches; the bound there is astronomically large`,
  );
}

/**
 * The largest minimal angle (radians) that Levenshtein allows for N points: `arccos` of the smallest s with
 * `L(d, s) ≥ N` (L is increasing), by bisection.
 *
 * @example
 * ```ts
 * import { levenshteinAngle } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(levenshteinAngle(3, 12) - Math.atan(2)) < 1e-9); // the icosahedron's angle
 * ```
 */
export function levenshteinAngle(d: number, n: number): number {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot bound the angle: N must be an integer ≥ 2: N=${n}`);
  }
  let lo = -1, hi = 1 - 1e-12;
  if (levenshtein(d, lo) >= n) return Math.PI;
  for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
    const mid = 0.5 * (lo + hi);
    if (levenshtein(d, mid) >= n) hi = mid;
    else lo = mid;
  }
  return Math.acos(hi);
}

/**
 * Fejes Tóth (1943), d = 3, N ≥ 3: `θ_N ≤ arccos((cot²ω − 1)/2)`, `ω = πN/(6(N−2))` (radians; tight for
 * N = 3, 4, 6, 12).
 *
 * @example
 * ```ts
 * import { fejesToth } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(fejesToth(12) - Math.atan(2)) < 1e-14);
 * assert.ok(Math.abs(fejesToth(6) - Math.PI / 2) < 1e-15);
 * ```
 */
export function fejesToth(n: number): number {
  if (!Number.isInteger(n) || n < 3) {
    throw new RangeError(`Cannot compute Fejes Tóth's bound: N must be an integer ≥ 3: N=${n}`);
  }
  const omega = (Math.PI * n) / (6 * (n - 2)), cot = 1 / Math.tan(omega);
  return Math.acos(Math.max(-1, Math.min(1, (cot * cot - 1) / 2)));
}

/** KL-1: `(1+sin θ)/(2 sin θ) log₂((1+sin θ)/(2 sin θ)) − (1−sin θ)/(2 sin θ) log₂((1−sin θ)/(2 sin θ))`. */
function kl1(theta: number): number {
  const s = Math.sin(theta), a = (1 + s) / (2 * s), b = (1 - s) / (2 * s);
  return a * Math.log2(a) - (b > 0 ? b * Math.log2(b) : 0);
}

let klStar: { theta: number; constant: number } | undefined;

/**
 * θ* and the constant of KL-2: the minimiser and minimum of `KL1(t) + ½ log₂(1 − cos t)` on (0, π/2), by
 * golden-section search (≈ 62.9974°, −0.0990558).
 *
 * @example
 * ```ts
 * import { klThetaStar } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs((klThetaStar().theta * 180) / Math.PI - 62.9974) < 1e-3);
 * ```
 */
export function klThetaStar(): { theta: number; constant: number } {
  if (klStar) return klStar;
  const g = (t: number) => kl1(t) + 0.5 * Math.log2(1 - Math.cos(t));
  let a = 0.5, b = Math.PI / 2 - 1e-9;
  const r = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 200; it++) {
    const c = b - r * (b - a), e = a + r * (b - a);
    if (g(c) < g(e)) b = e;
    else a = c;
  }
  const theta = 0.5 * (a + b);
  return klStar = { theta, constant: g(theta) };
}

/**
 * The Kabatiansky–Levenshtein upper bound on the rate `lim sup (1/d) log₂ A(d, θ)`, bits per dimension: KL-2
 * `−½ log₂(1 − cos θ) + c*` for θ ≤ θ*, KL-1 for θ* < θ < 90°, and 0 from 90° on (A ≤ 2d).
 *
 * @example
 * ```ts
 * import { klRate } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(klRate(Math.PI / 3) - 0.4006) < 1e-3); // the kissing-number exponent 0.401
 * ```
 */
export function klRate(theta: number): number {
  checkAngle(theta, "compute the KL rate");
  if (theta >= Math.PI / 2) return 0;
  const { theta: star, constant } = klThetaStar();
  return theta <= star ? -0.5 * Math.log2(1 - Math.cos(theta)) + constant : kl1(theta);
}

/**
 * The CSW rate `−log₂ sin θ` (bits per dimension; 0 from 90° on).
 *
 * @example
 * ```ts
 * import { cswRate } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(cswRate(Math.PI / 3) - 0.2075187) < 1e-6); // the "2^{0.2075 d}" of random codes
 * ```
 */
export function cswRate(theta: number): number {
  checkAngle(theta, "compute the CSW rate");
  return theta >= Math.PI / 2 ? 0 : -Math.log2(Math.sin(theta));
}

/**
 * Proposition 3.1 of Hu et al. 2024 (U-Hop+): for M points on S^{d−1},
 * `½ (√π Γ((d+1)/2) / (M Γ(d/2 + 1)))^{2/(d−1)} ≤ Δ_min ≤ 2 (2√π Γ((d+1)/2) / (M Γ(d/2)))^{1/(d−1)}`;
 * in d = 3: `2/(3M) ≤ Δ_min ≤ 4/√M`.
 *
 * @example
 * ```ts
 * import { separationBounds } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * const b = separationBounds(3, 100);
 * assert.ok(Math.abs(b.lower - 2 / 300) < 1e-15 && Math.abs(b.upper - 0.4) < 1e-15);
 * ```
 */
export function separationBounds(d: number, m: number): { lower: number; upper: number } {
  checkDim(d, "compute the separation bounds");
  if (!Number.isInteger(m) || m < 2) {
    throw new RangeError(`Cannot compute the separation bounds: M must be an integer ≥ 2: M=${m}`);
  }
  const lnPi = 0.5 * Math.log(Math.PI);
  const upper = 2 *
    Math.exp((Math.log(2) + lnPi + lnGamma((d + 1) / 2) - Math.log(m) - lnGamma(d / 2)) / (d - 1));
  const lower = 0.5 *
    Math.exp((2 * (lnPi + lnGamma((d + 1) / 2) - Math.log(m) - lnGamma(d / 2 + 1))) / (d - 1));
  return { lower, upper };
}

/**
 * The memory capacity of a kernelized Hopfield model with feature dimension `D` whose memories must keep a
 * minimal separation `Δ_min = 1 − cos θ` on the unit sphere (Hu et al. 2024: the optimum is an optimal spherical
 * code): at least the CSW bound, at most the smaller of cap packing and Levenshtein; the exponents in bits per
 * dimension (CSW and KL) show the `exp(Θ(D))` growth.
 *
 * @example
 * ```ts
 * import { khmCapacity } from "./bounds.ts";
 * import assert from "node:assert/strict";
 * const c = khmCapacity(16, 0.5); // θ = 60°
 * assert.ok(c.lower < c.upper && c.lowerRate < c.upperRate);
 * ```
 */
export function khmCapacity(D: number, deltaMin: number): {
  lower: number;
  upper: number;
  lowerRate: number;
  upperRate: number;
} {
  checkDim(D, "compute the KHM capacity");
  if (!(deltaMin > 0 && deltaMin <= 2)) {
    throw new RangeError(`Cannot compute the KHM capacity: deltaMin must be in (0, 2]: deltaMin=${deltaMin}`);
  }
  const theta = Math.acos(1 - deltaMin);
  const upper = Math.min(capPackingUpper(D, theta), theta < Math.PI ? levenshtein(D, Math.cos(theta)) : 2);
  return { lower: cswLower(D, theta), upper, lowerRate: cswRate(theta), upperRate: klRate(theta) };
}
