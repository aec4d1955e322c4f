/**
 * A WebGPU device with its pipeline cache and buffer pool: the context every `webgpu` computation runs in.
 * Kernels are the WGSL files in `wgsl/`, compiled once per context.
 *
 * On a CPU-only machine the only adapter is a software fallback (Mesa's lavapipe): right for correctness tests,
 * far too slow for work, so `auto` never picks it (`selectBackend` in `select.ts`).
 *
 * @module
 */
import matmulSource from "./wgsl/matmul.wgsl" with { type: "text" };
import rowmapSource from "./wgsl/rowmap.wgsl" with { type: "text" };

/** A compute kernel: one WGSL file in `wgsl/`. */
export type Kernel = "matmul" | "rowmap";
const SOURCES: Record<Kernel, string> = { matmul: matmulSource, rowmap: rowmapSource };
/** Uniform slots are 256 bytes apart (the WebGPU minimum for uniform buffer offsets). */
const SLOT = 256;

/** Limits a context splits problems by (defaults: the device's). Tests lower them to force chunking. */
export interface GpuLimits {
  /** Largest storage binding in bytes. */
  maxBindingBytes: number;
}

/** One kernel launch: its parameters (at most 48 bytes), buffers (bindings 1…) and workgroup grid. */
export interface Dispatch {
  /** The kernel (WGSL file) to run. */
  kernel: Kernel;
  /** Its uniform parameters, at most 48 bytes. */
  params: ArrayBuffer;
  /** Storage buffers bound at 1, 2, … */
  buffers: GPUBuffer[];
  /** Workgroups along x and y. */
  groups: [number, number];
}

/**
 * A WebGPU device with its pipeline cache and buffer pool.
 *
 * @example
 * ```ts ignore
 * import { GpuContext } from "./gpu_context.ts";
 * const gpu = await GpuContext.create({ allowFallback: true });
 * console.log(gpu.description); // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
 * ```
 */
export class GpuContext {
  /** The WebGPU device. */
  readonly device: GPUDevice;
  /** The adapter's name, for the notebooks' backend line. */
  readonly description: string;
  /** True for a software fallback adapter (lavapipe). */
  readonly fallback: boolean;
  /** The limits problems are split by. */
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
  acquire(
    bytes: number,
    usage: number = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  ): GPUBuffer {
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
