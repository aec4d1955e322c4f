/**
 * Notebook 01, figure `energy_landscape`: the energy of a few patterns in 2-D with descent trajectories.
 *
 * @module
 */
import { energy } from "../hopfield/energy.ts";
import { distinctStates } from "../hopfield/fixed_points.ts";
import { retrieve } from "../hopfield/retrieve.ts";
import { fromRows, type Matrix, toRows } from "../linalg/matrix.ts";
import type { MapKind } from "../maps/mod.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, type SliderFrame, THEME } from "../plot/mod.ts";
import { round } from "./round.ts";

/** Parameters of the landscape experiment. */
export interface LandscapeParams {
  /** Stored patterns in 2-D, one per row. */
  patterns: number[][];
  /** One panel per β. */
  betas: number[];
  /** Grid points per axis. */
  grid: number;
  /** Half-width of the square shown, centred at 0. */
  extent: number;
  /** Starting states of the descent trajectories. */
  starts: number[][];
  /** Separation map (default softmax). */
  map?: MapKind;
}

/** Energy grid and trajectories for each β. */
export interface LandscapeData {
  /** The stored 2-D patterns. */
  patterns: number[][];
  /** Half-width of the square shown. */
  extent: number;
  /** Grid points per side. */
  grid: number;
  /** Per β: the energy on the grid (row-major, y outer), the trajectories and the minima. */
  panels: {
    beta: number;
    energy: number[];
    trajectories: { start: number; x: number; y: number; step: number }[];
    /** The distinct fixed points reached from a 21 × 21 grid of starts over the square (the attracting minima). */
    minima: { x: number; y: number }[];
  }[];
}

/**
 * The centres of a grid × grid lattice of cells over [−extent, extent]², row-major from the top-left (the order in
 * which Plot's contour mark reads a grid of values).
 *
 * @example
 * ```ts
 * import { gridCentres } from "./landscape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(gridCentres(1, 2), [[-0.5, 0.5], [0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]]);
 * ```
 */
export function gridCentres(extent: number, grid: number): number[][] {
  const out: number[][] = [];
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      out.push([-extent + ((i + 0.5) * 2 * extent) / grid, extent - ((j + 0.5) * 2 * extent) / grid]);
    }
  }
  return out;
}

/**
 * `n × n` evenly spaced starts covering [−extent, extent]² corners included: where retrieval is started to find
 * the minima a landscape's dynamics reach.
 *
 * @example
 * ```ts
 * import { gridStarts } from "./landscape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(gridStarts(1, 2), [[-1, -1], [1, -1], [-1, 1], [1, 1]]);
 * ```
 */
export function gridStarts(extent: number, n = 21): number[][] {
  return Array.from({ length: n * n }, (_, k) => [
    -extent + (2 * extent * (k % n)) / (n - 1),
    -extent + (2 * extent * Math.floor(k / n)) / (n - 1),
  ]);
}

/** Computes `E(ξ)` on the grid and the retrieval trajectories from each start, for each β. */
export function runLandscape(params: LandscapeParams): LandscapeData {
  const X: Matrix = fromRows(params.patterns);
  if (X.cols !== 2) throw new RangeError(`Cannot draw landscape: patterns must be 2-D: dim=${X.cols}`);
  const { grid, extent } = params;
  const panels = params.betas.map((beta) => {
    const values = gridCentres(extent, grid).map((xy) => energy(X, xy, { beta, map: params.map }));
    const trajectories: LandscapeData["panels"][number]["trajectories"] = [];
    params.starts.forEach((s, start) => {
      let state = s;
      trajectories.push({ start, x: s[0], y: s[1], step: 0 });
      for (let step = 1; step <= 30; step++) {
        const r = retrieve(X, fromRows([state]), { beta, map: params.map, maxSteps: 1, trajectory: false });
        state = toRows(r.states)[0];
        trajectories.push({ start, x: state[0], y: state[1], step });
        if (r.converged[0]) break;
      }
    });
    // Minima: where retrieval from a grid of starts ends, distinct to 1e-4.
    const starts = gridStarts(extent);
    const ends = retrieve(X, fromRows(starts), {
      beta,
      map: params.map,
      maxSteps: 5000,
      eps: 1e-12,
      trajectory: false,
    }).states;
    const minima = distinctStates(ends, 1e-4).map((i) => ({
      x: round(ends.data[2 * i], 4),
      y: round(ends.data[2 * i + 1], 4),
    }));
    return { beta, energy: values, trajectories, minima };
  });
  return { patterns: params.patterns, extent, grid, panels };
}

/** What one 2-D landscape panel draws. */
export interface LandscapePanelData {
  /** Energy on a grid × grid lattice over [−extent, extent]² (row-major, y from top). */
  energy: number[];
  /** Grid points per side. */
  grid: number;
  /** Half-width of the square. */
  extent: number;
  /** Update trajectories, one `start` id per path. */
  trajectories: { start: number; x: number; y: number; step: number }[];
  /** Minima, drawn as open circles. */
  minima: { x: number; y: number }[];
  /** The stored 2-D patterns, drawn as red dots. */
  patterns: number[][];
  /** The label written in the top-left corner (lines separated by "\n"). */
  label: string;
  /** Side in px (default 320). */
  size?: number;
}

/**
 * One landscape panel: filled energy contours (sqrt colour scale, lighter = higher), trajectories in white,
 * minima as open circles, patterns as red dots. Shared by notebook 01's and notebook 04's landscapes.
 */
export function landscapePanel(d: LandscapePanelData): ReturnType<typeof panel> {
  const { extent, grid } = d;
  return panel({
    width: d.size ?? 320,
    height: d.size ?? 320,
    x: { domain: [-extent, extent], label: "ξ₁" },
    y: { domain: [-extent, extent], label: "ξ₂" },
    color: { type: "sqrt", scheme: "viridis" },
    marks: [
      Plot.contour(d.energy, {
        x1: -extent,
        x2: extent,
        y1: extent,
        y2: -extent,
        width: grid,
        height: grid,
        fill: Plot.identity,
        stroke: "white",
        strokeOpacity: 0.25,
        thresholds: 14,
      }),
      Plot.line(d.trajectories, {
        x: "x",
        y: "y",
        z: "start",
        stroke: "white",
        strokeWidth: 1.5,
        marker: "dot",
      }),
      Plot.dot(d.minima, { x: "x", y: "y", r: 9, stroke: "white", strokeWidth: 2, symbol: "circle" }),
      Plot.dot(d.patterns, {
        x: (p: number[]) => p[0],
        y: (p: number[]) => p[1],
        r: 5,
        fill: THEME.colors[2],
        stroke: "black",
      }),
      Plot.text([d.label], { frameAnchor: "top-left", dx: 6, dy: 6, fill: "white", fontWeight: "bold" }),
    ],
  });
}

/** Filled energy contours, trajectories (white lines) and patterns (red dots), one panel per β. */
export function energyLandscapeFigure(data: LandscapeData): Figure {
  const { extent, grid } = data;
  const panels = data.panels.map((p) =>
    landscapePanel({
      energy: p.energy,
      grid,
      extent,
      trajectories: p.trajectories,
      minima: p.minima,
      patterns: data.patterns,
      label: `β = ${p.beta}: ${p.minima.length} minim${p.minima.length === 1 ? "um" : "a"}`,
    })
  );
  return compose("energy_landscape", panels, {
    title: `Energy E(ξ) of ${data.patterns.length} 2-D patterns: ${
      data.panels.map((p) => p.minima.length).join(", ")
    } minima at β = ${data.panels.map((p) => p.beta).join(", ")}`,
    legend: [{ label: "stored pattern", color: THEME.colors[2] }, {
      label: "update trajectory ξ ← X softmax(βXᵀξ)",
      color: "#444",
    }, { label: "minimum (open circle)", color: "#ddd" }],
    note:
      "Ramsauer et al. 2020, Eq. 2; lighter = higher energy (sqrt colour scale). Minima: where retrieval from a 21 × 21 grid of starts ends. Patterns close together can share a minimum even at large β.",
  });
}

/**
 * The frames of the interactive landscape: one panel per β of `params.betas` (a finer grid than the static
 * figure's), for `showSlider`.
 *
 * @example
 * ```ts
 * import { energyLandscapeFrames } from "./landscape.ts";
 * import assert from "node:assert/strict";
 * const f = energyLandscapeFrames({ patterns: [[1, 0], [0, 1]], betas: [1, 4], grid: 12, extent: 1.5, starts: [[0.2, 0.1]] });
 * assert.deepEqual(f.map((x) => x.label), ["β = 1", "β = 4"]);
 * ```
 */
export function energyLandscapeFrames(params: LandscapeParams): SliderFrame[] {
  const data = runLandscape(params);
  return data.panels.map((p) => ({
    label: `β = ${p.beta}`,
    svg: landscapePanel({
      energy: p.energy,
      grid: data.grid,
      extent: data.extent,
      trajectories: p.trajectories,
      minima: p.minima,
      patterns: data.patterns,
      label: `β = ${p.beta}: ${p.minima.length} minim${p.minima.length === 1 ? "um" : "a"}`,
    }).svg,
  }));
}
