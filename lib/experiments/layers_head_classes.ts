/**
 * Notebook 08, figure `layers_head_classes`: Ramsauer et al.'s head classes (§4, App. A.5.1) applied to a layer
 * trained here, across training. For each query, k is the fewest stored patterns carrying 90% of its attention
 * mass; a head's class follows from the median of k/N (N the stored patterns of that bag): I (> 1/2, averaging),
 * II (> 1/8), III (> 1/32), IV (≤ 1/32, close to one pattern). The layer is a four-head HopfieldPooling on the
 * MNIST-bags encoder (d_h = 32 per head), so N is a bag's size (about 10): there, class IV would need k < 1 and
 * cannot occur, and class III means one instance carries the mass.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type HeadClass, headClass, sizeForMass } from "../hopfield/fixed_points.ts";
import { createPrng } from "../linalg/prng.ts";
import { evaluateBags } from "../layers/train.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";
import { fitMnistBags, mnistBagsModel, type MnistBagsParams, mnistBagsSplit } from "./layers_mnist_bags.ts";

/** Per epoch (0: before training) and head: the median of k/N and the class. */
export interface HeadClassData {
  /** Heads. */
  heads: number;
  /** Rows: epoch, head, median k/N, class. */
  rows: { epoch: number; head: number; fraction: number; cls: HeadClass }[];
  /** Test AUC-free summary: the final test accuracy. */
  accuracy: number;
  /** Parameters, for the caption (the first seed is used). */
  params: MnistBagsParams;
}

/** Trains a four-head HopfieldPooling MIL model and records each head's median k/N on the test bags per epoch. */
export function runHeadClasses(params: MnistBagsParams): HeadClassData {
  const log = progress("layers_head_classes");
  const split = mnistBagsSplit(params), test = split.test;
  const heads = 4, prng = createPrng(params.seeds[0]);
  const net = mnistBagsModel(params, "hopfield-pooling", { numHeads: heads }, prng);
  const rows: HeadClassData["rows"] = [];
  const record = (epoch: number) => {
    const assoc = net.association!(test.bags, prng);
    for (let h = 0; h < heads; h++) {
      const fractions: number[] = [];
      for (const perBag of assoc) {
        const m = perBag[h];
        for (let q = 0; q < m.rows; q++) {
          fractions.push(sizeForMass(m.data.subarray(q * m.cols, (q + 1) * m.cols), 0.9) / m.cols);
        }
      }
      fractions.sort((a, b) => a - b);
      const mid = fractions.length >> 1;
      const median = fractions.length % 2 ? fractions[mid] : (fractions[mid - 1] + fractions[mid]) / 2;
      rows.push({ epoch, head: h + 1, fraction: median, cls: headClass(median, 1) });
    }
  };
  record(0);
  fitMnistBags(net, split, params, prng, (e) => {
    record(e);
    log.tick(`epoch ${e} of ${params.epochs}`);
  });
  return { heads, rows, accuracy: evaluateBags(net, test.bags, test.labels, prng).accuracy, params };
}

/** Median k/N per head against epochs, with the class boundaries 1/2, 1/8, 1/32. */
export function headClassFigure(data: HeadClassData): Figure {
  const colour = (i: number) => THEME.colors[i % THEME.colors.length];
  const labels = Array.from({ length: data.heads }, (_, h) => `head ${h + 1}`);
  const bounds = [["I / II", 1 / 2], ["II / III", 1 / 8], ["III / IV", 1 / 32]] as const;
  const main = panel({
    width: 560,
    height: 320,
    x: { label: "epoch" },
    y: {
      label: "median k/N (share of the bag carrying 90% of the mass)",
      type: "log",
      grid: true,
      domain: [1 / 40, 1],
    },
    color: { domain: labels, range: labels.map((_, i) => colour(i)) },
    marks: [
      Plot.ruleY(bounds.map(([, v]) => v), { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.text(bounds.map(([t, v]) => ({ t, v })), {
        x: 0,
        y: "v",
        text: "t",
        dy: -6,
        textAnchor: "start",
        fill: "#666",
      }),
      Plot.line(data.rows.map((r) => ({ ...r, head: `head ${r.head}` })), {
        x: "epoch",
        y: "fraction",
        stroke: "head",
        marker: "circle",
      }),
    ],
  });
  const last = Math.max(...data.rows.map((r) => r.epoch)), p = data.params;
  const count = (e: number) =>
    (["I", "II", "III", "IV"] as const).map((c) =>
      `${data.rows.filter((r) => r.epoch === e && r.cls === c).length} ${c}`
    ).join(", ");
  return compose("layers_head_classes", [main], {
    title: "Head classes of a trained HopfieldPooling, across training",
    legend: labels.map((l, i) => ({ label: l, color: colour(i) })),
    note:
      `MNIST-bags (${p.trainBags} training, ${p.testBags} test bags), encoder 784 → ${p.embedding}, HopfieldPooling ` +
      `with 4 heads of d_h = ${p.hidden}, AdamW lr ${p.lr}, ${p.epochs} epochs, seed ${
        p.seeds[0]
      }. Median over the test ` +
      `queries of k/N, k the fewest instances carrying 90% of the mass; dashed: Ramsauer et al.'s class boundaries. ` +
      `Classes before training: ${count(0)}; after: ${count(last)}. Test accuracy ${
        (100 * data.accuracy).toFixed(1)
      }%. ` +
      `cpu (TypeScript, Float64).`,
  });
}

/** The notebook's statement: each head's class before and after training. */
export function headClassVerdict(data: HeadClassData): string {
  const last = Math.max(...data.rows.map((r) => r.epoch));
  const at = (e: number) =>
    data.rows.filter((r) => r.epoch === e).map((r) =>
      `head ${r.head} ${r.cls} (k/N ${r.fraction.toFixed(2)})`
    );
  return `Before training: ${at(0).join(", ")}.\nAfter ${last} epochs: ${at(last).join(", ")}.`;
}
