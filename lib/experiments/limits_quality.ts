/**
 * Notebook 07, figure `limits_quality`: the capacity of the low-rank memory against the exact one, with notebook
 * 02's capacity protocol (`capacitySearch`: the largest N whose retrieval rate reaches 90%, with its interval), at
 * matched norms. The norms are swept through `s = β·‖ξ‖²`, the largest exponent the kernel sees: low-rank
 * retrieval is accurate only for small s, while exact retrieval needs large s to separate many patterns — the
 * tension the computational-limits paper formalises.
 *
 * - Random patterns: uniform on the sphere of radius ρ in d = 16, β = 1 (s = ρ²); queries with Gaussian noise of
 *   norm ≈ 0.3ρ; retrieved when `‖ξ − x‖ ≤ 0.1‖x‖` after at most `steps` updates. Methods: exact, the even-degree
 *   polynomial, random features of the same rank.
 * - MNIST: binarised digits (±1, ‖ξ‖² = 784), β = s/784; 10% of pixels flipped; retrieved when at most 2% of
 *   sign(ξ) is wrong. Methods: exact and random features (their rank does not grow with d); the polynomial is out
 *   of reach at d = 784 (degree 2 already has rank C(786, 2) = 308 505).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import type { MethodOptions } from "../approx/low_rank.ts";
import { taylorRank } from "../approx/taylor.ts";
import { type CapacityProtocol, capacitySearch } from "./capacity.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the capacity comparison. */
export interface LimitsQualityParams {
  /** Values of s = β‖ξ‖² for the random patterns. */
  exponents: number[];
  /** Degree of the polynomial (random patterns); the random features get its rank there. */
  degree: number;
  /** Values of s for MNIST (none: MNIST is skipped; its 60 000 digits load once). */
  mnistExponents: number[];
  /** Random features on MNIST. */
  mnistFeatures: number;
  /** Largest N searched. */
  nMax: number;
  /** Queries per pattern set. */
  queries: number;
  /** Pattern sets per N, at least. */
  trials: number;
  /** Update cap. */
  steps: number;
  /** Seed. */
  seed: number;
  /** Backend. */
  backend: Backend;
}

/** One capacity. */
export interface LimitsQualityPoint {
  /** Which patterns. */
  dataset: "random patterns" | "MNIST";
  /** Which kernel. */
  method: "exact" | "polynomial" | "random features";
  /** s = β‖ξ‖². */
  s: number;
  /** The capacity search's result: the largest N retrieved in 90%, its interval, and whether it hit nMax. */
  capacity: number;
  /** Lower end of the capacity's interval. */
  low: number;
  /** Upper end of the capacity's interval. */
  high: number;
  /** Whether the search reached nMax. */
  censored: boolean;
}

/** The capacities. */
export interface LimitsQualityData {
  /** Every (dataset, s, method). */
  points: LimitsQualityPoint[];
  /** The polynomial's rank on the random patterns. */
  rank: number;
  /** Parameters, for the caption. */
  params: Omit<LimitsQualityParams, "backend"> & { backend: string };
}

const D = 16;

/** Runs the capacity search for every dataset, s and method. */
export async function runLimitsQuality(params: LimitsQualityParams): Promise<LimitsQualityData> {
  const log = progress("limits_quality"), rank = taylorRank(params.degree, D);
  const points: LimitsQualityPoint[] = [];
  const methods = (features: number): [LimitsQualityPoint["method"], MethodOptions | undefined][] => [
    ["exact", undefined],
    ["polynomial", { method: "polynomial", degree: params.degree }],
    ["random features", { method: "random-features", features, seed: params.seed }],
  ];
  const runs: [LimitsQualityPoint["dataset"], number[], number][] = [
    ["random patterns", params.exponents, rank],
    ["MNIST", params.mnistExponents, params.mnistFeatures],
  ];
  for (const [dataset, exponents, features] of runs) {
    for (const s of exponents) {
      for (const [method, options] of methods(features)) {
        if (dataset === "MNIST" && method === "polynomial") continue;
        const common = {
          trials: params.trials,
          queries: params.queries,
          maxSteps: params.steps,
          seed: params.seed,
          backend: params.backend,
        };
        const protocol: CapacityProtocol = dataset === "random patterns"
          ? {
            ...common,
            model: { kind: "modern", beta: 1, method: options },
            distribution: "sphere",
            d: D,
            radius: Math.sqrt(s),
            corruption: { kind: "noise", sigma: (0.3 * Math.sqrt(s)) / Math.sqrt(D) },
            criterion: { kind: "relative", eps: 0.1 },
          }
          : {
            ...common,
            model: { kind: "modern", beta: s / 784, method: options },
            distribution: "mnist",
            d: 784,
            corruption: { kind: "flip", fraction: 0.1 },
            criterion: { kind: "bits", fraction: 0.02 },
          };
        const r = await capacitySearch(protocol, { nMax: params.nMax });
        points.push({
          dataset,
          method,
          s,
          capacity: r.capacity,
          low: r.low,
          high: r.high,
          censored: r.censored,
        });
        log(`${dataset}, s = ${s}, ${method}: capacity ${r.capacity} [${r.low}, ${r.high}]`);
      }
    }
  }
  return { points, rank, params: { ...params, backend: backendLabel(params.backend) } };
}

/** Capacity against s (log–log), one panel per dataset, one line per method with its interval. */
export function limitsQualityFigure(data: LimitsQualityData): Figure {
  const methods = ["exact", "polynomial", "random features"] as const;
  const colour = (i: number) => THEME.colors[i % THEME.colors.length];
  const domain = [...methods], range = methods.map((_, i) => colour(i));
  const datasets = [...new Set(data.points.map((p) => p.dataset))];
  const panels = datasets.map((dataset) => {
    const rows = data.points.filter((p) => p.dataset === dataset).map((p) => ({
      ...p,
      capacity: Math.max(0.8, p.capacity),
      low: Math.max(0.8, p.low),
      high: Math.max(0.8, p.high),
    }));
    return panel({
      title: dataset,
      width: 400,
      x: { label: "s = β‖ξ‖²", type: "log" },
      y: { label: "capacity (patterns, 90% retrieved)", type: "log", grid: true },
      color: { domain, range },
      marks: [
        Plot.ruleX(rows, { x: "s", y1: "low", y2: "high", stroke: "method", strokeOpacity: 0.4 }),
        Plot.line(rows, { x: "s", y: "capacity", stroke: "method", marker: "circle" }),
      ],
    });
  });
  const p = data.params;
  return compose("limits_quality", panels, {
    title: "Capacity: low-rank against exact memory",
    legend: methods.map((m, i) => ({ label: m, color: colour(i) })),
    note: `Notebook 02's capacity search (90% of queries, N ≤ ${p.nMax}, ≥ ${p.trials} sets × ${p.queries} ` +
      `queries, ≤ ${p.steps} updates). Random patterns: sphere of radius √s in d = 16, β = 1, noise of norm ≈ 0.3√s, ` +
      `retrieved within 10%; polynomial of degree ${p.degree} (rank ${data.rank}), random features of that rank. ` +
      (p.mnistExponents.length > 0
        ? `MNIST: ±1 digits, β = s/784, 10% of pixels flipped, ≤ 2% wrong signs; exact and ${p.mnistFeatures} ` +
          `random features. `
        : "") +
      `Bars: the capacity's interval; capacities of 0 drawn at 0.8. ${p.backend}.`,
  });
}

/** The notebook's statement: per dataset and s, each approximation's capacity against the exact one. */
export function limitsQualityVerdict(data: LimitsQualityData): string {
  const lines: string[] = [];
  for (const dataset of [...new Set(data.points.map((p) => p.dataset))]) {
    const at = data.points.filter((p) => p.dataset === dataset);
    const parts = [...new Set(at.map((p) => p.s))].map((s) => {
      const here = at.filter((p) => p.s === s), exact = here.find((p) => p.method === "exact")!;
      const others = here.filter((p) => p.method !== "exact").map((p) =>
        `${p.method} ${p.capacity}${p.capacity === exact.capacity ? " (equal)" : ""}`
      );
      return `s = ${s}: exact ${exact.capacity}${exact.censored ? "+" : ""}, ${others.join(", ")}`;
    });
    lines.push(`${dataset}: ${parts.join("; ")}.`);
  }
  return lines.join("\n");
}
