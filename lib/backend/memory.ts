/**
 * What a backend step retrieves from: a pattern matrix (the Hopfield case: the patterns score the state and
 * make the output), or separate keys and values (attention; kernelized memories, whose keys are `Φ(Ξ)ᵀW`-mapped
 * patterns and whose values are the patterns).
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";

/** Keys score the queries (`S = Q Kᵀ`), values make the output (`out = P V`); both have N rows. */
export interface KeyValueMemory {
  /** N × d_k: as wide as the queries. */
  keys: DenseMatrix;
  /** N × d_v: as wide as the output. */
  values: DenseMatrix;
}

/** A pattern matrix (keys = values) or keys and values. */
export type Memory = DenseMatrix | KeyValueMemory;

/**
 * The keys and values of a memory, with their shapes checked against each other and the queries' width (shapes
 * only: the entries are checked once, at the API edge).
 *
 * @example
 * ```ts
 * import { memoryParts } from "./memory.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * assert.equal(memoryParts(X, 2, "step").values, X);
 * assert.throws(() => memoryParts({ keys: X, values: fromRows([[1, 2, 3]]) }, 2, "step"), /keys=2, values=1/);
 * ```
 */
export function memoryParts(
  memory: Memory,
  queryWidth: number,
  action: string,
): { keys: DenseMatrix; values: DenseMatrix } {
  const kv = "keys" in memory ? memory : { keys: memory, values: memory };
  const { keys, values } = kv;
  if (!keys?.data || !values?.data) {
    throw new TypeError(`Cannot ${action}: the memory must be a matrix or { keys, values } matrices`);
  }
  if (keys.rows !== values.rows) {
    throw new RangeError(
      `Cannot ${action}: keys and values must have the same number of rows: keys=${keys.rows}, values=${values.rows}`,
    );
  }
  if (keys.cols !== queryWidth) {
    throw new RangeError(
      `Cannot ${action}: queries must be as wide as the keys: queries=${queryWidth}, keys=${keys.cols}`,
    );
  }
  return kv;
}
