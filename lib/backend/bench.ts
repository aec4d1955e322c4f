/**
 * The retrieval-step benchmark of `deno task hop bench`: `P = softmax(β·Q·Xᵀ)`, `out = P·X`,
 * FLOPs = 4·B·M·d. Sizes: S0 d=64 M=256 B=256; S1 d=784 M=60000 B=256 (MNIST-like); S2 d=64 M=4096 B=4096.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { mapSpec } from "../maps/spec.ts";
import { cpuBackend } from "./cpu.ts";
import type { Backend } from "./types.ts";

/** Benchmark sizes: d (pattern dimension), m (stored patterns), b (queries). */
export const BENCH_SIZES = {
  S0: { d: 64, m: 256, b: 256 },
  S1: { d: 784, m: 60000, b: 256 },
  S2: { d: 64, m: 4096, b: 4096 },
} as const;

/** What `bench` prints. */
export interface BenchResult {
  /** `name-precision` of the backend timed. */
  backend: string;
  /** The size's name. */
  size: string;
  /** Median wall time of one step, ms. */
  median_ms: number;
  /** 4·B·M·d / median time. */
  gflops: number;
  /** Largest |out − out_cpu| / max |out_cpu| over the first 8 queries (Float64 reference). */
  max_rel_err: number;
}

/** Seeded N(0, 1/cols) entries, generated straight into the backend's precision (no f64 copy of S1's X). */
function randomMatrix(rows: number, cols: number, seed: number, precision: "f32" | "f64"): DenseMatrix {
  const prng = createPrng(seed);
  const data = precision === "f32" ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = prng.normal() / Math.sqrt(cols);
  return { rows, cols, data };
}

/** The most timed repetitions (a median over more says nothing new and can run for hours at S1). */
const MAX_REPEAT = 1000;

/** Warm-up before timing: at least one step and at least this long (JIT tiers, thread pools, caches). */
const WARM_UP_MS = 300;

/**
 * Times one retrieval step (median of `repeat` runs after a warm-up of at least one step and 300 ms), writing the
 * states into one reused buffer as a loop of steps does (`into`), and checks it against `cpu`. The warm-up matters at S0: a 0.5–0.8 ms step takes 1–6 ms for its first 15–25 calls.
 */
export async function runBench(
  backend: Backend,
  options: { size: keyof typeof BENCH_SIZES; repeat?: number },
): Promise<BenchResult> {
  const dims = BENCH_SIZES[options.size];
  if (!dims) throw new RangeError(`Cannot bench: size must be S0, S1 or S2: size=${options.size}`);
  const repeat = options.repeat ?? 5;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    throw new RangeError(`Cannot bench: repeat must be an integer in [1, ${MAX_REPEAT}]: repeat=${repeat}`);
  }
  const X = randomMatrix(dims.m, dims.d, 1, backend.precision);
  const Q = randomMatrix(dims.b, dims.d, 2, backend.precision);
  // The states go into one buffer, as in a loop of steps (see StepOutput.into); the check reads the first step's.
  const into = {
    rows: dims.b,
    cols: dims.d,
    data: new (backend.precision === "f32" ? Float32Array : Float64Array)(dims.b * dims.d),
  };
  const spec = mapSpec({ beta: 1 }), output = { probabilities: false, into };
  const out = structuredClone((await backend.step(X, Q, spec, output)).states.data);
  for (const start = performance.now(); performance.now() - start < WARM_UP_MS;) {
    await backend.step(X, Q, spec, output);
  }
  const times: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    await backend.step(X, Q, spec, output);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const check = 8;
  const ref = await cpuBackend.step(X, {
    data: Q.data.subarray(0, check * dims.d),
    rows: check,
    cols: dims.d,
  }, spec);
  let maxRef = 0, maxErr = 0;
  for (let k = 0; k < ref.states.data.length; k++) {
    maxRef = Math.max(maxRef, Math.abs(ref.states.data[k]));
    maxErr = Math.max(maxErr, Math.abs(out[k] - ref.states.data[k]));
  }
  return {
    backend: `${backend.name}-${backend.precision}`,
    size: options.size,
    median_ms: median,
    gflops: (4 * dims.b * dims.m * dims.d) / (median * 1e6),
    max_rel_err: maxErr / maxRef,
  };
}

/**
 * The median of `repeat` timed calls of `fn` after one untimed call, ms (the benchmarks' timer).
 *
 * @example
 * ```ts
 * import { medianMs } from "./bench.ts";
 * import assert from "node:assert/strict";
 * assert.ok((await medianMs(() => 1 + 1, 3)) >= 0);
 * ```
 */
export async function medianMs(fn: () => Promise<unknown> | unknown, repeat: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
