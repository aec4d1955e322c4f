/**
 * Storage capacity of the modern Hopfield network for random patterns (Ramsauer et al. 2020, Theorem 3 = A5,
 * Corollary A1, Theorem A6).
 *
 * @module
 */
import { lambertW0, lambertW0OfExp, lambertWm1 } from "./lambert_w.ts";

/** Inputs of Theorem 3: patterns uniform on the sphere of radius `M = K√(d−1)`, failure probability p. */
export interface StorageBoundOptions {
  /** Inverse temperature β > 0. */
  beta: number;
  /** Radius factor K > 0 (M = K√(d−1)). */
  K: number;
  /** Pattern dimension d ≥ 2. */
  d: number;
  /** Failure probability 0 < p ≤ 1. */
  p: number;
}

/** The constants of Theorem 3 and the capacity they give. */
export interface StorageBound {
  /** `a = 2/(d−1) · (1 + ln(2βK²p(d−1)))`. */
  a: number;
  /** `b = 2K²β/5`. */
  b: number;
  /** `c = b / W₀(exp(a + ln b))`. */
  c: number;
  /** Corollary A1's Lambert-W-free value of c (a lower bound on it). */
  c_corollary: number;
  /** `N ≥ √p · c^{(d−1)/4}` patterns are stored with probability 1 − p. */
  n_lower: number;
  /** `log₁₀ n_lower`, finite even where n_lower itself exceeds the double range. */
  log10_n_lower: number;
  /** The theorem's requirement `c ≥ (2/√p)^{4/(d−1)}`. */
  c_required: number;
  /** Whether the requirement holds (if not, the theorem says nothing). */
  valid: boolean;
}

/** The omega constant Ω = W₀(1). */
export const OMEGA = 0.5671432904097838;

function checkPositive(name: string, value: number, action: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`Cannot ${action}: ${name} must be a positive finite number: ${name}=${value}`);
  }
}

/**
 * Theorem 3 (= A5) of Ramsauer et al. 2020. With
 * `a = 2/(d−1)·(1 + ln(2βK²p(d−1)))`, `b = 2K²β/5` and `c = b / W₀(exp(a + ln b))`, if
 * `c ≥ (2/√p)^{4/(d−1)}` then with probability 1 − p at least `N = √p · c^{(d−1)/4}` random patterns on the
 * sphere of radius `K√(d−1)` are stored. Corollary A1, with `u = a + ln b`: `c ≥ b / ln((Ωeᵘ + 1)/(Ω(1+Ω)))`
 * if u ≤ 0 and `c ≥ b·u^{−u/(u+1)}` if u > 0. Computed in logarithms (W₀(eᵘ) without eᵘ), so c stays finite for
 * any β·K² whose b is a double; `n_lower` can exceed the double range (then Infinity), `log10_n_lower` cannot.
 *
 * @example
 * ```ts
 * import { storageBound } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * const s = storageBound({ beta: 1, K: 3, d: 20, p: 0.001 });
 * assert.equal(s.c.toFixed(4), "3.1546"); // the paper's example
 * assert.equal(s.c_corollary.toFixed(4), "3.1444");
 * ```
 */
export function storageBound(options: StorageBoundOptions): StorageBound {
  const action = "compute storage bound";
  const { beta, K, d, p } = options;
  checkPositive("beta", beta, action);
  checkPositive("K", K, action);
  if (!Number.isInteger(d) || d < 2) {
    throw new RangeError(`Cannot ${action}: d must be an integer ≥ 2: d=${d}`);
  }
  if (!(p > 0 && p <= 1)) throw new RangeError(`Cannot ${action}: p must be in (0, 1]: p=${p}`);
  // In logarithms wherever a product could leave the double range (the direct forms where it cannot, so that
  // ordinary inputs give the textbook bits): ln b, u = a + ln b, ln c = ln b − ln W₀(eᵘ).
  const direct = (
    value: number,
    log: () => number,
  ) => (value > 0 && Number.isFinite(value) ? Math.log(value) : log());
  const b = (2 * K * K * beta) / 5;
  const lnB = direct(b, () => Math.log(0.4) + 2 * Math.log(K) + Math.log(beta));
  const arg = 2 * beta * K * K * p * (d - 1);
  const a = (2 / (d - 1)) *
    (1 + direct(arg, () => Math.LN2 + Math.log(beta) + 2 * Math.log(K) + Math.log(p) + Math.log(d - 1)));
  const u = a + lnB;
  const W = lambertW0OfExp(u);
  // ln W₀(eᵘ) = u − W₀(eᵘ) exactly (w eʷ = eᵘ), which stays finite where W₀(eᵘ) underflows.
  const lnW = u - W;
  const lnC = b > 0 && Number.isFinite(b) && W > 0 ? Math.log(b / W) : lnB - lnW;
  const lnCorollary = u <= 0
    ? lnB - Math.log(Math.log((OMEGA * Math.exp(u) + 1) / (OMEGA * (1 + OMEGA))))
    : lnB - (u / (u + 1)) * Math.log(u);
  const lnN = 0.5 * Math.log(p) + ((d - 1) / 4) * lnC;
  const cRequired = Math.pow(2 / Math.sqrt(p), 4 / (d - 1));
  const inRange = (what: string, ln: number) => {
    const v = Math.exp(ln);
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot ${action}: ${what} = e^${
          ln.toPrecision(6)
        } is beyond the double range for beta=${beta}, K=${K}: ` +
          `β·K² must be between about 1e-300 and 1e300`,
      );
    }
    return v;
  };
  const c = b > 0 && Number.isFinite(b) && W > 0 ? b / W : inRange("c", lnC);
  return {
    a,
    b: b > 0 && Number.isFinite(b) ? b : inRange("b", lnB),
    c,
    c_corollary: u <= 0
      ? inRange("c_corollary", lnCorollary)
      : Number.isFinite(b)
      ? b * Math.pow(u, -u / (u + 1))
      : inRange("c_corollary", lnCorollary),
    n_lower: Math.sqrt(p) * Math.pow(c, (d - 1) / 4),
    log10_n_lower: lnN / Math.LN10,
    c_required: cRequired,
    valid: c >= cRequired,
  };
}

/**
 * Theorem A6 / Corollary A2: the dimension at which the capacity constant reaches c. With
 * `a = ln(c)/2 − K²β/(5c)` and `b = 1 + ln(2pβK²)`: `d = 1 + W(a e^{−b})/a` (W₀ if a > 0, W₋₁ if a < 0;
 * `d = 1 + e^{−b}` if a = 0). Requires `a e^{−b} ≥ −1/e`. For a < 0 the equation has two roots: the paper's
 * W₋₁ (the larger d, the default) and W₀ (the smaller, `branch: 0`); this is the inverse of Theorem 3's equation
 * `c ln c + a₃ c = b₃` in d. (The paper's worked example β=1, K=3, c=2, p=0.001 → "d < 24" gives
 * `a e^{−b} ≈ −11.3 < −1/e` with these formulas, so it is rejected here: no d reaches c = 2 at that K.)
 *
 * @example
 * ```ts
 * import { dimensionForCapacity } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * import { storageBound } from "./capacity.ts";
 * // Inverts Theorem 3: the c reached at d = 20 gives back d = 20.
 * const { c } = storageBound({ beta: 1, K: 3, d: 20, p: 0.001 });
 * assert.ok(Math.abs(dimensionForCapacity({ beta: 1, K: 3, c, p: 0.001 }) - 20) < 1e-9);
 * ```
 */
export function dimensionForCapacity(
  options: { beta: number; K: number; c: number; p: number; branch?: 0 | -1 },
): number {
  const action = "compute dimension for capacity";
  const { beta, K, c, p } = options;
  if (options.branch !== undefined && options.branch !== 0 && options.branch !== -1) {
    throw new RangeError(`Cannot ${action}: branch must be 0 or -1: branch=${options.branch}`);
  }
  checkPositive("beta", beta, action);
  checkPositive("K", K, action);
  checkPositive("c", c, action);
  if (!(p > 0 && p <= 1)) throw new RangeError(`Cannot ${action}: p must be in (0, 1]: p=${p}`);
  const a = Math.log(c) / 2 - (K * K * beta) / (5 * c);
  const b = 1 + Math.log(2 * p * beta * K * K);
  if (a === 0) return 1 + Math.exp(-b);
  const x = a * Math.exp(-b);
  if (x < -1 / Math.E) {
    throw new RangeError(`Cannot ${action}: a·e^{−b} must be ≥ −1/e (no real solution): a·e^{−b}=${x}`);
  }
  const branch = options.branch ?? (a > 0 ? 0 : -1);
  if (branch === -1 && a > 0) throw new RangeError(`Cannot ${action}: branch -1 needs a < 0: a=${a}`);
  return 1 + (branch === 0 ? lambertW0(x) : lambertWm1(x)) / a;
}

/** `(2k − 1)!! = 1·3·5···(2k − 1)`; 1 for k ≤ 0. */
function doubleFactorialOdd(m: number): number {
  let r = 1;
  for (let k = m; k > 1; k -= 2) r *= k;
  return r;
}

/** `I(a) = ½((1+a) ln(1+a) + (1−a) ln(1−a))`, the rate in Demircigil et al.'s Theorem (Ramsauer A10). */
export function demircigilRate(a: number): number {
  if (!(a >= 0 && a <= 1)) throw new RangeError(`Cannot compute I(a): a must be in [0, 1]: a=${a}`);
  const t = (x: number) => (x === 0 ? 0 : x * Math.log(x));
  return 0.5 * (t(1 + a) + t(1 - a));
}

/**
 * Capacity laws of the earlier associative memories, as quoted by Ramsauer et al. 2020 (intro, App. A.1.6).
 *
 * @example
 * ```ts
 * import { classicalCapacity } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(classicalCapacity.hebbian(4096) - 565.248) < 1e-9); // the blog's 0.14·64·64 ≈ 570
 * assert.equal(classicalCapacity.polynomial(100, 2), classicalCapacity.hebbianErrorFree(100));
 * ```
 */
export const classicalCapacity = {
  /** Hopfield (1982) with small errors: ≈ 0.138 d (Amit, Gutfreund & Sompolinsky 1985). */
  hebbian: (d: number): number => 0.138 * d,
  /** Error-free classical retrieval: d / (2 ln d) (McEliece et al. 1987). */
  hebbianErrorFree: (d: number): number => d / (2 * Math.log(d)),
  /** Krotov & Hopfield 2016, F(x) = xⁿ, error-free: d^{n−1} / (2 (2n−3)!! ln d). */
  polynomial: (d: number, n: number): number =>
    Math.pow(d, n - 1) / (2 * doubleFactorialOdd(2 * n - 3) * Math.log(d)),
  /** Demircigil et al. (2017), exponential interaction: 2^{d/2}. */
  exponential: (d: number): number => Math.pow(2, d / 2),
  /**
   * Demircigil et al. with a fraction ρ of flipped bits to correct (Ramsauer Thm A10): exp(α d) with
   * α < I(1 − 2ρ)/2; this returns the limit exp(I(1 − 2ρ) d / 2).
   */
  exponentialCorrecting: (d: number, rho: number): number => Math.exp((demircigilRate(1 - 2 * rho) * d) / 2),
};

/**
 * Theorems A3 and A4 of Ramsauer et al. 2020 (patterns placed by hand, β = 1): with norm M = 2√(d−1) (d ≥ 4)
 * at least N = 2^{2(d−1)} patterns are stored; with M = 5√(d−1) (d ≥ 3), N = 2^{3(d−1)}.
 *
 * @example
 * ```ts
 * import { placedCapacity } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(placedCapacity(5).A3, { n: 2 ** 8, M: 4 });
 * ```
 */
export function placedCapacity(d: number): { A3: { n: number; M: number }; A4: { n: number; M: number } } {
  if (!Number.isInteger(d) || d < 4) {
    throw new RangeError(`Cannot evaluate Theorems A3/A4: d must be an integer ≥ 4: d=${d}`);
  }
  return {
    A3: { n: 2 ** (2 * (d - 1)), M: 2 * Math.sqrt(d - 1) },
    A4: { n: 2 ** (3 * (d - 1)), M: 5 * Math.sqrt(d - 1) },
  };
}
