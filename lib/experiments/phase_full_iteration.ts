/**
 * Notebook 03, figure `phase_full_iteration`: the d-dimensional update agreeing with the reduced map, and where
 * the full iteration ends against β.
 *
 * @module
 */
import { equidistant, rotateRows } from "../data/synthetic.ts";
import { retrieve } from "../hopfield/retrieve.ts";
import { update } from "../hopfield/update.ts";
import { columnMeans, distance, fromRows, row } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import {
  orderParameter,
  type PhaseThresholds,
  phaseThresholds,
  reducedMap,
  symmetricLineState,
} from "../theory/phase.ts";
import { progress } from "./scale.ts";
import { round } from "./round.ts";

/** Parameters of the full-iteration check. */
export interface FullIterationParams {
  /** Number of patterns N. */
  n: number;
  /** Embedding dimension (≥ N − 1); the simplex is rotated at random into ℝᵈ. */
  d: number;
  /** K of the trajectories panel (inside the coexistence window). */
  K: number;
  /** Starting order parameters of the trajectories. */
  starts: number[];
  /** Updates drawn per trajectory. */
  steps: number;
  /** β grid of the threshold sweep. */
  betas: number[];
  /** Update cap of the β sweep. */
  maxSteps: number;
  /** Seed of the rotation and the kick. */
  seed: number;
}

/** Trajectories (full vs reduced) and the sweep of where the full iteration ends. */
export interface FullIterationData {
  /** The parameters it ran with. */
  params: FullIterationParams;
  /** The thresholds for N. */
  thresholds: PhaseThresholds;
  /** Order parameter of the full and the reduced iteration, per start and step. */
  trajectories: { start: number; t: number; full: number; reduced: number }[];
  /** Per β: m reached from pattern 1, and the distance reached from the mean. */
  sweep: { beta: number; fromPattern: number; fromMean: number }[];
  /** Largest |m_full − m_reduced| over the trajectories. */
  maxGap: number;
}

/**
 * Iterates the full update `ξ ← X softmax(βXᵀξ)` in d dimensions from states on the symmetric line and
 * compares `m_t` with the reduced map; then, over a β grid, iterates from pattern 1 and from the mean plus a
 * small perturbation to see where pattern states exist and where the global state is stable.
 */
export function runFullIteration(params: FullIterationParams): FullIterationData {
  const log = progress("phase_full_iteration");
  const { n, d } = params;
  const prng = createPrng(params.seed);
  const X = rotateRows(equidistant(n, { dim: d }), { prng });
  const th = phaseThresholds(n), delta = th.delta;
  const beta = params.K / delta;
  const trajectories: FullIterationData["trajectories"] = [];
  let maxGap = 0;
  for (const start of params.starts) {
    let xi: Float64Array = symmetricLineState(X, start);
    let mReduced = start;
    for (let t = 0; t <= params.steps; t++) {
      const mFull = orderParameter(X, xi, delta);
      maxGap = Math.max(maxGap, Math.abs(mFull - mReduced));
      trajectories.push({ start, t, full: round(mFull), reduced: round(mReduced) });
      xi = update(X, xi, { beta }).state;
      mReduced = reducedMap(mReduced, params.K, n);
    }
  }
  const mean = columnMeans(X);
  const sweep = params.betas.map((b) => {
    const fromX = retrieve(X, fromRows([Array.from(row(X, 0))]), {
      beta: b,
      maxSteps: params.maxSteps,
      eps: 1e-13,
      trajectory: false,
    });
    const kick = Array.from(mean, (v) => v + 1e-4 * prng.normal());
    const fromM = retrieve(X, fromRows([kick]), {
      beta: b,
      maxSteps: params.maxSteps,
      eps: 1e-13,
      trajectory: false,
    });
    log.tick(`β = ${b.toPrecision(3)}`);
    return {
      beta: round(b),
      fromPattern: round(orderParameter(X, row(fromX.states, 0), delta)),
      fromMean: round(distance(row(fromM.states, 0), mean)),
    };
  });
  log(`N = ${n}, d = ${d}: ${params.betas.length} β values`);
  return { params, thresholds: th, trajectories, sweep, maxGap };
}

/** Left: m_t of the full update (dots) on the reduced map's iterates (lines). Right: the β sweep. */
export function fullIterationFigure(data: FullIterationData): Figure {
  const { n, d, K } = data.params, t = data.thresholds;
  const left = panel({
    width: 330,
    height: 300,
    title: `trajectories at K = ${K} (inside the window)`,
    x: { label: "update t" },
    y: { label: "order parameter m_t", grid: true },
    marks: [
      Plot.line(data.trajectories, { x: "t", y: "reduced", z: "start", stroke: THEME.colors[0] }),
      Plot.dot(data.trajectories, { x: "t", y: "full", stroke: THEME.colors[3], r: 3 }),
    ],
  });
  const lines = [
    { beta: t.beta_sn, label: "β_sn ", anchor: "end" },
    { beta: t.beta_t, label: " β_t", anchor: "start" },
    { beta: t.beta_spin, label: "β_spin", anchor: "middle" },
  ];
  const right = panel({
    width: 360,
    height: 300,
    title: "full iteration to convergence against β",
    x: { label: "β" },
    y: { label: "final value", grid: true, domain: [-0.05, 1.1] },
    marks: [
      Plot.ruleX(lines, { x: "beta", stroke: "#bbb", strokeDasharray: "4,3" }),
      ...lines.map((l) =>
        Plot.text([l], { x: "beta", y: 1.07, text: "label", fontSize: 10, textAnchor: l.anchor as "start" })
      ),
      Plot.line(data.sweep, { x: "beta", y: "fromPattern", stroke: THEME.colors[1], marker: "dot" }),
      Plot.line(data.sweep, { x: "beta", y: "fromMean", stroke: THEME.colors[2], marker: "dot" }),
    ],
  });
  return compose("phase_full_iteration", [left, right], {
    title: `The d-dimensional update follows the reduced map (N = ${n} simplex, rotated into d = ${d})`,
    legend: [
      { label: "reduced map F_K", color: THEME.colors[0] },
      { label: "full update, m_t", color: THEME.colors[3] },
      { label: "m reached from pattern 1", color: THEME.colors[1] },
      { label: "‖ξ − mean‖ reached from the mean (+1e-4 noise)", color: THEME.colors[2] },
    ],
    note: `Largest |m_full − m_reduced| over the trajectories: ${
      data.maxGap.toExponential(1)
    }. Pattern states exist from β_sn; the mean is left from β_spin = N − 1.`,
  });
}
