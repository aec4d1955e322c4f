/**
 * Notebook 04, figure `uhop_landscape`: U-Hop's Fig. 2 idea in 2-D. The energy of a few close memories before
 * Stage I (Φ = id: the modern Hopfield energy, where close memories share a minimum) and the kernelized energy
 * `E_K` after it (the learned W spreads the memories' directions, separating the minima), with update
 * trajectories from the same starts.
 *
 * @module
 */
import { cpuBackend } from "../backend/cpu.ts";
import { distinctStates } from "../hopfield/fixed_points.ts";
import { fromRows, type Matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { kernelEnergy } from "../kernel/energy.ts";
import { identityFeatureMap, type LinearFeatureMap } from "../kernel/feature_map.ts";
import { kernelRetrieveOn } from "../kernel/retrieve.ts";
import { kernelSeparation, normalisedSeparation } from "../kernel/separation.ts";
import { separateMemories } from "../kernel/stage_one.ts";
import { kernelUpdate } from "../kernel/update.ts";
import { compose, type Figure, THEME } from "../plot/mod.ts";
import { gridCentres, gridStarts, landscapePanel } from "./landscape.ts";
import { round } from "./round.ts";
import type { UhopStageOneSettings } from "./uhop_retrieval.ts";

/** Parameters of the 2-D landscape. */
export interface UhopLandscapeParams {
  /** 2-D memories, one per row. */
  patterns: number[][];
  /** β of both energies. */
  beta: number;
  /** Grid points per axis. */
  grid: number;
  /** Half-width of the square shown, centred at 0. */
  extent: number;
  /** Starts of the trajectories. */
  starts: number[][];
  /** Stage I. */
  stageOne: UhopStageOneSettings;
  /** Seed of W's initialisation. */
  seed: number;
}

/** One panel: energies on the grid, trajectories, minima. */
export interface UhopLandscapePanel {
  /** `before` (Φ = id) or `after` (the learned W). */
  stage: "before" | "after";
  /** Energy on the grid (row-major, y outer). */
  energy: number[];
  /** Update trajectories. */
  trajectories: { start: number; x: number; y: number; step: number }[];
  /** Distinct fixed points reached from a 21 × 21 grid of starts. */
  minima: { x: number; y: number }[];
  /** Δ_min of the normalised features (what Stage I raises). */
  deltaMin: number;
  /** Δ^Φ_min = min_μ (K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_μ, ξ_ν)), the separation retrieval depends on. */
  kernelDeltaMin: number;
}

/** Results of the 2-D landscape. */
export interface UhopLandscapeData {
  /** The memories. */
  patterns: number[][];
  /** Parameters, for captions. */
  params: UhopLandscapeParams;
  /** Before and after Stage I. */
  panels: UhopLandscapePanel[];
  /** The learned W (2 × 2, row-major). */
  weights: number[];
}

/** Energies, trajectories and minima with Φ = id and with Stage I's map (Float64 cpu reference). */
export async function runUhopLandscape(params: UhopLandscapeParams): Promise<UhopLandscapeData> {
  const X: Matrix = fromRows(params.patterns);
  if (X.cols !== 2) {
    throw new RangeError(`Cannot draw the U-Hop landscape: patterns must be 2-D: dim=${X.cols}`);
  }
  const learned = await separateMemories(X, { ...params.stageOne, prng: createPrng(params.seed) });
  const panels: UhopLandscapePanel[] = [];
  for (const [stage, map] of [["before", identityFeatureMap(2)], ["after", learned.map]] as const) {
    panels.push(await computePanel(stage, map, X, params));
  }
  return { patterns: params.patterns, params, panels, weights: Array.from(learned.map.weights.data) };
}

async function computePanel(
  stage: "before" | "after",
  map: LinearFeatureMap,
  X: Matrix,
  params: UhopLandscapeParams,
): Promise<UhopLandscapePanel> {
  const { grid, extent, beta } = params;
  const energy = gridCentres(extent, grid).map((xy) => kernelEnergy(map, X, xy, { beta }));
  const trajectories: UhopLandscapePanel["trajectories"] = [];
  params.starts.forEach((s, start) => {
    let state: ArrayLike<number> = s;
    trajectories.push({ start, x: s[0], y: s[1], step: 0 });
    for (let step = 1; step <= 30; step++) {
      const next = kernelUpdate(map, X, state, { beta }).state;
      const moved = Math.hypot(next[0] - state[0], next[1] - state[1]);
      state = next;
      trajectories.push({ start, x: state[0], y: state[1], step });
      if (moved < 1e-9) break;
    }
  });
  const starts = gridStarts(extent);
  const ends = (await kernelRetrieveOn(map, X, fromRows(starts), {
    backend: cpuBackend,
    beta,
    maxSteps: 5000,
    eps: 1e-12,
    trajectory: false,
  })).states;
  const minima = distinctStates(ends, 1e-4).map((i) => ({
    x: round(ends.data[2 * i], 4),
    y: round(ends.data[2 * i + 1], 4),
  }));
  const deltaMin = await normalisedSeparation(map, X), kernelDeltaMin = kernelSeparation(map, X).min;
  return { stage, energy, trajectories, minima, deltaMin, kernelDeltaMin };
}

/** Two panels: the energy before and after Stage I, trajectories in white, minima as open circles. */
export function uhopLandscapeFigure(data: UhopLandscapeData): Figure {
  const { extent, grid, beta } = data.params;
  const panels = data.panels.map((p) =>
    landscapePanel({
      energy: p.energy,
      grid,
      extent,
      trajectories: p.trajectories,
      minima: p.minima,
      patterns: data.patterns,
      size: 340,
      label:
        `${
          p.stage === "before" ? "before Stage I (Φ = id)" : "after Stage I (learned W)"
        }: ${p.minima.length} ` +
        `minim${p.minima.length === 1 ? "um" : "a"}\nΔ_min of directions ${p.deltaMin.toFixed(3)}, ` +
        `Δ^Φ_min ${p.kernelDeltaMin.toFixed(3)}`,
    })
  );
  const w = data.weights.map((v) => v.toFixed(2));
  const s = data.params.stageOne;
  return compose("uhop_landscape", panels, {
    title:
      `Energy of ${data.patterns.length} close 2-D memories before and after U-Hop's Stage I (β = ${beta})`,
    legend: [
      { label: "memory", color: THEME.colors[2] },
      { label: "update trajectory", color: "#444" },
      { label: "minimum (open circle)", color: "#ddd" },
    ],
    note: `Left: E(ξ) (Ramsauer Eq. 2); right: E_K(ξ) = ½‖Wξ‖² − lse(β, (WΞ)ᵀWξ) + const with the learned ` +
      `W = [[${w[0]}, ${w[1]}], [${w[2]}, ${w[3]}]] (Stage I: ${s.loss ?? "max"} loss, ${
        s.epochs ?? 100
      } epochs ` +
      `from a Gaussian W). Δ_min of directions: 1 − the largest cosine between features (what Stage I raises); ` +
      `Δ^Φ_min: min over memories of K(ξ_μ, ξ_μ) − max_ν K(ξ_μ, ξ_ν) (what retrieval depends on). Minima: where ` +
      `retrieval from a 21 × 21 grid of starts ends. Lighter = higher energy.`,
  });
}
