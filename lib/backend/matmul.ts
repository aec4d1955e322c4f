/**
 * The general product `C = op(A)·op(B)` of the backends (op = transpose where asked): the shape checks, and the
 * host implementations used by `cpu` (and by `webgpu` to lay out its operands).
 *
 * @module
 */
import type { DenseMatrix, FloatArray } from "../linalg/matrix.ts";

/** Which operands enter transposed. */
export interface MatmulOptions {
  /** Use Aᵀ (default false). */
  transposeA?: boolean;
  /** Use Bᵀ (default false). */
  transposeB?: boolean;
}

/** The product's sizes `op(A)` m × k, `op(B)` k × n, checked against each other. @internal */
export function productShape(
  A: DenseMatrix,
  B: DenseMatrix,
  options: MatmulOptions,
  backend: string,
): { m: number; n: number; k: number } {
  const [m, k] = options.transposeA ? [A.cols, A.rows] : [A.rows, A.cols];
  const [k2, n] = options.transposeB ? [B.cols, B.rows] : [B.rows, B.cols];
  if (k !== k2) {
    throw new RangeError(
      `Cannot multiply on ${backend}: inner sizes of op(A) (${m} × ${k}) and op(B) (${k2} × ${n}) differ`,
    );
  }
  return { m, n, k };
}

/**
 * The transpose of `m` in its own precision, in 32 × 32 tiles (a row-by-row transpose of a tall matrix misses
 * the cache on every write).
 *
 * @example
 * ```ts
 * import { transposeTiled } from "./matmul.ts";
 * import assert from "node:assert/strict";
 * const t = transposeTiled({ rows: 2, cols: 3, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
 * assert.deepEqual(Array.from(t.data), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function transposeTiled<T extends DenseMatrix>(m: T): T {
  const { rows, cols } = m, src = m.data;
  const out = new (src.constructor as { new (n: number): FloatArray })(rows * cols);
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = src[i * cols + j];
    }
  }
  return { rows: cols, cols: rows, data: out } as T;
}

/** `op(A)·op(B)` in Float64 on the host (the `cpu` backend's product). @internal */
export function matmulOnHost(A: DenseMatrix, B: DenseMatrix, options: MatmulOptions): DenseMatrix {
  const { m, n, k } = productShape(A, B, options, "cpu");
  const a = options.transposeA ? transposeTiled(A).data : A.data;
  const b = options.transposeB ? B.data : transposeTiled(B).data; // rows of Bᵀ: each output entry is a dot product
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      c[i * n + j] = s;
    }
  }
  return { rows: m, cols: n, data: c };
}
