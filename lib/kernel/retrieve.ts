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

/**
 * Kernelized retrieval of every query on a backend. Each update is one key/value step of the backend on the
 * memory of {@link kernelMemory} (keys Φ(Ξ) against queries Φ(x) when D_Φ < d, keys `WᵀΦ(Ξ)` against x
 * otherwise; values Ξ). Energies are
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
  const kernel = await kernelMemory(map, patterns, backend);
  let F: Matrix | null = null, maxNorm = 0; // the features, for energies only
  const loop = retrievalLoop(patterns, queries, stoppingRule(options), {
    record: options.trajectory ?? true,
    eachStep: backend.name === "cpu",
    onProgress: options.onProgress,
  });
  let next = loop.next();
  while (!next.done) {
    const r = next.value;
    if (r.op === "step") {
      const queries = await kernel.queries(r.states);
      const out = await backend.step(kernel.memory, queries, spec, { probabilities: r.probabilities });
      next = loop.next({ ...out, states: kernel.states(out.states) });
    } else {
      if (!F) {
        F = features(map, patterns);
        maxNorm = maxRowNorm(F);
      }
      next = loop.next(energyRows(F, features(map, asF64(r.states)), spec, maxNorm));
    }
  }
  return { ...next.value, backend };
}

/**
 * A kernelized memory ready for backend steps: the key/value memory, how a batch of states becomes the step's
 * queries, and how the step's output becomes states again.
 */
export interface KernelMemory {
  /** Keys and values on the backend. */
  memory: KeyValueMemory;
  /** States B × d → the queries the keys expect. */
  queries(states: DenseMatrix): Promise<DenseMatrix>;
  /** The step's output → states B × d. */
  states(out: DenseMatrix): DenseMatrix;
}

/** The kernelized memory of (map, patterns) per backend kind, made once: retrieval in blocks reuses it. */
const cache = new WeakMap<LinearFeatureMap, WeakMap<object, Map<string, KernelMemory>>>();

/**
 * The memory a kernelized step runs on, in whichever space has fewer columns; the scores
 * `⟨Φ(x), Φ(ξ_μ)⟩ = ⟨Wx + b, Wξ_μ + b⟩` are the same either way.
 *
 * - Feature space, when D_Φ < d (U-Hop+'s 784 → 200): keys Φ(Ξ), values Ξ, and each step's queries are Φ(x)
 *   (one product on the backend): the score product costs D_Φ, not d, per pair.
 * - Input space otherwise: keys `WᵀΦ(Ξ)` (two products on the backend), with a bias's offsets `⟨Φ(ξ_μ), b⟩` as one
 *   more key column against a constant 1 appended to each state (the values get a column of ones, and
 *   `Σ p_μ = 1` keeps it 1). For the identity map the patterns themselves, so that Φ = id is the plain network
 *   to the bit.
 *
 * Cached by map, pattern array and backend (neither may change in place after use).
 *
 * Shapes: patterns N × d → keys N × D_Φ, values N × d (feature space); keys and values N × d, N × (d + 1) with a
 * bias (input space).
 *
 * @example
 * ```ts
 * import { kernelMemory } from "./retrieve.ts";
 * import { linearFeatureMap } from "./feature_map.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const { memory } = await kernelMemory(linearFeatureMap(fromRows([[2, 0], [0, 1]])), fromRows([[1, 1]]), cpuBackend);
 * assert.deepEqual(Array.from(memory.keys.data), [4, 1]); // WᵀW ξ
 * ```
 */
export async function kernelMemory(
  map: LinearFeatureMap,
  patterns: Matrix,
  backend: Backend,
): Promise<KernelMemory> {
  let byPatterns = cache.get(map);
  if (!byPatterns) cache.set(map, byPatterns = new WeakMap());
  let byBackend = byPatterns.get(patterns.data);
  if (!byBackend) byPatterns.set(patterns.data, byBackend = new Map());
  const kind = `${backend.name}-${backend.precision}`;
  let entry = byBackend.get(kind);
  if (entry) return entry;
  const same = (m: DenseMatrix) => m;
  if (isIdentity(map)) {
    entry = {
      memory: { keys: patterns, values: patterns },
      queries: (x) => Promise.resolve(x),
      states: same,
    };
  } else {
    const F = asF64(await backend.matmul(patterns, map.weights, { transposeB: true }));
    addBias(F, map.bias);
    if (map.featureDim < map.inputDim) {
      entry = {
        memory: { keys: F, values: patterns },
        queries: async (x) =>
          addBias(asF64(await backend.matmul(x, map.weights, { transposeB: true })), map.bias),
        states: same,
      };
    } else {
      const keys = asF64(await backend.matmul(F, map.weights));
      if (map.bias) {
        const offsets = new Float64Array(patterns.rows), D = map.featureDim;
        for (let mu = 0; mu < patterns.rows; mu++) {
          let c = 0;
          for (let r = 0; r < D; r++) c += F.data[mu * D + r] * map.bias[r];
          offsets[mu] = c;
        }
        entry = {
          memory: { keys: appendColumn(keys, offsets), values: appendColumn(patterns, null) },
          queries: (x) => Promise.resolve(appendColumn(x, null)),
          states: dropLastColumn,
        };
      } else {
        entry = { memory: { keys, values: patterns }, queries: (x) => Promise.resolve(x), states: same };
      }
    }
  }
  byBackend.set(kind, entry);
  return entry;
}

/** `F += 1 bᵀ` in place (nothing without a bias); returns F. */
function addBias(F: Matrix, bias: Float64Array | null): Matrix {
  if (!bias) return F;
  const D = F.cols;
  for (let i = 0; i < F.rows; i++) for (let r = 0; r < D; r++) F.data[i * D + r] += bias[r];
  return F;
}

/** Whether the map is exactly the identity (square W = I, no bias). */
function isIdentity(map: LinearFeatureMap): boolean {
  if (map.bias || map.featureDim !== map.inputDim) return false;
  const W = map.weights.data, d = map.inputDim;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) if (W[i * d + j] !== (i === j ? 1 : 0)) return false;
  }
  return true;
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
