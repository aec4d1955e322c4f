/**
 * Notebook 04, figure `uhop_epochs`: how many Stage-I epochs U-Hop needs. At fixed M, one Stage-I run per seed is
 * snapshotted at each listed epoch; each snapshot's map retrieves the dropout queries of the protocol
 * (`uhop_protocol.ts`), beside Δ_min of the normalised features at that epoch.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { dropout } from "../data/corrupt.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { createPrng } from "../linalg/prng.ts";
import type { LinearFeatureMap } from "../kernel/feature_map.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";
import {
  clampedSquaredErrors,
  protocolStageOne,
  type UhopDataset,
  uhopMemories,
  uhopStep,
} from "./uhop_protocol.ts";
import type { UhopMethod } from "./uhop_protocol.ts";
import { meanStd, trialSeed, type UhopStageOneSettings } from "./uhop_retrieval.ts";
import { methodLegend, methodStyle } from "./uhop_style.ts";

/** Parameters of the epochs sweep. */
export interface UhopEpochsParams {
  /** Memory set. */
  dataset: UhopDataset;
  /** Memories M (the protocol's is 100). */
  m: number;
  /** Epochs at which the map is evaluated (0 is the Gaussian start). */
  epochs: number[];
  /** One Stage-I run per seed. */
  seeds: number[];
  /** β (1) and the dropout rate of the queries (0.5). */
  beta: number;
  /** Dropout rate of the queries. */
  dropout: number;
  /** Stage I (its `epochs` is the largest of `epochs`). */
  stageOne: Omit<UhopStageOneSettings, "epochs">;
  /** Backend of every product. */
  backend: Backend;
}

/** One row per (epoch, method) and the Δ_min at each epoch. */
export interface UhopEpochsData {
  /** Mean ± sd over seeds of the error of each U-Hop method, and of MHN with the same map for reference. */
  rows: { epoch: number; method: UhopMethod; mean: number; std: number }[];
  /** Mean ± sd over seeds of Δ_min of the normalised features at each epoch. */
  deltaMin: { epoch: number; mean: number; std: number }[];
  /** Parameters, for captions. */
  params: Omit<UhopEpochsParams, "backend"> & { backend: string };
}

const METHODS: UhopMethod[] = ["U-Hop softmax", "U-Hop sparsemax", "U-Hop 1.5-entmax", "MHN softmax"];

/** Runs Stage I to the largest epoch per seed and evaluates the snapshots. */
export async function runUhopEpochs(params: UhopEpochsParams): Promise<UhopEpochsData> {
  const log = progress("uhop_epochs");
  const want = [...new Set(params.epochs)].sort((a, b) => a - b), last = want.at(-1)!;
  const errors = new Map<string, number[]>(), deltas = new Map<number, number[]>();
  for (const seed of params.seeds) {
    const ts = trialSeed(params.dataset, params.m, seed);
    const X = uhopMemories(params.dataset, params.m, ts);
    const Q = dropout(X, { rate: params.dropout, prng: createPrng(ts + 1) });
    const snapshots = new Map<number, LinearFeatureMap>();
    const run = await protocolStageOne(X, {
      ...params.stageOne,
      epochs: last,
      backend: params.backend,
      onEpoch: ({ epoch, map }) => {
        if (want.includes(epoch)) snapshots.set(epoch, map);
      },
    }, ts + 2);
    for (const epoch of want) {
      const map = epoch === 0 ? undefined : snapshots.get(epoch);
      deltas.set(epoch, [...(deltas.get(epoch) ?? []), run.deltaMin[epoch]]);
      for (const method of METHODS) {
        if (epoch === 0 && method !== "MHN softmax") continue; // the Gaussian start is drawn inside Stage I
        const states = await uhopStep(method, X, Q, { backend: params.backend, beta: params.beta, map });
        const e = clampedSquaredErrors(X, states), key = `${epoch}|${method}`;
        errors.set(key, [...(errors.get(key) ?? []), e.reduce((a, b) => a + b, 0) / e.length]);
      }
    }
    log(
      `seed ${seed}: Δ_min ${run.deltaMin[0].toFixed(3)} → ${
        run.deltaMin[last].toFixed(3)
      } in ${last} epochs`,
    );
  }
  const rows = want.flatMap((epoch) =>
    METHODS.filter((k) => errors.has(`${epoch}|${k}`)).map((method) => ({
      epoch,
      method,
      ...meanStd(errors.get(`${epoch}|${method}`)!),
    }))
  );
  const deltaMin = want.map((epoch) => ({ epoch, ...meanStd(deltas.get(epoch)!) }));
  return { rows, deltaMin, params: { ...params, backend: backendLabel(params.backend) } };
}

/** Left: error of each U-Hop method against Stage-I epochs (MHN softmax as a line); right: Δ_min against epochs. */
export function uhopEpochsFigure(data: UhopEpochsData): Figure {
  const p = data.params, epochs = data.deltaMin.map((r) => r.epoch).filter((e) => e > 0);
  const mhn = data.rows.find((r) => r.method === "MHN softmax")?.mean;
  const uhop = data.rows.filter((r) => r.method !== "MHN softmax" && r.epoch > 0);
  const shown = METHODS.filter((k) => k !== "MHN softmax");
  const left = panel({
    width: 420,
    marginLeft: 50,
    x: { type: "log", label: "Stage-I epochs", ticks: epochs },
    y: { label: "mean clamped squared error", grid: true, zero: true },
    marks: [
      ...(mhn === undefined
        ? []
        : [Plot.ruleY([mhn], { stroke: methodStyle("MHN softmax").color, strokeDasharray: "5,3" })]),
      ...shown.map((method) =>
        Plot.line(uhop.filter((r) => r.method === method), {
          x: "epoch",
          y: "mean",
          stroke: methodStyle(method).color,
          marker: "dot",
        })
      ),
    ],
  });
  const right = panel({
    width: 420,
    x: { type: "log", label: "Stage-I epochs", ticks: epochs },
    y: { label: "Δ_min of the normalised features", grid: true, zero: true },
    marks: [
      Plot.line(data.deltaMin.filter((r) => r.epoch > 0), {
        x: "epoch",
        y: "mean",
        stroke: THEME.colors[4],
        marker: "dot",
      }),
      Plot.ruleX(data.deltaMin.filter((r) => r.epoch > 0 && r.std > 0), {
        x: "epoch",
        y1: (r: { mean: number; std: number }) => r.mean - r.std,
        y2: (r: { mean: number; std: number }) => r.mean + r.std,
        stroke: THEME.colors[4],
      }),
      Plot.ruleY([data.deltaMin[0].mean], { stroke: THEME.colors[9], strokeDasharray: "2,3" }),
    ],
  });
  const s = p.stageOne;
  return compose("uhop_epochs", [left, right], {
    title: `Stage-I epochs: retrieval error and separation (MNIST, M = ${p.m})`,
    legend: methodLegend([...shown, "MHN softmax"]),
    note:
      `Dropout ${p.dropout} queries, one update, β = ${p.beta}; mean (± sd for Δ_min) over ${p.seeds.length} ` +
      `seed(s). Dashed: MHN softmax (left); Δ_min of the Gaussian start (right). Stage I: ${
        s.loss ?? "max"
      } loss, ` +
      `${s.optimiser ?? "sgd"}, lr ${s.lr ?? (s.loss === "average" ? 1 : 10)}. ${p.backend}.`,
  });
}
