/**
 * The backend interface shared by `cpu`, `blas` and `webgpu`.
 *
 * @module
 */
import type { DenseMatrix, Matrix } from "../linalg/matrix.ts";
import type { MapSpec } from "../maps/spec.ts";
import type { Memory } from "./memory.ts";
import type { LeaveOneOut } from "./leave_one_out.ts";
import type { MatmulOptions } from "./matmul.ts";

export type { DenseMatrix, FloatArray } from "../linalg/matrix.ts";
export type { KeyValueMemory, Memory } from "./memory.ts";
export type { LeaveOneOut } from "./leave_one_out.ts";
export type { MatmulOptions } from "./matmul.ts";

/** Backend names accepted by `selectBackend()`: `auto` resolves to one of the other three. */
export const BACKENDS = ["auto", "cpu", "blas", "webgpu"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What a step must return besides the states. */
export interface StepOutput {
  /**
   * Return the B × N probabilities of the (last) update (default true). With `false`, `blas` f32 softmax runs
   * the fused path that never stores them.
   */
  probabilities?: boolean;
  /**
   * Write the B × d states into this matrix (Float32Array data on an f32 backend, Float64Array on f64) and return
   * it as `states`, instead of a new matrix: a loop of steps then allocates nothing per step (fresh buffers each
   * step cost more than the softmax itself at small sizes, in garbage collection).
   */
  into?: DenseMatrix;
}

/** States after the update(s), and the probabilities of the last update when asked for. */
export interface StepResult {
  /** B × d, in the backend's precision (Float32 from the fused `blas` step). */
  states: DenseMatrix;
  /** B × N, present unless `probabilities: false`. */
  probabilities?: Matrix;
}

/**
 * Retrieval on a batch of queries, and where it ran. Shapes: patterns N × d, queries (states) B × d; a memory of
 * keys N × d and values N × d_v gives states B × d_v. Every method takes a `MapSpec` made once by `mapSpec()` at
 * the API edge; a backend does not check it again.
 */
export interface Backend {
  /** `cpu`, `blas` or `webgpu`. */
  readonly name: "cpu" | "blas" | "webgpu";
  /** Float precision of the arithmetic. */
  readonly precision: "f64" | "f32";
  /** Where it runs, for the notebooks' "backend used" line (library path, adapter name). */
  readonly description: string;
  /**
   * One update for every query: `P = map(β Q Xᵀ)` (B × N) and `out = P X` (B × d); with keys and values,
   * `P = map(β Q Kᵀ)` and `out = P V`.
   */
  step(memory: Memory, queries: DenseMatrix, spec: MapSpec, output?: StepOutput): Promise<StepResult>;
  /**
   * `steps` updates from every query (on `webgpu` without a readback between steps); keys and values must then
   * be as wide as each other.
   */
  iterate(
    memory: Memory,
    queries: DenseMatrix,
    spec: MapSpec,
    steps: number,
    output?: StepOutput,
  ): Promise<StepResult>;
  /**
   * The energies (Ramsauer et al. 2020, Eq. 2, or the Fenchel–Young energy of a sparse map) of every row of
   * `states` (G × d): on the device for softmax on `webgpu`, otherwise on the host in Float64.
   */
  energies(patterns: DenseMatrix, states: DenseMatrix, spec: MapSpec): Promise<Float64Array>;
  /** The scores `S = Q·Xᵀ` (B × N) of every query against every pattern. */
  scores(patterns: DenseMatrix, queries: DenseMatrix): Promise<Matrix>;
  /**
   * Leave-one-out self-attention of the rows of U (N × d, N ≥ 2): `lse_μ = log Σ_{ν≠μ} exp(β u_μᵀu_ν)` and
   * `out_μ = Σ_{ν≠μ} p_μν v_ν` with p the softmax over ν ≠ μ and v the rows of `values` (default U), in blocks of
   * rows (no N × N matrix): on `blas` both products by gemm (f32: fused with the SIMD online softmax), on `cpu`
   * and `webgpu` the scores by the backend and the rest on the host. The separation losses are built from it.
   */
  leaveOneOutAttention(U: DenseMatrix, beta: number, values?: DenseMatrix): Promise<LeaveOneOut>;
  /**
   * The product `C = op(A)·op(B)` (op: the transpose where `options` asks), in the backend's precision (Float32 on
   * f32 backends): on `blas` one gemm, on `webgpu` the tiled matmul kernel, on `cpu` Float64 loops.
   */
  matmul(A: DenseMatrix, B: DenseMatrix, options?: MatmulOptions): Promise<DenseMatrix>;
  /**
   * Solves the dense system `A x = b` (A n × n, Float64) on the host: LAPACK's LU through the same library on
   * `blas`, the TypeScript LU elsewhere. Synchronous: Newton steps call it in their inner loop.
   */
  solve(A: Matrix, b: ArrayLike<number>): Float64Array;
}
