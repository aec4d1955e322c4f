/**
 * Notebook 03, figure `phase_thresholds`: K_sn, K_t and K_spin against N.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { phaseThresholds } from "../theory/phase.ts";
import { round } from "./round.ts";

/** K_sn, K_t and K_spin for each N. */
export interface ThresholdScalingData {
  /** K_sn, K_t and K_spin per N. */
  rows: { n: number; K_sn: number; K_t: number; K_spin: number }[];
}

/** The thresholds for each N. */
export function runThresholdScaling(params: { ns: number[] }): ThresholdScalingData {
  return {
    rows: params.ns.map((n) => {
      const t = phaseThresholds(n);
      return { n, K_sn: round(t.K_sn), K_t: round(t.K_t), K_spin: t.K_spin };
    }),
  };
}

/** Thresholds against N on a log axis: logarithmic growth of K_sn and K_t, linear growth of K_spin. */
export function thresholdScalingFigure(data: ThresholdScalingData): Figure {
  const names = ["K_sn (minima appear)", "K_t (equal energy)", "K_spin = N (global unstable)", "2 ln N"];
  const colors = [THEME.colors[0], THEME.colors[1], THEME.colors[3], "#999"];
  const long = data.rows.flatMap((r) => [
    { n: r.n, K: r.K_sn, name: names[0] },
    { n: r.n, K: r.K_t, name: names[1] },
    { n: r.n, K: r.K_spin, name: names[2] },
    { n: r.n, K: round(2 * Math.log(r.n)), name: names[3] },
  ]);
  const color = { domain: names, range: colors };
  const left = panel({
    width: 340,
    height: 300,
    title: "log N axis: K_sn, K_t grow like ln N",
    x: { type: "log", label: "N" },
    y: { label: "K", grid: true },
    color,
    marks: [
      Plot.line(long.filter((r) => r.name === names[0] || r.name === names[1]), {
        x: "n",
        y: "K",
        stroke: "name",
      }),
      Plot.line(long.filter((r) => r.name === names[3]), {
        x: "n",
        y: "K",
        stroke: "name",
        strokeDasharray: "4,3",
      }),
    ],
  });
  const right = panel({
    width: 340,
    height: 300,
    title: "log–log: K_spin = N grows linearly",
    x: { type: "log", label: "N" },
    y: { type: "log", label: "K", grid: true },
    color,
    marks: [
      Plot.line(long.filter((r) => r.name !== names[3]), { x: "n", y: "K", stroke: "name" }),
      Plot.line(long.filter((r) => r.name === names[3]), {
        x: "n",
        y: "K",
        stroke: "name",
        strokeDasharray: "4,3",
      }),
    ],
  });
  return compose("phase_thresholds", [left, right], {
    title: "The coexistence window K_sn < K < N widens with N: β_c grows logarithmically",
    legend: names.map((label, i) => ({ label, color: colors[i] })),
    note: "K = β r²(1 − c); for the centred unit simplex β = K (N − 1)/N.",
  });
}
