/**
 * Notebook 04, figure `uhop_separation`: Δ_min of the memories' normalised features against M — of the memories
 * themselves, under Stage I's Gaussian start, and after Stage I — from the runs of `uhop_retrieval.ts`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { meanStd, type UhopRetrievalData } from "./uhop_retrieval.ts";

/** Mean ± sd over seeds of each Δ_min, per (dataset, M). */
export function uhopSeparationRows(
  data: UhopRetrievalData,
): { dataset: string; m: number; stage: string; mean: number; std: number }[] {
  const keys = [...new Set(data.separation.map((r) => `${r.dataset}|${r.m}`))];
  return keys.flatMap((key) => {
    const rows = data.separation.filter((r) => `${r.dataset}|${r.m}` === key);
    const [dataset, m] = [rows[0].dataset, rows[0].m];
    return [
      { dataset, m, stage: "memories (Φ = id)", ...meanStd(rows.map((r) => r.raw)) },
      { dataset, m, stage: "Gaussian W (start)", ...meanStd(rows.map((r) => r.before)) },
      { dataset, m, stage: "after Stage I", ...meanStd(rows.map((r) => r.after)) },
    ];
  });
}

const STAGES = ["memories (Φ = id)", "Gaussian W (start)", "after Stage I"];
const COLOURS = [THEME.colors[9], THEME.colors[1], THEME.colors[0]];

/** One panel per dataset: Δ_min (1 − largest cosine) against M for the three stages. */
export function uhopSeparationFigure(data: UhopRetrievalData): Figure {
  const all = uhopSeparationRows(data), p = data.params;
  const panels = p.datasets.map((dataset) => {
    const rows = all.filter((r) => r.dataset === dataset);
    return panel({
      width: 420,
      x: { type: "log", label: "memories M", ticks: p.ms },
      y: { label: "Δ_min = 1 − max cos", grid: true, zero: true },
      color: { domain: STAGES, range: COLOURS },
      marks: [
        Plot.line(rows, { x: "m", y: "mean", stroke: "stage", marker: "dot" }),
        Plot.ruleX(rows.filter((r) => r.std > 0), {
          x: "m",
          y1: (r: { mean: number; std: number }) => r.mean - r.std,
          y2: (r: { mean: number; std: number }) => r.mean + r.std,
          stroke: "stage",
          strokeOpacity: 0.5,
        }),
        Plot.text([dataset === "mnist" ? "MNIST (d = 784)" : "synthetic N(0, I), d = 100"], {
          frameAnchor: "top-right",
          dx: -4,
          dy: 4,
          fontWeight: "bold",
        }),
      ],
    });
  });
  const s = p.stageOne;
  return compose("uhop_separation", panels, {
    title: "Separation of the memories' normalised features before and after Stage I",
    legend: STAGES.map((label, i) => ({ label, color: COLOURS[i] })),
    note:
      `Δ_min = 1 − max_{μ≠ν} cos(Φξ_μ, Φξ_ν): what Stage I's ${s.loss ?? "max"} loss raises (${
        s.epochs ?? 100
      } ` +
      `epochs, lr ${
        s.lr ?? (s.loss === "average" ? 1 : 10)
      }); mean ± sd over ${p.seeds.length} seed(s), the ` +
      `memory sets of the retrieval figure. ${p.backend}.`,
  });
}
