/**
 * Retrieval on a GPU context: scores `Q·Xᵀ` (tiled matmul in workgroup memory), row maps (softmax with β,
 * sparsemax, entmax by bisection) and `P·X`; multi-step retrieval recorded into one submit per block of
 * queries, with no readback between steps; softmax energies on a grid of states. Problems larger than the
 * device's limits are split: the pattern matrix into chunks that each fit one storage binding (a 60000 × 784 f32
 * matrix is 188 MB; bindings usually stop at 128 MiB), the queries into blocks whose score rows fit one binding.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { type MapSpec, mapSpec } from "../maps/spec.ts";
import type { Dispatch, GpuContext } from "./gpu_context.ts";

/** Bisection steps for the entmax threshold (the bracket has width 1, so 2⁻³⁰ at the end). */
const BISECTION = 30;

/** Parameters of `matmul.wgsl` (12 words). */
function matmulParams(
  o: {
    m: number;
    n: number;
    k: number;
    lda: number;
    ldb: number;
    ldc: number;
    aOff?: number;
    bOff?: number;
    cOff?: number;
    transB: boolean;
    accumulate: boolean;
    alpha?: number;
  },
): ArrayBuffer {
  const buf = new ArrayBuffer(48), u = new Uint32Array(buf), f = new Float32Array(buf);
  u.set([
    o.m,
    o.n,
    o.k,
    o.lda,
    o.ldb,
    o.ldc,
    o.aOff ?? 0,
    o.bOff ?? 0,
    o.cOff ?? 0,
    o.transB ? 1 : 0,
    o.accumulate ? 1 : 0,
  ]);
  f[11] = o.alpha ?? 1;
  return buf;
}

/** Parameters of `rowmap.wgsl` (8 words). */
function rowmapParams(rows: number, cols: number, spec: MapSpec): ArrayBuffer {
  const buf = new ArrayBuffer(48), u = new Uint32Array(buf), f = new Float32Array(buf);
  u.set([rows, cols, cols, 0, spec.kind === "softmax" ? 0 : 1, BISECTION]);
  f[6] = spec.beta;
  f[7] = spec.alpha;
  return buf;
}

/**
 * Dispatches that write the row-mapped scores `map(β Q Xᵀ)` of the `m` states in `state` into `scores` (m × N,
 * one matmul per pattern chunk, then the row map; softmax also leaves the row's lse in `lse`).
 */
function scoreDispatches(
  X: DevicePatterns,
  spec: MapSpec,
  m: number,
  state: GPUBuffer,
  scores: GPUBuffer,
  lse: GPUBuffer,
): Dispatch[] {
  const list = productDispatches(X, m, state, scores);
  list.push({
    kernel: "rowmap",
    params: rowmapParams(m, X.rows, spec),
    buffers: [scores, lse],
    groups: [m, 1],
  });
  return list;
}

/** Dispatches that write the raw scores `Q Xᵀ` of the `m` states in `state` into `scores` (m × N). */
function productDispatches(X: DevicePatterns, m: number, state: GPUBuffer, scores: GPUBuffer): Dispatch[] {
  const n = X.rows, d = X.cols;
  return X.chunks.map((c) => ({
    kernel: "matmul",
    params: matmulParams({
      m,
      n: c.rows,
      k: d,
      lda: d,
      ldb: d,
      ldc: n,
      cOff: c.start,
      transB: true,
      accumulate: false,
    }),
    buffers: [state, c.buffer, scores],
    groups: [Math.ceil(c.rows / 16), Math.ceil(m / 16)],
  }));
}

/** The pattern matrix on the device, split into chunks that each fit one binding. */
interface DevicePatterns {
  chunks: { buffer: GPUBuffer; start: number; rows: number }[];
  rows: number;
  cols: number;
}

/**
 * Retrieval on a GPU context: `steps` updates `ξ ← X·map(β Xᵀξ)` for every query, all recorded into one
 * submit per block of queries (no readback between steps), then one readback. Also one step's probabilities,
 * and softmax energies on a grid of states. Pattern matrices are uploaded once and cached by their data array:
 * change the patterns by passing a new array, not by writing into one already used here.
 */
export class GpuRetrieval {
  /** The context it runs in. */
  readonly gpu: GpuContext;
  readonly #uploaded = new WeakMap<object, DevicePatterns>();

  /** Retrieval on the given context (patterns it uploads stay cached by their data array). */
  constructor(gpu: GpuContext) {
    this.gpu = gpu;
  }

  /** Rows per chunk so that a chunk of a matrix `width` floats wide fits one binding. */
  #rowsPerChunk(width: number): number {
    const per = Math.floor(this.gpu.limits.maxBindingBytes / (4 * width));
    if (per < 1) {
      throw new RangeError(
        `Cannot upload patterns: one row of ${width} floats exceeds the device's binding limit`,
      );
    }
    return per;
  }

  /**
   * The matrix on the device in chunks of `per` rows (default: as many as fit one binding); keys and values are
   * chunked alike so that chunk i of each holds the same rows.
   */
  #patterns(patterns: DenseMatrix, per = this.#rowsPerChunk(patterns.cols)): DevicePatterns {
    let dp = this.#uploaded.get(patterns.data);
    if (dp && (dp.chunks.length < 2 || dp.chunks[0].rows === per)) return dp;
    const n = patterns.rows, d = patterns.cols;
    const data = patterns.data instanceof Float32Array ? patterns.data : new Float32Array(patterns.data);
    const chunks = [];
    for (let start = 0; start < n; start += per) {
      const rows = Math.min(per, n - start);
      chunks.push({ buffer: this.gpu.upload(data.subarray(start * d, (start + rows) * d)), start, rows });
    }
    dp = { chunks, rows: n, cols: d };
    this.#uploaded.set(patterns.data, dp);
    return dp;
  }

  /**
   * Runs `fn` with `patterns` uploaded for its duration only: for operands that change on every call (a matmul's
   * operands, a loss's features), which the upload cache would otherwise keep on the device for good.
   */
  async transient<T>(patterns: DenseMatrix, fn: () => Promise<T>): Promise<T> {
    if (this.#uploaded.has(patterns.data)) return await fn();
    const dp = this.#patterns(patterns);
    try {
      return await fn();
    } finally {
      this.#uploaded.delete(patterns.data);
      this.gpu.release(...dp.chunks.map((c) => c.buffer));
    }
  }

  /** Query rows per block, so that a block's B × N score matrix fits one binding. */
  #queryBlock(n: number, b: number): number {
    const rows = Math.floor(this.gpu.limits.maxBindingBytes / (4 * n));
    if (rows < 1) {
      throw new RangeError(`Cannot run on the GPU: a score row of ${n} patterns exceeds the binding limit`);
    }
    return Math.min(rows, b, 65535);
  }

  /**
   * Dispatches of one update of the `m` states in `state` into `out`: scores against the keys in `scores`
   * (m × N), then the mapped scores times the values.
   */
  #stepDispatches(
    K: DevicePatterns,
    V: DevicePatterns,
    spec: MapSpec,
    m: number,
    state: GPUBuffer,
    scores: GPUBuffer,
    lse: GPUBuffer,
    out: GPUBuffer,
  ): Dispatch[] {
    const n = K.rows, dv = V.cols, list = scoreDispatches(K, spec, m, state, scores, lse);
    V.chunks.forEach((c, i) => {
      list.push({
        kernel: "matmul",
        params: matmulParams({
          m,
          n: dv,
          k: c.rows,
          lda: n,
          ldb: dv,
          ldc: dv,
          aOff: c.start,
          transB: false,
          accumulate: i > 0,
        }),
        buffers: [scores, c.buffer, out],
        groups: [Math.ceil(dv / 16), Math.ceil(m / 16)],
      });
    });
    return list;
  }

  /**
   * `steps` updates from each query (f32 on the device): scores against `keys`, output from `values` (the same
   * matrix for the Hopfield update; equally wide when steps > 1). Returns the final states and, when asked, the
   * probabilities of the last update.
   */
  async iterate(
    keys: DenseMatrix,
    values: DenseMatrix,
    queries: DenseMatrix,
    spec: MapSpec,
    steps: number,
    withProbabilities = false,
  ): Promise<{ states: Matrix; probabilities?: Matrix }> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RangeError(`Cannot iterate on the GPU: steps must be a positive integer: steps=${steps}`);
    }
    const per = this.#rowsPerChunk(Math.max(keys.cols, values.cols));
    const K = this.#patterns(keys, per), V = values === keys ? K : this.#patterns(values, per);
    const n = K.rows, d = K.cols, dv = V.cols, b = queries.rows;
    const states = matrix(b, dv), probabilities = withProbabilities ? matrix(b, n) : undefined;
    const qb = this.#queryBlock(n, b);
    for (let q0 = 0; q0 < b; q0 += qb) {
      const m = Math.min(qb, b - q0);
      let a = this.gpu.upload(new Float32Array(queries.data.subarray(q0 * d, (q0 + m) * d)));
      let z = this.gpu.acquire(m * dv * 4);
      const scores = this.gpu.acquire(m * n * 4), lse = this.gpu.acquire(m * 4);
      const list: Dispatch[] = [];
      for (let t = 0; t < steps; t++) {
        list.push(...this.#stepDispatches(K, V, spec, m, a, scores, lse, z));
        [a, z] = [z, a];
      }
      this.gpu.submit(list);
      states.data.set(await this.gpu.read(a, m * dv), q0 * dv);
      if (probabilities) probabilities.data.set(await this.gpu.read(scores, m * n), q0 * n);
      this.gpu.release(a, z, scores, lse);
    }
    return { states, probabilities };
  }

  /**
   * Softmax energies `E(ξ) = −lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M²` (Ramsauer et al. 2020, Eq. 2) for every row
   * of `states` (a grid of G states, G × d).
   */
  async energies(
    patterns: DenseMatrix,
    states: DenseMatrix,
    beta: number,
  ): Promise<Float64Array> {
    const spec = mapSpec({ beta });
    const X = this.#patterns(patterns);
    const n = X.rows, d = X.cols, g = states.rows;
    const maxSq = maxRowNorm(patterns as Matrix) ** 2;
    const out = new Float64Array(g);
    const qb = this.#queryBlock(n, g);
    for (let q0 = 0; q0 < g; q0 += qb) {
      const m = Math.min(qb, g - q0);
      const a = this.gpu.upload(new Float32Array(states.data.subarray(q0 * d, (q0 + m) * d)));
      const scores = this.gpu.acquire(m * n * 4), lse = this.gpu.acquire(m * 4);
      const list = scoreDispatches(X, spec, m, a, scores, lse);
      this.gpu.submit(list);
      const l = await this.gpu.read(lse, m);
      for (let r = 0; r < m; r++) {
        let sq = 0;
        for (let k = 0; k < d; k++) sq += states.data[(q0 + r) * d + k] ** 2;
        out[q0 + r] = -l[r] + 0.5 * sq + Math.log(n) / spec.beta + 0.5 * maxSq;
      }
      this.gpu.release(a, scores, lse);
    }
    return out;
  }

  /** The scores `S = Q·Xᵀ` (B × N), one matmul per pattern chunk, read back per block of queries. */
  async scores(patterns: DenseMatrix, queries: DenseMatrix): Promise<Matrix> {
    const X = this.#patterns(patterns);
    const n = X.rows, d = X.cols, b = queries.rows, out = matrix(b, n);
    const qb = this.#queryBlock(n, b);
    for (let q0 = 0; q0 < b; q0 += qb) {
      const m = Math.min(qb, b - q0);
      const a = this.gpu.upload(new Float32Array(queries.data.subarray(q0 * d, (q0 + m) * d)));
      const scores = this.gpu.acquire(m * n * 4);
      this.gpu.submit(productDispatches(X, m, a, scores));
      out.data.set(await this.gpu.read(scores, m * n), q0 * n);
      this.gpu.release(a, scores);
    }
    return out;
  }

  /** Applies a row map to a B × N score matrix on the device (for tests of −∞ and peaked rows). */
  async mapRows(scores: DenseMatrix, spec: MapSpec): Promise<Matrix> {
    const { rows, cols } = scores;
    const s = this.gpu.upload(new Float32Array(scores.data)), lse = this.gpu.acquire(rows * 4);
    this.gpu.submit([{
      kernel: "rowmap",
      params: rowmapParams(rows, cols, spec),
      buffers: [s, lse],
      groups: [rows, 1],
    }]);
    const p = await this.gpu.read(s, rows * cols);
    this.gpu.release(s, lse);
    return { rows, cols, data: Float64Array.from(p) };
  }
}
