/**
 * Notebook 08, figure `layers_mnist_bags`: MNIST-bags (Ilse et al. 2018; bags of about 10 digits, positive when
 * a 9 is inside) learned with an instance encoder and three poolings — attention, gated attention and
 * HopfieldPooling (softmax, and the workbench's sparse maps) — each trained from several seeds; the test AUC of
 * every run; and HopfieldPooling with U-Hop+ on the instance embeddings (a learned affine map of the embeddings as
 * the keys, its separation loss with τ = 0.1 added to the training loss), the analogue of the optimal-capacity
 * paper's MIL table. The encoder is one Linear + ReLU layer on the pixels (Ilse et al. use a small convolutional
 * net).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type MnistBags, mnistBags } from "../data/mnist_bags.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";
import { rocAuc } from "../layers/auc.ts";
import { milClassifier, type MilPooling } from "../layers/mil_models.ts";
import type { RowMap } from "../layers/tape.ts";
import { type BagClassifier, evaluateBags, trainBags } from "../layers/train.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the MNIST-bags comparison. */
export interface MnistBagsParams {
  /** Training bags (from MNIST's training digits) and test bags (from its test digits). */
  trainBags: number;
  /** Test bags. */
  testBags: number;
  /** Epochs, batch size (bags), AdamW's rate. */
  epochs: number;
  /** Bags per step. */
  batch: number;
  /** AdamW's rate. */
  lr: number;
  /** Training seeds (initialisation and batch order); the bags are fixed by `dataSeed`. */
  seeds: number[];
  /** Seed of the bags. */
  dataSeed: number;
  /** Embedding width, attention width, HopfieldPooling's hidden size. */
  embedding: number;
  /** Attention's hidden width. */
  attention: number;
  /** HopfieldPooling's d_h. */
  hidden: number;
}

/** One run. */
export interface MnistBagsRun {
  /** The model's label. */
  model: string;
  /** Training seed. */
  seed: number;
  /** Test ROC AUC. */
  auc: number;
}

/** All runs. */
export interface MnistBagsData {
  /** Every (model, seed). */
  runs: MnistBagsRun[];
  /** Positive fractions of the training and test bags. */
  positives: { train: number; test: number };
  /** Parameters, for the caption. */
  params: MnistBagsParams;
}

const MODELS: [string, MilPooling, RowMap][] = [
  ["attention", "attention", "softmax"],
  ["gated attention", "gated-attention", "softmax"],
  ["HopfieldPooling", "hopfield-pooling", "softmax"],
  ["HopfieldPooling, 1.5-entmax", "hopfield-pooling", "entmax15"],
  ["HopfieldPooling, sparsemax", "hopfield-pooling", "sparsemax"],
  ["HopfieldPooling + U-Hop+", "hopfield-pooling-uhop-plus", "softmax"],
];

/** The training bags (from MNIST's training digits) and test bags (from its test digits) of the protocol. */
export function mnistBagsSplit(params: MnistBagsParams): { train: MnistBags; test: MnistBags } {
  // Pixels in [0, 1] as Ilse et al.; the encoder learns the rest.
  return {
    train: mnistBags({ split: "train", count: params.trainBags, seed: params.dataSeed }),
    test: mnistBags({ split: "test", count: params.testBags, seed: params.dataSeed + 1 }),
  };
}

/** A MIL model of the protocol's sizes with this pooling and HopfieldPooling's heads and map. */
export function mnistBagsModel(
  params: MnistBagsParams,
  pooling: MilPooling,
  hopfield: { numHeads: number; separation?: RowMap },
  prng: Prng,
): BagClassifier {
  return milClassifier(pooling, {
    inputSize: 784,
    embedding: params.embedding,
    attention: params.attention,
    hopfield: { hiddenSize: params.hidden, ...hopfield },
  }, prng);
}

/** Trains a model with the protocol's epochs, batches and rate (no per-epoch evaluation). */
export function fitMnistBags(
  net: BagClassifier,
  split: { train: MnistBags; test: MnistBags },
  params: MnistBagsParams,
  prng: Prng,
  onEpoch: (epoch: number) => void,
): void {
  trainBags(net, split.train, split.test, {
    epochs: params.epochs,
    batch: params.batch,
    lr: params.lr,
    clip: 1,
    prng,
    evaluate: false,
    onEpoch,
  });
}

/** Trains every model from every seed and measures its test AUC (progress on stderr). */
export function runMnistBags(params: MnistBagsParams): MnistBagsData {
  const log = progress("layers_mnist_bags");
  const split = mnistBagsSplit(params), { train, test } = split;
  const runs: MnistBagsRun[] = [];
  for (const [model, pooling, separation] of MODELS) {
    for (const seed of params.seeds) {
      const prng = createPrng(seed);
      const net = mnistBagsModel(params, pooling, { numHeads: 1, separation }, prng);
      fitMnistBags(
        net,
        split,
        params,
        prng,
        (e) => log.tick(`${model}, seed ${seed}: epoch ${e} of ${params.epochs}`),
      );
      const auc = rocAuc(evaluateBags(net, test.bags, test.labels, prng).scores, test.labels);
      runs.push({ model, seed, auc });
      log(`${model}, seed ${seed}: test AUC ${auc.toFixed(3)}`);
    }
  }
  const frac = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
  return { runs, positives: { train: frac(train.labels), test: frac(test.labels) }, params };
}

/** Mean and standard deviation of each model's AUC. */
export function mnistBagsSummary(data: MnistBagsData): { model: string; mean: number; sd: number }[] {
  return MODELS.map(([model]) => {
    const a = data.runs.filter((r) => r.model === model).map((r) => r.auc), n = a.length;
    const mean = a.reduce((s, v) => s + v, 0) / n;
    const sd = n > 1 ? Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
    return { model, mean, sd };
  });
}

/** Test AUC per run (dots) and the mean (tick), one row per model. */
export function mnistBagsFigure(data: MnistBagsData): Figure {
  const summary = mnistBagsSummary(data), models = summary.map((s) => s.model);
  const main = panel({
    width: 620,
    height: 260,
    marginLeft: 200,
    x: {
      label: "test ROC AUC",
      grid: true,
      domain: [Math.min(0.5, ...data.runs.map((r) => r.auc - 0.02)), 1],
    },
    y: { label: null, domain: models },
    color: { domain: models, range: models.map((_, i) => THEME.colors[i % THEME.colors.length]) },
    marks: [
      Plot.dot(data.runs, { x: "auc", y: "model", fill: "model", r: 4, fillOpacity: 0.7 }),
      Plot.tickX(summary, { x: "mean", y: "model", stroke: "black", strokeWidth: 2 }),
    ],
  });
  const p = data.params;
  return compose("layers_mnist_bags", [main], {
    title: "MNIST-bags: attention-based MIL pooling against HopfieldPooling",
    note:
      `${p.trainBags} training and ${p.testBags} test bags of about 10 digits (a 9 makes a bag positive: ` +
      `${(100 * data.positives.train).toFixed(0)}% and ${
        (100 * data.positives.test).toFixed(0)
      }%); encoder Linear ` +
      `784 → ${p.embedding} + ReLU; attention width ${p.attention}; HopfieldPooling d_h = ${p.hidden}, one head; ` +
      `AdamW lr ${p.lr}, batches of ${p.batch} bags, ${p.epochs} epochs, seeds ${
        p.seeds.join(", ")
      }. Dots: runs; ` +
      `ticks: means. ${
        summary.map((s) => `${s.model} ${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`).join("; ")
      }. cpu (TypeScript, Float64).`,
  });
}

/** The notebook's statement: the mean AUCs and how HopfieldPooling compares with the attention poolings. */
export function mnistBagsVerdict(data: MnistBagsData): string {
  const s = mnistBagsSummary(data), get = (m: string) => s.find((x) => x.model === m)!;
  const best = Math.max(get("attention").mean, get("gated attention").mean),
    hop = get("HopfieldPooling").mean;
  return s.map((x) =>
    `${x.model}: test AUC ${x.mean.toFixed(3)} ± ${x.sd.toFixed(3)} over ${data.params.seeds.length} seeds`
  ).join("\n") +
    `\nHopfieldPooling (softmax) ${
      hop >= best ? "matches or beats" : "stays below"
    } the better attention pooling: ${hop.toFixed(3)} against ${best.toFixed(3)} (difference ${
      (hop - best).toFixed(3)
    }).`;
}
