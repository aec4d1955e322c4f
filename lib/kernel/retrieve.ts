/**
 * Kernelized retrieval on any backend (Wu et al. 2024, U-Hop, Stage II): `ξ ← Ξᵀ map(β K(Ξ, ξ))` until the
 * state stops moving, with the stopping rule and results of `retrieve()`.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { energyRows } from "../hopfield/energy.ts";
import { checkPatterns, hopfieldSpec } from "../hopfield/options.ts";
import { type RetrieveResult, stoppingRule } from "../hopfield/retrieve.ts";
import { retrievalLoop } from "../hopfield/retrieval_loop.ts";
import type { RetrieveOnOptions } from "../backend/retrieve.ts";
import type { Backend, KeyValueMemory } from "../backend/types.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";
import { kernelKeys } from "./update.ts";

/**
 * Kernelized retrieval of every query on a backend. The kernel values are one product with the keys
 * `k_μ = WᵀΦ(ξ_μ)` ({@link kernelKeys}), so each update is one key/value step of the backend (keys `WᵀΦ(Ξ)`,
 * values Ξ); a bias b adds `c_μ = ⟨Φ(ξ_μ), b⟩` to the scores, carried as one more key column against a
 * constant 1 appended to the state (the values get a column of ones, and `Σ p_μ = 1` keeps it 1). Energies are
 * the kernelized energy {@link kernelEnergy}, on the host in Float64. With `Φ = id` the states, probabilities and
 * steps are those of `retrieveOn()` on the same backend.
 *
 * Shapes: patterns N × d, queries B × d → states B × d, probabilities B × N.
 *
 * @example
 * ```ts
 * import { kernelRetrieveOn } from "./retrieve.ts";
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * // Two close patterns; W stretches the axis that tells them apart, and retrieval separates them.
 * const X = fromRows([[1, 0.1], [1, -0.1]]);
 * const phi = linearFeatureMap(fromRows([[1, 0], [0, 30]]));
 * const r = await kernelRetrieveOn(phi, X, fromRows([[1, 0.05]]), { backend: cpuBackend, beta: 1 });
 * assert.ok(Math.abs(r.states.data[1] - 0.1) < 1e-6);
 * ```
 */
export async function kernelRetrieveOn(
  map: LinearFeatureMap,
  patterns: Matrix,
  queries: Matrix,
  options: RetrieveOnOptions,
): Promise<RetrieveResult & { backend: Backend }> {
  const action = "retrieve with the kernelized model";
  const spec = hopfieldSpec(options, action);
  const backend = options.backend;
  if (!backend || typeof backend.step !== "function") {
    throw new TypeError(
      `Cannot ${action}: options.backend must be a backend from selectBackend(): backend=${backend}`,
    );
  }
  checkPatterns(patterns, queries, action);
  const { keys, offsets } = kernelKeys(map, patterns);
  const memory: KeyValueMemory = map.bias
    ? { keys: appendColumn(keys, offsets), values: appendColumn(patterns, null) }
    : { keys, values: patterns };
  const F = features(map, patterns), maxNorm = maxRowNorm(F);
  const loop = retrievalLoop(patterns, queries, stoppingRule(options), {
    record: options.trajectory ?? true,
    eachStep: backend.name === "cpu",
    onProgress: options.onProgress,
  });
  let next = loop.next();
  while (!next.done) {
    const r = next.value;
    if (r.op === "step") {
      const states = map.bias ? appendColumn(r.states as Matrix, null) : r.states;
      const out = await backend.step(memory, states, spec, { probabilities: r.probabilities });
      next = loop.next(map.bias ? { ...out, states: dropLastColumn(out.states) } : out);
    } else {
      next = loop.next(energyRows(F, features(map, asF64(r.states)), spec, maxNorm));
    }
  }
  return { ...next.value, backend };
}

/** `[m | c]`: one more column holding `c` (ones when `c` is null). */
function appendColumn(m: DenseMatrix, c: Float64Array | null): Matrix {
  const w = m.cols, out = matrix(m.rows, w + 1);
  for (let i = 0; i < m.rows; i++) {
    for (let k = 0; k < w; k++) out.data[i * (w + 1) + k] = m.data[i * w + k];
    out.data[i * (w + 1) + w] = c ? c[i] : 1;
  }
  return out;
}

/** `m` without its last column. */
function dropLastColumn(m: DenseMatrix): Matrix {
  const w = m.cols - 1, out = matrix(m.rows, w);
  for (let i = 0; i < m.rows; i++) for (let k = 0; k < w; k++) out.data[i * w + k] = m.data[i * m.cols + k];
  return out;
}

/** A Float64 view or copy. */
function asF64(m: DenseMatrix): Matrix {
  return m.data instanceof Float64Array
    ? m as Matrix
    : { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}
