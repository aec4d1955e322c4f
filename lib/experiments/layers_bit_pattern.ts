/**
 * Notebook 08, figure `layers_bit_pattern`: hflayers' bit-pattern MIL demo (Ramsauer et al. 2020, §3; hopfield-layers
 * `examples/bit_pattern`) — bags of 8-bit patterns, positive when one of 8 signal patterns is inside — learned with
 * a Hopfield layer (the bag associated with itself, all rows read out), HopfieldPooling (one learned query) and
 * HopfieldLayer (the rows looked up in one learned memory per distinct pattern), each followed by a linear
 * read-out; the demo's split (validation: the first and last quarter-eighths), batches of 32, AdamW at 1e-3,
 * gradients clipped to norm 1.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

import { createPrng } from "../linalg/prng.ts";
import { bitPatternSet } from "../data/bit_patterns.ts";
import { bagClassifier, type BagModelKind } from "../layers/bag_models.ts";
import { trainBags, type TrainingCurves } from "../layers/train.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the bit-pattern experiment. */
export interface BitPatternParams {
  /** Bags (the demo: 2048). */
  bags: number;
  /** Instances per bag (16). */
  instances: number;
  /** Signal patterns (8). */
  signals: number;
  /** Bits per pattern (8). */
  bits: number;
  /** Epochs (the demo: 250). */
  epochs: number;
  /** Batch size (32). */
  batch: number;
  /** AdamW's rate (1e-3). */
  lr: number;
  /** Seed of the data, the initialisation and the batches. */
  seed: number;
}

/** Curves per model. */
export interface BitPatternData {
  /** Per model: its kind, its learned memories or queries, and its curves. */
  models: { kind: BagModelKind; quantity: number; curves: TrainingCurves }[];
  /** Parameters, for the caption. */
  params: BitPatternParams;
}

/** Trains the three classifiers on the same split (progress on stderr). */
export function runBitPattern(params: BitPatternParams): BitPatternData {
  const log = progress("layers_bit_pattern");
  const set = bitPatternSet({
    bags: params.bags,
    instances: params.instances,
    signals: params.signals,
    bits: params.bits,
    seed: params.seed,
  });
  // The demo's split: validation is the first and the last eighth of the bags (positives first, negatives last).
  const eighth = Math.floor(params.bags / 8);
  const pick = (idx: number[]) => ({
    bags: idx.map((i) => set.bags[i]),
    labels: idx.map((i) => set.labels[i]),
  });
  const all = set.bags.map((_, i) => i);
  const valid = pick(all.filter((i) => i < eighth || i >= params.bags - eighth));
  const train = pick(all.filter((i) => i >= eighth && i < params.bags - eighth));
  const distinct = new Set<string>();
  for (const bag of train.bags) {
    for (let r = 0; r < bag.rows; r++) {
      distinct.add(bag.data.subarray(r * bag.cols, (r + 1) * bag.cols).join(""));
    }
  }
  const models: BitPatternData["models"] = [];
  for (const kind of ["Hopfield", "HopfieldPooling", "HopfieldLayer"] as BagModelKind[]) {
    const prng = createPrng(params.seed + 1), quantity = kind === "HopfieldLayer" ? distinct.size : 1;
    const model = bagClassifier(
      kind,
      { inputSize: params.bits },
      { instances: params.instances, quantity },
      prng,
    );
    const curves = trainBags(model, train, valid, {
      epochs: params.epochs,
      batch: params.batch,
      lr: params.lr,
      clip: 1,
      prng,
      onEpoch: (e, c) =>
        log.tick(
          `${kind}: epoch ${e} of ${params.epochs}, validation accuracy ${
            c.validAccuracy.at(-1)!.toFixed(3)
          }`,
        ),
    });
    log(
      `${kind}: validation accuracy ${curves.validAccuracy.at(-1)!.toFixed(3)} after ${params.epochs} epochs`,
    );
    models.push({ kind, quantity, curves });
  }
  return { models, params };
}

/** Loss (left) and accuracy (right) against epochs: solid validation, dashed training, one colour per model. */
export function bitPatternFigure(data: BitPatternData): Figure {
  const colour = (i: number) => THEME.colors[i % THEME.colors.length];
  const domain = data.models.map((m) => m.kind), range = data.models.map((_, i) => colour(i));
  const rows = (key: "Loss" | "Accuracy") =>
    data.models.flatMap((m) =>
      (["train", "valid"] as const).flatMap((split) =>
        m.curves[`${split}${key}`].map((v, e) => ({
          model: m.kind,
          split,
          epoch: e + 1,
          v,
          series: `${m.kind} ${split}`,
        }))
      )
    );
  const mk = (key: "Loss" | "Accuracy", label: string) =>
    panel({
      width: 420,
      x: { label: "epoch" },
      y: { label, grid: true, ...(key === "Accuracy" ? { domain: [0, 1] } : { zero: true }) },
      color: { domain, range },
      marks: [
        Plot.line(rows(key).filter((r) => r.split === "valid"), {
          x: "epoch",
          y: "v",
          stroke: "model",
          z: "series",
        }),
        Plot.line(rows(key).filter((r) => r.split === "train"), {
          x: "epoch",
          y: "v",
          stroke: "model",
          z: "series",
          strokeDasharray: "4,3",
          strokeOpacity: 0.7,
        }),
      ],
    });
  const p = data.params;
  const finals = data.models.map((m) => `${m.kind} ${(100 * m.curves.validAccuracy.at(-1)!).toFixed(1)}%`)
    .join(", ");
  return compose("layers_bit_pattern", [mk("Loss", "binary cross-entropy"), mk("Accuracy", "accuracy")], {
    title: "Bit-pattern MIL with Hopfield, HopfieldPooling and HopfieldLayer",
    legend: data.models.map((m, i) => ({
      label: m.kind === "HopfieldLayer" ? `HopfieldLayer (${m.quantity} memories)` : m.kind,
      color: colour(i),
    })),
    note:
      `${p.bags} bags of ${p.instances} patterns of ${p.bits} bits, ${p.signals} signals, half positive; ` +
      `validation: the first and last eighth. Default layer options, linear read-out, AdamW lr ${p.lr}, batches of ` +
      `${p.batch}, gradient norm ≤ 1, ${p.epochs} epochs. Solid: validation; dashed: training. Final validation ` +
      `accuracy: ${finals}. cpu (TypeScript, Float64).`,
  });
}

/** The notebook's statement: each model's final and best validation accuracy. */
export function bitPatternVerdict(data: BitPatternData): string {
  return data.models.map((m) => {
    const v = m.curves.validAccuracy, best = Math.max(...v);
    return `${m.kind}: validation accuracy ${(100 * v.at(-1)!).toFixed(1)}% after ${v.length} epochs (best ${
      (100 * best).toFixed(1)
    }%, epoch ${v.indexOf(best) + 1}).`;
  }).join("\n");
}
