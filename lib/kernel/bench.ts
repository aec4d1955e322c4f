/**
 * The Stage-I benchmark of `deno task hop bench --size U1`: one average separation loss with its gradient in W
 * (`separationLoss`), M = 20 000 memories of MNIST's size (d = D_Φ = 784), FLOPs counted as
 * `4·M²·D_Φ + 4·M·D_Φ·d`; beside it, the rate of the same BLAS on a 4096² sgemm, measured in the same process,
 * which is the figure the step is judged against.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import type { Backend } from "../backend/types.ts";
import { loadBlas } from "../backend/blas.ts";
import { medianMs } from "../backend/bench.ts";
import { gaussianFeatureMap } from "./feature_map.ts";
import { separationLoss } from "./separation_loss.ts";

/** Stage-I benchmark sizes: M memories of dimension d, features of dimension D_Φ. */
export const STAGE_ONE_SIZES = {
  U0: { m: 2000, d: 784, featureDim: 784 },
  U1: { m: 20000, d: 784, featureDim: 784 },
  U2: { m: 60000, d: 784, featureDim: 784 },
} as const;

/** What the Stage-I benchmark prints. */
export interface StageOneBenchResult {
  /** `name-precision` of the backend timed. */
  backend: string;
  /** The size's name. */
  size: string;
  /** Median wall time of one loss-and-gradient evaluation, ms. */
  median_ms: number;
  /** (4·M²·D_Φ + 4·M·D_Φ·d) / median time. */
  gflops: number;
  /** This BLAS's sgemm rate on two 4096² f32 matrices, GFLOP/s (null without a BLAS). */
  sgemm_gflops: number | null;
  /** gflops / sgemm_gflops. */
  fraction_of_sgemm: number | null;
  /** Peak resident memory of the process through the timed evaluations, MB (VmHWM on Linux). */
  peak_rss_mb: number;
}

/** Peak resident set size in MB: the kernel's high-water mark where there is one, else the current RSS. */
export function peakRssMb(): number {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+) kB/);
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** The rate of this process's BLAS on `C = A·B` with two n × n f32 matrices (median of 3), GFLOP/s. */
export async function sgemmRate(n = 4096): Promise<number | null> {
  const blas = loadBlas();
  if (!blas) return null;
  const prng = createPrng(3);
  const A = Float32Array.from({ length: n * n }, () => prng.normal());
  const B = Float32Array.from({ length: n * n }, () => prng.normal()), C = new Float32Array(n * n);
  const ms = await medianMs(() => blas.gemmNN(A, B, C, n, n, n), 3);
  return (2 * n ** 3) / (ms * 1e6);
}

/**
 * Times the average separation loss and its gradient on `backend` (median of `repeat` after one untimed call)
 * for memories with N(0, 1) entries and a Gaussian W, then the BLAS's sgemm rate.
 *
 * @example
 * ```ts ignore
 * import { runStageOneBench } from "./bench.ts";
 * import { selectBackend } from "../backend/select.ts";
 * console.log(await runStageOneBench(await selectBackend("blas"), { size: "U1" }));
 * ```
 */
export async function runStageOneBench(
  backend: Backend,
  options: { size: keyof typeof STAGE_ONE_SIZES; repeat?: number },
): Promise<StageOneBenchResult> {
  const dims = STAGE_ONE_SIZES[options.size];
  if (!dims) throw new RangeError(`Cannot bench: size must be U0, U1 or U2: size=${options.size}`);
  const repeat = options.repeat ?? 3;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
    throw new RangeError(`Cannot bench: repeat must be an integer in [1, 100]: repeat=${repeat}`);
  }
  const prng = createPrng(1);
  const X: Matrix = { rows: dims.m, cols: dims.d, data: new Float64Array(dims.m * dims.d) };
  for (let k = 0; k < X.data.length; k++) X.data[k] = prng.normal();
  const map = gaussianFeatureMap(dims.d, dims.featureDim, { prng });
  const median = await medianMs(() => separationLoss(map, X, { loss: "average", backend }), repeat);
  const flops = 4 * dims.m ** 2 * dims.featureDim + 4 * dims.m * dims.featureDim * dims.d;
  const gflops = flops / (median * 1e6), peak = peakRssMb(); // before the sgemm's own 200 MB
  const sgemm = await sgemmRate();
  return {
    backend: `${backend.name}-${backend.precision}`,
    size: options.size,
    median_ms: median,
    gflops,
    sgemm_gflops: sgemm,
    fraction_of_sgemm: sgemm === null ? null : gflops / sgemm,
    peak_rss_mb: peak,
  };
}
