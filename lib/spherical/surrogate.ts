/**
 * The smooth surrogate of the Tammes problem (`optimiseCode`'s stage 1): for M points on S^{d−1},
 * `f_p(X) = (1/p) ln Σ_{i<j} ‖xᵢ − xⱼ‖^{−p}`, a soft maximum of the inverse chords that tends to
 * `−ln min ‖xᵢ − xⱼ‖` as p grows, with its Euclidean gradient.
 *
 * @module
 */

/** True for the exponents the surrogate takes: powers of two ≥ 8 (see `Surrogate.value`). @internal */
export const isExponent = (p: number): boolean => Number.isInteger(Math.log2(p)) && p >= 8;

/**
 * The surrogate f_p over a neighbour list. At large p only near pairs carry weight: a pair whose weight is
 * below e^{−70} of the closest pair's (chord above r_min·e^{70/p}) changes f by less than one part in 10³⁰ and
 * is skipped. The list holds every pair that can come within that reach while no point has moved more than a
 * skin δ from where the list was built (a Verlet list); it is rebuilt, in O(M²d), when a point moves further
 * or p changes, so an evaluation costs O(list) instead of O(M²). @internal
 *
 * @example
 * ```ts
 * import { Surrogate } from "./surrogate.ts";
 * import { crossPolytope } from "./constructions.ts";
 * import assert from "node:assert/strict";
 * const f = new Surrogate(6, 3);
 * f.exponent = 8;
 * // The octahedron: 12 pairs at chord √2 and 3 at chord 2, so f_8 = (1/8) ln(12·2^{-4} + 3·2^{-8}).
 * assert.ok(Math.abs(f.value(crossPolytope(3).data, null) - Math.log(12 / 16 + 3 / 256) / 8) < 1e-15);
 * ```
 */
export class Surrogate {
  #p = 8;
  #all = true;
  #skin = 0;
  #anchor: Float64Array;
  #pi = new Int32Array(0);
  #pj = new Int32Array(0);
  #sq = new Float64Array(0);
  #w = new Float64Array(0);
  #size = 0;

  constructor(readonly m: number, readonly d: number) {
    this.#anchor = new Float64Array(m * d);
  }

  /** Sets the exponent (a power of two ≥ 8); the next evaluation rebuilds the list. */
  set exponent(p: number) {
    this.#p = p;
    this.#skin = -1;
  }

  #build(x: Float64Array): void {
    const { m, d } = this, pairs = (m * (m - 1)) / 2;
    if (this.#pi.length < pairs) {
      this.#pi = new Int32Array(pairs);
      this.#pj = new Int32Array(pairs);
      this.#sq = new Float64Array(pairs);
      this.#w = new Float64Array(pairs);
    }
    let smin = Infinity;
    for (let i = 0, k = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++, k++) {
        let s = 0;
        for (let c = 0, oi = i * d, oj = j * d; c < d; c++) {
          const t = x[oi + c] - x[oj + c];
          s += t * t;
        }
        this.#sq[k] = s;
        if (s < smin) smin = s;
      }
    }
    // Any pair within reach later, when each point has moved less than δ, is within `radius` now.
    const rmin = Math.sqrt(smin), skin = 0.1 * rmin;
    const radius = Math.exp(70 / this.#p) * (rmin + 2 * skin) + 2 * skin;
    this.#all = radius >= 2;
    this.#skin = skin;
    this.#anchor.set(x);
    let n = 0;
    for (let i = 0, k = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++, k++) {
        if (this.#all || this.#sq[k] <= radius * radius) {
          this.#pi[n] = i;
          this.#pj[n++] = j;
        }
      }
    }
    this.#size = n;
  }

  /** True while no point of `x` is further than the skin from where the list was built. */
  #valid(x: Float64Array): boolean {
    if (this.#skin < 0) return false;
    if (this.#all) return true;
    const { m, d } = this, skin2 = this.#skin * this.#skin, a = this.#anchor;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = i * d, e = c + d; c < e; c++) s += (x[c] - a[c]) ** 2;
      if (s >= skin2) return false;
    }
    return true;
  }

  /**
   * f_p(x), by log-sum-exp; its Euclidean gradient goes into `grad` when given. When the list holds every pair
   * in d = 3 (the low exponents of the Tammes problem, where one evaluation is O(M²)), the pairs are walked as
   * rows i < j with the coordinates unrolled, in the list's order and with the same operations, so both paths
   * give the same bits; at M = 121 that path takes about half the time of the list's.
   */
  value(x: Float64Array, grad: Float64Array | null): number {
    if (!this.#valid(x)) this.#build(x);
    const rows = this.#all && this.d === 3;
    const smin = rows ? this.#chordsRows3(x) : this.#chords(x);
    // Terms w̃ = (s_min/s)^{p/2} ≤ 1, the largest factored out: f = (−(p/2) ln s_min + ln Σ w̃)/p.
    // The exponent is a power of two (≥ 8), so w̃ comes from log₂(p/2) squarings, not Math.pow.
    const half = 0.5 * this.#p, cutoff = smin * Math.exp(140 / this.#p), sq = this.#sq, w = this.#w;
    const squarings = Math.log2(half);
    let z = 0;
    for (let k = 0, n = this.#size; k < n; k++) {
      let v = 0;
      if (sq[k] <= cutoff) {
        v = smin / sq[k];
        for (let q = 0; q < squarings; q++) v *= v;
      }
      z += w[k] = v;
    }
    if (grad) {
      // ∂f/∂xᵢ = Σⱼ (w̃ᵢⱼ/Σ w̃) · (−(xᵢ − xⱼ)/‖xᵢ − xⱼ‖²)
      grad.fill(0);
      if (rows) this.#gradientRows3(x, z, grad);
      else this.#gradient(x, z, grad);
    }
    return (-half * Math.log(smin) + Math.log(z)) / this.#p;
  }

  /** The squared chords of the listed pairs into `sq`; returns the smallest. */
  #chords(x: Float64Array): number {
    const { d } = this, pi = this.#pi, pj = this.#pj, sq = this.#sq, n = this.#size;
    let smin = Infinity;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let c = 0, oi = pi[k] * d, oj = pj[k] * d; c < d; c++) {
        const t = x[oi + c] - x[oj + c];
        s += t * t;
      }
      sq[k] = s;
      if (s < smin) smin = s;
    }
    return smin;
  }

  /** {@link #chords} for every pair in d = 3, row by row. */
  #chordsRows3(x: Float64Array): number {
    const { m } = this, sq = this.#sq;
    let smin = Infinity;
    for (let i = 0, k = 0; i < m; i++) {
      const x0 = x[3 * i], x1 = x[3 * i + 1], x2 = x[3 * i + 2];
      for (let j = i + 1; j < m; j++, k++) {
        const t0 = x0 - x[3 * j], t1 = x1 - x[3 * j + 1], t2 = x2 - x[3 * j + 2];
        const s = t0 * t0 + t1 * t1 + t2 * t2;
        sq[k] = s;
        if (s < smin) smin = s;
      }
    }
    return smin;
  }

  /** Adds Σ over listed pairs of (w̃/z)·(−(xᵢ − xⱼ)/sq) to `grad` at i and its negative at j. */
  #gradient(x: Float64Array, z: number, grad: Float64Array): void {
    const { d } = this, pi = this.#pi, pj = this.#pj, sq = this.#sq, w = this.#w, n = this.#size;
    for (let k = 0; k < n; k++) {
      if (w[k] === 0) continue;
      const scale = -w[k] / (z * sq[k]);
      for (let c = 0, oi = pi[k] * d, oj = pj[k] * d; c < d; c++) {
        const t = (x[oi + c] - x[oj + c]) * scale;
        grad[oi + c] += t;
        grad[oj + c] -= t;
      }
    }
  }

  /**
   * {@link #gradient} for every pair in d = 3, row by row: row i's sum is held in registers, and it receives its
   * terms in the same order as in the list (those from pairs (j, i), j < i, arrived with the earlier rows).
   */
  #gradientRows3(x: Float64Array, z: number, grad: Float64Array): void {
    const { m } = this, sq = this.#sq, w = this.#w;
    for (let i = 0, k = 0; i < m; i++) {
      const x0 = x[3 * i], x1 = x[3 * i + 1], x2 = x[3 * i + 2];
      let g0 = grad[3 * i], g1 = grad[3 * i + 1], g2 = grad[3 * i + 2];
      for (let j = i + 1; j < m; j++, k++) {
        if (w[k] === 0) continue;
        const scale = -w[k] / (z * sq[k]);
        const t0 = (x0 - x[3 * j]) * scale,
          t1 = (x1 - x[3 * j + 1]) * scale,
          t2 = (x2 - x[3 * j + 2]) * scale;
        g0 += t0;
        g1 += t1;
        g2 += t2;
        grad[3 * j] -= t0;
        grad[3 * j + 1] -= t1;
        grad[3 * j + 2] -= t2;
      }
      grad[3 * i] = g0;
      grad[3 * i + 1] = g1;
      grad[3 * i + 2] = g2;
    }
  }
}
