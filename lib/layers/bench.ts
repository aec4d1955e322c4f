/**
 * The layers benchmark (`hop bench --size M0`, and `deno bench` in `tests/bench/`): one training epoch of the
 * MNIST-bags HopfieldPooling model of notebook 08 — encoder Linear 784 → 64 + ReLU, HopfieldPooling (d_h = 32,
 * one head, one query), Linear 64 → 1; 200 bags of about 10 instances, batches of 8, BCE, clipping, AdamW — on
 * random pixels (the time does not depend on them). `tests/bench/torch_mnist_bags.py` times the same model in
 * PyTorch with hflayers.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { milClassifier } from "./mil_models.ts";
import { trainBags } from "./train.ts";
import { loadBlas } from "../backend/blas.ts";
import { medianMs } from "../backend/bench.ts";

/** Benchmark sizes: bags per epoch. */
export const LAYER_BENCH_SIZES = { M0: { bags: 200 } } as const;

/** Bags of uniform pixels with sizes max(1, round(N(10, 2))), and alternating labels. */
export function randomBags(count: number, seed: number): { bags: Matrix[]; labels: number[] } {
  const prng = createPrng(seed), bags: Matrix[] = [], labels: number[] = [];
  for (let b = 0; b < count; b++) {
    const size = Math.max(1, Math.round(10 + Math.SQRT2 * prng.normal())), m = matrix(size, 784);
    for (let k = 0; k < m.data.length; k++) m.data[k] = prng.next();
    bags.push(m);
    labels.push(b % 2);
  }
  return { bags, labels };
}

/** What `hop bench --size M0` prints. */
export interface LayerBenchResult {
  /** Where it ran. */
  backend: string;
  /** The size's name. */
  size: string;
  /** Bags per epoch. */
  bags: number;
  /** Median wall time of one training epoch (no evaluation), ms. */
  epoch_ms: number;
}

/**
 * One training epoch of the benchmark model as a closure (the model keeps training across calls); `blas: false`
 * keeps every product in TypeScript.
 *
 * @example
 * ```ts ignore
 * const epoch = layerBenchEpoch({ size: "M0" });
 * epoch();
 * ```
 */
export function layerBenchEpoch(
  options: { size: keyof typeof LAYER_BENCH_SIZES; blas?: boolean },
): { epoch: () => void; library: string | null } {
  const { bags } = LAYER_BENCH_SIZES[options.size], data = randomBags(bags, 1), prng = createPrng(2);
  const net = milClassifier("hopfield-pooling", {
    inputSize: 784,
    embedding: 64,
    attention: 32,
    hopfield: { hiddenSize: 32, numHeads: 1 },
  }, prng);
  const blas = options.blas === false ? null : loadBlas();
  const epoch = () => {
    trainBags(net, data, { bags: [], labels: [] }, {
      epochs: 1,
      batch: 8,
      lr: 1e-3,
      clip: 1,
      prng,
      evaluate: false,
      blas,
    });
  };
  return { epoch, library: blas?.library ?? null };
}

/**
 * Times `repeat` training epochs after one untimed one.
 *
 * @example
 * ```ts ignore
 * console.log(await runLayerBench({ size: "M0", repeat: 5 }));
 * ```
 */
export async function runLayerBench(
  options: { size: keyof typeof LAYER_BENCH_SIZES; repeat: number; blas?: boolean },
): Promise<LayerBenchResult> {
  if (!Number.isInteger(options.repeat) || options.repeat < 1 || options.repeat > 1000) {
    throw new RangeError(
      `Cannot run the layer bench: repeat must be an integer from 1 to 1000: repeat=${options.repeat}`,
    );
  }
  const { epoch, library } = layerBenchEpoch(options);
  const epoch_ms = await medianMs(epoch, options.repeat);
  return {
    backend: library ? `tape-f64 + ${library}` : "tape-f64 (TypeScript)",
    size: options.size,
    bags: LAYER_BENCH_SIZES[options.size].bags,
    epoch_ms,
  };
}
