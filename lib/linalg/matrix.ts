/**
 * Dense row-major matrices on `Float64Array` and the few operations the workbench needs.
 *
 * A `Matrix` stores entry `(i, j)` at `data[i * cols + j]`. Patterns and queries are stored one per row. The
 * same flat typed arrays go to the backends (BLAS, WebGPU) without conversion, which is why the few products
 * here are written out rather than taken from ml-matrix, whose matrices hold nested arrays of rows.
 *
 * @module
 */

/** A dense row-major matrix: entry `(i, j)` lives at `data[i * cols + j]`. */
export interface Matrix {
  /** Row-major entries, length `rows * cols`. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** A float array in either precision: Float64 on the CPU reference, Float32 on the fast paths. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A row-major matrix in either float precision (an f32 pattern matrix that never exists in f64, say). Every
 * {@link Matrix} is one.
 */
export interface DenseMatrix {
  /** Row-major entries, length `rows * cols`. */
  data: FloatArray;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

function checkSize(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Cannot create matrix: ${what} must be a non-negative integer: ${what}=${n}`);
  }
}

/**
 * Creates a `rows × cols` matrix, zero-filled or wrapping `data` (not copied).
 *
 * @example
 * ```ts
 * import { matrix } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const m = matrix(2, 3);
 * assert.equal(m.data.length, 6);
 * ```
 */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  checkSize("rows", rows);
  checkSize("cols", cols);
  if (data && data.length !== rows * cols) {
    throw new RangeError(
      `Cannot create matrix: data length must equal rows*cols: length=${data.length}, rows=${rows}, cols=${cols}`,
    );
  }
  return { data: data ?? allocate(rows * cols, `${rows} × ${cols}`), rows, cols };
}

/** A zeroed Float64Array, or a RangeError that says how much memory the matrix needed. */
function allocate(length: number, shape: string): Float64Array {
  try {
    return new Float64Array(length);
  } catch {
    throw new RangeError(
      `Cannot create matrix: ${shape} Float64 entries need ${(length * 8 / 2 ** 30).toFixed(2)} GiB, ` +
        `more than can be allocated here`,
    );
  }
}

/**
 * Checks a matrix argument: its data holds rows × cols entries and every entry is finite; throws a RangeError
 * naming `what`, the action and the offending entry otherwise.
 *
 * @example
 * ```ts
 * import { checkMatrix, fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * checkMatrix(fromRows([[1, 2]]), "patterns", "compute separation");
 * assert.throws(() => checkMatrix(fromRows([[1, NaN]]), "patterns", "compute separation"), /patterns\[0\]\[1\]=NaN/);
 * assert.throws(() => checkMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }, "X", "go"), /rows × cols/);
 * ```
 */
export function checkMatrix(m: DenseMatrix, what: string, action: string): void {
  if (!m || !(m.data instanceof Float64Array || m.data instanceof Float32Array)) {
    throw new TypeError(`Cannot ${action}: ${what} must be a matrix ({ data, rows, cols }): ${what}=${m}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(
      `Cannot ${action}: ${what} must hold rows × cols entries: rows=${m.rows}, cols=${m.cols}, length=${m.data.length}`,
    );
  }
  assertFinite(m as Matrix, what, action);
}

/**
 * Builds a matrix from an array of equal-length rows (copied).
 *
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const m = fromRows([[1, 2], [3, 4]]);
 * assert.equal(m.data[2], 3);
 * ```
 */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0].length;
  const out = matrix(n, d);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d) {
      throw new RangeError(
        `Cannot build matrix: rows differ in length: row 0 has ${d}, row ${i} has ${rows[i].length}`,
      );
    }
    for (let j = 0; j < d; j++) out.data[i * d + j] = rows[i][j];
  }
  return out;
}

/** Returns the rows of `m` as plain arrays (for JSON and tables). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A view (no copy) of row `i` of `m`. */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/**
 * Rows `r0 … r1 − 1` of `m` as a view sharing its data (no copy), in its precision.
 *
 * @example
 * ```ts
 * import { fromRows, rowRange } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const m = fromRows([[1, 2], [3, 4], [5, 6]]);
 * assert.deepEqual(Array.from(rowRange(m, 1, 3).data), [3, 4, 5, 6]);
 * ```
 */
export function rowRange<T extends DenseMatrix>(m: T, r0: number, r1: number): T {
  if (!Number.isInteger(r0) || !Number.isInteger(r1) || r0 < 0 || r1 > m.rows || r0 > r1) {
    throw new RangeError(`Cannot take rows: need 0 ≤ r0 ≤ r1 ≤ rows: r0=${r0}, r1=${r1}, rows=${m.rows}`);
  }
  return { rows: r1 - r0, cols: m.cols, data: m.data.subarray(r0 * m.cols, r1 * m.cols) } as T;
}

/** Copies selected rows of `m` into a new matrix. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) out.data.set(row(m, indices[k]), k * m.cols);
  return out;
}

/** A deep copy of `m`. */
export function clone(m: Matrix): Matrix {
  return { data: m.data.slice(), rows: m.rows, cols: m.cols };
}

/** The transpose `mᵀ` as a new matrix. */
export function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out.data[j * m.rows + i] = m.data[i * m.cols + j];
  }
  return out;
}

/** Dot product `Σ a_k b_k` of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** Euclidean norm `‖a‖₂`, scaled to avoid overflow and underflow. */
export function norm(a: ArrayLike<number>): number {
  let scale = 0;
  for (let k = 0; k < a.length; k++) scale = Math.max(scale, Math.abs(a[k]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const v = a[k] / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/** Euclidean distance `‖a − b‖₂`. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const diff = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) diff[k] = a[k] - b[k];
  return norm(diff);
}

/**
 * Matrix product `A·Bᵀ` (shape `A.rows × B.rows`): the score matrix of queries `A` against patterns `B`.
 *
 * @example
 * ```ts
 * import { fromRows, matmulT } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const s = matmulT(fromRows([[1, 0]]), fromRows([[2, 3], [4, 5]]));
 * assert.deepEqual(Array.from(s.data), [2, 4]);
 * ```
 */
export function matmulT(a: Matrix, b: Matrix): Matrix {
  checkMatrix(a, "A", "multiply A·Bᵀ");
  checkMatrix(b, "B", "multiply A·Bᵀ");
  if (a.cols !== b.cols) {
    throw new RangeError(`Cannot multiply A·Bᵀ: column counts differ: A.cols=${a.cols}, B.cols=${b.cols}`);
  }
  const out = matrix(a.rows, b.rows);
  const d = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const ai = i * d;
    for (let j = 0; j < b.rows; j++) {
      const bj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += a.data[ai + k] * b.data[bj + k];
      out.data[i * b.rows + j] = s;
    }
  }
  return out;
}

/**
 * Matrix product `A·B` (shape `A.rows × B.cols`).
 *
 * @example
 * ```ts
 * import { fromRows, matmul } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const p = matmul(fromRows([[0.5, 0.5]]), fromRows([[2, 0], [0, 4]]));
 * assert.deepEqual(Array.from(p.data), [1, 2]);
 * ```
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  checkMatrix(a, "A", "multiply A·B");
  checkMatrix(b, "B", "multiply A·B");
  if (a.cols !== b.rows) {
    throw new RangeError(`Cannot multiply A·B: inner sizes differ: A.cols=${a.cols}, B.rows=${b.rows}`);
  }
  const out = matrix(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const oi = i * n;
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) out.data[oi + j] += aik * b.data[bk + j];
    }
  }
  return out;
}

/** Column means of `m` (the pattern mean `m_x` when patterns are rows). */
export function columnMeans(m: Matrix): Float64Array {
  const out = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) out[j] /= m.rows || 1;
  return out;
}

/**
 * Each row scaled to unit norm (a zero row stays zero), as a new matrix.
 *
 * @example
 * ```ts
 * import { fromRows, unitRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(unitRows(fromRows([[3, 4], [0, 0]])).data), [0.6, 0.8, 0, 0]);
 * ```
 */
export function unitRows(m: Matrix): Matrix {
  checkMatrix(m, "m", "scale rows to unit norm");
  const out = { data: m.data.slice(), rows: m.rows, cols: m.cols };
  for (let i = 0; i < m.rows; i++) {
    const r = row(out, i), s = norm(r);
    if (s > 0) { for (let k = 0; k < r.length; k++) r[k] /= s; }
  }
  return out;
}

/** Largest row norm `M = maxᵢ ‖xᵢ‖` (Ramsauer et al. 2020, notation). */
export function maxRowNorm(m: DenseMatrix): number {
  let best = 0;
  for (let i = 0; i < m.rows; i++) best = Math.max(best, norm(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return best;
}

/**
 * Throws a `RangeError` naming `what` if `m` holds a NaN or an infinity.
 *
 * @example
 * ```ts
 * import { assertFinite, fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => assertFinite(fromRows([[1, NaN]]), "patterns", "retrieve"), /patterns/);
 * ```
 */
export function assertFinite(m: DenseMatrix, what: string, action: string): void {
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) {
      const i = Math.floor(k / m.cols), j = k % m.cols;
      throw new RangeError(`Cannot ${action}: ${what} must be finite: ${what}[${i}][${j}]=${m.data[k]}`);
    }
  }
}
