/**
 * The `webgpu` backend: WGSL compute kernels (`wgsl/matmul.wgsl`, `wgsl/rowmap.wgsl`) for scores `Q·Xᵀ`, row
 * maps (softmax with β, sparsemax, entmax), `P·X`, a fused multi-step retrieval that stays on the device
 * between steps, and softmax energies on a grid of states. One context per device holds a pipeline cache and a
 * buffer pool. Problems larger than the device's limits are split: the pattern matrix into chunks that each fit
 * one storage binding (a 60000 × 784 f32 matrix is 188 MB; bindings usually stop at 128 MiB), the queries into
 * blocks whose score rows fit one binding.
 *
 * On a CPU-only machine the only adapter is a software fallback (Mesa's lavapipe): right for correctness tests,
 * far too slow for work, so `auto` never picks it (`selectBackend` in `mod.ts`).
 *
 * @module
 */
import { type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { type MapOptions, type MapSpec, mapSpec } from "../maps/mod.ts";
import matmulSource from "./wgsl/matmul.wgsl" with { type: "text" };
import rowmapSource from "./wgsl/rowmap.wgsl" with { type: "text" };
import type { DenseMatrix } from "./types.ts";

const SOURCES = { matmul: matmulSource, rowmap: rowmapSource } as const;
type Kernel = keyof typeof SOURCES;
/** Uniform slots are 256 bytes apart (the WebGPU minimum for uniform buffer offsets). */
const SLOT = 256;
/** Bisection steps for the entmax threshold (the bracket has width 1, so 2⁻³⁰ at the end). */
const BISECTION = 30;

/** Limits a context splits problems by (defaults: the device's). Tests lower them to force chunking. */
export interface GpuLimits {
  /** Largest storage binding in bytes. */
  maxBindingBytes: number;
}

interface Dispatch {
  kernel: Kernel;
  params: ArrayBuffer;
  buffers: GPUBuffer[];
  groups: [number, number];
}

/**
 * A WebGPU device with its pipeline cache and buffer pool.
 *
 * @example
 * ```ts ignore
 * import { GpuContext } from "./webgpu.ts";
 * const gpu = await GpuContext.create({ allowFallback: true });
 * console.log(gpu.description); // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
 * ```
 */
export class GpuContext {
  readonly device: GPUDevice;
  readonly description: string;
  readonly fallback: boolean;
  readonly limits: GpuLimits;
  readonly #pipelines = new Map<Kernel, GPUComputePipeline>();
  readonly #pool = new Map<string, GPUBuffer[]>();

  private constructor(device: GPUDevice, description: string, fallback: boolean, limits: GpuLimits) {
    this.device = device;
    this.description = description;
    this.fallback = fallback;
    this.limits = limits;
  }

  /**
   * Opens the first adapter. Returns `null` when there is none, or when it is a software fallback and
   * `allowFallback` is not set.
   *
   * On Linux, wgpu is limited to its Vulkan backend unless `DENO_WEBGPU_BACKEND` is already set (e.g. to
   * `gl`). With every backend enabled wgpu also loads libEGL, whose exit-time destructor frees its dispatch
   * tables while other threads are still exiting; under `deno test --parallel` that corrupted the heap at
   * process exit now and then ("double free or corruption", "corrupted double-linked list", a core dump
   * after every test had passed). When `XDG_RUNTIME_DIR` is unset, it is set to a temporary directory (Mesa's
   * Vulkan loader warns without one), removed when the process ends normally. Both are process-wide settings.
   */
  static async create(
    options: { allowFallback?: boolean; limits?: Partial<GpuLimits> } = {},
  ): Promise<GpuContext | null> {
    if (!navigator.gpu) return null;
    if (Deno.build.os === "linux" && !Deno.env.get("DENO_WEBGPU_BACKEND")) {
      Deno.env.set("DENO_WEBGPU_BACKEND", "vulkan");
    }
    // Mesa's Vulkan loader prints "XDG_RUNTIME_DIR is invalid" four times when it is unset (headless CI). The
    // directory made for it is removed when the process ends normally.
    if (!Deno.env.get("XDG_RUNTIME_DIR")) {
      const dir = Deno.makeTempDirSync({ prefix: "xdg-" });
      Deno.env.set("XDG_RUNTIME_DIR", dir);
      globalThis.addEventListener("unload", () => {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch {
          // already gone
        }
      });
    }
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const fallback = info.isFallbackAdapter === true ||
      /llvmpipe|lavapipe|swiftshader/i.test(info.description);
    if (fallback && !options.allowFallback) return null;
    const want = {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    };
    const device = await adapter.requestDevice({ requiredLimits: want });
    const maxBindingBytes = Math.min(
      options.limits?.maxBindingBytes ?? Infinity,
      want.maxStorageBufferBindingSize,
      want.maxBufferSize,
    );
    return new GpuContext(device, info.description || info.vendor || "unknown adapter", fallback, {
      maxBindingBytes,
    });
  }

  #pipeline(kernel: Kernel): GPUComputePipeline {
    let p = this.#pipelines.get(kernel);
    if (!p) {
      const module = this.device.createShaderModule({ code: SOURCES[kernel], label: kernel });
      p = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
        label: kernel,
      });
      this.#pipelines.set(kernel, p);
    }
    return p;
  }

  /** A storage buffer of at least `bytes` from the pool (sizes rounded up to a power of two). */
  acquire(bytes: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, 256)));
    const key = `${usage}:${size}`;
    return this.#pool.get(key)?.pop() ?? this.device.createBuffer({ size, usage, label: `pool ${size} B` });
  }

  /** Returns buffers to the pool. */
  release(...buffers: GPUBuffer[]): void {
    for (const b of buffers) {
      const key = `${b.usage}:${b.size}`;
      if (!this.#pool.has(key)) this.#pool.set(key, []);
      this.#pool.get(key)!.push(b);
    }
  }

  /** Uploads f32 data into a pooled buffer. */
  upload(data: Float32Array): GPUBuffer {
    const buffer = this.acquire(data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Records the dispatches into one command buffer and submits it (one submit, no readback). */
  submit(dispatches: Dispatch[]): void {
    const uniforms = this.device.createBuffer({
      size: Math.max(SLOT, dispatches.length * SLOT),
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: "dispatch parameters",
    });
    const bytes = new Uint8Array(dispatches.length * SLOT);
    dispatches.forEach((d, i) => bytes.set(new Uint8Array(d.params), i * SLOT));
    this.device.queue.writeBuffer(uniforms, 0, bytes);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    dispatches.forEach((d, i) => {
      const pipeline = this.#pipeline(d.kernel);
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        this.device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: uniforms, offset: i * SLOT, size: 48 } },
            ...d.buffers.map((buffer, j) => ({ binding: j + 1, resource: { buffer } })),
          ],
        }),
      );
      pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
    });
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    uniforms.destroy();
  }

  /** Copies `length` floats from the start of `buffer` back to the host. */
  async read(buffer: GPUBuffer, length: number): Promise<Float32Array> {
    const bytes = length * 4;
    const staging = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  }
}

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
  const n = X.rows, d = X.cols;
  const list: Dispatch[] = X.chunks.map((c) => ({
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
  list.push({ kernel: "rowmap", params: rowmapParams(m, n, spec), buffers: [scores, lse], groups: [m, 1] });
  return list;
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
  readonly gpu: GpuContext;
  readonly #uploaded = new WeakMap<object, DevicePatterns>();

  constructor(gpu: GpuContext) {
    this.gpu = gpu;
  }

  #patterns(patterns: DenseMatrix): DevicePatterns {
    let dp = this.#uploaded.get(patterns.data);
    if (dp) return dp;
    const n = patterns.rows, d = patterns.cols;
    const per = Math.floor(this.gpu.limits.maxBindingBytes / (4 * d));
    if (per < 1) {
      throw new RangeError(
        `Cannot upload patterns: one row of ${d} floats exceeds the device's binding limit`,
      );
    }
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

  /** Query rows per block, so that a block's B × N score matrix fits one binding. */
  #queryBlock(n: number, b: number): number {
    const rows = Math.floor(this.gpu.limits.maxBindingBytes / (4 * n));
    if (rows < 1) {
      throw new RangeError(`Cannot run on the GPU: a score row of ${n} patterns exceeds the binding limit`);
    }
    return Math.min(rows, b, 65535);
  }

  /** Dispatches of one update of the `m` states in `state` into `out`, scores in `scores` (m × N). */
  #stepDispatches(
    X: DevicePatterns,
    spec: MapSpec,
    m: number,
    state: GPUBuffer,
    scores: GPUBuffer,
    lse: GPUBuffer,
    out: GPUBuffer,
  ): Dispatch[] {
    const n = X.rows, d = X.cols, list = scoreDispatches(X, spec, m, state, scores, lse);
    X.chunks.forEach((c, i) => {
      list.push({
        kernel: "matmul",
        params: matmulParams({
          m,
          n: d,
          k: c.rows,
          lda: n,
          ldb: d,
          ldc: d,
          aOff: c.start,
          transB: false,
          accumulate: i > 0,
        }),
        buffers: [scores, c.buffer, out],
        groups: [Math.ceil(d / 16), Math.ceil(m / 16)],
      });
    });
    return list;
  }

  /**
   * `steps` updates from each query (f32 on the device). Returns the final states and, when asked, the
   * probabilities of the last update.
   */
  async iterate(
    patterns: DenseMatrix,
    queries: DenseMatrix,
    options: MapOptions,
    steps: number,
    withProbabilities = false,
  ): Promise<{ states: Matrix; probabilities?: Matrix }> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RangeError(`Cannot iterate on the GPU: steps must be a positive integer: steps=${steps}`);
    }
    const spec = mapSpec(options);
    const X = this.#patterns(patterns);
    const n = X.rows, d = X.cols, b = queries.rows;
    const states = matrix(b, d), probabilities = withProbabilities ? matrix(b, n) : undefined;
    const qb = this.#queryBlock(n, b);
    for (let q0 = 0; q0 < b; q0 += qb) {
      const m = Math.min(qb, b - q0);
      let a = this.gpu.upload(new Float32Array(queries.data.subarray(q0 * d, (q0 + m) * d)));
      let z = this.gpu.acquire(m * d * 4);
      const scores = this.gpu.acquire(m * n * 4), lse = this.gpu.acquire(m * 4);
      const list: Dispatch[] = [];
      for (let t = 0; t < steps; t++) {
        list.push(...this.#stepDispatches(X, spec, m, a, scores, lse, z));
        [a, z] = [z, a];
      }
      this.gpu.submit(list);
      states.data.set(await this.gpu.read(a, m * d), q0 * d);
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
    options: { beta: number },
  ): Promise<Float64Array> {
    const spec = mapSpec({ beta: options.beta });
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

  /** Applies a row map to a B × N score matrix on the device (for tests of −∞ and peaked rows). */
  async mapRows(scores: DenseMatrix, options: MapOptions): Promise<Matrix> {
    const spec = mapSpec(options);
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
