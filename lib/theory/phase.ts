/**
 * The temperature phase transition of a modern Hopfield network storing N equidistant patterns (Koulischer et
 * al. 2023, reconstructed in data/sources/phase-transition.md §2.3–2.5): patterns of norm r with pairwise cosine
 * c, Gram matrix `G = r²[(1−c)I + c11ᵀ]`, separation `Δ = r²(1−c)`.
 *
 * On the symmetric line `ξ = p x₁ + (1−p)/(N−1) Σ_{j≠1} xⱼ` the update `ξ ← X softmax(βXᵀξ)` reduces to one
 * dimension in the order parameter `m = (Np − 1)/(N−1)` (0: the mean, the global state; 1: pattern 1):
 *
 *   m ← F_K(m) = (e^{Km} − 1) / (e^{Km} + N − 1),   K = βΔ = β r² (1 − c)   (the effective inverse temperature).
 *
 * The dynamics depend on β, r, c only through K. Three thresholds in K (all `K_x = β_x Δ`):
 * - `K_sn = min_{m∈(0,1)} K(m)`, `K(m) = ln((1 + (N−1)m)/(1 − m)) / m`: a saddle-node where pattern-specific
 *   minima appear;
 * - `K_t = 2(N−1) ln(N−1)/(N−2)` (N ≥ 3; 2 for N = 2): the pattern state and the global state have equal energy
 *   (the first-order transition of the mean-field Potts model; there `p₁ = (N−1)/N`);
 * - `K_spin = N`: the global state loses stability (`F'_K(0) = K/N`).
 *
 * @module
 */
import { dot, type Matrix, row } from "../linalg/matrix.ts";

/** The pattern set: norm `radius` (default 1) and pairwise `cosine` (default −1/(N−1), the centred simplex). */
export interface EquidistantSet {
  /** Norm of every pattern (default 1). */
  radius?: number;
  /** Pairwise cosine (default −1/(N−1)). */
  cosine?: number;
}

/**
 * Checks N, r and c; returns them with `Δ = r²(1−c)`.
 *
 * @example
 * ```ts
 * import { equidistantSet } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.equal(equidistantSet(5, { radius: 2, cosine: 0 }).delta, 4); // Δ = r²(1 − c)
 * assert.throws(() => equidistantSet(5, { cosine: -0.5 }), /cosine=-0.5/);
 * ```
 */
export function equidistantSet(
  n: number,
  options: EquidistantSet = {},
  action = "analyse the phase transition",
): { n: number; radius: number; cosine: number; delta: number } {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot ${action}: N must be an integer ≥ 2: N=${n}`);
  }
  const radius = options.radius ?? 1, cosine = options.cosine ?? -1 / (n - 1);
  if (!(radius > 0) || !Number.isFinite(radius)) {
    throw new RangeError(`Cannot ${action}: radius must be a positive finite number: radius=${radius}`);
  }
  // Feasible: G ⪰ 0 needs c ≥ −1/(N−1); c = 1 makes every pattern the same (Δ = 0).
  if (!(cosine >= -1 / (n - 1) - 1e-12 && cosine < 1)) {
    throw new RangeError(
      `Cannot ${action}: cosine must be in [−1/(N−1), 1) = [${-1 / (n - 1)}, 1) for N=${n}: cosine=${cosine}`,
    );
  }
  // The thresholds are β = K/Δ with K ≤ N: Δ must be a double, and N/Δ too.
  const delta = radius * radius * (1 - cosine);
  if (!(delta >= n / Number.MAX_VALUE) || !Number.isFinite(delta)) {
    const lo = Math.sqrt(n / Number.MAX_VALUE / (1 - cosine)),
      hi = Math.sqrt(Number.MAX_VALUE / (1 - cosine));
    throw new RangeError(
      `Cannot ${action}: radius=${radius} and cosine=${cosine} give Δ = r²(1−c) = ${delta}, so the thresholds ` +
        `β = K/Δ leave the double range; radius must be within [${lo.toExponential(2)}, ${
          hi.toExponential(2)
        }]`,
    );
  }
  return { n, radius, cosine, delta };
}

/** Checks the arguments of the reduced map: N ≥ 2 an integer, K ≥ 0 finite, m in [−1/(N−1), 1]. */
function checkReduced(m: number, K: number, n: number, action: string): void {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot ${action}: N must be an integer ≥ 2: N=${n}`);
  }
  if (!(K >= 0) || !Number.isFinite(K)) {
    throw new RangeError(`Cannot ${action}: K must be a finite number ≥ 0: K=${K}`);
  }
  if (!(m >= -1 / (n - 1) - 1e-12 && m <= 1 + 1e-12)) {
    throw new RangeError(`Cannot ${action}: m must be in [−1/(N−1), 1] = [${-1 / (n - 1)}, 1]: m=${m}`);
  }
}

/**
 * The effective inverse temperature `K = β r² (1 − c)`.
 *
 * @example
 * ```ts
 * import { effectiveBeta } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(effectiveBeta(9, 10) - 10) < 1e-12); // centred unit simplex: K = β N/(N−1)
 * ```
 */
export function effectiveBeta(beta: number, n: number, options: EquidistantSet = {}): number {
  if (!(beta >= 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot compute β_eff: beta must be a finite number ≥ 0: beta=${beta}`);
  }
  return beta * equidistantSet(n, options, "compute β_eff").delta;
}

/**
 * The reduced map `F_K(m) = (e^{Km} − 1)/(e^{Km} + N − 1)`, evaluated without overflow.
 *
 * @example
 * ```ts
 * import { reducedMap } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(reducedMap(0.3, 1.7, 2) - Math.tanh(0.85 * 0.3)) < 1e-15); // N = 2: tanh(Km/2)
 * assert.equal(reducedMap(0, 5, 10), 0);
 * ```
 */
export function reducedMap(m: number, K: number, n: number): number {
  checkReduced(m, K, n, "evaluate the reduced map");
  const x = K * m;
  if (x > 0) {
    const e = Math.exp(-x);
    return (1 - e) / (1 + (n - 1) * e);
  }
  const em1 = Math.expm1(x);
  return em1 / (em1 + n);
}

/**
 * `F'_K(m) = K N e^{Km} / (e^{Km} + N − 1)²`.
 *
 * @example
 * ```ts
 * import { reducedMapSlope } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.equal(reducedMapSlope(0, 10, 10), 1); // F'_K(0) = K/N: the global state's stability edge
 * ```
 */
export function reducedMapSlope(m: number, K: number, n: number): number {
  checkReduced(m, K, n, "evaluate the reduced map's slope");
  const x = K * m;
  if (x > 0) {
    const e = Math.exp(-x);
    return (K * n * e) / (1 + (n - 1) * e) ** 2;
  }
  const e = Math.exp(x);
  return (K * n * e) / (e + n - 1) ** 2;
}

/**
 * The coupling at which `m ≠ 0` is a fixed point: `K(m) = ln((1 + (N−1)m)/(1 − m)) / m`, for
 * `m ∈ (−1/(N−1), 1)`; `K(0) = N` (the limit).
 *
 * @example
 * ```ts
 * import { fixedPointCoupling, reducedMap } from "./phase.ts";
 * import assert from "node:assert/strict";
 * const K = fixedPointCoupling(0.8, 10);
 * assert.ok(Math.abs(reducedMap(0.8, K, 10) - 0.8) < 1e-14); // m = 0.8 is a fixed point of F_K
 * ```
 */
export function fixedPointCoupling(m: number, n: number): number {
  if (!(m > -1 / (n - 1) && m < 1)) {
    throw new RangeError(`Cannot compute K(m): m must be in (−1/(N−1), 1) for N=${n}: m=${m}`);
  }
  if (Math.abs(m) < 1e-8) return n + ((1 - (n - 1) ** 2) / 2) * m; // Taylor: N + a₂ m
  return (Math.log1p((n - 1) * m) - Math.log1p(-m)) / m;
}

/**
 * Bisection for a sign change of `f` on [lo, hi] to absolute width `tol` (f(lo), f(hi) of opposite sign).
 *
 * @example
 * ```ts
 * import { bisect } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(bisect((x) => x * x - 2, 0, 2) - Math.SQRT2) < 1e-15);
 * ```
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, tol = 1e-15): number {
  let flo = f(lo);
  const fhi = f(hi);
  if (flo === 0) return lo;
  if (fhi === 0) return hi;
  if (Math.sign(flo) === Math.sign(fhi)) {
    throw new RangeError(`Cannot bisect: f must change sign on [${lo}, ${hi}]: f(lo)=${flo}, f(hi)=${fhi}`);
  }
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi), fm = f(mid);
    if (fm === 0) return mid;
    if (Math.sign(fm) === Math.sign(flo)) [lo, flo] = [mid, fm];
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The thresholds printed by `hop phase`. */
export interface PhaseThresholds {
  /** Saddle-node: pattern-specific minima first appear. */
  K_sn: number;
  /** Equal energy of the pattern state and the global state. */
  K_t: number;
  /** The global state loses stability. */
  K_spin: number;
  /** `K_sn` as an inverse temperature: `K_sn / Δ`. */
  beta_sn: number;
  /** `K_t / Δ`. */
  beta_t: number;
  /** `K_spin / Δ`. */
  beta_spin: number;
  /** Our β_c: `beta_t`, the first-order transition (see notebook 03 for the argument). */
  beta_c: number;
  /** Order parameter of the pattern fixed point at the saddle-node. */
  m_sn: number;
  /** Order parameter of the pattern fixed point at `K_t`: (N−2)/(N−1), i.e. p₁ = (N−1)/N. */
  m_t: number;
  /** The separation `Δ = r²(1−c)` that converts K to β. */
  delta: number;
}

/**
 * The three thresholds for N equidistant patterns: `K_sn` by bisection on `K'(m) = 0` (to 1e-15 in m), `K_t`
 * and `K_spin` in closed form, and `β_x = K_x / (r²(1−c))`.
 *
 * @example
 * ```ts
 * import { phaseThresholds } from "./phase.ts";
 * import assert from "node:assert/strict";
 * const t = phaseThresholds(10);
 * assert.ok(Math.abs(t.beta_spin - 9) < 1e-12); // centred unit simplex: β = N − 1
 * assert.ok(t.beta_sn < t.beta_t && t.beta_t < t.beta_spin);
 * assert.throws(() => phaseThresholds(1), /N=1/);
 * ```
 */
export function phaseThresholds(n: number, options: EquidistantSet = {}): PhaseThresholds {
  const { delta } = equidistantSet(n, options, "compute the phase thresholds");
  let K_sn: number, m_sn: number, K_t: number, m_t: number;
  if (n === 2) {
    // K(m) = 2 artanh(m)/m is smallest at m → 0: the three thresholds meet at K = 2 (a pitchfork).
    K_sn = K_t = 2;
    m_sn = m_t = 0;
  } else {
    // K'(m) = 0 ⇔ h(m) = m g'(m) − g(m) = 0, g(m) = ln(1 + (N−1)m) − ln(1 − m); h < 0 near 0⁺, h → ∞ at 1⁻.
    const h = (m: number) =>
      m * ((n - 1) / (1 + (n - 1) * m) + 1 / (1 - m)) - (Math.log1p((n - 1) * m) - Math.log1p(-m));
    m_sn = bisect(h, 1e-3, 1 - 1e-12);
    K_sn = fixedPointCoupling(m_sn, n);
    K_t = (2 * (n - 1) * Math.log(n - 1)) / (n - 2);
    m_t = (n - 2) / (n - 1);
  }
  const K_spin = n;
  return {
    K_sn,
    K_t,
    K_spin,
    beta_sn: K_sn / delta,
    beta_t: K_t / delta,
    beta_spin: K_spin / delta,
    beta_c: K_t / delta,
    m_sn,
    m_t,
    delta,
  };
}

/** A fixed point of the reduced map and whether it attracts (`|F'_K(m)| < 1`). */
export interface ReducedFixedPoint {
  /** The order parameter m of the fixed point. */
  m: number;
  /** Whether it attracts along the symmetric line. */
  stable: boolean;
}

/**
 * All fixed points of `F_K` on `(−1/(N−1), 1)`, sorted: `m = 0` always, and the roots of `K(m) = K` on the
 * monotone pieces of `K(m)` (found by bisection to 1e-14).
 *
 * @example
 * ```ts
 * import { reducedFixedPoints } from "./phase.ts";
 * import assert from "node:assert/strict";
 * assert.equal(reducedFixedPoints(3, 10).length, 1); // below K_sn: only the global state
 * const window = reducedFixedPoints(6, 10); // K_sn < K < N: global, unstable middle, pattern
 * assert.deepEqual(window.map((f) => f.stable), [true, false, true]);
 * assert.equal(reducedFixedPoints(80, 10).at(-1)!.m, 1 - 2 ** -53); // 1 − 10e⁻⁸⁰ in double precision
 * ```
 */
export function reducedFixedPoints(K: number, n: number): ReducedFixedPoint[] {
  if (!(K > 0) || !Number.isFinite(K)) {
    throw new RangeError(`Cannot find fixed points: K must be a positive finite number: K=${K}`);
  }
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot find fixed points: N must be an integer ≥ 2: N=${n}`);
  }
  const roots: number[] = [0];
  const g = (m: number) => fixedPointCoupling(m, n) - K;
  const lowest = -1 / (n - 1);
  // Negative side: K(m) falls from +∞ (at −1/(N−1)) to N (at 0).
  if (K > n) roots.push(bisect(g, lowest + 1e-15 * n, -1e-12, 1e-14));
  // The pattern state: 1 − m* ≈ N·e^{−K}, closer to 1 than the largest double below 1 once K(1 − 2⁻⁵³) < K
  // (K ≳ 36.7 + ln N); that double is then the root to machine precision.
  const top = 1 - 2 ** -53, patternRoot = (lo: number) => (g(top) < 0 ? top : bisect(g, lo, top, 1e-14));
  if (n === 2) {
    if (K > 2) roots.push(patternRoot(1e-12));
  } else {
    const { m_sn, K_sn } = phaseThresholds(n);
    if (K > K_sn && K < n) roots.push(bisect(g, 1e-12, m_sn, 1e-14));
    if (K === K_sn) roots.push(m_sn);
    else if (K > K_sn) roots.push(patternRoot(m_sn));
  }
  return roots.sort((a, b) => a - b).map((m) => ({ m, stable: Math.abs(reducedMapSlope(m, K, n)) < 1 }));
}

/**
 * The Ramsauer energy (Eq. 2, with its constants `β⁻¹ ln N + ½M²`) of the state `ξ = Σ pⱼ xⱼ` on the symmetric
 * line with order parameter m, in closed form from the Gram matrix: scores `(Gp)ⱼ = r²[(1−c)pⱼ + c]`.
 *
 * @example
 * ```ts
 * import { phaseThresholds, symmetricLineEnergy } from "./phase.ts";
 * import assert from "node:assert/strict";
 * const t = phaseThresholds(5);
 * const e0 = symmetricLineEnergy(0, t.beta_t, 5), e1 = symmetricLineEnergy(t.m_t, t.beta_t, 5);
 * assert.ok(Math.abs(e0 - e1) < 1e-12); // equal energy at β_t
 * ```
 */
export function symmetricLineEnergy(
  m: number,
  beta: number,
  n: number,
  options: EquidistantSet = {},
): number {
  const { radius: r, cosine: c } = equidistantSet(n, options, "evaluate the energy");
  if (!(m >= -1 / (n - 1) - 1e-15 && m <= 1 + 1e-15)) {
    throw new RangeError(`Cannot evaluate the energy: m must be in [−1/(N−1), 1] for N=${n}: m=${m}`);
  }
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot evaluate the energy: beta must be a positive finite number: beta=${beta}`);
  }
  const p1 = (1 + (n - 1) * m) / n, pj = (1 - p1) / (n - 1);
  const r2 = r * r;
  const s1 = r2 * ((1 - c) * p1 + c), sj = r2 * ((1 - c) * pj + c);
  const top = Math.max(s1, sj);
  const lse = top + Math.log(Math.exp(beta * (s1 - top)) + (n - 1) * Math.exp(beta * (sj - top))) / beta;
  const quad = r2 * ((1 - c) * (p1 * p1 + (n - 1) * pj * pj) + c);
  return -lse + 0.5 * quad + Math.log(n) / beta + 0.5 * r2;
}

/**
 * The state `ξ = p₁x₁ + (1−p₁)/(N−1) Σ_{j≠1} xⱼ` on the symmetric line with order parameter m
 * (`p₁ = (1 + (N−1)m)/N`). Shapes: patterns N × d → ξ of length d.
 *
 * @example
 * ```ts
 * import { orderParameter, symmetricLineState } from "./phase.ts";
 * import { equidistant } from "../data/synthetic.ts";
 * import assert from "node:assert/strict";
 * const X = equidistant(5);
 * assert.ok(Math.abs(orderParameter(X, symmetricLineState(X, 0.3), 5 / 4) - 0.3) < 1e-14);
 * ```
 */
export function symmetricLineState(patterns: Matrix, m: number): Float64Array {
  const n = patterns.rows, d = patterns.cols;
  const p1 = (1 + (n - 1) * m) / n, pj = (1 - p1) / (n - 1);
  const xi = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) xi[k] += (i === 0 ? p1 : pj) * patterns.data[i * d + k];
  }
  return xi;
}

/** The order parameter of a state: `m = (x₁ᵀξ − x₂ᵀξ)/Δ`, the logit gap of patterns 1 and 2 over Δ = r²(1−c). */
export function orderParameter(patterns: Matrix, xi: ArrayLike<number>, delta: number): number {
  return (dot(row(patterns, 0), xi) - dot(row(patterns, 1), xi)) / delta;
}
