/**
 * The streaming softmax between the two matrix products of the `blas` backend, in WebAssembly SIMD on every
 * core. Scores arrive in blocks (a block of queries × a chunk of patterns, written there by `sgemm`); each
 * block is turned into `exp(β(s − m))` in place while it is still in cache, with the running maximum `m`,
 * normaliser `ℓ` and rescale factor `α` of each row kept beside it (Milakov & Gimelshein 2018). The rows of a
 * block are split between the calling thread and `cores − 1` worker threads, which wait on shared memory
 * (`Atomics.wait`) so a call is synchronous and costs a few microseconds.
 *
 * The kernel source is `wasm/softmax.wat`; `wasm/build.ts` compiles it into `wasm/softmax_wasm.ts`.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { decodeBase64 } from "./wasm/base64.ts";
import { SOFTMAX_WASM } from "./wasm/softmax_wasm.ts";

const PAGE = 65536;
/** Largest shared memory (1 GiB); the score block itself stays near a few MB. */
const MAX_PAGES = 16384;
/**
 * Fewest scores per thread (about 0.15 ms of work): a smaller block runs on the calling thread alone, since
 * waking a worker costs more than it saves there, and far more when the BLAS threads are still spinning.
 */
const MIN_PART = 1 << 17;
/** Control words per worker: [job, done, s, r0, r1, stride, m, l, a, k(f32)]. */
const CTRL = 16;

/** The exports of the compiled `softmax.wat`. */
export interface SoftmaxKernel {
  softmax_rows(
    s: number,
    r0: number,
    r1: number,
    stride: number,
    k: number,
    m: number,
    l: number,
    a: number,
  ): void;
  scale_rows(o: number, rows: number, cols: number, f: number, invert: number): void;
}

/** Views of one block in the shared memory (valid until the next `reserve`). */
export interface SoftmaxBlock {
  /** rows × stride scores (f32), row-major; `stride` is a multiple of 4. */
  scores: Float32Array;
  /** Running row maxima m (start at −∞). */
  max: Float32Array;
  /** Running normalisers ℓ = Σ exp(β(s − m)) (start at 0). */
  norm: Float32Array;
  /** Factors α = exp(β(m_old − m_new)) of the last pass: earlier output rows must be multiplied by them. */
  alpha: Float32Array;
  /** rows × cols output rows (f32), kept across the passes of one block of queries (see `scaleRows`). */
  out: Float32Array;
}

/**
 * A multi-threaded online-softmax kernel over one shared WebAssembly memory.
 *
 * @example
 * ```ts
 * import { OnlineSoftmax } from "./online_softmax.ts";
 * import assert from "node:assert/strict";
 * const sm = OnlineSoftmax.shared();
 * const b = sm.reserve(1, 4);
 * b.scores.set([0, Math.log(3), -Infinity, 0]);
 * b.max.fill(-Infinity); b.norm.fill(0);
 * sm.run(1, 4, 1);
 * assert.ok(Math.abs(b.scores[1] - 1) < 1e-6 && b.scores[2] === 0);
 * assert.ok(Math.abs(b.norm[0] - (1 / 3 + 1 + 1 / 3)) < 1e-6);
 * ```
 *
 * An instance of your own (`new OnlineSoftmax(threads)`) holds `threads − 1` worker threads until `close()`.
 */
export class OnlineSoftmax {
  static #shared: OnlineSoftmax | undefined;

  /**
   * The process-wide instance (threads = `navigator.hardwareConcurrency`, at most 16), started on first use; a new
   * one if it was closed. Its idle workers do not keep the process alive.
   */
  static shared(): OnlineSoftmax {
    if (!OnlineSoftmax.#shared || OnlineSoftmax.#shared.#closed) {
      OnlineSoftmax.#shared = new OnlineSoftmax(Math.min(16, navigator.hardwareConcurrency || 1));
    }
    return OnlineSoftmax.#shared;
  }

  readonly threads: number;
  readonly #memory: WebAssembly.Memory;
  readonly #kernel: SoftmaxKernel;
  readonly #ctrl: Int32Array[] = [];
  readonly #workers: Worker[] = [];
  #closed = false;
  #rowsCap = 0;
  #outCap = 0;
  #offsets = { m: 0, l: 0, a: 0, o: 0, s: 0 };
  #seq = 0;

  /** Compiles the kernel and starts `threads − 1` workers. */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(
        `Cannot start the softmax kernel: threads must be a positive integer: threads=${threads}`,
      );
    }
    this.threads = threads;
    const module = new WebAssembly.Module(decodeBase64(SOFTMAX_WASM));
    this.#memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.#kernel = new WebAssembly.Instance(module, { env: { memory: this.#memory } })
      .exports as unknown as SoftmaxKernel;
    for (let t = 1; t < threads; t++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(CTRL * 4));
      const worker = new Worker(new URL("./online_softmax_worker.ts", import.meta.url));
      worker.unref(); // idle workers must not keep the process alive
      worker.postMessage({ module, memory: this.#memory, ctrl: ctrl.buffer });
      this.#ctrl.push(ctrl);
      this.#workers.push(worker);
    }
  }

  /**
   * Stops the worker threads; `reserve` and `run` then throw. Idempotent.
   *
   * @example
   * ```ts
   * import { OnlineSoftmax } from "./online_softmax.ts";
   * import assert from "node:assert/strict";
   * const sm = new OnlineSoftmax(2);
   * await sm.close();
   * assert.throws(() => sm.run(1, 4, 1), /closed/);
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`Cannot ${what}: this OnlineSoftmax was closed`);
  }

  /**
   * Makes room for a `rows × stride` block of scores and `rows × outCols` output rows, and returns fresh views of
   * them. The per-row values and the output rows keep their place (and content) while `rows` and `outCols` do
   * not grow, whatever the stride, so one block of queries can take its patterns in chunks of any width.
   */
  reserve(rows: number, stride: number, outCols = 0): SoftmaxBlock {
    this.#assertOpen("reserve a score block");
    if (stride % 4 !== 0) {
      throw new RangeError(`Cannot reserve a score block: stride must be a multiple of 4: stride=${stride}`);
    }
    const cap = Math.max(rows, this.#rowsCap), outCap = Math.max(rows * outCols, this.#outCap);
    const m = 64, l = m + 4 * cap, a = l + 4 * cap, o = Math.ceil((a + 4 * cap) / 64) * 64;
    const s = Math.ceil((o + 4 * outCap) / 64) * 64;
    const bytes = s + 4 * rows * stride;
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new RangeError(
          `Cannot reserve a score block: ${rows} × ${stride} floats exceed ${MAX_PAGES * PAGE} bytes`,
        );
      }
      this.#memory.grow(pages);
    }
    this.#rowsCap = cap;
    this.#outCap = outCap;
    this.#offsets = { m, l, a, o, s };
    const buf = this.#memory.buffer;
    return {
      scores: new Float32Array(buf, s, rows * stride),
      max: new Float32Array(buf, m, rows),
      norm: new Float32Array(buf, l, rows),
      alpha: new Float32Array(buf, a, rows),
      out: new Float32Array(buf, o, rows * outCols),
    };
  }

  /**
   * Multiplies the first `rows` output rows (`cols` each) of the reserved block by α of the last pass (`by:
   * "alpha"`, before adding a later chunk) or by 1/ℓ (`by: "inverse norm"`, the softmax's normalisation), in
   * WebAssembly SIMD on the calling thread.
   */
  scaleRows(rows: number, cols: number, by: "alpha" | "inverse norm"): void {
    this.#assertOpen("scale the output rows");
    const o = this.#offsets;
    this.#kernel.scale_rows(o.o, rows, cols, by === "alpha" ? o.a : o.l, by === "alpha" ? 0 : 1);
  }

  /** One online-softmax pass with `k = β·log₂e` over the first `rows` rows of the reserved block. */
  run(rows: number, stride: number, beta: number): void {
    this.#assertOpen("run the softmax kernel");
    const k = beta * Math.LOG2E, o = this.#offsets;
    const parts = Math.min(this.threads, Math.ceil(rows / 8), Math.ceil((rows * stride) / MIN_PART));
    const per = Math.ceil(rows / parts);
    const seq = ++this.#seq;
    for (let t = 1; t < parts; t++) {
      const c = this.#ctrl[t - 1];
      c[2] = o.s, c[3] = t * per, c[4] = Math.min(rows, (t + 1) * per), c[5] = stride;
      c[6] = o.m, c[7] = o.l, c[8] = o.a;
      new Float32Array(c.buffer)[9] = k;
      Atomics.store(c, 0, seq);
      Atomics.notify(c, 0);
    }
    this.#kernel.softmax_rows(o.s, 0, Math.min(rows, per), stride, k, o.m, o.l, o.a);
    for (let t = 1; t < parts; t++) {
      const c = this.#ctrl[t - 1];
      for (let done = Atomics.load(c, 1); done !== seq; done = Atomics.load(c, 1)) Atomics.wait(c, 1, done);
    }
  }
}
