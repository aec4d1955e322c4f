/**
 * Notebook 01, figure `one_step_error`: the error after one update from a query near a well-separated
 * pattern, against Theorem 5's bound `2(N−1) exp(−β(Δᵢ − 2rM)) M` (Ramsauer et al. 2020).
 *
 * @module
 */
import { sphere } from "../data/synthetic.ts";
import { retrieve } from "../hopfield/retrieve.ts";
import { update } from "../hopfield/update.ts";
import { distance, fromRows, maxRowNorm, row } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { oneStepErrorBound, separation } from "../theory/separation.ts";

/** Parameters of the one-step experiment. */
export interface OneStepParams {
  /** Number of patterns N, uniform on the sphere of radius `radius` in ℝᵈ. */
  n: number;
  /** Pattern dimension d. */
  d: number;
  /** Pattern norm (the sphere's radius). */
  radius: number;
  /** Distance of each query from its pattern. */
  queryDistance: number;
  /** Queries per β (one per pattern, cycling). */
  queries: number;
  /** Inverse temperatures. */
  betas: number[];
  /** Seed of the patterns and queries. */
  seed: number;
}

/** Per β: worst and mean measured error over the queries, and the largest bound among them. */
export interface OneStepData {
  /** The parameters it ran with. */
  params: OneStepParams;
  /** Per β: worst and mean error and the largest bound. */
  rows: { beta: number; worst: number; mean: number; bound: number }[];
}

/** Measures `‖f(ξ) − xᵢ‖` after one update and evaluates Theorem 5's bound for each query. */
export function runOneStep(params: OneStepParams): OneStepData {
  const prng = createPrng(params.seed);
  const X = sphere(params.n, params.d, { radius: params.radius, prng });
  const delta = separation(X), M = maxRowNorm(X);
  const rows = params.betas.map((beta) => {
    let worst = 0, sum = 0, bound = 0;
    for (let q = 0; q < params.queries; q++) {
      const i = q % params.n;
      const xi = row(X, i);
      const dir = Array.from({ length: params.d }, () => prng.normal());
      const scale = params.queryDistance / Math.hypot(...dir);
      const query = Array.from(xi, (v, k) => v + scale * dir[k]);
      const err = distance(update(X, query, { beta }).state, xi);
      // The fixed point near xᵢ, by iterating from xᵢ.
      const fixed = retrieve(X, fromRows([Array.from(xi)]), {
        beta,
        maxSteps: 1000,
        eps: 1e-13,
        trajectory: false,
      });
      const r = Math.max(params.queryDistance, distance(row(fixed.states, 0), xi));
      bound = Math.max(
        bound,
        oneStepErrorBound({ beta, n: params.n, separation: delta[i], radius: r, maxNorm: M }),
      );
      worst = Math.max(worst, err);
      sum += err;
    }
    return { beta, worst, mean: sum / params.queries, bound };
  });
  return { params, rows };
}

/** Measured one-step error (worst and mean) and Theorem 5's bound against β, log scale. */
export function oneStepErrorFigure(data: OneStepData): Figure {
  const floor = 1e-16;
  const long = data.rows.flatMap((r) => [
    { beta: r.beta, value: Math.max(r.worst, floor), kind: "measured, worst query" },
    { beta: r.beta, value: Math.max(r.mean, floor), kind: "measured, mean" },
    { beta: r.beta, value: Math.max(r.bound, floor), kind: "Theorem 5 bound" },
  ]);
  const kinds = ["measured, worst query", "measured, mean", "Theorem 5 bound"];
  const { n, d, radius, queryDistance } = data.params;
  const p = panel({
    width: 560,
    x: { type: "log", label: "β" },
    y: { type: "log", label: "‖f(ξ) − xᵢ‖ after one update", grid: true },
    color: { domain: kinds, range: [THEME.colors[0], THEME.colors[3], THEME.colors[2]] },
    marks: [
      Plot.line(long.filter((r) => r.kind !== kinds[2]), {
        x: "beta",
        y: "value",
        stroke: "kind",
        marker: "dot",
      }),
      Plot.line(long.filter((r) => r.kind === kinds[2]), {
        x: "beta",
        y: "value",
        stroke: "kind",
        strokeDasharray: "5,3",
      }),
    ],
  });
  return compose("one_step_error", [p], {
    title: "One update lands within Theorem 5's bound, which shrinks exponentially in β",
    legend: kinds.map((k, i) => ({
      label: k,
      color: [THEME.colors[0], THEME.colors[3], THEME.colors[2]][i],
    })),
    note:
      `N = ${n} patterns uniform on the sphere of radius ${radius} in d = ${d}; queries at distance ${queryDistance}; errors below 1e-16 drawn at 1e-16.`,
  });
}
