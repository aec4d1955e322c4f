/**
 * Notebook 05, table and figure `metastable_table`: U-Hop+'s Table 1 (Hu et al. 2024) regenerated with the
 * official scripts' protocols — the distribution of metastable-state sizes ‖p‖ after a fixed number of updates,
 * for softmax, 1.5-entmax and sparsemax, each without and with U-Hop+'s learned feature map.
 *
 * - Synthetic (`synthetic_metastable.py`): memories and queries are unit vectors in ℝ⁵ with Gaussian directions,
 *   β = 1, 20 updates, D_Φ = 5, U-Hop+ 20 full-batch Adam steps at lr 1, τ = 0.1 (the script's 10 queries make
 *   every cell a multiple of 10%; the query count is a parameter here).
 * - MNIST (`MNIST_metastable.py`): memories the training digits, queries the test digits, pixels in [−1, 1],
 *   β = 0.1, 5 updates, D_Φ = 200, U-Hop+ one epoch in minibatches of 16, Adam lr 0.1, τ = 0.1.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { bipolarPixels, loadMnist } from "../data/mnist.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { type Matrix, matrix, unitRows } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import type { MapKind } from "../maps/spec.ts";
import { separateMemories } from "../kernel/stage_one.ts";
import { compose, type Figure, panel } from "../plot/mod.ts";
import { type MetastableColumn, metastableTable, SUPPORT_BINS } from "./metastable.ts";
import { progress } from "./scale.ts";

/** One dataset's protocol. */
export interface MetastableProtocol {
  /** `synthetic` or `mnist`. */
  dataset: "synthetic" | "mnist";
  /** Memories N (MNIST: the first N training digits; synthetic: N random unit vectors in ℝ⁵). */
  memories: number;
  /** Queries (MNIST: the first of the test digits; synthetic: random unit vectors). */
  queries: number;
  /** Inverse temperature. */
  beta: number;
  /** Updates from each query. */
  steps: number;
  /** D_Φ of U-Hop+'s affine map. */
  featureDim: number;
  /** U-Hop+: epochs, minibatch size (all memories when absent), Adam's rate and the temperature τ. */
  uhopPlus: { epochs: number; batchSize?: number; lr: number; tau: number };
  /** Seed of the synthetic sets and of W's start and batch order. */
  seed: number;
}

/** The table of one dataset. */
export interface MetastableTableData {
  /** The protocol, for the caption. */
  protocol: MetastableProtocol;
  /** One column per (map, with or without U-Hop+). */
  columns: MetastableColumn[];
  /** Δ_min of the memories' normalised features before and after U-Hop+ (what it raises). */
  deltaMin: { before: number; after: number };
  /** The backend. */
  backend: string;
}

/** The maps of the table, in its column order. */
export const TABLE_MAPS: MapKind[] = ["softmax", "entmax15", "sparsemax"];

/** Memories and queries of a protocol. */
function dataOf(p: MetastableProtocol): { X: Matrix; Q: Matrix } {
  if (p.dataset === "mnist") {
    return {
      X: bipolarPixels(loadMnist({ split: "train", count: p.memories }).images),
      Q: bipolarPixels(loadMnist({ split: "test", count: p.queries }).images),
    };
  }
  const prng = createPrng(p.seed),
    gauss = (n: number) => {
      const m = matrix(n, 5);
      for (let k = 0; k < m.data.length; k++) m.data[k] = prng.normal();
      return unitRows(m);
    };
  return { X: gauss(p.memories), Q: gauss(p.queries) };
}

/** Trains U-Hop+ on the memories, then counts sizes for every map without and with its map. */
export async function runMetastableTable(
  p: MetastableProtocol,
  backend: Backend,
): Promise<MetastableTableData> {
  const log = progress("metastable_table");
  const { X, Q } = dataOf(p);
  const prng = createPrng(p.seed + 1), u = p.uhopPlus;
  log(
    `${p.dataset}: U-Hop+ on ${X.rows} memories (D_Φ = ${p.featureDim}, ${u.epochs} epoch(s), τ = ${u.tau})`,
  );
  const trained = await separateMemories(X, {
    prng,
    backend,
    loss: "log-sum-exp",
    tau: u.tau,
    optimiser: "adam",
    lr: u.lr,
    epochs: u.epochs,
    batchSize: u.batchSize,
    featureDim: p.featureDim,
    bias: true,
    requireFullRank: false,
    initScale: Math.sqrt(2 / X.cols),
    onStep: ({ step, steps }) => log.tick(`${p.dataset}: U-Hop+ step ${step} of ${steps}`),
  });
  const columns = await metastableTable(X, Q, {
    maps: TABLE_MAPS,
    beta: p.beta,
    steps: p.steps,
    backend,
    featureMap: trained.map,
  });
  return {
    protocol: p,
    columns,
    deltaMin: { before: trained.deltaMin[0], after: trained.deltaMin.at(-1)! },
    backend: backendLabel(backend),
  };
}

const MAP_LABEL: Record<string, string> = {
  softmax: "softmax",
  entmax15: "1.5-entmax",
  sparsemax: "sparsemax",
};

/**
 * Whether U-Hop+ raises the share of ‖p‖ = 1 retrievals, map by map, as a sentence with the numbers — for the
 * notebook to state whichever way it comes out.
 *
 * @example
 * ```ts
 * import { metastableVerdict } from "./uhop_plus_table.ts";
 * import assert from "node:assert/strict";
 * const f = (one: number) => [0, one, 1 - one, 0, 0, 0, 0, 0, 0, 0, 0, 0];
 * const data = {
 *   protocol: { dataset: "mnist" },
 *   deltaMin: { before: 0, after: 0 },
 *   backend: "cpu",
 *   columns: [{ map: "softmax", uhopPlus: false, fractions: f(0.2) }, { map: "softmax", uhopPlus: true, fractions: f(0.9) }],
 * } as never;
 * assert.match(metastableVerdict(data), /raises.*softmax 20\.0% → 90\.0%/);
 * ```
 */
export function metastableVerdict(data: MetastableTableData): string {
  const pairs = TABLE_MAPS.flatMap((map) => {
    const plain = data.columns.find((c) => c.map === map && !c.uhopPlus);
    const plus = data.columns.find((c) => c.map === map && c.uhopPlus);
    return plain && plus ? [{ map, before: plain.fractions[1], after: plus.fractions[1] }] : [];
  });
  if (pairs.length === 0) return "No map ran both with and without U-Hop+.";
  const up = pairs.filter((p) => p.after > p.before).length;
  const verdict = up === pairs.length ? "raises" : up === 0 ? "does not raise" : "raises for some maps only";
  return `On ${
    data.protocol.dataset === "mnist" ? "MNIST" : "the synthetic set"
  }, U-Hop+ ${verdict} the share of ` +
    `‖p‖ = 1 retrievals (without → with): ` +
    pairs.map((p) => `${MAP_LABEL[p.map]} ${(100 * p.before).toFixed(1)}% → ${(100 * p.after).toFixed(1)}%`)
      .join(", ") +
    ".";
}

/** A table as a figure: one cell per (size, column) with the percentage, shaded by it. */
export function metastableTableFigure(data: MetastableTableData): Figure {
  const label = (c: MetastableColumn) => `${MAP_LABEL[c.map] ?? c.map}${c.uhopPlus ? " + U-Hop+" : ""}`;
  const cells = data.columns.flatMap((c) =>
    SUPPORT_BINS.map((bin, i) => ({ column: label(c), size: bin, percent: 100 * c.fractions[i] }))
  );
  const p = data.protocol, u = p.uhopPlus;
  const fig = panel({
    width: 120 + 110 * data.columns.length,
    height: 40 + 24 * SUPPORT_BINS.length,
    marginLeft: 60,
    marginTop: 30,
    x: { domain: data.columns.map(label), axis: "top", label: null, tickSize: 0 },
    y: { domain: [...SUPPORT_BINS], label: "‖p‖", tickSize: 0 },
    color: { type: "sqrt", scheme: "blues", domain: [0, 100] },
    marks: [
      Plot.cell(cells, { x: "column", y: "size", fill: "percent", inset: 1 }),
      Plot.text(cells, {
        x: "column",
        y: "size",
        text: (d: { percent: number }) => (d.percent === 0 ? "·" : d.percent.toFixed(1)),
        fill: (d: { percent: number }) => (d.percent > 50 ? "white" : "black"),
      }),
    ],
  });
  const what = p.dataset === "mnist"
    ? `MNIST: ${p.memories} training digits stored, ${p.queries} test digits as queries, pixels in [−1, 1]`
    : `synthetic: ${p.memories} memories and ${p.queries} queries, unit vectors in ℝ⁵`;
  return compose(`metastable_table_${p.dataset}`, [fig], {
    title: `Metastable-state sizes ‖p‖ after ${p.steps} updates (% of queries), ${p.dataset}`,
    note:
      `${what}; β = ${p.beta}; ‖p‖ counts entries above 0.01 (softmax) or above 0. U-Hop+: affine map to ` +
      `D_Φ = ${p.featureDim}, ${u.epochs} epoch(s)${
        u.batchSize ? ` in minibatches of ${u.batchSize}` : ""
      }, Adam ` +
      `lr ${u.lr}, τ = ${u.tau}; Δ_min of the memories' features ${data.deltaMin.before.toFixed(4)} → ` +
      `${data.deltaMin.after.toFixed(4)}. ${data.backend}.`,
  });
}
