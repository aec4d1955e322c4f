/**
 * Nearest stored pattern of each state, on a backend: `argminᵢ ‖xᵢ − ξ‖² = argminᵢ (‖xᵢ‖² − 2 xᵢᵀξ)`, with the
 * scores `Q·Xᵀ` from the backend in blocks of queries, so no B × N matrix outlives its block.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { Backend } from "./types.ts";

/** Score entries per block (B_block × N ≤ 2²², 32 MB in Float64). */
const BLOCK_ENTRIES = 1 << 22;

/**
 * The index of the nearest pattern (Euclidean) to each row of `queries`; ties go to the lower index. Costs one
 * `B × N × d` product on the backend plus O(B·N) on the host.
 *
 * Shapes: patterns N × d, queries B × d → B indices.
 *
 * @example
 * ```ts
 * import { nearestRows } from "./nearest.ts";
 * import { cpuBackend } from "./cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [3, 0], [0, 3]]);
 * const idx = await nearestRows(cpuBackend, X, fromRows([[2.9, 0.5], [0.1, -1]]));
 * assert.deepEqual(Array.from(idx), [1, 0]);
 * ```
 */
export async function nearestRows(
  backend: Backend,
  patterns: DenseMatrix,
  queries: DenseMatrix,
): Promise<Int32Array> {
  if (patterns.cols !== queries.cols) {
    throw new RangeError(
      `Cannot find nearest patterns: query length must equal pattern dimension: query=${queries.cols}, patterns=${patterns.cols}`,
    );
  }
  const n = patterns.rows, d = patterns.cols, b = queries.rows;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d; k < (i + 1) * d; k++) s += patterns.data[k] * patterns.data[k];
    sq[i] = s;
  }
  const out = new Int32Array(b), block = Math.max(1, Math.floor(BLOCK_ENTRIES / Math.max(n, 1)));
  for (let q0 = 0; q0 < b; q0 += block) {
    const m = Math.min(block, b - q0);
    const s = await backend.scores(patterns, {
      rows: m,
      cols: d,
      data: queries.data.subarray(q0 * d, (q0 + m) * d),
    });
    for (let r = 0; r < m; r++) {
      let best = 0, bestD = Infinity;
      for (let i = 0; i < n; i++) {
        const dist = sq[i] - 2 * s.data[r * n + i];
        if (dist < bestD) [best, bestD] = [i, dist];
      }
      out[q0 + r] = best;
    }
  }
  return out;
}
