/**
 * The backend interface shared by `cpu`, `blas` and `webgpu`.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import type { MapOptions } from "../maps/mod.ts";
import type { FloatArray } from "./blas.ts";

/** A row-major matrix in either float precision (e.g. an f32 pattern matrix that never exists in f64). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: FloatArray;
}

/** What a step must return besides the states. */
export interface StepOutput {
  /**
   * Return the B × N probabilities of the (last) update (default true). With `false`, `blas` f32 softmax runs
   * the fused path that never stores them.
   */
  probabilities?: boolean;
}

/** States after the update(s), and the probabilities of the last update when asked for. */
export interface StepResult {
  /** B × d. */
  states: Matrix;
  /** B × N, present unless `probabilities: false`. */
  probabilities?: Matrix;
}

/** Retrieval on a batch of queries, and where it ran. Shapes: patterns N × d, queries (states) B × d. */
export interface Backend {
  /** `cpu`, `blas` or `webgpu`. */
  name: "cpu" | "blas" | "webgpu";
  /** Float precision of the arithmetic. */
  precision: "f64" | "f32";
  /** Where it runs, for the notebooks' "backend used" line (library path, adapter name). */
  description: string;
  /** One update for every query: `P = map(β Q Xᵀ)` (B × N) and `out = P X` (B × d). */
  step(
    patterns: DenseMatrix,
    queries: DenseMatrix,
    options: MapOptions,
    output?: StepOutput,
  ): Promise<StepResult>;
  /** `steps` updates from every query (on `webgpu` without a readback between steps). */
  iterate(
    patterns: DenseMatrix,
    queries: DenseMatrix,
    options: MapOptions,
    steps: number,
    output?: StepOutput,
  ): Promise<StepResult>;
  /** Softmax energies (Ramsauer et al. 2020, Eq. 2) of every row of `states` (a grid of G states, G × d). */
  energies(patterns: DenseMatrix, states: DenseMatrix, options: { beta: number }): Promise<Float64Array>;
}
