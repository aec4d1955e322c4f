/**
 * Notebook 03, figure `phase_bifurcation`: the fixed points of the reduced map against K, with the three
 * thresholds marked.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import {
  fixedPointCoupling,
  type PhaseThresholds,
  phaseThresholds,
  reducedMapSlope,
} from "../theory/phase.ts";
import { round } from "./round.ts";

/** Fixed points against K, and the thresholds. */
export interface BifurcationData {
  /** Number of patterns N. */
  n: number;
  /** Largest K drawn. */
  kMax: number;
  /** K_sn, K_t, K_spin and the rest for N. */
  thresholds: PhaseThresholds;
  /** Fixed points (K, m) on each branch, with their stability along the line. */
  points: { K: number; m: number; stable: boolean; branch: string }[];
}

/** Traces every fixed-point branch of `F_K`: `m = 0` and the curve `K = K(m)`, with stability. */
export function runBifurcation(params: { n: number; kMax: number; points: number }): BifurcationData {
  const { n, kMax } = params, lo = -1 / (n - 1);
  const points: BifurcationData["points"] = [];
  for (let i = 0; i <= params.points; i++) {
    const K = (kMax * i) / params.points;
    if (K > 0) {
      points.push({ K: round(K), m: 0, stable: reducedMapSlope(0, K, n) < 1, branch: "global (m = 0)" });
    }
  }
  for (let i = 1; i < params.points; i++) {
    // Parametrise the non-trivial branch by m (uniform in an arcsine-like spacing to resolve both ends).
    const u = i / params.points, m = lo + (1 - lo) * (0.5 - 0.5 * Math.cos(Math.PI * u));
    if (Math.abs(m) < 1e-9) continue;
    const K = fixedPointCoupling(m, n);
    if (K > kMax) continue;
    points.push({
      K: round(K),
      m: round(m),
      stable: Math.abs(reducedMapSlope(m, K, n)) < 1,
      branch: m > 0 ? "pattern (m > 0)" : "anti-pattern (m < 0)",
    });
  }
  return { n, kMax, thresholds: phaseThresholds(n), points };
}

/** The bifurcation diagram with the three thresholds marked. */
export function bifurcationFigure(data: BifurcationData): Figure {
  const t = data.thresholds;
  const lines = [
    { K: t.K_sn, label: "K_sn", y: 1.04, anchor: "end" },
    { K: t.K_t, label: "K_t", y: 1.04, anchor: "start" },
    { K: t.K_spin, label: "K_spin = N", y: 1.04, anchor: "middle" },
  ];
  const p = panel({
    width: 620,
    height: 360,
    x: { label: "K = β r²(1 − c)", domain: [0, data.kMax] },
    y: { label: "fixed point m*", grid: true },
    marks: [
      Plot.ruleX(lines, { x: "K", stroke: "#bbb", strokeDasharray: "4,3" }),
      ...lines.map((l) =>
        Plot.text([l], { x: "K", y: "y", text: "label", fontSize: 10, textAnchor: l.anchor as "start" })
      ),
      Plot.dot(data.points, {
        x: "K",
        y: "m",
        r: 1.6,
        fill: (d: { stable: boolean }) => (d.stable ? THEME.colors[0] : THEME.colors[3]),
      }),
    ],
  });
  return compose("phase_bifurcation", [p], {
    title: `Fixed points of the reduced map against K (N = ${data.n})`,
    legend: [
      { label: "stable along the symmetric line", color: THEME.colors[0] },
      { label: "unstable", color: THEME.colors[3] },
    ],
    note:
      "Pattern states (m near 1) appear at the saddle-node K_sn, have the energy of the global state at K_t, and the global state m = 0 loses stability at K = N. The m < 0 branch (one pattern suppressed) is a saddle in the full space.",
  });
}
