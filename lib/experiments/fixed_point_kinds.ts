/**
 * Notebook 01, figure `fixed_point_kinds`: the fraction of retrieved states that are single-pattern,
 * metastable or global fixed points, against β, for MNIST digits, under both size measures.
 *
 * @module
 */
import { loadMnist } from "../data/mnist.ts";
import { classifyFixedPoint, type FixedPointKind, sizeAbove, sizeForMass } from "../hopfield/fixed_points.ts";
import { retrieveOn } from "../backend/retrieve.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { row, unitRows } from "../linalg/matrix.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the fixed-point census. */
export interface FixedPointParams {
  /** Number of stored digits N (unit-normalised). */
  n: number;
  /** Number of queries (test digits, unit-normalised). */
  queries: number;
  /** Inverse temperatures. */
  betas: number[];
  /** Update cap per query. */
  maxSteps: number;
  /** Backend of the retrievals (from `selectBackend()`). */
  backend: Backend;
}

/** Fractions of each kind per β and size measure. */
export interface FixedPointData {
  /** Stored digits N. */
  n: number;
  /** Fraction of queries of each kind, per β and size measure. */
  rows: { beta: number; measure: string; kind: CensusKind; fraction: number }[];
  /** Fraction of queries that met the stopping rule, per β. */
  converged: { beta: number; fraction: number }[];
  /** The backend the retrievals ran on. */
  backend: string;
}

const MEASURES = ["entries > 0.01", "fewest entries with 90% mass"] as const;
/**
 * What the census counts: a fixed point's kind, or, under the threshold measure, that no entry exceeds 0.01 (the
 * mass is spread over more than 100 patterns, which that measure cannot size: with N = 1000 it never reaches N/2).
 */
export type CensusKind = FixedPointKind | "no entry above 0.01";
const KINDS: CensusKind[] = ["single", "metastable", "global", "no entry above 0.01"];

/** Stores N unit-norm training digits, retrieves from test digits, and classifies each final state. */
export async function runFixedPointKinds(params: FixedPointParams): Promise<FixedPointData> {
  const log = progress("fixed_point_kinds");
  const X = unitRows(loadMnist({ split: "train", count: params.n }).images);
  const Q = unitRows(loadMnist({ split: "test", count: params.queries }).images);
  const rows: FixedPointData["rows"] = [], converged: FixedPointData["converged"] = [];
  for (const beta of params.betas) {
    const r = await retrieveOn(X, Q, {
      beta,
      maxSteps: params.maxSteps,
      trajectory: false,
      backend: params.backend,
    });
    const sizes = [(p: Float64Array) => sizeAbove(p, 0.01), (p: Float64Array) => sizeForMass(p, 0.9)];
    sizes.forEach((size, m) => {
      const counts: Record<CensusKind, number> = {
        single: 0,
        metastable: 0,
        global: 0,
        "no entry above 0.01": 0,
      };
      for (let q = 0; q < Q.rows; q++) {
        const k = size(row(r.probabilities, q));
        counts[k === 0 ? "no entry above 0.01" : classifyFixedPoint(k, X.rows)]++;
      }
      for (const kind of KINDS) {
        rows.push({ beta, measure: MEASURES[m], kind, fraction: counts[kind] / Q.rows });
      }
    });
    converged.push({ beta, fraction: r.converged.filter(Boolean).length / Q.rows });
    log(`β = ${beta}: done`);
  }
  return { n: params.n, rows, converged, backend: backendLabel(params.backend) };
}

/** One panel per size measure: fraction of single / metastable / global fixed points against β. */
export function fixedPointKindsFigure(data: FixedPointData): Figure {
  const colors = [THEME.colors[0], THEME.colors[1], THEME.colors[2], THEME.colors[9]];
  const panels = MEASURES.map((measure) =>
    panel({
      width: 400,
      x: { type: "log", label: `β   (size = ${measure})` },
      y: { domain: [0, 1], label: "fraction of queries", grid: true },
      color: { domain: KINDS, range: colors },
      marks: [
        Plot.areaY(data.rows.filter((r) => r.measure === measure), {
          x: "beta",
          y: "fraction",
          fill: "kind",
          order: KINDS,
        }),
      ],
    })
  );
  return compose("fixed_point_kinds", panels, {
    title: `Fixed points reached from MNIST test digits (N = ${data.n} stored) against β`,
    legend: KINDS.map((k, i) => ({
      label: k === "global"
        ? "global (size > N/2)"
        : k === "single"
        ? "single pattern (size 1)"
        : k === "metastable"
        ? "metastable (2 … N/2)"
        : "no entry above 0.01",
      color: colors[i],
    })),
    note:
      "Ramsauer et al. 2020, App. A.1.5 (three kinds) and A.5.1 (90% mass size); Hu et al. 2024 (entries above 0.01).",
  });
}
