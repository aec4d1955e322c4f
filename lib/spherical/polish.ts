/**
 * The optimiser's last stage: from a code near a local optimum of the Tammes problem to the exact one. `polish`
 * pushes a contact set to exact equality (Gauss–Newton); `stationarise` then moves, while the contacts' stresses
 * do not balance (see {@link contactStresses}), along the net force, which raises every contact, and polishes the
 * new contact set, until the code is a first-order optimum. Internal to {@link optimiseCode}.
 *
 * @module
 */
import { solveSpd } from "../linalg/solve.ts";
import { type MinAngle, minAngle, normaliseRows, squaredChords } from "./angles.ts";
import { contactStresses } from "./stresses.ts";

/** A code with its minimal angle. */
export type Measured = { x: Float64Array; angle: ReturnType<typeof minAngle> };

/**
 * The polished code (see {@link equalise}) with the largest minimal angle over several candidate contact sets,
 * or null if none beats `floor` (the angle of `x`, radians). The candidates are the pairs whose squared chord
 * is within 1e-3, 1e-4, 1e-5 or 1e-6 (relative) of the smallest, and the longest run of nearest pairs that can
 * be made equal (found by bisection: a subset of a consistent set is consistent). At p = 2¹⁷ the true contacts
 * of a code with many of them are spread over a few tens of ppm and a fixed tolerance can cut through them (at
 * M = 47: 90 contacts within 32 ppm, the next pair at 52 ppm; 1e-4 takes one pair too many, 1e-5 too few and
 * leaves the code 1.1e-4° below its optimum). Gives up (null) rather than begin a dense solve that could not end
 * before `deadline` (a `performance.now()` time).
 */
export function polish(
  x: Float64Array,
  m: number,
  d: number,
  floor: number,
  deadline = Infinity,
): Measured | null {
  const chords = squaredChords({ rows: m, cols: d, data: x }), sq: [number, number, number][] = [];
  for (let i = 0, k = 0; i < m; i++) for (let j = i + 1; j < m; j++, k++) sq.push([chords[k], i, j]);
  sq.sort((a, b) => a[0] - b[0]);
  const smallest = sq[0][0];
  const near = sq.filter(([s]) => s <= smallest * (1 + 1e-3)).map(([, i, j]): [number, number] => [i, j]);
  const tried = new Map<number, Float64Array | null>();
  const consistent = (size: number) => {
    if (!tried.has(size)) tried.set(size, equalise(x, m, d, near.slice(0, size), deadline));
    return tried.get(size) !== null;
  };
  for (const tol of [1e-3, 1e-4, 1e-5, 1e-6]) {
    const size = sq.findIndex(([s]) => s > smallest * (1 + tol));
    consistent(size < 0 ? near.length : size);
  }
  let lo = 1, hi = near.length + 1; // near[0 .. lo) can be made equal; near[0 .. hi) cannot
  for (const [size, y] of tried) {
    if (y) lo = Math.max(lo, size);
    else hi = Math.min(hi, size);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (consistent(mid)) lo = mid;
    else hi = mid;
  }
  let best: Measured | null = null, record = floor;
  for (const y of tried.values()) {
    if (!y) continue;
    const unit = normaliseRows({ rows: m, cols: d, data: y });
    const angle = minAngle({ rows: m, cols: d, data: unit });
    if (angle.angle > record) {
      best = { x: unit, angle };
      record = angle.angle;
    }
  }
  return best;
}

/**
 * Gauss–Newton (minimum-norm, lightly damped) on `‖xᵢ − xⱼ‖² − t = 0` for the contacts, unknowns x on the
 * product of spheres and t. Returns the polished points (or null if it did not converge).
 *
 * Each step moves the points in their tangent spaces and renormalises them (a retraction, which changes each
 * squared chord only to second order), so the unit-norm constraints need no rows of their own: the Jacobian J
 * has one row per contact, `2Pᵢ(xᵢ − xⱼ)` at i, `2Pⱼ(xⱼ − xᵢ)` at j (Pᵢ = I − xᵢxᵢᵀ) and −1 at t, and the step
 * is `−Jᵀy` with `(JJᵀ + λI) y = residuals`. JJᵀ is assembled from the rows that share a point, in
 * O(contacts · degree · d), and only the dense solve costs O(contacts³): by Cholesky, since JJᵀ + λI is
 * symmetric positive definite. (With a row per point for `‖xᵢ‖² = 1` instead, the system had M more rows and
 * a polish took 2.7 times as long at M = 130 and 3.5 times at M = 119.) A factorisation that fails in rounding
 * (JJᵀ is singular when contacts are dependent) counts as no convergence: that contact set is not used, which can
 * only cost a better polish, never a wrong code.
 */
function equalise(
  x0: Float64Array,
  m: number,
  d: number,
  pairs: [number, number][],
  deadline = Infinity,
): Float64Array | null {
  const x = x0.slice(), e = pairs.length;
  // grad[h·d + c], h = 2r or 2r + 1: half of row r's gradient at its first or second point, Pᵢ(xᵢ − xⱼ) or
  // Pⱼ(xⱼ − xᵢ); at[i] lists the h of the rows at point i (row h >> 1).
  const at: number[][] = Array.from({ length: m }, () => []);
  pairs.forEach(([i, j], r) => {
    at[i].push(2 * r);
    at[j].push(2 * r + 1);
  });
  const grad = new Float64Array(2 * e * d), res = new Float64Array(e), A = new Float64Array(e * e);
  let t = Infinity;
  for (const [i, j] of pairs) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
    t = Math.min(t, s);
  }
  let previous = Infinity;
  for (let it = 0; it < 30; it++) {
    let norm = 0;
    pairs.forEach(([i, j], r) => {
      let s = 0, ri = 0, rj = 0;
      for (let c = 0; c < d; c++) {
        const v = x[i * d + c] - x[j * d + c];
        s += v * v;
        ri += v * x[i * d + c];
        rj += v * x[j * d + c];
      }
      for (let c = 0; c < d; c++) {
        const v = x[i * d + c] - x[j * d + c];
        grad[2 * r * d + c] = v - ri * x[i * d + c];
        grad[(2 * r + 1) * d + c] = -v + rj * x[j * d + c];
      }
      res[r] = s - t;
      norm = Math.max(norm, Math.abs(res[r]));
    });
    if (norm < 1e-15) return x;
    // Newton converges quadratically on a consistent contact set; one that stalls has a wrong one.
    if (it >= 2 && norm > 0.25 * previous) return null;
    previous = norm;
    // JJᵀ: 1 between any two rows (the t column), plus 4 gᵣ·g_q at each point the rows share.
    A.fill(1);
    for (let i = 0; i < m; i++) {
      for (const hr of at[i]) {
        for (const hq of at[i]) {
          let s = 0;
          for (let c = 0; c < d; c++) s += grad[hr * d + c] * grad[hq * d + c];
          A[(hr >> 1) * e + (hq >> 1)] += 4 * s;
        }
      }
    }
    for (let r = 0; r < e; r++) A[r * e + r] += 1e-12;
    // A solve that cannot end before the deadline (e³/3 flops at 1 GFLOP/s, conservatively) is not begun.
    if (performance.now() + e ** 3 / 3e6 > deadline) return null;
    let y: Float64Array;
    try {
      y = solveSpd({ rows: e, cols: e, data: A }, res);
    } catch {
      return null;
    }
    // The step Jᵀy, subtracted, then the retraction.
    for (let i = 0; i < m; i++) {
      for (const h of at[i]) for (let c = 0; c < d; c++) x[i * d + c] -= 2 * grad[h * d + c] * y[h >> 1];
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c] ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let c = 0; c < d; c++) x[i * d + c] *= inv;
    }
    for (let r = 0; r < e; r++) t += y[r];
  }
  return null;
}

/** The smallest squared chord of x (M × d, unit rows). */
function minSquaredChord(x: Float64Array, m: number, d: number): number {
  return squaredChords({ rows: m, cols: d, data: x }).reduce((a, s) => Math.min(a, s), Infinity);
}

/**
 * A code after {@link stationarise}, with the stress imbalance it ended at (see {@link contactStresses});
 * undefined when no time was left to measure it.
 */
export type Stationary = Measured & { imbalance: number | undefined };

/**
 * The step a in (0, limit) that maximises f, or 0 if no step raises f by more than `noise` over f(0). From a0 the
 * step doubles while f clearly grows (changes within `noise` are ties, which go on: near a0 and near a flat maximum
 * they are rounding), and stops at the first that clearly loses; where the maximum is smooth, doubling stops within
 * a factor 2 of it, so parabolas through the bracket (best/2, best, beyond) home in (at most four).
 */
function lineMaximum(f: (a: number) => number, a0: number, limit: number, noise: number): number {
  let best = 0, record = f(0), beyond = 0, beyondValue = record;
  for (let a = a0; a < limit; a *= 2) {
    const s = f(a);
    if (s > record + noise) [best, record] = [a, s];
    else if (s < record - noise) {
      [beyond, beyondValue] = [a, s];
      break;
    }
  }
  if (best === 0 || beyond === 0) return best;
  let [lo, sLo] = [best / 2, f(best / 2)], [hi, sHi] = [beyond, beyondValue];
  for (let k = 0; k < 4; k++) {
    const [a1, s1] = [best, record];
    const num = (a1 - lo) ** 2 * (s1 - sHi) - (a1 - hi) ** 2 * (s1 - sLo);
    const den = (a1 - lo) * (s1 - sHi) - (a1 - hi) * (s1 - sLo);
    const a = a1 - num / (2 * den);
    if (!(a > lo && a < hi) || a === a1) break;
    const s = f(a);
    if (s > record) {
      if (a < a1) [hi, sHi] = [a1, s1];
      else [lo, sLo] = [a1, s1];
      [best, record] = [a, s];
    } else if (a < a1) [lo, sLo] = [a, s];
    else [hi, sHi] = [a, s];
  }
  return best;
}

/**
 * Active-set ascent from a polished code to a first-order optimum of the Tammes problem (one where non-negative
 * contact stresses balance; see {@link contactStresses}). While the imbalance g = Σλₖ Gₖ is above 1e-12 of the
 * minimal chord, a step along g raises every contact's squared chord at rate ≥ ‖g‖²: the step that maximises the
 * minimal chord along g (see {@link lineMaximum}) is taken and the code there polished (its new contact set made
 * exactly equal), which drops the contacts that g pulls apart and takes in the pairs that now block. Each step
 * raises the minimal angle; at most `steps` of them (default 100; at M = 119 a code with imbalance 1e-3 takes ~50),
 * and none begun unless one as long as the last still ends before the time `until` (a `performance.now()` value;
 * past it before the first, the code is returned as it is, its imbalance unmeasured).
 * The prefix contact sets of {@link polish} cannot reach such a code: at M = 23 the code it returns (43.7099626°)
 * has one contact, the 23rd nearest pair, that the optimum (43.7099642°, 45 contacts) does not, and lacks the 45th
 * and 46th nearest pairs.
 */
export function stationarise(
  x0: Float64Array,
  m: number,
  d: number,
  { steps = 100, until = Infinity, angle: known }: { steps?: number; until?: number; angle?: MinAngle } = {},
): Stationary {
  let x = x0, angle = known ?? minAngle({ rows: m, cols: d, data: x }), imbalance = Infinity;
  let carrying: [number, number][] = [], began = performance.now(), last = 0;
  for (let step = 0; step <= steps; step++) {
    if (step === 0 && performance.now() >= until) return { x, angle, imbalance: undefined };
    const stresses = contactStresses({ rows: m, cols: d, data: x }, { carrying });
    imbalance = stresses.imbalance;
    carrying = stresses.contacts.filter((_, k) => stresses.stresses[k] > 0);
    const smin = minSquaredChord(x, m, d), chord = Math.sqrt(smin);
    const now = performance.now();
    [last, began] = [step > 0 ? now - began : 0, now];
    if (imbalance <= 1e-12 * chord || step === steps || now + last > until) break;
    const g = stresses.netForce.data,
      along = (a: number) => normaliseRows({ rows: m, cols: d, data: x.map((v, k) => v + a * g[k]) });
    const a = lineMaximum(
      (a) => minSquaredChord(along(a), m, d),
      (1e-12 * chord) / imbalance,
      chord / imbalance,
      1e-14 * smin,
    );
    if (a === 0) break; // rounding: no step raises the minimal chord
    const y = along(a), measured = minAngle({ rows: m, cols: d, data: y });
    const next = polish(y, m, d, measured.angle) ?? { x: y, angle: measured };
    if (!(next.angle.angle > angle.angle)) break;
    [x, angle] = [next.x, next.angle];
  }
  return { x, angle, imbalance };
}
