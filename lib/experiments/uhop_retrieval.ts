/**
 * Notebook 04, figure `uhop_retrieval`: retrieval error against the memory-set size M for every method of the
 * U-Hop protocol (`uhop_protocol.ts`), on MNIST and on the synthetic set; the same runs give Δ_min before and after
 * Stage I (`uhop_separation.ts`).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { dropout } from "../data/corrupt.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { createPrng } from "../linalg/prng.ts";
import type { StageOneOptions } from "../kernel/stage_one.ts";
import { identityFeatureMap } from "../kernel/feature_map.ts";
import { normalisedSeparation } from "../kernel/separation.ts";
import { compose, type Figure, panel } from "../plot/mod.ts";
import { progress } from "./scale.ts";
import { methodLegend, methodMarks } from "./uhop_style.ts";
import {
  clampedSquaredErrors,
  protocolStageOne,
  UHOP_DATASETS,
  UHOP_METHODS,
  type UhopDataset,
  uhopMemories,
  type UhopMethod,
  uhopStep,
  usesKernel,
} from "./uhop_protocol.ts";

/** Stage I settings of a protocol run (the backend is the run's; the seed comes from the trial). */
export type UhopStageOneSettings = Omit<StageOneOptions, "prng" | "backend" | "onEpoch" | "init">;

/** Parameters of the retrieval-against-M experiment. */
export interface UhopRetrievalParams {
  /** Memory sets. */
  datasets: UhopDataset[];
  /** Memory-set sizes M. */
  ms: number[];
  /** One trial per seed at each (dataset, M): memories, queries and W's initialisation. */
  seeds: number[];
  /** Methods (default all of `UHOP_METHODS`). */
  methods?: UhopMethod[];
  /** β of the one update (the protocol's is 1). */
  beta: number;
  /** Dropout rate of the queries (the protocol's is 0.5; survivors are scaled by 1/(1 − rate)). */
  dropout: number;
  /** Stage I of the U-Hop methods. */
  stageOne: UhopStageOneSettings;
  /** Sign of the distances in Manhattan and L2 (default `negative`; `positive` is the official code's). */
  distanceSign?: "negative" | "positive";
  /** Backend of every product. */
  backend: Backend;
}

/** Mean ± standard deviation over seeds of the mean error of one method. */
export interface UhopErrorRow {
  /** Memory set. */
  dataset: UhopDataset;
  /** M. */
  m: number;
  /** Method. */
  method: UhopMethod;
  /** Mean over seeds of the per-trial mean error. */
  mean: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  std: number;
}

/** Δ_min of the normalised features of one memory set before and after Stage I. */
export interface UhopSeparationRow {
  /** Memory set. */
  dataset: UhopDataset;
  /** M. */
  m: number;
  /** Trial seed. */
  seed: number;
  /** `1 − max_{μ≠ν} cos` of Φ(ξ) before Stage I (the Gaussian W). */
  before: number;
  /** The same after Stage I. */
  after: number;
  /** Δ_min of the memories themselves (Φ = id), normalised the same way. */
  raw: number;
}

/** Results of the retrieval-against-M experiment. */
export interface UhopRetrievalData {
  /** One row per (dataset, M, method). */
  rows: UhopErrorRow[];
  /** One row per (dataset, M, seed) when a U-Hop method ran. */
  separation: UhopSeparationRow[];
  /** Parameters, for captions. */
  params: Omit<UhopRetrievalParams, "backend"> & { backend: string };
}

/** Mean and sample standard deviation. */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(v) };
}

/** The seed of one trial: distinct for every (dataset, M, seed). */
export function trialSeed(dataset: UhopDataset, m: number, seed: number): number {
  return (seed * 1_000_003 + m * 7919 + UHOP_DATASETS.indexOf(dataset) * 104729) % 2_147_483_647;
}

/**
 * Runs every (dataset, M, seed) trial: draws the memories, one dropout query per memory, Stage I once (shared by
 * the U-Hop methods), one update by each method, the mean clamped squared error.
 */
export async function runUhopRetrieval(params: UhopRetrievalParams): Promise<UhopRetrievalData> {
  const log = progress("uhop_retrieval");
  const methods = params.methods ?? [...UHOP_METHODS];
  const rows: UhopErrorRow[] = [], separation: UhopSeparationRow[] = [];
  for (const dataset of params.datasets) {
    for (const m of params.ms) {
      const errors = new Map<UhopMethod, number[]>(methods.map((k) => [k, []]));
      for (const seed of params.seeds) {
        const ts = trialSeed(dataset, m, seed);
        const X = uhopMemories(dataset, m, ts);
        const Q = dropout(X, { rate: params.dropout, prng: createPrng(ts + 1) });
        let map;
        if (methods.some(usesKernel)) {
          const s1 = await protocolStageOne(X, { ...params.stageOne, backend: params.backend }, ts + 2);
          const raw = await normalisedSeparation(identityFeatureMap(X.cols), X, { backend: params.backend });
          separation.push({ dataset, m, seed, before: s1.deltaMin[0], after: s1.deltaMin.at(-1)!, raw });
          map = s1.map;
        }
        for (const method of methods) {
          const states = await uhopStep(method, X, Q, {
            backend: params.backend,
            beta: params.beta,
            map,
            distanceSign: params.distanceSign,
          });
          const e = clampedSquaredErrors(X, states);
          errors.get(method)!.push(e.reduce((a, b) => a + b, 0) / e.length);
        }
      }
      for (const method of methods) rows.push({ dataset, m, method, ...meanStd(errors.get(method)!) });
      const best = rows.filter((r) => r.dataset === dataset && r.m === m).sort((a, b) => a.mean - b.mean)[0];
      log(
        `${dataset} M = ${m}: ${params.seeds.length} seed(s); lowest error ${
          best.mean.toPrecision(3)
        } (${best.method})`,
      );
    }
  }
  return { rows, separation, params: { ...params, methods, backend: backendLabel(params.backend) } };
}

/**
 * Whether U-Hop lowers the error at the largest M of `dataset`, map by map, as a sentence with the numbers
 * (mean over seeds) — for the notebook to state whichever way it comes out.
 *
 * @example
 * ```ts
 * import { uhopVerdict } from "./uhop_retrieval.ts";
 * import assert from "node:assert/strict";
 * const rows = [
 *   { dataset: "mnist" as const, m: 500, method: "MHN softmax" as const, mean: 28.5, std: 4 },
 *   { dataset: "mnist" as const, m: 500, method: "U-Hop softmax" as const, mean: 16.3, std: 5 },
 * ];
 * const params = { datasets: ["mnist" as const], ms: [500], seeds: [1, 2, 3] } as never;
 * assert.match(uhopVerdict({ rows, separation: [], params }, "mnist"), /lowers.*softmax 28\.5 → 16\.3/);
 * ```
 */
export function uhopVerdict(data: UhopRetrievalData, dataset: UhopDataset): string {
  const m = Math.max(...data.rows.filter((r) => r.dataset === dataset).map((r) => r.m));
  const at = (method: string) =>
    data.rows.find((r) => r.dataset === dataset && r.m === m && r.method === method);
  const pairs = ["softmax", "sparsemax", "1.5-entmax"].flatMap((k) => {
    const mhn = at(`MHN ${k}`), uhop = at(`U-Hop ${k}`);
    return mhn && uhop ? [{ k, mhn: mhn.mean, uhop: uhop.mean }] : [];
  });
  if (pairs.length === 0) return `No MHN/U-Hop pair ran on ${dataset}.`;
  const lower = pairs.filter((p) => p.uhop < p.mhn).length;
  const verdict = lower === pairs.length
    ? "lowers"
    : lower === 0
    ? "does not lower"
    : "lowers only for some maps";
  const fmt = (v: number) => (Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toPrecision(3));
  return `At M = ${m} on ${
    dataset === "mnist" ? "MNIST" : "the synthetic set"
  }, U-Hop ${verdict} the error ` +
    `(MHN → U-Hop, mean over ${data.params.seeds.length} seed(s)): ` +
    pairs.map((p) => `${p.k} ${fmt(p.mhn)} → ${fmt(p.uhop)}`).join(", ") + ".";
}

/**
 * One panel per dataset: mean error (± one standard deviation over seeds) against M, one line per method;
 * poly-10, whose un-normalised output leaves the pixel range, is reported in the note instead of drawn.
 */
export function uhopRetrievalFigure(data: UhopRetrievalData): Figure {
  const p = data.params;
  const methods = (p.methods ?? [...UHOP_METHODS]).filter((k) => k !== "poly-10");
  const panels = p.datasets.map((dataset) => {
    const rows = data.rows.filter((r) => r.dataset === dataset && r.method !== "poly-10");
    return panel({
      width: 460,
      marginLeft: 50,
      x: { type: "log", label: "memories M", ticks: p.ms },
      y: { label: "mean clamped squared error", grid: true, zero: true },
      marks: [
        ...methodMarks(rows, methods, "m"),
        Plot.text([dataset === "mnist" ? "MNIST (d = 784)" : "synthetic N(0, I), d = 100"], {
          frameAnchor: "top-left",
          dx: 4,
          dy: 4,
          fontWeight: "bold",
        }),
      ],
    });
  });
  const s = p.stageOne;
  const poly = data.rows.filter((r) => r.method === "poly-10").map((r) => r.mean);
  return compose("uhop_retrieval", panels, {
    title: "Retrieval error against the number of memories (one update from dropout queries)",
    legend: methodLegend(methods),
    note:
      `β = ${p.beta}; queries: dropout ${p.dropout} (survivors ×${
        1 / (1 - p.dropout)
      }); error Σ (clamp(ξ) − ` +
      `clamp(ξ_new))² over [0, 1], mean over memories, then mean ± sd over ${p.seeds.length} seed(s). U-Hop's ` +
      `Stage I: ${s.loss ?? "max"} loss, ${s.epochs ?? 100} epochs, ${s.optimiser ?? "sgd"} lr ` +
      `${s.lr ?? (s.loss === "average" ? 1 : 10)}, trained on ${
        s.trainOn ?? "all"
      } memories. Distances enter ` +
      `softmax ${p.distanceSign === "positive" ? "positive (official code)" : "negated"}. ` +
      (poly.length
        ? `poly-10 is off the scale (${Math.min(...poly).toFixed(1)}–${Math.max(...poly).toFixed(1)}). `
        : "") +
      `${p.backend}.`,
  });
}
