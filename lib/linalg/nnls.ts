/**
 * Non-negative least squares (Lawson & Hanson, *Solving Least Squares Problems*, 1974, Ch. 23, Algorithm NNLS).
 * Written here because neither ml-matrix nor mathjs has an NNLS solver.
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";
import { choleskySolve } from "./solve.ts";

/**
 * A passive column whose Cholesky pivot is at most this fraction of its squared norm (its sine to the span of
 * the others below 1e-6) counts as dependent: the normal equations carry rounding of about k·ε relative to the
 * diagonal for k passive variables, so a smaller pivot is noise.
 */
const DEPENDENT = 1e-12;

/** Options of {@link nnls}. */
export interface NnlsOptions {
  /** At most this many outer iterations (each frees one variable; default 3·cols). */
  maxIterations?: number;
  /**
   * Variables expected to be positive in the answer (a warm start, say the previous answer's support in a
   * sequence of close problems): the search starts from the least-squares solution on them, after dropping
   * those it makes non-positive. The answer does not depend on it, only the time (Bro & de Jong 1997).
   */
  start?: ArrayLike<number>;
}

/**
 * Solves `min ‖A x − b‖₂ subject to x ≥ 0` for A (rows × cols) and b (length rows) by the active-set method of
 * Lawson and Hanson (1974, Ch. 23): the variables are split into a passive set, solved by unconstrained least
 * squares, and a zero set; the zero variable with the largest gradient `w = Aᵀ(b − A x)` joins the passive set
 * while one is positive, and a passive variable that the least-squares step would drive negative is stopped at
 * zero and leaves it. The answer satisfies the Karush–Kuhn–Tucker conditions `x ≥ 0`, `w ≤ 0` where `x = 0` and
 * `w = 0` where `x > 0`, to rounding. The subproblems are solved on the normal equations `AᵀA` by a Cholesky
 * factor that grows by one row, O(k²), when a variable joins the k passive ones and is rebuilt, O(k³), when one
 * leaves; a step of refinement on A's own residual wins back the accuracy the normal equations lose. As in
 * Lawson and Hanson's algorithm, a column that depends on the passive ones (to rounding) is refused and the
 * next-largest gradient tried, so the passive columns stay independent; a rank-deficient A gives one of its
 * minimisers, whose residual is the least to rounding.
 *
 * @example
 * ```ts
 * import { nnls } from "./nnls.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * // Unconstrained, x = (1, −2); the bound holds x₂ at 0.
 * assert.deepEqual(Array.from(nnls(fromRows([[1, 0], [0, 1]]), [1, -2])), [1, 0]);
 * assert.throws(() => nnls(fromRows([[1, 0]]), [1, 2]), /A=1×2, b=2/);
 * ```
 */
export function nnls(A: Matrix, b: ArrayLike<number>, options: NnlsOptions = {}): Float64Array {
  const { rows, cols: n } = A, a = A.data;
  if (b.length !== rows) {
    throw new RangeError(`Cannot solve NNLS: b needs one entry per row of A: A=${rows}×${n}, b=${b.length}`);
  }
  if (!a.every(Number.isFinite) || !Array.from(b).every(Number.isFinite)) {
    throw new RangeError("Cannot solve NNLS: A and b must be finite");
  }
  const maxIterations = options.maxIterations ?? 3 * n;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(
      `Cannot solve NNLS: maxIterations must be a positive integer: maxIterations=${maxIterations}`,
    );
  }
  // Normal equations: H = AᵀA, c = Aᵀb.
  const H = new Float64Array(n * n), c = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const v = a[row + i];
      if (v === 0) continue;
      c[i] += v * b[r];
      for (let j = 0; j < n; j++) H[i * n + j] += v * a[row + j];
    }
  }
  let diag = 0;
  for (let i = 0; i < n; i++) diag = Math.max(diag, H[i * n + i]);
  // Gradients below this are rounding (the tolerance of Lawson & Hanson's NNLS, scaled to the normal equations).
  const tol = 10 * Number.EPSILON * Math.max(diag, 1e-300) * Math.max(rows, n);
  const x = new Float64Array(n), passive = new Uint8Array(n), z = new Float64Array(n);

  // The Cholesky factor L (row p, stride n) of the normal equations on the passive variables idx[0..k), kept
  // across steps: a newcomer appends one row, O(k²); only a variable leaving refactors, O(k³).
  const L = new Float64Array(n * n), idx = new Int32Array(n);
  let k = 0;
  /**
   * Appends variable j to the factor. A column in the span of the passive ones, to rounding (pivot at most
   * DEPENDENT of its diagonal), is refused, as Lawson & Hanson refuse it, so the passive columns stay
   * independent. Returns whether j was taken.
   */
  const append = (j: number): boolean => {
    const rj = k * n;
    for (let q = 0; q < k; q++) {
      let v = H[j * n + idx[q]];
      for (let r = 0, rq = q * n; r < q; r++) v -= L[rj + r] * L[rq + r];
      L[rj + q] = v / L[q * n + q];
    }
    let pivot = H[j * n + j];
    for (let q = 0; q < k; q++) pivot -= L[rj + q] * L[rj + q];
    if (!(pivot > DEPENDENT * H[j * n + j])) return false;
    L[rj + k] = Math.sqrt(pivot);
    idx[k++] = j;
    return true;
  };
  /** Refactors on the passive set, dropping any variable `append` refuses. */
  const refactor = () => {
    k = 0;
    for (let j = 0; j < n; j++) if (passive[j] && !append(j)) passive[j] = 0;
  };
  const y = new Float64Array(n), g = new Float64Array(n);
  /**
   * z = the least-squares solution on the passive set (zero elsewhere): L Lᵀ z_P = c_P, then one step of
   * refinement on the residual of A itself (the corrected semi-normal equations, Björck 1996, §6.6.5). The
   * normal equations square A's condition number; the step wins back most of the accuracy, which matters most
   * for the near-zero residuals of consistent systems.
   */
  const solveZ = () => {
    for (let p = 0; p < k; p++) y[p] = c[idx[p]];
    choleskySolve(L, n, k, y);
    g.fill(0, 0, k);
    for (let r = 0; r < rows; r++) {
      const row = r * n;
      let res = b[r];
      for (let p = 0; p < k; p++) res -= a[row + idx[p]] * y[p];
      for (let p = 0; p < k; p++) g[p] += a[row + idx[p]] * res;
    }
    choleskySolve(L, n, k, g);
    z.fill(0);
    for (let p = 0; p < k; p++) z[idx[p]] = y[p] + g[p];
  };

  if (options.start) {
    for (const j of Array.from(options.start)) {
      if (!(Number.isInteger(j) && j >= 0 && j < n)) {
        throw new RangeError(
          `Cannot solve NNLS: start must hold column indices in [0, ${n}): start has ${j}`,
        );
      }
      passive[j] = 1;
    }
    // Drop the dependent variables and those the least-squares solution makes non-positive until the rest are
    // positive: then x = z is feasible and solves the passive problem, the invariant of the main loop.
    for (let any = true; any;) {
      refactor();
      solveZ();
      any = false;
      for (let j = 0; j < n; j++) if (passive[j] && z[j] <= 0) [passive[j], any] = [0, true];
    }
    for (let j = 0; j < n; j++) x[j] = passive[j] ? z[j] : 0;
  }
  const refused = new Uint8Array(n); // columns dependent on the current passive set
  for (let it = 0; it < maxIterations;) {
    // w = c − H x; the zero variable with the largest positive gradient joins the passive set.
    let t = -1, wMax = tol;
    for (let j = 0; j < n; j++) {
      if (passive[j] || refused[j]) continue;
      let w = c[j];
      for (let i = 0; i < n; i++) w -= H[j * n + i] * x[i];
      if (w > wMax) [t, wMax] = [j, w];
    }
    if (t < 0) break;
    if (!append(t)) {
      refused[t] = 1; // Lawson & Hanson: try the next-largest gradient
      continue;
    }
    passive[t] = 1;
    solveZ();
    // In exact arithmetic the newcomer's z is positive (its gradient is); if rounding says otherwise there is
    // nothing more to gain.
    if (z[t] <= 0) {
      passive[t] = 0;
      break;
    }
    it++;
    refused.fill(0);
    for (let inner = 0; inner <= n; inner++) {
      if (inner > 0) {
        refactor();
        solveZ();
      }
      // Step from x towards z until the first passive variable reaches zero (index `block`) or all the way.
      let alpha = 1, block = -1;
      for (let j = 0; j < n; j++) {
        if (!passive[j] || z[j] > 0) continue;
        const s = x[j] / (x[j] - z[j]);
        if (s <= alpha) [alpha, block] = [s, j];
      }
      for (let j = 0; j < n; j++) if (passive[j]) x[j] += alpha * (z[j] - x[j]);
      if (block < 0) break;
      // The blocking variable is zero by construction; rounding may leave it a hair above, where it would stop
      // every later step at a vanishing alpha. It and any other that reached zero leave the passive set.
      x[block] = 0;
      for (let j = 0; j < n; j++) {
        if (passive[j] && x[j] <= 0) {
          passive[j] = 0;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}
