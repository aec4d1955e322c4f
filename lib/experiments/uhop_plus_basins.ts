/**
 * Notebook 05, figures `uhop_plus_basins` and `uhop_plus_landscape`: what a few U-Hop+ iterations do to a 2-D
 * memory (the paper's basins-of-attraction and energy-landscape figures; official `basins.py`, `contours.py`).
 * The map is Φ(x) = Wx + b with d = D_Φ = 2, trained by Algorithm 1 and taken after 1, 2 and 5 iterations.
 *
 * - Basins: every point of a grid is a query; after a few kernelized updates it is coloured by the memory it
 *   reached (within a tolerance), white where it reached none.
 * - Landscapes: the kernelized energy `E_K` on a grid for softmax, 1.5-entmax and sparsemax, with the minima found
 *   by retrieval from a grid of starts.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { cpuBackend } from "../backend/cpu.ts";
import { distinctStates } from "../hopfield/fixed_points.ts";
import { fromRows, type Matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import type { MapKind } from "../maps/spec.ts";
import { kernelEnergy } from "../kernel/energy.ts";
import { identityFeatureMap, type LinearFeatureMap } from "../kernel/feature_map.ts";
import { kernelRetrieveOn } from "../kernel/retrieve.ts";
import { separateMemories, type StageOneOptions } from "../kernel/stage_one.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { gridCentres, gridStarts, landscapePanel } from "./landscape.ts";
import { round } from "./round.ts";

/** U-Hop+ on 2-D memories, as the official figure scripts run it. */
export type UhopPlusTraining = Pick<StageOneOptions, "optimiser" | "lr" | "tau" | "loss">;

/** The maps after each listed number of iterations (0: Φ = id, the raw memories). */
async function mapsAfter(
  X: Matrix,
  iterations: number[],
  training: UhopPlusTraining,
  seed: number,
): Promise<Map<number, LinearFeatureMap>> {
  const want = [...new Set(iterations)].sort((a, b) => a - b), maps = new Map<number, LinearFeatureMap>();
  if (want.includes(0)) maps.set(0, identityFeatureMap(X.cols));
  const last = want.at(-1)!;
  if (last > 0) {
    await separateMemories(X, {
      prng: createPrng(seed),
      loss: training.loss ?? "log-sum-exp",
      tau: training.tau ?? 1,
      optimiser: training.optimiser ?? "adam",
      lr: training.lr ?? 0.1,
      epochs: last,
      bias: true,
      initScale: 1, // Kaiming √(2/d) at d = 2
      onEpoch: ({ epoch, map }) => {
        if (want.includes(epoch)) maps.set(epoch, map);
      },
    });
  }
  return maps;
}

/** Parameters of the basins figure. */
export interface UhopPlusBasinsParams {
  /** 2-D memories. */
  patterns: number[][];
  /** β (the official 20). */
  beta: number;
  /** Updates per query (the official 5). */
  steps: number;
  /** Grid points per side (the official 100) over [−extent, extent]². */
  grid: number;
  /** Half-width of the square. */
  extent: number;
  /** U-Hop+ iterations after which the basins are drawn (0 = raw). */
  iterations: number[];
  /** Training (official basins: Adam, lr 0.1, τ = 1). */
  training: UhopPlusTraining;
  /** Reached: within this fraction of the smallest distance between two memories. */
  tolerance: number;
  /** Seed of W's start. */
  seed: number;
}

/** Basins per iteration count: the memory index each grid point reached (−1: none). */
export interface UhopPlusBasinsData {
  /** Parameters, for the caption. */
  params: UhopPlusBasinsParams;
  /** One panel per iteration count. */
  panels: { iterations: number; reached: number[]; share: number }[];
}

/** Kernelized retrieval from every grid point with the map after each iteration count (Float64 cpu reference). */
export async function runUhopPlusBasins(params: UhopPlusBasinsParams): Promise<UhopPlusBasinsData> {
  const X = fromRows(params.patterns);
  if (X.cols !== 2) throw new RangeError(`Cannot draw basins: memories must be 2-D: dim=${X.cols}`);
  const maps = await mapsAfter(X, params.iterations, params.training, params.seed);
  const starts = gridCentres(params.extent, params.grid);
  let gap = Infinity;
  for (let a = 0; a < X.rows; a++) {
    for (let b = a + 1; b < X.rows; b++) {
      gap = Math.min(gap, Math.hypot(X.data[2 * a] - X.data[2 * b], X.data[2 * a + 1] - X.data[2 * b + 1]));
    }
  }
  const panels = [];
  for (const iterations of [...maps.keys()].sort((a, b) => a - b)) {
    const r = await kernelRetrieveOn(maps.get(iterations)!, X, fromRows(starts), {
      backend: cpuBackend,
      beta: params.beta,
      maxSteps: params.steps,
      eps: 0,
      trajectory: false,
    });
    const reached = starts.map((_, q) => {
      let best = -1, dist = params.tolerance * gap;
      for (let mu = 0; mu < X.rows; mu++) {
        const dd = Math.hypot(
          r.states.data[2 * q] - X.data[2 * mu],
          r.states.data[2 * q + 1] - X.data[2 * mu + 1],
        );
        if (dd < dist) [best, dist] = [mu, dd];
      }
      return best;
    });
    panels.push({ iterations, reached, share: reached.filter((k) => k >= 0).length / reached.length });
  }
  return { params, panels };
}

/** One panel per iteration count: grid cells coloured by the memory reached, white where none. */
export function uhopPlusBasinsFigure(data: UhopPlusBasinsData): Figure {
  const { grid, extent, patterns } = data.params, step = (2 * extent) / grid;
  const colour = (k: number) => THEME.colors[k % THEME.colors.length];
  const panels = data.panels.map((p) =>
    panel({
      width: 260,
      height: 260,
      x: { domain: [-extent, extent], label: "ξ₁" },
      y: { domain: [-extent, extent], label: "ξ₂" },
      marks: [
        Plot.rect(
          p.reached.map((k, q) => ({
            k,
            x: -extent + (q % grid) * step,
            y: extent - Math.floor(q / grid) * step,
          })),
          {
            x1: "x",
            x2: (d: { x: number }) => d.x + step,
            y1: (d: { y: number }) => d.y - step,
            y2: "y",
            fill: (d: { k: number }) => (d.k < 0 ? "white" : colour(d.k)),
            fillOpacity: 0.55,
          },
        ),
        Plot.dot(patterns, {
          x: (d: number[]) => d[0],
          y: (d: number[]) => d[1],
          r: 5,
          fill: (_: number[], i: number) => colour(i),
          stroke: "black",
        }),
        Plot.text(
          [
            `${p.iterations === 0 ? "raw" : `${p.iterations} iteration${p.iterations === 1 ? "" : "s"}`}: ` +
            `${(100 * p.share).toFixed(0)}% reach one\n${new Set(p.reached.filter((k) => k >= 0)).size} of ` +
            `${patterns.length} memories have a basin`,
          ],
          { frameAnchor: "top-left", dx: 4, dy: 4, fontWeight: "bold" },
        ),
      ],
    })
  );
  const t = data.params.training;
  return compose("uhop_plus_basins", panels, {
    title: `Basins of attraction of ${patterns.length} 2-D memories, raw and after U-Hop+ iterations`,
    note:
      `Each grid point (${grid} × ${grid}) is a query; after ${data.params.steps} kernelized updates at β = ` +
      `${data.params.beta} (softmax) it takes the colour of the memory it is within ${data.params.tolerance} × the ` +
      `closest memories' distance of, white otherwise. U-Hop+: affine map ℝ² → ℝ², ${
        t.optimiser ?? "adam"
      } lr ` +
      `${t.lr ?? 0.1}, τ = ${typeof t.tau === "number" ? t.tau : 1}.`,
  });
}

/** Parameters of the landscape figure. */
export interface UhopPlusLandscapeParams {
  /** 2-D memories. */
  patterns: number[][];
  /** β of the energies. */
  beta: number;
  /** Grid points per side over [−extent, extent]². */
  grid: number;
  /** Half-width of the square. */
  extent: number;
  /** U-Hop+ iterations after which the landscapes are drawn (0 = raw). */
  iterations: number[];
  /** Maps, one column each. */
  maps: MapKind[];
  /** Training (official contours: SGD, lr 0.1, τ = 1). */
  training: UhopPlusTraining;
  /** Seed of W's start. */
  seed: number;
}

/** Energies and minima per (iteration count, map). */
export interface UhopPlusLandscapeData {
  /** Parameters, for the caption. */
  params: UhopPlusLandscapeParams;
  /** Row-major panels: iteration counts down, maps across. */
  panels: { iterations: number; map: MapKind; energy: number[]; minima: { x: number; y: number }[] }[];
}

/** `E_K` on the grid and its minima for every (iteration count, map) (Float64 cpu reference). */
export async function runUhopPlusLandscape(params: UhopPlusLandscapeParams): Promise<UhopPlusLandscapeData> {
  const X = fromRows(params.patterns);
  if (X.cols !== 2) throw new RangeError(`Cannot draw the landscape: memories must be 2-D: dim=${X.cols}`);
  const maps = await mapsAfter(X, params.iterations, params.training, params.seed);
  const { grid, extent, beta } = params, panels: UhopPlusLandscapeData["panels"] = [];
  const starts = gridStarts(extent);
  for (const iterations of [...maps.keys()].sort((a, b) => a - b)) {
    const phi = maps.get(iterations)!;
    for (const map of params.maps) {
      const energy = gridCentres(extent, grid).map((xy) => kernelEnergy(phi, X, xy, { beta, map }));
      const ends = (await kernelRetrieveOn(phi, X, fromRows(starts), {
        backend: cpuBackend,
        beta,
        map,
        maxSteps: 2000,
        eps: 1e-10,
        trajectory: false,
      })).states;
      const minima = distinctStates(ends, 1e-4).map((i) => ({
        x: round(ends.data[2 * i], 4),
        y: round(ends.data[2 * i + 1], 4),
      }));
      panels.push({ iterations, map, energy, minima });
    }
  }
  return { params, panels };
}

const MAP_LABEL: Record<string, string> = {
  softmax: "softmax",
  entmax15: "1.5-entmax",
  sparsemax: "sparsemax",
};

/** Rows: raw and after each iteration count; columns: the maps. */
export function uhopPlusLandscapeFigure(data: UhopPlusLandscapeData): Figure {
  const { grid, extent, patterns } = data.params;
  const panels = data.panels.map((p) =>
    landscapePanel({
      energy: p.energy,
      grid,
      extent,
      trajectories: [],
      minima: p.minima,
      patterns,
      size: 230,
      label: `${MAP_LABEL[p.map] ?? p.map}, ${
        p.iterations === 0 ? "raw" : `${p.iterations} it.`
      }: ${p.minima.length} min.`,
    })
  );
  const t = data.params.training;
  return compose(`uhop_plus_landscape_${patterns.length}`, panels, {
    title:
      `Energy of ${patterns.length} 2-D memories, raw and after U-Hop+ iterations (β = ${data.params.beta})`,
    columns: data.params.maps.length,
    note: `Rows: raw (Φ = id), then the map after ${
      data.params.iterations.filter((k) => k > 0).join(", ")
    } ` +
      `iteration(s) (affine ℝ² → ℝ², ${t.optimiser ?? "adam"} lr ${t.lr ?? 0.1}, τ = ${
        typeof t.tau === "number" ? t.tau : 1
      }); ` +
      `columns: the maps. E_K is the Fenchel–Young energy of the features; open circles: minima reached from a ` +
      `21 × 21 grid of starts; lighter = higher energy.`,
  });
}
