/**
 * Non-negative least squares (Lawson & Hanson, *Solving Least Squares Problems*, 1974, Ch. 23, Algorithm NNLS).
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";
import { solveSpd } from "./solve.ts";

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
 * `w = 0` where `x > 0`, to rounding. The subproblems are solved on the normal equations `AᵀA` by Cholesky, each
 * in O(k³) for k passive variables; where rounding makes the passive columns dependent, a ridge of 1e-13 of the
 * largest diagonal entry of AᵀA is added (a rank-deficient A gives one of its minimisers, whose residual is the
 * same to rounding).
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
  const ridge = 1e-13 * diag;
  // Gradients below this are rounding (the tolerance of Lawson & Hanson's NNLS, scaled to the normal equations).
  const tol = 10 * Number.EPSILON * Math.max(diag, 1e-300) * Math.max(rows, n);
  const x = new Float64Array(n), passive = new Uint8Array(n), z = new Float64Array(n);

  /** z = the least-squares solution on the passive set (zero elsewhere). */
  const solvePassive = () => {
    const idx: number[] = [];
    for (let j = 0; j < n; j++) if (passive[j]) idx.push(j);
    const k = idx.length, Hp = new Float64Array(k * k), cp = new Float64Array(k);
    for (let p = 0; p < k; p++) {
      cp[p] = c[idx[p]];
      for (let q = 0; q <= p; q++) Hp[p * k + q] = H[idx[p] * n + idx[q]];
    }
    let zp: Float64Array;
    try {
      zp = solveSpd({ rows: k, cols: k, data: Hp }, cp);
    } catch {
      for (let p = 0; p < k; p++) Hp[p * k + p] += ridge;
      zp = solveSpd({ rows: k, cols: k, data: Hp }, cp);
    }
    z.fill(0);
    idx.forEach((j, p) => (z[j] = zp[p]));
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
    // Drop the variables the least-squares solution makes non-positive until the rest are positive: then
    // x = z is feasible and solves the passive problem, the invariant of the main loop.
    for (let any = true; any;) {
      if (!passive.some((p) => p === 1)) break;
      solvePassive();
      any = false;
      for (let j = 0; j < n; j++) if (passive[j] && z[j] <= 0) [passive[j], any] = [0, true];
    }
    for (let j = 0; j < n; j++) x[j] = passive[j] ? z[j] : 0;
  }
  for (let it = 0; it < maxIterations; it++) {
    // w = c − H x; the zero variable with the largest positive gradient joins the passive set.
    let t = -1, wMax = tol;
    for (let j = 0; j < n; j++) {
      if (passive[j]) continue;
      let w = c[j];
      for (let i = 0; i < n; i++) w -= H[j * n + i] * x[i];
      if (w > wMax) [t, wMax] = [j, w];
    }
    if (t < 0) break;
    passive[t] = 1;
    for (let inner = 0; inner <= n; inner++) {
      solvePassive();
      let alpha = 1;
      for (let j = 0; j < n; j++) {
        if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      }
      for (let j = 0; j < n; j++) if (passive[j]) x[j] += alpha * (z[j] - x[j]);
      if (alpha === 1) break;
      // The step stopped where a passive variable reached zero: it leaves the passive set.
      for (let j = 0; j < n; j++) {
        if (passive[j] && x[j] <= 0) {
          passive[j] = 0;
          x[j] = 0;
        }
      }
    }
    if (passive[t] === 0 && x[t] === 0) break; // the newcomer left at once: rounding, nothing more to gain
  }
  return x;
}
