/**
 * Riemannian L-BFGS on the product of spheres, for the surrogate of the Tammes problem (`optimiseCode`'s
 * descent).
 *
 * @module
 */
import type { Surrogate } from "./surrogate.ts";

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
 * Riemannian L-BFGS on f_p over the product of spheres (Absil, Mahony & Sepulchre 2008, §8; Nocedal & Wright
 * 2006, Alg. 7.4): tangent gradient, retraction by normalising each point, memory 8 with the stored pairs re-used
 * after projection onto the new tangent space, Armijo backtracking. Stops after `iterations`, when no step
 * decreases f, when f stalls, or at `deadline` (a `performance.now()` time); `x` (M × d, row-major, unit rows) is
 * moved in place. The stored pairs live in a
 * ring of preallocated arrays, oldest first from `head`, so an iteration allocates nothing. @internal
 *
 * @example
 * ```ts
 * import { descend } from "./lbfgs.ts";
 * import { Surrogate } from "./surrogate.ts";
 * import { minAngle } from "./angles.ts";
 * import { sphere } from "../data/synthetic.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const x = sphere(6, 3, { prng: createPrng(1) }).data, f = new Surrogate(6, 3);
 * for (let p = 8; p <= 1024; p *= 2) [f.exponent = p, descend(x, f, 200)];
 * assert.ok(minAngle({ rows: 6, cols: 3, data: x }).degrees > 89.9); // the octahedron
 * ```
 */
export function descend(x: Float64Array, f_p: Surrogate, iterations: number, deadline = Infinity): void {
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
  for (let it = 0; it < iterations && performance.now() < deadline; it++) {
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
      if (back > 0 && performance.now() >= deadline) return;
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
