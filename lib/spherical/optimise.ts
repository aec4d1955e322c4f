/**
 * An optimiser for spherical codes: M points on S^{d−1} with the largest minimal angle (the Tammes problem).
 *
 * Stage 1 (smooth surrogate): minimise `f_p(X) = (1/p) ln Σ_{i<j} ‖xᵢ − xⱼ‖^{−p}`, a soft maximum of the
 * inverse distances that tends to `−ln min ‖xᵢ − xⱼ‖` as p grows, by Riemannian L-BFGS on the product of
 * spheres (tangent gradient, retraction by normalisation, Armijo backtracking), for p doubling up to `pMax`
 * (the problem grows ill-conditioned with p, hence L-BFGS). At large p only near pairs carry weight, so a
 * neighbour list keeps each evaluation near O(M).
 *
 * Stage 2 (polish): the pairs that carry the soft maximum's weight are the active contacts; Gauss–Newton on
 * `‖xᵢ − xⱼ‖² = t` for them (steps in the tangent spaces, each followed by renormalising the points) pushes them
 * to exact equality, kept only if it raises the minimal angle. The contact set is the longest run of nearest pairs
 * that can be made equal (bisection), or the pairs within a relative tolerance, whichever polishes best.
 *
 * Stage 3 (the best code only, once): an active-set ascent to a first-order optimum, where non-negative contact
 * stresses balance at every point (`stationarise` in polish.ts, `contactStresses` in stresses.ts). Stage 2's
 * contact sets are runs of nearest pairs, and the optimum's need not be one: at M = 23 stage 2 ends 1.6e-6°
 * below the first-order optimum (43.7099642°).
 *
 * Search: random starts alternate with basin hops from the best code so far (all points jiggled, or one point moved
 * to a random place), each started at its own exponent (see {@link optimiseCode}), until the time budget, the
 * restart limit or the patience (restarts without gain) runs out; the best code is returned. In d = 3 every second
 * random start for even M, and two in three for odd M, is symmetric: a union of orbits of a point group (by default
 * C₂, D₂ and T in turn for even M; C₂, T, D₃, C₃, D₂ and D₃ again for odd M, T and D₂ through M + 1 points with one
 * removed; see {@link symmetricStart}); the descent itself is unconstrained. A random start clearly below the best
 * random start of its kind at p = 512, and any restart clearly below the best code at p = 4096, is abandoned there.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";
import { sphere } from "../data/synthetic.ts";
import { minAngle, normaliseRows } from "./angles.ts";
import { polish, stationarise } from "./polish.ts";
import { admits, startGroup, symmetricStart } from "./symmetry.ts";

/** Options of {@link optimiseCode}. */
export interface CodeOptions {
  /** Seed of the random starts (default 1). */
  seed?: number;
  /** At most this many random starts and basin hops, alternating (default 5000). */
  restarts?: number;
  /**
   * Stop when the last `max(patience, 2k)` restarts brought no gain, k the restart that found the best code
   * (default 1000).
   */
  patience?: number;
  /**
   * Time budget in milliseconds (default 60 000). The search has 95% of it: a restart begins only if one of
   * average length still fits, so it ends within about one restart of that. The final stage (stage 3 of the module
   * notes) then has the rest: a step begins only if one as long as the last still fits.
   */
  timeBudgetMs?: number;
  /**
   * Point groups of the symmetric random starts (d = 3 only; see {@link symmetricStart}): every second random start
   * for even M, and two in three for odd M, is built from orbits of one of them, in turn, skipping groups with no
   * union of orbits of M points. A name `G+k` (see {@link startGroup}) builds the start from orbits of G for M + k
   * points and removes k of them. A name may appear more than once, for more of the turns. Default in d = 3
   * `["C2", "D2", "T"]` for even M and `["C2", "T+1", "D3", "C3", "D2+1", "D3"]` for odd M (D₂ and T have orbits of
   * even size only, so they admit no odd M and take part through M + 1; D₃ admits odd M = 3 or 5 mod 6 and there
   * takes two turns in six), none in other dimensions; `[]` gives uniform starts only.
   */
  groups?: string[];
  /**
   * Starting exponents of the random starts, in turn (powers of two ≥ 8; default `[16, 32, 16, 64, 16]` in d = 3,
   * `[8, 16, 32, 64, 128]` otherwise; see {@link optimiseCode}). Uniform and symmetric starts each meet every
   * exponent when the number of exponents is prime to 2 (even M) or 3 (odd M), the spacing of the uniform starts.
   */
  startExponents?: number[];
  /**
   * Random start k is uniform when `uniformEvery` divides k and symmetric otherwise (an integer ≥ 2; default 2
   * for even M, 3 for odd M; see {@link optimiseCode}). Without groups every random start is uniform.
   */
  uniformEvery?: number;
  /** Largest exponent of the smooth stage (default 2¹⁷). */
  pMax?: number;
  /** Called after each restart (`degrees` is NaN for a restart abandoned early, see the module notes). */
  onProgress?: (info: { restart: number; degrees: number; best: number; elapsedMs: number }) => void;
}

/** An optimised code. */
export interface Code {
  /** M × d, unit rows. */
  points: Matrix;
  /** Minimal angle, degrees. */
  degrees: number;
  /** `Δ_min = 1 − cos θ_min`. */
  deltaMin: number;
  /**
   * The stress imbalance of the code (`contactStresses` in stresses.ts): ~1e-16 when it is a first-order
   * optimum, larger only if the final stage ran out of steps or time.
   */
  imbalance: number;
  /** Restarts actually run. */
  restarts: number;
}

/** `x` with one random point moved to a uniformly random place. */
function relocate(x: Float64Array, m: number, d: number, prng: Prng): Float64Array {
  const y = x.slice(), i = prng.int(m);
  y.set(sphere(1, d, { prng }).data, i * d);
  return y;
}

/** `x` plus Gaussian noise of standard deviation σ per coordinate, renormalised. */
function perturb(x: Float64Array, m: number, d: number, sigma: number, prng: Prng): Float64Array {
  const y = x.map((v) => v + sigma * prng.normal());
  return normaliseRows({ rows: m, cols: d, data: y });
}

/**
 * The surrogate f_p over a neighbour list. At large p only near pairs carry weight: a pair whose weight is
 * below e^{−70} of the closest pair's (chord above r_min·e^{70/p}) changes f by less than one part in 10³⁰ and
 * is skipped. The list holds every pair that can come within that reach while no point has moved more than a
 * skin δ from where the list was built (a Verlet list); it is rebuilt, in O(M²d), when a point moves further
 * or p changes, so an evaluation costs O(list) instead of O(M²).
 */
class Surrogate {
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

/**
 * `Σ a_k b_k`, as `dot` in linalg/matrix.ts (the same operations in the same order), for Float64Array only: the
 * shared one also takes plain arrays, and at the optimiser's call sites that made descend ~15% slower.
 */
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * `dir += a·v`, and then `w·dir` (0 without w) summed in the same pass: the same operations in the same order as
 * an update followed by {@link dot}, so the same bits (`dir − a·v` and `dir + (−a)·v` round alike).
 */
function updateDot(dir: Float64Array, a: number, v: Float64Array, w: Float64Array | null): number {
  let s = 0;
  if (w) {
    for (let c = 0; c < dir.length; c++) {
      dir[c] += a * v[c];
      s += w[c] * dir[c];
    }
  } else for (let c = 0; c < dir.length; c++) dir[c] += a * v[c];
  return s;
}

/** Projects each point's gradient onto the tangent space of its sphere. */
function tangent(x: Float64Array, g: Float64Array, m: number, d: number): void {
  for (let i = 0; i < m; i++) {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += x[i * d + c] * g[i * d + c];
    for (let c = 0; c < d; c++) g[i * d + c] -= dot * x[i * d + c];
  }
}

/** Normalises each point of `x` in place (the retraction onto the product of spheres). */
function retract(x: Float64Array, m: number, d: number): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let c = 0; c < d; c++) x[i * d + c] *= inv;
  }
}

/**
 * Riemannian L-BFGS on f_p (memory 8; stored pairs re-used after projection onto the new tangent space,
 * Armijo backtracking). Stops after `iterations`, when no step decreases f, or when f stalls. The stored pairs
 * live in a ring of preallocated arrays, oldest first from `head`, so an iteration allocates nothing.
 */
function descend(x: Float64Array, f_p: Surrogate, iterations: number): void {
  const { m, d } = f_p, n = m * d, memory = 8;
  const g = new Float64Array(n),
    gNew = new Float64Array(n),
    trial = new Float64Array(n),
    dir = new Float64Array(n);
  const S = Array.from({ length: memory }, () => new Float64Array(n)),
    Y = Array.from({ length: memory }, () => new Float64Array(n)),
    YS = new Float64Array(memory),
    alpha = new Float64Array(memory);
  let s = new Float64Array(n), y = new Float64Array(n); // the newest pair, before it is kept
  let head = 0, stored = 0; // pair q (0 = oldest) is at slot (head + q) % memory
  let f = f_p.value(x, g);
  tangent(x, g, m, d);
  for (let it = 0; it < iterations; it++) {
    // Two-loop recursion: dir = −H g. Each pass that updates dir also forms the next dot product with it (see
    // `updateDot`), in half the passes over memory.
    dir.set(g);
    const slot = (q: number) => (head + q) % memory;
    let product = stored > 0 ? dot(S[slot(stored - 1)], dir) : 0; // S[k]·dir for the pair about to be used
    for (let q = stored - 1; q >= 0; q--) {
      const k = slot(q), a = (alpha[k] = product / YS[k]);
      product = updateDot(dir, -a, Y[k], q > 0 ? S[slot(q - 1)] : null);
    }
    const last = slot(stored - 1);
    const gamma = stored > 0 ? YS[last] / dot(Y[last], Y[last]) : 1e-3 / Math.sqrt(dot(g, g) + 1e-300);
    const y0 = stored > 0 ? Y[slot(0)] : null;
    product = 0; // Y[k]·dir for the pair about to be used
    for (let c = 0; c < n; c++) {
      dir[c] *= gamma;
      if (y0) product += y0[c] * dir[c];
    }
    for (let q = 0; q < stored; q++) {
      const k = slot(q), b = alpha[k] - product / YS[k];
      product = updateDot(dir, b, S[k], q < stored - 1 ? Y[slot(q + 1)] : null);
    }
    for (let c = 0; c < n; c++) dir[c] = -dir[c];
    tangent(x, dir, m, d);
    let slope = dot(dir, g);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      head = stored = 0;
      const norm = Math.sqrt(dot(g, g) + 1e-300);
      for (let c = 0; c < n; c++) dir[c] = -g[c] * 1e-3 / norm;
      slope = dot(dir, g);
      if (!(slope < 0)) return;
    }
    // Armijo backtracking; the value and gradient at the trial point come from one evaluation.
    let step = 1, fNew = Infinity;
    for (let back = 0; back < 50; back++) {
      for (let c = 0; c < n; c++) trial[c] = x[c] + step * dir[c];
      retract(trial, m, d);
      fNew = f_p.value(trial, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) return;
    tangent(trial, gNew, m, d);
    // A full ring drops its oldest pair; the new pair, if kept, swaps into the next free slot.
    if (stored === memory) {
      head = (head + 1) % memory;
      stored--;
    }
    for (let c = 0; c < n; c++) {
      s[c] = trial[c] - x[c];
      y[c] = gNew[c] - g[c];
    }
    const ys = dot(y, s);
    if (ys > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      const slot = (head + stored) % memory;
      [S[slot], s] = [s, S[slot]];
      [Y[slot], y] = [y, Y[slot]];
      YS[slot] = ys;
      stored++;
    }
    x.set(trial);
    g.set(gNew);
    const done = Math.abs(f - fNew) <= 1e-15 * Math.abs(f);
    f = fNew;
    if (done) return;
  }
}

/**
 * The exponent at which a restart's code is compared with the best, and the relative margin below the best
 * angle at which it is abandoned. At M = 130, in three one-minute runs (~800 restarts), every restart that
 * ended within 3e-4 of the best or above it was within 1.3e-3 of the best at p = 4096 (codes then gain up to
 * ~1e-3 on the way to 2¹⁷).
 */
const PROBE = 4096, PROBE_MARGIN = 3e-3;

/**
 * The exponent at which a random start is compared with the best random start so far at the same exponent
 * (same margin). The angle there already ranks random starts: at M = 116 and 130, in one-minute runs (400
 * and 480 random starts), the ten best final codes from random starts were all among the 17 best at p = 512,
 * and none that ended within 1e-3 of the best code was more than 1.3e-3 below the record at p = 512; a margin
 * of 3e-3 abandons 75–90% of the random starts there, at a third to a half of their cost.
 */
const RANDOM_PROBE = 512;

/**
 * The search's share of the time budget; the final stage has the rest. Where the final stage crawls (M = 119, from
 * a code 1.7e-5° below its first-order optimum with imbalance 1e-3) it takes ~50 steps and 2.1 s; 5% of a minute
 * is 3 s.
 */
const SEARCH_SHARE = 0.95;

/** True for the exponents the surrogate takes: powers of two ≥ 8 (see `Surrogate.value`). */
const isExponent = (p: number) => Number.isInteger(Math.log2(p)) && p >= 8;

/**
 * The starting exponents of the random starts, in turn, in d = 3 and in other dimensions (see {@link optimiseCode}).
 * Random start k takes entry k mod 5 of the cycle. It is uniform when u divides k (option `uniformEvery`; by default
 * u = 2 for even M, 3 for odd M), and otherwise symmetric start j = k − ⌈k/u⌉, which takes entry j mod G of the
 * group list (G entries after skipping those that admit no M). When u is prime to 5 (as by default), the uniform
 * starts meet every exponent; symmetric starts j and j + (u − 1)G take the same group and are uG random starts
 * apart, so each group meets each exponent whenever G is prime to 5 too. With the default lists in d = 3, G is 3
 * (even M), 4 (odd M ≡ 1 mod 6) or 6 (odd M ≡ 3, 5 mod 6, where D₃ has two entries). Before D₃ had two entries, G
 * was 5 at those M and each group met one exponent (C₂ p = 32, T+1 64, C₃, D₂+1 and D₃ 16; with the earlier cycle
 * 16, 32, 64, 32, 16: C₂ and T+1 32, C₃ and D₃ 16, D₂+1 64). With that cycle, a schedule that moved the symmetric
 * starts one extra step along the cycle after every lcm(G, 5) of them, so that each group met each exponent, was
 * measured and not kept: over those 27 M in 51…129 (two seeds, one minute, two runs in parallel) it ended more than
 * 1e-4° short of the best known in 4 runs instead of 8 (better at M = 69, 101, 113, 125) but more than 0.01° short
 * in 2 instead of 1 (M = 111 seed 1 at 19.9674°, 0.026°), mean shortfall 9.8e-4° against 6.3e-4°; at M = 111 with
 * seeds 21–28 it came within 0.01° in 5 of 8 runs against 6 of 8.
 */
const START_EXPONENTS_3 = [16, 32, 16, 64, 16], START_EXPONENTS = [8, 16, 32, 64, 128];

/**
 * Finds M points on S^{d−1} with a large minimal angle (see the module notes).
 *
 * Schedule: restart r is a random start when r is even, its exponent cycling through p = 16, 32, 16, 64, 16 in
 * d = 3 and p = 8, 16, 32, 64, 128 otherwise, and a hop from the best code when r is odd (jiggle and relocation in
 * turn, cycling through p = 256, 256, 512, 1024: the lower a hop's exponent, the further it can move). The best
 * starting exponent depends on M: at M = 49, starts from p = 8 and 16 land in two or three codes, all below the
 * best, which only p = 64 reached (2 of 100 starts); at M = 80…130 the codes within 0.1% of the best come from
 * p ≤ 64, and starts from p = 256 or 512 end 2–15% below it on average. In one-minute runs at M = 112 and 121 with
 * the cycle 8…128 (seeds 21–28), each of the 7 runs that a random start brought within 0.01° of the best code got
 * there from p = 16 or 32 (the other 2 by a relocation); giving those two 4 of every 5 starts took M = 112 from 5
 * to 8 of 8 runs within 0.01° (M = 121: 3 and 2 of 8) and left M = 4…50 as they were (two seeds); a two-seed sweep
 * of M = 51…130 had 1 run of 160 more than 0.01° short, as before, 16 more than 1e-4° short (before 22), and a mean
 * shortfall of 3.7e-4° (before 4.7e-4°). In d = 4 it is worse: the 24-cell was first reached at restarts 82, 0, 6,
 * 42, 36, 286 (seeds 1–6) with 8…128 and 378, 76, 112, 186, 14, 90 with the d = 3 cycle, so other dimensions keep
 * 8…128. Random start k is symmetric, the groups in turn, when k is odd (for odd M, since the last change below,
 * unless 3 divides k). Measured in full starts from p = 32 without hops, in d = 3: C₂ starts reached the best code
 * we know at M = 102 in 2 of 40 and at M = 130 in 2 of 40, D₂ starts the best M = 128 code in 2 of 60, uniform
 * starts in none of 200, 220 and 40; at M = 110, T starts ended
 * at a T-invariant code in 60 of 60, from which hops reach the best code we know (C₂, D₂, C₃ and uniform starts
 * mostly ended 0.015° short). In two-seed sweeps of M = 4…130, adding T to C₂ and D₂ gave better codes at M = 106,
 * 112, 120 (+0.059°), 121 and 122 and worse at M = 118 (0.008°); C₃ and D₃ are not defaults for even M (at M = 102
 * they ended 0.0088° short of the best). D₂ and T admit no odd M, so for odd M C₃ and D₃ (which admits M = 3 or 5
 * mod 6) take their turns beside C₂. C₃ first: in one-minute runs with seeds 21–28, M = 121 came within 0.01° of
 * the best code we know in 6 of 8 runs (C₂ alone: 2) and M = 125 in 6 of 8 (C₂ alone: none), finding codes 0.0012°
 * and 0.015° above any earlier run (19.1473577°, 18.8448254°). D₃ then: M = 125 in 8 of 8 (18.8449944°), and in a
 * two-seed sweep of odd M = 51…129 a code 0.026° above any earlier run at M = 111 (19.9937440°, one seed), which
 * seeds 21–28 then reached in 6 of 8 runs. Against the best codes we know, that sweep had the better seed within
 * 0.001° of the best at every odd M (C₂ alone: 0.026° short at M = 111 and 0.016° at 125, both seeds), 2 of 80 runs
 * more than 0.01° short (C₂ alone: 4), 13 more than 1e-4° (C₂ alone: 11) and a mean shortfall of 7.1e-4° (C₂ alone:
 * 1.1e-3°); odd M = 5…49 kept their angles (both sweep seeds). T and D₂ then joined for odd M through M + 1
 * points with one dropped (`T+1`, `D2+1`): at M = 119 every run with C₂, C₃ and D₃ ended at or below 19.3022865°,
 * 0.0236° below a published table and below our own M = 120 code, while with T+1 and D₂+1 starts seeds 1–4 reached
 * the table's code in 4 of 4 restart-bounded runs (first at restarts 66–546) and a sweep found 19.3258883°. Over odd
 * M = 51…129 (two seeds, against the larger of the table and our best codes) 2 of 80 runs ended more than 0.01°
 * short (before: 4), 12 more than 1e-4° (14), with a mean shortfall of 6.0e-4° (1.4e-3°); with seeds 21–28,
 * M = 111, 119, 121 and 125 came within 0.01° of the best known in 6, 7, 5 and 8 of 8 runs (before: 8, 0, 5, 8).
 * Last, the search got 95% of the time budget and the final stage the rest (before, the final stage followed the
 * search and runs took up to 64.7 s): over M = 51…130 (two seeds) the longest run took 60.0 s, and 6 of 160 runs
 * ended more than 0.01° short (before: 5), with a mean shortfall of 9.8e-4° (7.4e-4°); M = 111 and 119 with seed
 * 2 had found their codes 56–57 s into the minute. Then the polish moved to tangent steps (a polish at M = 119
 * took 62 ms instead of 219 ms): the same 6 of 160 runs ended more than 0.01° short (mean shortfall 1.07e-3°),
 * seeds 21–28 came within 0.01° at M = 111, 119, 121 and 125 in 6, 7, 5 and 7 of 8 runs with 10–47% more
 * restarts, and where the final stage runs out of time it leaves smaller imbalances (M = 119: 9e-6 to 8e-5
 * instead of 4e-4 to 3e-3). A faster two-loop recursion in `descend` (the same bits, 16–24% more restarts per
 * minute) then took seeds 21–28 to 6, 8, 5 and 8 of 8. Then p = 16 took three random starts in five instead of two
 * (cycle 16, 32, 16, 64, 16; in restart-bounded runs at M = 130, C₂ starts from p = 16 had reached the best code
 * we know in 11 of 198, from 32 in 4 of 201, from 64 in 0 of 102). Over M = 51…130 (two seeds, one minute, two
 * runs in parallel) 1 of 160 runs ended more than 0.01° short of the best known (M = 121 seed 2, 0.0135°), 17
 * more than 1e-4°, with a mean shortfall of 2.1e-4° and the longest run 60.0 s; on the same seeds at M = 111…130
 * the previous cycle had 2 of 40 runs more than 0.01° short (121 and 130 with seed 2), 10 instead of 8 more than
 * 1e-4°, and a mean shortfall of 1.14e-3° instead of 3.9e-4°. M = 4…50 kept the table's angles (both seeds).
 * Seeds 21–28 came within 0.01° at M = 111, 119, 121 and 125 in 6, 8, 4 and 8 of 8 runs (before: 6, 8, 5, 8).
 * Then D₃ took two turns in six for odd M (where it admits M ≡ 3, 5 mod 6; elsewhere the list is as before): at
 * M = 111, D₃ starts alone reached the best code we know in 8 of 8 runs (seeds 21–28); with two turns in six,
 * 7 of 8, and M = 119 and 125 in 8 and 8 of 8 (with four turns in eight: M = 111 in 8 of 8, but M = 119 in 6 of 8,
 * two runs at 19.3022865°). Over the 27 such M in 51…129 (two seeds) no run ended more than 0.01° short (as
 * before), 4 instead of 5 more than 1e-4°, with a mean shortfall of 9.0e-5° instead of 2.3e-4° (better at M = 101
 * seed 2 by 0.0078°, worse at 119 by up to 1.4e-4°); M = 5…49 kept their angles.
 * Then, for odd M, two random starts in three became symmetric instead of every second one (the odd-M lists have
 * four or six entries, so each group had one random start in eight or twelve, and uniform starts are the least
 * productive kind there: at M = 121 none of 1500 reached the best code we know, against 3 of 375 C₂ starts). For
 * every M, over M = 51…130 (two seeds, one minute, two runs in parallel), it left no run more than 0.01° short of
 * the best known (before: 1, M = 121 seed 2) but 10 instead of 4 more than 1e-3° short, with a mean shortfall of
 * 3.4e-4° instead of 1.7e-4°: even M lost (6 runs more than 1e-3° short instead of 1, at M = 82, 96, 112 and 118;
 * mean 4.4e-4° instead of 3.9e-5°) and odd M gained (mean 2.5e-4° instead of 2.9e-4°), so even M keep every second.
 * With even M as before, that sweep has no run more than 0.01° short, 15 instead of 16 more than 1e-4°, and a mean
 * shortfall of 1.4e-4° instead of 1.7e-4°; the worst odd run is M = 115 seed 1, 0.0096° short, at a code where
 * one-minute runs with seeds 21–28 also end with either schedule (each run within 0.01°; the best code in 4 of 8
 * runs, before 2). Seeds 21–28 came within 0.01° of the best known at M = 111, 119, 121 and 125 in 8, 8, 6 and 8 of
 * 8 runs (before: 7, 8, 4, 8), two of them at an M = 125 code 5.6e-6° above any earlier run (18.8450000°). M = 4…50
 * kept their angles (both seeds). `uniformEvery: 2` gives the previous search bit for bit; the earlier odd-M
 * schedules named above need it too.
 * Seeded: the same seed gives the same code whenever the restart limit or the patience ends the search (and the
 * final stage ends on its own, not on time); a time budget that ends either first makes the result depend on the
 * machine's speed.
 *
 * @example
 * ```ts
 * import { optimiseCode } from "./optimise.ts";
 * import assert from "node:assert/strict";
 * const code = optimiseCode(3, 6, { restarts: 2 }); // the octahedron
 * assert.ok(Math.abs(code.degrees - 90) < 1e-9);
 * assert.throws(() => optimiseCode(1, 5), /d=1/);
 * ```
 */
export function optimiseCode(d: number, m: number, options: CodeOptions = {}): Code {
  if (!Number.isInteger(d) || d < 2) {
    throw new RangeError(`Cannot optimise a code: d must be an integer ≥ 2: d=${d}`);
  }
  if (!Number.isInteger(m) || m < 2) {
    throw new RangeError(`Cannot optimise a code: M must be an integer ≥ 2: M=${m}`);
  }
  const restarts = options.restarts ?? 5000,
    patience = options.patience ?? 1000,
    budget = options.timeBudgetMs ?? 60_000,
    pMax = options.pMax ?? 2 ** 17,
    // Random start k is uniform when uniformEvery divides k, symmetric otherwise (see START_EXPONENTS_3).
    uniformEvery = options.uniformEvery ?? (m % 2 === 1 ? 3 : 2);
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new RangeError(`Cannot optimise a code: restarts must be a positive integer: restarts=${restarts}`);
  }
  if (!Number.isInteger(patience) || patience < 1) {
    throw new RangeError(`Cannot optimise a code: patience must be a positive integer: patience=${patience}`);
  }
  if (!(budget > 0)) {
    throw new RangeError(`Cannot optimise a code: timeBudgetMs must be positive: timeBudgetMs=${budget}`);
  }
  if (!isExponent(pMax)) {
    throw new RangeError(`Cannot optimise a code: pMax must be a power of two ≥ 8: pMax=${pMax}`);
  }
  if (!Number.isInteger(uniformEvery) || uniformEvery < 2) {
    throw new RangeError(
      `Cannot optimise a code: uniformEvery must be an integer ≥ 2: uniformEvery=${uniformEvery}`,
    );
  }
  const starts = options.startExponents ?? (d === 3 ? START_EXPONENTS_3 : START_EXPONENTS);
  if (!Array.isArray(starts) || starts.length === 0 || !starts.every(isExponent)) {
    const what = Array.isArray(starts) ? `[${starts.join(", ")}]` : String(starts);
    throw new RangeError(
      `Cannot optimise a code: startExponents must be powers of two ≥ 8, at least one: startExponents=${what}`,
    );
  }
  const names = options.groups ??
    (d !== 3 ? [] : m % 2 === 0 ? ["C2", "D2", "T"] : ["C2", "T+1", "D3", "C3", "D2+1", "D3"]);
  if (!Array.isArray(names)) {
    throw new TypeError(`Cannot optimise a code: groups must be an array of group names: groups=${names}`);
  }
  if (names.length > 0 && d !== 3) {
    throw new RangeError(
      `Cannot optimise a code: symmetric starts need d=3: d=${d}, groups=${names.join(",")}`,
    );
  }
  const groups = names.map(startGroup).filter((g) => admits(g.group, m + g.vacancies));
  const prng = createPrng(options.seed ?? 1), f_p = new Surrogate(m, d);
  const reach = (2 * Math.log((m * (m - 1)) / 2)) / pMax;
  const start = performance.now();
  let best: { x: Float64Array; angle: number; degrees: number; deltaMin: number } | null = null;
  let ran = 0, found = 0;
  const randomRecord = new Map<string, number>(); // the best angle at RANDOM_PROBE, per kind of random start
  for (let r = 0; r < restarts; r++) {
    // Within the search's share of the budget: no restart begins unless one of average length still fits.
    const elapsed = performance.now() - start;
    if (r > 0 && elapsed + elapsed / r > SEARCH_SHARE * budget) break;
    if (r - found > Math.max(patience, 2 * found)) break;
    ran++;
    // The schedule of random starts and hops (see above).
    const hop: boolean = best !== null && r % 2 === 1;
    const k = r >> 1,
      group = !hop && groups.length > 0 && k % uniformEvery !== 0
        ? groups[(k - Math.ceil(k / uniformEvery)) % groups.length]
        : null;
    const kind = group?.name ?? "uniform";
    const x: Float64Array = !hop
      ? group
        ? symmetricStart(group.group, m, prng, { vacancies: group.vacancies })
        : sphere(m, d, { prng }).data
      : r % 4 === 1
      ? perturb(best!.x, m, d, 0.02 * (1 + (r % 5)), prng)
      : relocate(best!.x, m, d, prng);
    const p0 = hop ? [256, 256, 512, 1024][(r >> 2) % 4] : starts[(r >> 1) % starts.length];
    // Intermediate exponents only steer the code; the last one is run to convergence for the polish. A random
    // start clearly below the best random start at p = RANDOM_PROBE, or any code clearly below the best at
    // p = PROBE, is abandoned there (the levels above PROBE are ~40% of a restart).
    let abandon = false;
    for (let p = Math.min(p0, pMax); p <= pMax && !abandon; p *= 2) {
      f_p.exponent = p;
      descend(x, f_p, p < pMax ? 150 : 400);
      const checkRandom = !hop && p === RANDOM_PROBE && p < pMax,
        checkBest = best !== null && p === PROBE && p < pMax;
      if (!checkRandom && !checkBest) continue;
      const angle = minAngle({ rows: m, cols: d, data: x }).angle;
      if (checkRandom) {
        const record = randomRecord.get(kind) ?? 0;
        abandon = angle < record * (1 - PROBE_MARGIN);
        randomRecord.set(kind, Math.max(record, angle));
      }
      if (checkBest) abandon ||= angle < best!.angle * (1 - PROBE_MARGIN);
    }
    const report = (degrees: number) =>
      options.onProgress?.({
        restart: r,
        degrees,
        best: best!.degrees,
        elapsedMs: performance.now() - start,
      });
    if (abandon) {
      report(NaN);
      continue;
    }
    let cur = minAngle({ rows: m, cols: d, data: x });
    // Polish (see `polish`) only a code that can become the best: polishing raises the minimal chord by at most
    // about a factor e^{ln(n)/pMax}, n = M(M−1)/2 (at the minimum of f_p, −ln r_min ≤ f_p ≤ −ln r* + ln(n)/p
    // for the local optimum r*), and `reach` is twice that, for a descent that stopped short. Measured at
    // M = 102 and 128 (one-minute runs, ~400 polishes): the largest gain 3.7e-5 relative (bounds 6.5e-5, 6.9e-5).
    if (!best || Math.sin(cur.angle / 2) * Math.exp(reach) > Math.sin(best.angle / 2)) {
      const polished = polish(x, m, d, cur.angle);
      if (polished) {
        x.set(polished.x);
        cur = polished.angle;
      }
    }
    // Gains below one part in 10⁷ are the same code polished further; only larger ones renew the patience.
    if (best && cur.angle > best.angle * (1 + 1e-7)) found = r;
    if (!best || cur.degrees > best.degrees) {
      best = { x: x.slice(), angle: cur.angle, degrees: cur.degrees, deltaMin: cur.deltaMin };
    }
    report(cur.degrees);
  }
  // The final stage: from the best code to a first-order optimum (see `stationarise`), in the rest of the budget.
  const final = stationarise(best!.x, m, d, { until: start + budget });
  return {
    points: matrix(m, d, final.x),
    degrees: final.angle.degrees,
    deltaMin: final.angle.deltaMin,
    imbalance: final.imbalance,
    restarts: ran,
  };
}
