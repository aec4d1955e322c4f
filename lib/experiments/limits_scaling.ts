/**
 * Notebook 07, figure `limits_scaling`: wall time of one retrieval of L = M = τ queries against τ (log–log) for
 * exact retrieval (the fused BLAS step on `blas`), the low-rank polynomial and positive random features of the
 * same rank, with the fitted slopes (exact ≈ 2, low rank ≈ 1) and the τ where the polynomial overtakes exact
 * retrieval. The entries are in the efficient regime: d = 16, |entries| ≤ B = 0.5, β = 1/d, where
 * `taylorDegree(ε, B²)` picks the degree. Times are measured, so this figure changes from run to run and
 * machine to machine; its caption names the backend.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { timeLimits } from "../approx/bench.ts";
import { taylorDegree, taylorRank } from "../approx/taylor.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the scaling experiment. */
export interface LimitsScalingParams {
  /** τ values (powers of two read best). */
  taus: number[];
  /** Dimension. */
  d: number;
  /** Norm bound of the entries. */
  B: number;
  /** Target error of the degree rule. */
  eps: number;
  /** Timed runs per point (median). */
  repeat: number;
  /** Seed. */
  seed: number;
  /** Backend. */
  backend: Backend;
}

/** Times per τ and the fits. */
export interface LimitsScalingData {
  /** Per τ: median times (ms) and the polynomial's error. */
  rows: { tau: number; exact: number; polynomial: number; randomFeatures: number; error: number }[];
  /** The polynomial's degree. */
  degree: number;
  /** Its rank, and the random features' count. */
  rank: number;
  /** Least-squares slopes of log time against log τ, over the upper half of the τ grid. */
  slopes: { exact: number; polynomial: number; randomFeatures: number };
  /** The τ where the polynomial's time line crosses the exact one (log-linear interpolation; null: no crossing). */
  crossover: number | null;
  /** Parameters, for the caption. */
  params: Omit<LimitsScalingParams, "backend"> & { backend: string };
}

/** Least-squares slope of log y on log x. */
export function logLogSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log), ly = y.map(Math.log), n = x.length;
  const mx = lx.reduce((a, v) => a + v, 0) / n, my = ly.reduce((a, v) => a + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) sxy += (lx[i] - mx) * (ly[i] - my), sxx += (lx[i] - mx) ** 2;
  return sxy / sxx;
}

/** Times every τ with every method. */
export async function runLimitsScaling(params: LimitsScalingParams): Promise<LimitsScalingData> {
  const log = progress("limits_scaling");
  const degree = taylorDegree(params.eps, params.B * params.B), rank = taylorRank(degree, params.d);
  const rows: LimitsScalingData["rows"] = [];
  for (const tau of params.taus) {
    const base = { tau, d: params.d, B: params.B, repeat: params.repeat, seed: params.seed };
    const poly = await timeLimits(params.backend, {
      ...base,
      approximation: { method: "polynomial", degree },
    });
    const rf = await timeLimits(params.backend, {
      ...base,
      approximation: { method: "random-features", features: rank, seed: params.seed },
    });
    rows.push({
      tau,
      exact: (poly.exact_ms + rf.exact_ms) / 2,
      polynomial: poly.approx_ms,
      randomFeatures: rf.approx_ms,
      error: poly.rel_error,
    });
    log.tick(
      `τ = ${tau}: exact ${poly.exact_ms.toFixed(1)} ms, polynomial ${poly.approx_ms.toFixed(1)} ms, ` +
        `random features ${rf.approx_ms.toFixed(1)} ms`,
    );
  }
  const upper = rows.slice(Math.floor(rows.length / 2)), taus = upper.map((r) => r.tau);
  const slope = (k: "exact" | "polynomial" | "randomFeatures") => logLogSlope(taus, upper.map((r) => r[k]));
  let crossover: number | null = null;
  for (let i = 1; i < rows.length && crossover === null; i++) {
    const a = Math.log(rows[i - 1].exact / rows[i - 1].polynomial),
      b = Math.log(rows[i].exact / rows[i].polynomial);
    if (a < 0 && b >= 0) {
      const t = a / (a - b);
      crossover = Math.exp(
        Math.log(rows[i - 1].tau) + t * (Math.log(rows[i].tau) - Math.log(rows[i - 1].tau)),
      );
    }
  }
  if (crossover === null && rows.length > 0 && rows[0].polynomial <= rows[0].exact) crossover = rows[0].tau;
  return {
    rows,
    degree,
    rank,
    slopes: {
      exact: slope("exact"),
      polynomial: slope("polynomial"),
      randomFeatures: slope("randomFeatures"),
    },
    crossover,
    params: { ...params, backend: backendLabel(params.backend) },
  };
}

/** Log–log time against τ, one line per method, the crossover marked. */
export function limitsScalingFigure(data: LimitsScalingData): Figure {
  const methods = [
    ["exact", "exact (fused BLAS)"],
    ["polynomial", `polynomial (degree ${data.degree}, rank ${data.rank})`],
    ["randomFeatures", `random features (R = ${data.rank})`],
  ] as const;
  const colour = (i: number) => THEME.colors[i % THEME.colors.length];
  const points = data.rows.flatMap((r) =>
    methods.map(([k, label]) => ({ tau: r.tau, ms: r[k], method: label }))
  );
  const domain = methods.map(([, l]) => l), range = methods.map((_, i) => colour(i));
  const s = data.slopes, p = data.params;
  const main = panel({
    width: 560,
    height: 360,
    x: { label: "τ = L = M", type: "log" },
    y: { label: "wall time of one retrieval (ms)", type: "log", grid: true },
    color: { domain, range },
    marks: [
      Plot.line(points, { x: "tau", y: "ms", stroke: "method", marker: "circle" }),
      ...(data.crossover === null
        ? []
        : [Plot.ruleX([data.crossover], { stroke: "#888", strokeDasharray: "4,3" })]),
    ],
  });
  return compose("limits_scaling", [main], {
    title: "Exact against low-rank retrieval: time against τ",
    legend: methods.map(([, l], i) => ({ label: l, color: colour(i) })),
    note:
      `d = ${p.d}, entries in [−${p.B}, ${p.B}], β = 1/d, values = memories; median of ${p.repeat} runs, the ` +
      `low-rank times include summarising the memory. Slopes (upper half of the τ grid): exact ${
        s.exact.toFixed(2)
      }, ` +
      `polynomial ${s.polynomial.toFixed(2)}, random features ${s.randomFeatures.toFixed(2)}. ` +
      (data.crossover === null
        ? "No crossover in this range. "
        : `Dashed: the polynomial overtakes exact retrieval at τ ≈ ${Math.round(data.crossover)}. `) +
      `Measured times: they change between runs. ${p.backend}.`,
  });
}

/** The notebook's statement: fitted slopes, the crossover, and the speedup at the largest τ. */
export function limitsScalingVerdict(data: LimitsScalingData): string {
  const s = data.slopes, last = data.rows.at(-1)!;
  return `Fitted slopes of log time on log τ: exact ${s.exact.toFixed(2)}, polynomial ${
    s.polynomial.toFixed(2)
  }, ` +
    `random features ${s.randomFeatures.toFixed(2)} (theory: 2 and 1). ` +
    (data.crossover === null
      ? "The polynomial does not overtake exact retrieval in this range. "
      : `The polynomial overtakes exact retrieval at τ ≈ ${Math.round(data.crossover)}. `) +
    `At τ = ${last.tau}: exact ${last.exact.toFixed(1)} ms, polynomial ${last.polynomial.toFixed(1)} ms ` +
    `(${(last.exact / last.polynomial).toFixed(1)}× faster, relative error ${
      last.error.toExponential(2)
    }), ` +
    `random features ${last.randomFeatures.toFixed(1)} ms.`;
}
