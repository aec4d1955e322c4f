/**
 * The retrieval protocol of U-Hop's experiments (Wu et al. 2024; the official `memory_retrieval*.py` scripts), as
 * notebook 04 runs it: memory sets, queries, the methods compared, one update, and the error.
 *
 * - Memories: M MNIST training digits drawn by the seed (pixels in [0, 1], no normalisation), or M vectors with
 *   N(0, 1) entries in ℝ¹⁰⁰ (the official `synthetic` set).
 * - Methods: the modern Hopfield network with softmax, sparsemax or 1.5-entmax; U-Hop with each (Stage I, then
 *   the kernelized update); `poly-10` (the un-normalised `ξ ← Ξᵀ(β (Ξξ)^10)`); Manhattan and L2 similarity
 *   inside softmax.
 * - Error: `Σ_pixels (clamp(ξ_μ, 0, 1) − clamp(ξ_new, 0, 1))²`, averaged over the memories.
 *
 * Where the official code departs from the paper's intent, the intent is the default and the official behaviour
 * an option: the distance similarities enter softmax negated (closest memory weighs most; the code uses the
 * positive distance, which weighs the farthest most), and β multiplies the map's input (the code multiplies its
 * output, the same at the protocol's β = 1).
 *
 * @module
 */
import { loadMnist } from "../data/mnist.ts";
import type { Backend } from "../backend/types.ts";
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng, sampleIndices } from "../linalg/prng.ts";
import { mapSpec } from "../maps/spec.ts";
import { separateRows } from "../maps/separate.ts";
import type { MapKind } from "../maps/spec.ts";
import type { LinearFeatureMap } from "../kernel/feature_map.ts";
import { kernelMemory } from "../kernel/retrieve.ts";
import { separateMemories, type StageOneOptions, type StageOneResult } from "../kernel/stage_one.ts";

/** The two memory sets of the protocol. */
export const UHOP_DATASETS = ["mnist", "synthetic"] as const;
/** A memory set. */
export type UhopDataset = typeof UHOP_DATASETS[number];

/** The methods compared, in the order the figures list them. */
export const UHOP_METHODS = [
  "MHN softmax",
  "MHN sparsemax",
  "MHN 1.5-entmax",
  "U-Hop softmax",
  "U-Hop sparsemax",
  "U-Hop 1.5-entmax",
  "poly-10",
  "Manhattan",
  "L2",
] as const;
/** A method. */
export type UhopMethod = typeof UHOP_METHODS[number];

const MAP_OF: Partial<Record<UhopMethod, MapKind>> = {
  "MHN softmax": "softmax",
  "MHN sparsemax": "sparsemax",
  "MHN 1.5-entmax": "entmax15",
  "U-Hop softmax": "softmax",
  "U-Hop sparsemax": "sparsemax",
  "U-Hop 1.5-entmax": "entmax15",
};

/** Whether a method needs Stage I's feature map. */
export function usesKernel(method: UhopMethod): boolean {
  return method.startsWith("U-Hop");
}

/**
 * The memory set of one trial: M MNIST training digits drawn without replacement by `seed` (pixels in [0, 1]),
 * or M × 100 N(0, 1) entries from `seed`.
 *
 * @example
 * ```ts
 * import { uhopMemories } from "./uhop_protocol.ts";
 * import assert from "node:assert/strict";
 * assert.equal(uhopMemories("synthetic", 5, 1).cols, 100);
 * ```
 */
export function uhopMemories(dataset: UhopDataset, m: number, seed: number): Matrix {
  if (!Number.isInteger(m) || m < 2) {
    throw new RangeError(`Cannot draw memories: M must be an integer ≥ 2: M=${m}`);
  }
  const prng = createPrng(seed);
  if (dataset === "mnist") {
    return loadMnist({ split: "train", indices: sampleIndices(60000, m, prng) }).images;
  }
  if (dataset === "synthetic") {
    const X = matrix(m, 100);
    for (let k = 0; k < X.data.length; k++) X.data[k] = prng.normal();
    return X;
  }
  throw new RangeError(
    `Cannot draw memories: dataset must be one of ${UHOP_DATASETS.join(", ")}: dataset=${dataset}`,
  );
}

/** Settings of one update by any method. */
export interface UhopStepContext {
  /** Backend of the products. */
  backend: Backend;
  /** Inverse temperature (the protocol's is 1). */
  beta: number;
  /** Stage I's map, for the U-Hop methods. */
  map?: LinearFeatureMap;
  /** Sign of the distances inside softmax: `negative` (default, the intent) or `positive` (the official code). */
  distanceSign?: "negative" | "positive";
}

/**
 * One update of every query by `method` (the protocol retrieves in one step). Shapes: memories M × d, queries
 * B × d → B × d (Float64).
 *
 * @example
 * ```ts
 * import { uhopStep } from "./uhop_protocol.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * const s = await uhopStep("Manhattan", X, fromRows([[0.9, 0]]), { backend: cpuBackend, beta: 20 });
 * assert.ok(s.data[0] > 0.99); // the nearest memory wins with the negative distance
 * ```
 */
export async function uhopStep(
  method: UhopMethod,
  memories: Matrix,
  queries: Matrix,
  ctx: UhopStepContext,
): Promise<Matrix> {
  const { backend, beta } = ctx;
  const map = MAP_OF[method];
  if (map) {
    const spec = mapSpec({ kind: map, beta });
    if (!usesKernel(method)) {
      return widen((await backend.step(memories, queries, spec, { probabilities: false })).states);
    }
    if (!ctx.map) throw new RangeError(`Cannot run ${method}: it needs Stage I's feature map (ctx.map)`);
    const kernel = await kernelMemory(ctx.map, memories, backend);
    const out = await backend.step(kernel.memory, await kernel.queries(queries), spec, {
      probabilities: false,
    });
    return widen(kernel.states(out.states));
  }
  if (method === "poly-10") {
    const S = await backend.scores(memories, queries);
    for (let k = 0; k < S.data.length; k++) S.data[k] = beta * S.data[k] ** 10;
    return widen(await backend.matmul(S, memories));
  }
  if (method === "Manhattan" || method === "L2") {
    const sign = (ctx.distanceSign ?? "negative") === "negative" ? -1 : 1;
    const D = method === "L2" ? await euclidean(backend, memories, queries) : manhattan(memories, queries);
    for (let k = 0; k < D.data.length; k++) D.data[k] *= sign;
    // A distance is not a product with keys, so softmax runs on the host and the mixing on the backend.
    return widen(await backend.matmul(separateRows(D, { beta }), memories));
  }
  throw new RangeError(
    `Cannot run method: method must be one of ${UHOP_METHODS.join(", ")}: method=${method}`,
  );
}

/** `Σ_pixels (clamp(t, 0, 1) − clamp(s, 0, 1))²` for each row pair. Shapes: B × d, B × d → B. */
export function clampedSquaredErrors(targets: Matrix, states: Matrix): Float64Array {
  const d = targets.cols, out = new Float64Array(targets.rows);
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let q = 0; q < targets.rows; q++) {
    let s = 0;
    for (let k = q * d; k < (q + 1) * d; k++) s += (clamp(targets.data[k]) - clamp(states.data[k])) ** 2;
    out[q] = s;
  }
  return out;
}

/** Stage I as the protocol runs it on a memory set (seeded by the trial). */
export function protocolStageOne(
  memories: Matrix,
  options: Omit<StageOneOptions, "prng">,
  seed: number,
): Promise<StageOneResult> {
  return separateMemories(memories, { ...options, prng: createPrng(seed) });
}

function widen(m: { rows: number; cols: number; data: ArrayLike<number> }): Matrix {
  return m.data instanceof Float64Array
    ? m as Matrix
    : { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

/** ‖x_μ − q‖₁ for every query and memory (B × M), on the host. */
function manhattan(X: Matrix, Q: Matrix): Matrix {
  const d = X.cols, out = matrix(Q.rows, X.rows);
  for (let q = 0; q < Q.rows; q++) {
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Math.abs(X.data[i * d + k] - Q.data[q * d + k]);
      out.data[q * X.rows + i] = s;
    }
  }
  return out;
}

/** ‖x_μ − q‖₂ for every query and memory (B × M), from the backend's scores: √(‖x‖² + ‖q‖² − 2xᵀq). */
async function euclidean(backend: Backend, X: Matrix, Q: Matrix): Promise<Matrix> {
  const S = await backend.scores(X, Q), d = X.cols, n = X.rows;
  const sq = (m: Matrix, i: number) => {
    let s = 0;
    for (let k = i * d; k < (i + 1) * d; k++) s += m.data[k] * m.data[k];
    return s;
  };
  const xs = Float64Array.from({ length: n }, (_, i) => sq(X, i));
  for (let q = 0; q < Q.rows; q++) {
    const qs = sq(Q, q);
    for (let i = 0; i < n; i++) {
      S.data[q * n + i] = Math.sqrt(Math.max(0, xs[i] + qs - 2 * S.data[q * n + i]));
    }
  }
  return S;
}
