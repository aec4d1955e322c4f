/**
 * Notebook 03, figure `phase_cobweb`: the reduced map of N equidistant patterns below, inside and above the
 * coexistence window (Koulischer et al. 2023, as reconstructed in data/sources/phase-transition.md).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, type SliderFrame, THEME } from "../plot/mod.ts";
import { type PhaseThresholds, phaseThresholds, reducedFixedPoints, reducedMap } from "../theory/phase.ts";
import { round } from "./round.ts";

/** Parameters of the cobweb figure. */
export interface CobwebParams {
  /** Number of patterns N. */
  n: number;
  /** One panel per K (the notebook picks one below K_sn, one in the window, one above N). */
  ks: number[];
  /** Starting order parameters of the cobweb paths. */
  starts: number[];
  /** Iterations drawn per path. */
  steps: number;
}

/** Curves and cobweb paths per panel. */
export interface CobwebData {
  /** Number of patterns N. */
  n: number;
  /** The thresholds for N. */
  thresholds: PhaseThresholds;
  /** Per K: the map's curve, the cobweb paths and the fixed points. */
  panels: {
    K: number;
    curve: { m: number; F: number }[];
    paths: { start: number; points: { x: number; y: number }[] }[];
    fixed: { m: number; stable: boolean }[];
  }[];
}

/** The reduced map, the diagonal and cobweb paths `(m_t, m_t) → (m_t, m_{t+1}) → (m_{t+1}, m_{t+1})`. */
export function runCobweb(params: CobwebParams): CobwebData {
  const { n } = params, lo = -1 / (n - 1);
  const panels = params.ks.map((K) => {
    const curve = Array.from({ length: 201 }, (_, i) => {
      const m = lo + ((1 - lo) * i) / 200;
      return { m: round(m), F: round(reducedMap(m, K, n)) };
    });
    const paths = params.starts.map((start) => {
      const points = [{ x: start, y: start }];
      let m = start;
      for (let t = 0; t < params.steps; t++) {
        const next = reducedMap(m, K, n);
        points.push({ x: round(m), y: round(next) }, { x: round(next), y: round(next) });
        m = next;
      }
      return { start, points };
    });
    return {
      K,
      curve,
      paths,
      fixed: reducedFixedPoints(K, n).map((f) => ({ m: round(f.m), stable: f.stable })),
    };
  });
  return { n, thresholds: phaseThresholds(n), panels };
}

const PATH_COLORS = [THEME.colors[3], THEME.colors[2], THEME.colors[1]];

/** A panel's title: where K sits against the thresholds. */
function cobwebTitle(K: number, t: PhaseThresholds): string {
  return K < t.K_sn
    ? `K = ${K.toFixed(2)} < K_sn: one attractor (global)`
    : K < t.K_spin
    ? `K_sn < K = ${K.toFixed(2)} < N: both coexist`
    : `K = ${K.toFixed(2)} > N: global state unstable`;
}

/** One cobweb panel: F_K(m) against m, the diagonal, the iterates, the fixed points (filled: stable). */
function cobwebPanel(
  p: CobwebData["panels"][number],
  n: number,
  t: PhaseThresholds,
): ReturnType<typeof panel> {
  return panel({
    width: 300,
    height: 300,
    title: cobwebTitle(p.K, t),
    x: { label: "m_t", domain: [-1 / (n - 1), 1] },
    y: { label: "m_{t+1}", domain: [-1 / (n - 1), 1], grid: true },
    marks: [
      Plot.line([[-1, -1], [1, 1]], { stroke: "#999", strokeDasharray: "3,3" }),
      Plot.line(p.curve, { x: "m", y: "F", stroke: THEME.colors[0], strokeWidth: 2 }),
      ...p.paths.map((path, i) =>
        Plot.line(path.points, {
          x: "x",
          y: "y",
          stroke: PATH_COLORS[i % PATH_COLORS.length],
          strokeWidth: 1,
        })
      ),
      Plot.dot(p.fixed, {
        x: "m",
        y: "m",
        r: 4,
        stroke: "black",
        fill: (d: { stable: boolean }) => (d.stable ? "black" : "white"),
      }),
    ],
  });
}

/** Three cobweb panels: F_K(m) against m with the diagonal and the iterates. */
export function cobwebFigure(data: CobwebData): Figure {
  const t = data.thresholds;
  const panels = data.panels.map((p) => cobwebPanel(p, data.n, t));
  return compose("phase_cobweb", panels, {
    title: `Cobweb plots of the reduced map F_K(m) = (e^{Km} − 1)/(e^{Km} + N − 1), N = ${data.n}`,
    legend: [
      { label: "F_K", color: THEME.colors[0] },
      ...data.panels[0].paths.map((p, i) => ({
        label: `from m₀ = ${p.start}`,
        color: PATH_COLORS[i % PATH_COLORS.length],
      })),
    ],
    note:
      `m = 0 is the global state (the mean of the patterns), m = 1 a stored pattern; filled dots: fixed points stable along the line, open: unstable. K_sn = ${
        t.K_sn.toFixed(4)
      }, K_t = ${t.K_t.toFixed(4)}, K_spin = N = ${t.K_spin}.`,
  });
}

/**
 * The frames of the interactive cobweb: one panel per K = β_eff of `params.ks` (a grid through K_sn, K_t and N),
 * for `showSlider`.
 *
 * @example
 * ```ts
 * import { cobwebFrames } from "./phase_cobweb.ts";
 * import assert from "node:assert/strict";
 * const f = cobwebFrames({ n: 10, ks: [2, 12], starts: [0.3], steps: 5 });
 * assert.deepEqual(f.map((x) => x.label), ["K = β_eff = 2.00", "K = β_eff = 12.00"]);
 * ```
 */
export function cobwebFrames(params: CobwebParams): SliderFrame[] {
  const data = runCobweb(params);
  return data.panels.map((p) => ({
    label: `K = β_eff = ${p.K.toFixed(2)}`,
    svg: cobwebPanel(p, data.n, data.thresholds).svg,
  }));
}
