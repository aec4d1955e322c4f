/**
 * Contact stresses of a spherical code: the first-order optimality certificate of the Tammes problem.
 *
 * A code X on S^{d−1} is a first-order (Clarke) stationary point of `max min_{i<j} ‖xᵢ − xⱼ‖²` exactly when
 * non-negative stresses on its contacts balance at every point: with `Gₖ` the gradient of the k-th contact's
 * squared chord `‖xᵢ − xⱼ‖²` projected onto the tangent spaces (`2(xᵢ − xⱼ)` at i, `2(xⱼ − xᵢ)` at j, minus
 * their radial parts), some λ ≥ 0 with Σλₖ = 1 has `Σₖ λₖ Gₖ = 0` (Clarke, *Optimization and Nonsmooth
 * Analysis*, 1983, Thm 2.5.1 for a pointwise minimum; the Lagrange form is the KKT system of
 * `max t s.t. ‖xᵢ − xⱼ‖² ≥ t, ‖xᵢ‖ = 1`). Otherwise the smallest net force `g = Σ λₖ Gₖ` over such λ is the
 * steepest ascent direction: moving along it raises every contact's squared chord at rate ≥ ‖g‖² (the
 * minimum-norm point of a convex hull; Wolfe 1976), and ‖g‖ is the largest first-order rate at which the
 * minimal squared chord can grow per unit of displacement.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { nnls } from "../linalg/nnls.ts";
import { normaliseRows, squaredChords } from "./angles.ts";

/** The stresses of a code's contacts (see the module notes). */
export interface ContactStresses {
  /** Contact pairs (i < j): squared chord within the relative tolerance of the smallest. */
  contacts: [number, number][];
  /**
   * One per contact, λ ≥ 0, Σλ = 1, minimising the net force; one such set when several balance (the
   * icosahedron's 30 edges, say, have more contacts than the code has degrees of freedom).
   */
  stresses: Float64Array;
  /** M × d: the net tangential force `Σₖ λₖ Gₖ` at each point; zero at a first-order optimum. */
  netForce: Matrix;
  /** ‖netForce‖ (Euclidean over all coordinates): 0 to rounding at a stationary code. */
  imbalance: number;
  /** Points on no contact (free to move: "rattlers"). */
  rattlers: number[];
}

/** Options of {@link contactStresses}. */
export interface StressOptions {
  /** Pairs whose squared chord is within this relative tolerance of the smallest are contacts (default 1e-9). */
  tolerance?: number;
  /**
   * Contacts expected to carry stress, say those of a nearby code (a warm start for the NNLS; pairs that are not
   * contacts are ignored). The answer does not depend on it, only the time.
   */
  carrying?: [number, number][];
}

/**
 * The contact stresses of a code (rows of `points`, M × d, normalised first): its contacts, the non-negative
 * stresses λ (Σλ = 1) that minimise the net tangential force `‖Σₖ λₖ Gₖ‖`, and that force. λ comes from
 * non-negative least squares on `min ‖Gλ‖² + w²(Σλ − 1)²`, rescaled to Σλ = 1: for any w > 0 its direction
 * λ/Σλ is the minimum-norm point (write λ = sμ, Σμ = 1: the best μ does not depend on s), and w = max |Gₖ|
 * keeps the normal equations well scaled (the exact codes balance to ~2e-16). `imbalance` is 0 to rounding
 * exactly when the code is a first-order optimum of the Tammes problem (see the module notes). The contacts must
 * be exact for this to be meaningful: a code from {@link optimiseCode} has them equal to ~1e-15; the NNLS costs
 * O(e²) per step that adds a contact and O(e³) per step that drops one, for e contacts.
 *
 * @example
 * ```ts
 * import { contactStresses } from "./stresses.ts";
 * import { icosahedron } from "./constructions.ts";
 * import assert from "node:assert/strict";
 * const s = contactStresses(icosahedron());
 * assert.equal(s.contacts.length, 30); // its edges
 * assert.ok(s.stresses.every((l) => l >= 0) && Math.abs(s.stresses.reduce((a, l) => a + l) - 1) < 1e-15);
 * assert.ok(s.imbalance < 1e-12 && s.rattlers.length === 0); // balanced: a first-order optimum
 * ```
 */
export function contactStresses(points: Matrix, options: StressOptions = {}): ContactStresses {
  const m = points.rows, d = points.cols, tolerance = options.tolerance ?? 1e-9;
  if (m < 2) throw new RangeError(`Cannot compute contact stresses: need at least 2 points: M=${m}`);
  if (!(tolerance >= 0 && tolerance < 1)) {
    throw new RangeError(
      `Cannot compute contact stresses: tolerance must be in [0, 1): tolerance=${tolerance}`,
    );
  }
  const x = normaliseRows(points), sq = squaredChords({ rows: m, cols: d, data: x });
  const smin = sq.reduce((a, s) => Math.min(a, s), Infinity);
  const contacts: [number, number][] = [];
  for (let i = 0, k = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, k++) if (sq[k] <= smin * (1 + tolerance)) contacts.push([i, j]);
  }
  // Columns Gₖ (M·d rows) and a last row w·1 that keeps λ from 0: min ‖Gλ‖² + w²(Σλ − 1)², λ ≥ 0.
  const e = contacts.length, rows = m * d + 1, G = matrix(rows, e);
  let gmax = 0;
  contacts.forEach(([i, j], k) => {
    for (const [p, q] of [[i, j], [j, i]]) {
      let radial = 0;
      for (let c = 0; c < d; c++) radial += x[p * d + c] * 2 * (x[p * d + c] - x[q * d + c]);
      for (let c = 0; c < d; c++) {
        const v = 2 * (x[p * d + c] - x[q * d + c]) - radial * x[p * d + c];
        G.data[(p * d + c) * e + k] = v;
        gmax = Math.max(gmax, Math.abs(v));
      }
    }
  });
  const w = gmax > 0 ? gmax : 1, b = new Float64Array(rows); // gmax = 0: every λ balances (antipodes)
  for (let k = 0; k < e; k++) G.data[(rows - 1) * e + k] = w;
  b[rows - 1] = w;
  const index = new Map(contacts.map(([i, j], k) => [i * m + j, k]));
  const start = (options.carrying ?? []).map(([i, j]) => index.get(Math.min(i, j) * m + Math.max(i, j)));
  const lambda = nnls(G, b, { start: start.filter((k) => k !== undefined) });
  const total = lambda.reduce((a, v) => a + v, 0);
  for (let k = 0; k < e; k++) lambda[k] /= total;
  const netForce = matrix(m, d);
  let imbalance = 0;
  for (let r = 0; r < m * d; r++) {
    let s = 0;
    for (let k = 0; k < e; k++) s += G.data[r * e + k] * lambda[k];
    netForce.data[r] = s;
    imbalance += s * s;
  }
  const touched = new Uint8Array(m);
  for (const [i, j] of contacts) touched[i] = touched[j] = 1;
  const rattlers: number[] = [];
  for (let i = 0; i < m; i++) if (!touched[i]) rattlers.push(i);
  return { contacts, stresses: lambda, netForce, imbalance: Math.sqrt(imbalance), rattlers };
}
