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
import { isWellSeparated, oneStepErrorBound, separation } from "../theory/separation.ts";

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

/** Per β: the measured errors, each query against its own bound, and where the theorem applies. */
export interface OneStepData {
  /** The parameters it ran with. */
  params: OneStepParams;
  /**
   * Per β: the worst and mean error; the smallest and largest bound over the queries; the largest ratio of a
   * query's error to its own bound (≤ 1 where the bound holds); and the fraction of queries whose pattern is well
   * separated at that β (Theorem 5's condition, `Δᵢ ≥ 2/(βN) + β⁻¹ ln(2(N−1)NβM²)`).
   */
  rows: {
    beta: number;
    worst: number;
    mean: number;
    boundMin: number;
    boundMax: number;
    worstRatio: number;
    wellSeparated: number;
  }[];
}

/** Measures `‖f(ξ) − xᵢ‖` after one update and evaluates Theorem 5's bound for each query. */
export function runOneStep(params: OneStepParams): OneStepData {
  const prng = createPrng(params.seed);
  const X = sphere(params.n, params.d, { radius: params.radius, prng });
  const delta = separation(X), M = maxRowNorm(X);
  const rows = params.betas.map((beta) => {
    const separated = isWellSeparated(X, { beta });
    let worst = 0, sum = 0, boundMin = Infinity, boundMax = 0, worstRatio = 0, ok = 0;
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
      const bound = oneStepErrorBound({ beta, n: params.n, separation: delta[i], radius: r, maxNorm: M });
      boundMin = Math.min(boundMin, bound);
      boundMax = Math.max(boundMax, bound);
      worstRatio = Math.max(worstRatio, err / bound);
      worst = Math.max(worst, err);
      sum += err;
      if (separated[i]) ok++;
    }
    return {
      beta,
      worst,
      mean: sum / params.queries,
      boundMin,
      boundMax,
      worstRatio,
      wellSeparated: ok / params.queries,
    };
  });
  return { params, rows };
}

/** Errors below this are rounding: they are drawn at it, as open markers. */
const ROUNDING = 1e-16;

/**
 * Measured one-step error (worst and mean) and the range of Theorem 5's bounds over the queries against β, log
 * scale. Bounds are drawn at their true values; where no query's pattern is well separated the theorem's condition
 * fails and its bound is drawn grey.
 */
export function oneStepErrorFigure(data: OneStepData): Figure {
  const kinds = ["measured, worst query", "measured, mean", "Theorem 5 bound (range over queries)"];
  const colors = [THEME.colors[0], THEME.colors[3], THEME.colors[2]];
  const measured = data.rows.flatMap((r) => [
    { beta: r.beta, value: Math.max(r.worst, ROUNDING), kind: kinds[0], rounding: r.worst < ROUNDING },
    { beta: r.beta, value: Math.max(r.mean, ROUNDING), kind: kinds[1], rounding: r.mean < ROUNDING },
  ]);
  const applies = data.rows.filter((r) => r.wellSeparated > 0);
  const fails = data.rows.filter((r) => r.wellSeparated === 0);
  const { n, d, radius, queryDistance } = data.params;
  const p = panel({
    width: 560,
    x: { type: "log", label: "β" },
    y: { type: "log", label: "‖f(ξ) − xᵢ‖ after one update", grid: true },
    color: { domain: kinds, range: colors },
    marks: [
      Plot.areaY(applies, { x: "beta", y1: "boundMin", y2: "boundMax", fill: colors[2], fillOpacity: 0.25 }),
      Plot.line(applies, { x: "beta", y: "boundMax", stroke: colors[2], strokeDasharray: "5,3" }),
      Plot.line(applies, { x: "beta", y: "boundMin", stroke: colors[2], strokeDasharray: "5,3" }),
      Plot.dot(fails, { x: "beta", y: "boundMax", stroke: "#999", symbol: "times", r: 4 }),
      Plot.line(measured, { x: "beta", y: "value", stroke: "kind" }),
      Plot.dot(measured, {
        x: "beta",
        y: "value",
        stroke: "kind",
        fill: (
          r: { rounding: boolean; kind: string },
        ) => (r.rounding ? "white" : colors[kinds.indexOf(r.kind)]),
        r: 3,
      }),
    ],
  });
  const failing = fails.map((r) => r.beta);
  return compose("one_step_error", [p], {
    title: "One update against Theorem 5's bound (exponential in β)",
    legend: kinds.map((k, i) => ({ label: k, color: colors[i] })),
    note:
      `N = ${n} patterns uniform on the sphere of radius ${radius} in d = ${d}; queries at distance ${queryDistance}. ` +
      `Each query's error is compared with its own bound (band: smallest to largest bound). ` +
      (failing.length
        ? `At β = ${
          failing.join(", ")
        } no pattern is well separated, so the theorem's condition fails (grey ×: ` +
          `its largest bound, not a guarantee). `
        : "") +
      `Open markers: errors below ${ROUNDING} (rounding), drawn at ${ROUNDING}.`,
  });
}
