/**
 * An optimiser for spherical codes: M points on S^{d−1} with the largest minimal angle (the Tammes problem).
 *
 * Stage 1 (smooth surrogate): minimise `f_p(X) = (1/p) ln Σ_{i<j} ‖xᵢ − xⱼ‖^{−p}`, a soft maximum of the
 * inverse distances that tends to `−ln min ‖xᵢ − xⱼ‖` as p grows, by Riemannian gradient descent on the product
 * of spheres (tangent gradient, retraction by normalisation, Armijo backtracking), for
 * p = 8, 16, 32, … up to `pMax` (L-BFGS: the problem grows ill-conditioned with p). Stage 2 (polish): the pairs that carry the soft maximum's weight are the
 * active contacts; Gauss–Newton on `‖xᵢ − xⱼ‖² = t` for them (and `‖xᵢ‖ = 1`) pushes them to exact equality,
 * kept only if it raises the minimal angle. Random restarts alternate with basin hops from the best code so far
 * (all points jiggled, or one point moved to a random place); the best code is returned.
 *
 * @module
 */
import { dot, type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";
import { solve } from "../linalg/solve.ts";
import { sphere } from "../data/synthetic.ts";
import { minAngle, normaliseRows } from "./angles.ts";

/** Options of {@link optimiseCode}. */
export interface CodeOptions {
  /** Seed of the random starts (default 1). */
  seed?: number;
  /** Random starts and basin hops, alternating (default 200; the time budget usually ends it first for large M). */
  restarts?: number;
  /** Stop starting new restarts after this many milliseconds (default 60 000). */
  timeBudgetMs?: number;
  /** Largest exponent of the smooth stage (default 2¹⁷). */
  pMax?: number;
  /** Called after each restart. */
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
 * f_p and its Euclidean gradient (written into `grad`), by log-sum-exp. Pairs whose weight is below e^{−70}
 * of the closest pair's (squared chord above s_min·e^{140/p}) are skipped: at large p that leaves only near
 * neighbours, and the skipped terms change f by less than one part in 10³⁰.
 */
function softObjective(x: Float64Array, m: number, d: number, p: number, grad: Float64Array | null): number {
  const n = (m * (m - 1)) / 2, sq = new Float64Array(n);
  let k = 0, smin = Infinity;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, k++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
      sq[k] = s;
      if (s < smin) smin = s;
    }
  }
  // terms −(p/2) ln ‖xᵢ − xⱼ‖², shifted by the largest, −(p/2) ln s_min
  const cutoff = smin * Math.exp(140 / p), half = 0.5 * p, lnMin = Math.log(smin);
  let z = 0;
  for (k = 0; k < n; k++) if (sq[k] <= cutoff) z += Math.exp(-half * (Math.log(sq[k]) - lnMin));
  const f = (-half * lnMin + Math.log(z)) / p;
  if (grad) {
    grad.fill(0);
    k = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++, k++) {
        if (sq[k] > cutoff) continue;
        // ∂f/∂xᵢ = Σ w · (−(xᵢ − xⱼ)/‖xᵢ − xⱼ‖²), w the softmax weight of the pair
        const w = Math.exp(-half * (Math.log(sq[k]) - lnMin)) / z, scale = -w / sq[k];
        for (let c = 0; c < d; c++) {
          const diff = (x[i * d + c] - x[j * d + c]) * scale;
          grad[i * d + c] += diff;
          grad[j * d + c] -= diff;
        }
      }
    }
  }
  return f;
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
 * Armijo backtracking). Stops after `iterations` or when no step decreases f.
 */
function descend(x: Float64Array, m: number, d: number, p: number, iterations: number): void {
  const n = m * d, memory = 8;
  const g = new Float64Array(n),
    gNew = new Float64Array(n),
    trial = new Float64Array(n),
    dir = new Float64Array(n);
  const S: Float64Array[] = [], Y: Float64Array[] = [];
  let f = softObjective(x, m, d, p, g);
  tangent(x, g, m, d);
  for (let it = 0; it < iterations; it++) {
    // Two-loop recursion: dir = −H g.
    dir.set(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k], dir) / dot(Y[k], S[k]);
      alpha[k] = a;
      for (let c = 0; c < n; c++) dir[c] -= a * Y[k][c];
    }
    const last = S.length - 1;
    const gamma = last >= 0
      ? dot(S[last], Y[last]) / dot(Y[last], Y[last])
      : 1e-3 / Math.sqrt(dot(g, g) + 1e-300);
    for (let c = 0; c < n; c++) dir[c] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k], dir) / dot(Y[k], S[k]);
      for (let c = 0; c < n; c++) dir[c] += (alpha[k] - b) * S[k][c];
    }
    for (let c = 0; c < n; c++) dir[c] = -dir[c];
    tangent(x, dir, m, d);
    let slope = dot(dir, g);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let c = 0; c < n; c++) dir[c] = -g[c] * 1e-3 / Math.sqrt(dot(g, g) + 1e-300);
      slope = dot(dir, g);
      if (!(slope < 0)) return;
    }
    let step = 1, ft = Infinity;
    for (let back = 0; back < 50; back++) {
      for (let c = 0; c < n; c++) trial[c] = x[c] + step * dir[c];
      retract(trial, m, d);
      ft = softObjective(trial, m, d, p, null);
      if (ft <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(ft < f)) return;
    const fNew = softObjective(trial, m, d, p, gNew);
    tangent(trial, gNew, m, d);
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      s[c] = trial[c] - x[c];
      y[c] = gNew[c] - g[c];
    }
    if (dot(s, y) > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      if (S.length > memory) [S.shift(), Y.shift()];
    }
    x.set(trial);
    g.set(gNew);
    const done = Math.abs(f - fNew) <= 1e-15 * Math.abs(f);
    f = fNew;
    if (done) return;
  }
}

/** Contacts: pairs whose squared chord is within `tol` (relative) of the smallest. */
function contacts(x: Float64Array, m: number, d: number, tol: number): [number, number][] {
  let best = Infinity;
  const sq: [number, number, number][] = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
      sq.push([s, i, j]);
      best = Math.min(best, s);
    }
  }
  return sq.filter(([s]) => s <= best * (1 + tol)).map(([, i, j]) => [i, j]);
}

/**
 * Gauss–Newton (Levenberg–Marquardt damped, minimum-norm) on `‖xᵢ − xⱼ‖² − t = 0` for the contacts and
 * `‖xᵢ‖² − 1 = 0`, unknowns x and t. Returns the polished points (or null if it did not converge).
 */
function equalise(x0: Float64Array, m: number, d: number, pairs: [number, number][]): Float64Array | null {
  const x = x0.slice();
  const nv = m * d + 1;
  let t = Infinity;
  for (const [i, j] of pairs) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
    t = Math.min(t, s);
  }
  for (let it = 0; it < 30; it++) {
    const rows = pairs.length + m;
    // Residuals r and Jacobian J (rows × nv), then the minimum-norm step Jᵀ(JJᵀ + λI)⁻¹ r.
    const r = new Float64Array(rows), J = new Float64Array(rows * nv);
    pairs.forEach(([i, j], e) => {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = x[i * d + c] - x[j * d + c];
        s += diff * diff;
        J[e * nv + i * d + c] = 2 * diff;
        J[e * nv + j * d + c] = -2 * diff;
      }
      r[e] = s - t;
      J[e * nv + m * d] = -1;
    });
    for (let i = 0; i < m; i++) {
      const e = pairs.length + i;
      let s = 0;
      for (let c = 0; c < d; c++) {
        s += x[i * d + c] ** 2;
        J[e * nv + i * d + c] = 2 * x[i * d + c];
      }
      r[e] = s - 1;
    }
    let norm = 0;
    for (const v of r) norm = Math.max(norm, Math.abs(v));
    if (norm < 1e-15) return x;
    const A = new Float64Array(rows * rows);
    for (let a = 0; a < rows; a++) {
      for (let b = a; b < rows; b++) {
        let s = 0;
        for (let k = 0; k < nv; k++) s += J[a * nv + k] * J[b * nv + k];
        A[a * rows + b] = A[b * rows + a] = s;
      }
      A[a * rows + a] += 1e-12;
    }
    let y: Float64Array;
    try {
      y = solve({ rows, cols: rows, data: A }, r);
    } catch {
      return null;
    }
    for (let k = 0; k < nv; k++) {
      let s = 0;
      for (let a = 0; a < rows; a++) s += J[a * nv + k] * y[a];
      if (k < m * d) x[k] -= s;
      else t -= s;
    }
  }
  return null;
}

/**
 * Finds M points on S^{d−1} with a large minimal angle (see the module notes). Seeded and deterministic.
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
  const restarts = options.restarts ?? 200,
    budget = options.timeBudgetMs ?? 60_000,
    pMax = options.pMax ?? 2 ** 17;
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new RangeError(`Cannot optimise a code: restarts must be a positive integer: restarts=${restarts}`);
  }
  const prng = createPrng(options.seed ?? 1);
  const start = performance.now();
  let best: { x: Float64Array; degrees: number; deltaMin: number } | null = null;
  let ran = 0;
  for (let r = 0; r < restarts; r++) {
    if (r > 0 && performance.now() - start > budget) break;
    ran++;
    // Alternate fresh random starts (beginning at a different exponent each time, so that they do not all fall
    // into the low-p energy minimiser's basin) with perturbations of the best code so far (basin hopping).
    const hop: boolean = best !== null && r % 2 === 1;
    // Hops alternate between jiggling every point and moving one point to a random place.
    const x: Float64Array = !hop
      ? sphere(m, d, { prng }).data
      : r % 4 === 1
      ? perturb(best!.x, m, d, 0.02 * (1 + (r % 5)), prng)
      : relocate(best!.x, m, d, prng);
    const p0 = hop ? 256 : 2 ** (3 + ((r >> 1) % 6));
    for (let p = p0; p <= pMax; p *= 2) descend(x, m, d, p, 400);
    let cur = minAngle({ rows: m, cols: d, data: x });
    // Polish with the contacts found at several tolerances; keep whatever raises the minimal angle.
    for (const tol of [1e-3, 1e-4, 1e-5, 1e-6]) {
      const polished = equalise(x, m, d, contacts(x, m, d, tol));
      if (!polished) continue;
      const unit = normaliseRows({ rows: m, cols: d, data: polished });
      const a = minAngle({ rows: m, cols: d, data: unit });
      if (a.angle > cur.angle) {
        x.set(unit);
        cur = a;
      }
    }
    if (!best || cur.degrees > best.degrees) {
      best = { x: x.slice(), degrees: cur.degrees, deltaMin: cur.deltaMin };
    }
    options.onProgress?.({
      restart: r,
      degrees: cur.degrees,
      best: best.degrees,
      elapsedMs: performance.now() - start,
    });
  }
  return { points: matrix(m, d, best!.x), degrees: best!.degrees, deltaMin: best!.deltaMin, restarts: ran };
}
