/**
 * Notebook 02, figures `capacity_vs_dimension` and `capacity_modern`: measured storage capacity of the
 * classical, polynomial, exponential and modern networks against d, with the theory beside it, and the modern
 * network's capacity against β and against the pattern norm. The protocols are in `capacity_protocols.ts`.
 *
 * @module
 */
import type { Backend } from "../backend/types.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { classicalCapacity, storageBound } from "../theory/capacity.ts";
import { capacitySearch } from "./capacity.ts";
import {
  CAPACITY_LABELS,
  CAPACITY_MODELS,
  type CapacityModelName,
  capacityProtocol,
  FLIP,
  MODERN,
} from "./capacity_protocols.ts";

/** Parameters of the dimension figure. */
export interface CapacityVsDimensionParams {
  /** The dimensions measured for each model. */
  dims: Partial<Record<CapacityModelName, number[]>>;
  /** Largest N tried (a capacity at the cap is censored: drawn as a lower bound). */
  nMax: number;
  /** Independent pattern sets per N. */
  trials: number;
  /** Queried patterns per set. */
  queries: number;
  /** Queries each N is measured on, at least (more pattern sets at small N; default trials × queries). */
  samples?: number;
  /** Pattern sets each N is measured on for Theorem 3's event (the modern-stored model; default 40). */
  sets?: number;
  /** Largest refinement of a rate at an end of the capacity's bracket, × samples (a power of 2; default 1). */
  maxEffort?: number;
  /** Seed of the protocol. */
  seed: number;
  /** Backend of the modern network's retrievals (from `selectBackend()`). */
  backend?: Backend;
  /** f64 backend for Theorem 3's event (from `selectBackend(name, "f64")`), which resolves distances of 1/(βNM). */
  storedBackend?: Backend;
}

/** Measured capacities and theory curves. */
export interface CapacityVsDimensionData {
  /**
   * Measured capacity per model and d, with its interval (see `thresholdSearch`); censored: at the search cap;
   * monotone false: the rate rose again above the capacity.
   */
  measured: {
    model: string;
    d: number;
    capacity: number;
    low: number;
    high: number;
    censored: boolean;
    monotone: boolean;
  }[];
  /** Theory curves per model. */
  theory: { curve: string; model: string; d: number; n: number }[];
  /** Classical capacity / d at each measured d. */
  classicalRatios: { d: number; ratio: number }[];
}

/** Runs the capacity search for every model and dimension, and evaluates the theory on the same ranges. */
export async function runCapacityVsDimension(
  params: CapacityVsDimensionParams,
): Promise<CapacityVsDimensionData> {
  const measured: CapacityVsDimensionData["measured"] = [];
  const theory: CapacityVsDimensionData["theory"] = [];
  for (const model of CAPACITY_MODELS) {
    const dims = params.dims[model] ?? [];
    for (const d of dims) {
      const protocol = capacityProtocol(model, d, {
        ...params,
        samples: model === "modern-stored" ? params.sets ?? 40 : params.samples,
        backend: model === "modern-stored" ? params.storedBackend : params.backend,
      });
      const r = await capacitySearch(protocol, { nMax: params.nMax, maxEffort: params.maxEffort });
      const { capacity, low, high, censored, monotone } = r;
      measured.push({ model: CAPACITY_LABELS[model], d, capacity, low, high, censored, monotone });
    }
    if (dims.length === 0) continue;
    const lo = Math.min(...dims), hi = Math.max(...dims);
    // Theorem 3 is stated for integer d; the other laws are drawn as smooth curves.
    const grid = model === "modern-stored"
      ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
      : Array.from({ length: 41 }, (_, i) => lo + ((hi - lo) * i) / 40);
    for (const d of grid) {
      const add = (curve: string, n: number) => {
        if (Number.isFinite(n) && n > 0) theory.push({ curve, model: CAPACITY_LABELS[model], d, n });
      };
      if (model === "classical") {
        add("0.138 d", classicalCapacity.hebbian(d));
        add("d / (2 ln d)", classicalCapacity.hebbianErrorFree(d));
      } else if (model === "power3" || model === "power4") {
        const n = model === "power3" ? 3 : 4;
        add(`d^${n - 1} / (2 (${2 * n - 3})!! ln d), no flips`, classicalCapacity.polynomial(d, n));
      } else if (model === "exponential") {
        add("2^{d/2}, no flips", classicalCapacity.exponential(d));
        add(`exp(I(1−2ρ) d/2), ρ = ${FLIP}`, classicalCapacity.exponentialCorrecting(d, FLIP));
      } else if (model === "modern-stored") {
        // The theorem at the same failure probability as the event measured.
        const b = storageBound({ beta: MODERN.beta, K: MODERN.K, d, p: MODERN.pEvent });
        if (b.valid) add(`Theorem 3, p = ${MODERN.pEvent}`, b.n_lower);
      }
    }
  }
  const classicalRatios = measured
    .filter((m) => m.model === CAPACITY_LABELS.classical)
    .map((m) => ({ d: m.d, ratio: Number((m.capacity / m.d).toFixed(4)) }));
  return { measured, theory, classicalRatios };
}

const MODEL_COLORS = Object.fromEntries(
  CAPACITY_MODELS.map((m, i) => [CAPACITY_LABELS[m], THEME.colors[i % THEME.colors.length]]),
);

/** The point with the largest d of each theory curve (where its label goes). */
function lastOfEach<T extends { curve: string; d: number }>(rows: T[]): T[] {
  const last = new Map<string, T>();
  for (const r of rows) if (!last.has(r.curve) || last.get(r.curve)!.d < r.d) last.set(r.curve, r);
  return [...last.values()];
}

/** Capacity against d: polynomial family (log–log) and exponential family (log y), theory dashed. */
export function capacityVsDimensionFigure(data: CapacityVsDimensionData): Figure {
  const polynomial = [CAPACITY_LABELS.classical, CAPACITY_LABELS.power3, CAPACITY_LABELS.power4];
  const side = (models: string[], title: string, xLog: boolean) => {
    const m = data.measured.filter((r) => models.includes(r.model));
    const t = data.theory.filter((r) => models.includes(r.model));
    const stroke = (r: { model: string }) => MODEL_COLORS[r.model];
    return panel({
      width: 380,
      height: 340,
      title,
      x: { type: xLog ? "log" : "linear", label: "dimension d" },
      y: { type: "log", label: "patterns stored N", grid: true },
      marks: [
        Plot.line(t, { x: "d", y: "n", z: "curve", stroke, strokeDasharray: "5,3" }),
        Plot.text(lastOfEach(t), {
          x: "d",
          y: "n",
          text: "curve",
          fontSize: 9,
          textAnchor: "end",
          dy: -6,
          fill: stroke,
        }),
        Plot.line(m, { x: "d", y: "capacity", z: "model", stroke }),
        Plot.ruleX(m.filter((r) => r.low > 0), { x: "d", y1: "low", y2: "high", stroke, strokeWidth: 1.5 }),
        Plot.dot(m, {
          x: "d",
          y: "capacity",
          stroke,
          fill: (r: { censored: boolean; model: string }) => (r.censored ? "white" : MODEL_COLORS[r.model]),
          symbol: (r: { censored: boolean }) => (r.censored ? "triangle" : "circle"),
          r: 4,
        }),
      ],
    });
  };
  const ratios = data.classicalRatios.map((r) => `${r.ratio.toFixed(3)} (d = ${r.d})`).join(", ");
  return compose("capacity_vs_dimension", [
    side(polynomial, "polynomial interactions (log–log)", true),
    side(
      [CAPACITY_LABELS.exponential, CAPACITY_LABELS.modern, CAPACITY_LABELS["modern-stored"]],
      "exponential interactions",
      false,
    ),
  ], {
    title: "Storage capacity against dimension: measured (solid, with intervals) and theory (dashed)",
    legend: Object.entries(MODEL_COLORS).map(([label, color]) => ({ label, color })),
    note:
      `Measured classical capacity / d: ${ratios}. Bars: from the largest N whose 95% interval lies above ` +
      `the success probability to the last N before one whose interval lies below it. Open triangles: every N up to ` +
      `the search cap passed (a lower bound). Dense models flip round(0.1·d) bits; their d^{n−1} and 2^{d/2} laws are ` +
      `for queries without flips. Theorem 3 bounds its own event (every pattern stored, 1 − p of pattern sets), ` +
      `drawn beside that event measured; the noisy-query protocol has no theory curve. Protocols: ` +
      `lib/experiments/capacity_protocols.ts.`,
  });
}

/** Parameters of the modern-network sweep. */
export interface ModernCapacityParams {
  /** Dimension d. */
  d: number;
  /** Inverse temperatures of the β sweep (at K = 3). */
  betas: number[];
  /** Pattern norms as K in M = K√(d−1). */
  Ks: number[];
  /** Largest N tried. */
  nMax: number;
  /** Independent pattern sets per N. */
  trials: number;
  /** Queried patterns per set. */
  queries: number;
  /** Queries each N is measured on, at least (default trials × queries). */
  samples?: number;
  /** Largest refinement of a rate at an end of the capacity's bracket, × samples (a power of 2; default 1). */
  maxEffort?: number;
  /** Seed of the protocol. */
  seed: number;
  /** Backend of the retrievals (from `selectBackend()`). */
  backend?: Backend;
}

/** Capacity per β (at K = 3) and per K (at β = 1), with βM² for the collapse. */
export interface ModernCapacityData {
  /** Dimension d. */
  d: number;
  /** Capacity (with its interval) per point of each sweep, with βM². */
  rows: {
    sweep: "β" | "K";
    beta: number;
    K: number;
    betaM2: number;
    capacity: number;
    low: number;
    high: number;
    censored: boolean;
  }[];
}

/** Measures the modern network's capacity at each β and each pattern norm. */
export async function runModernCapacity(params: ModernCapacityParams): Promise<ModernCapacityData> {
  const rows: ModernCapacityData["rows"] = [];
  const one = async (sweep: "β" | "K", beta: number, K: number) => {
    const r = await capacitySearch(capacityProtocol("modern", params.d, { ...params, beta, K }), {
      nMax: params.nMax,
      maxEffort: params.maxEffort,
    });
    const betaM2 = Number((beta * K * K * (params.d - 1)).toPrecision(6));
    rows.push({
      sweep,
      beta,
      K,
      betaM2,
      capacity: r.capacity,
      low: r.low,
      high: r.high,
      censored: r.censored,
    });
  };
  for (const beta of params.betas) await one("β", beta, MODERN.K);
  for (const K of params.Ks) await one("K", MODERN.beta, K);
  return { d: params.d, rows };
}

/** Capacity against β, against K, and both against βM² (they fall on one curve). */
export function modernCapacityFigure(data: ModernCapacityData): Figure {
  const colors = { "β": THEME.colors[0], K: THEME.colors[3] } as const;
  const bars = (x: string, rows: ModernCapacityData["rows"]) =>
    Plot.ruleX(rows.filter((r) => r.low > 0), {
      x,
      y1: "low",
      y2: "high",
      stroke: (r: { sweep: "β" | "K" }) => colors[r.sweep],
    });
  const dot = (x: string, rows: ModernCapacityData["rows"]) =>
    Plot.dot(rows, {
      x,
      y: "capacity",
      r: 4,
      stroke: (r: { sweep: "β" | "K" }) => colors[r.sweep],
      fill: (r: { sweep: "β" | "K"; censored: boolean }) => (r.censored ? "white" : colors[r.sweep]),
    });
  const beta = data.rows.filter((r) => r.sweep === "β"), K = data.rows.filter((r) => r.sweep === "K");
  const y = { type: "log" as const, label: "patterns stored N", grid: true };
  return compose("capacity_modern", [
    panel({
      width: 280,
      height: 300,
      title: `against β (K = ${MODERN.K})`,
      x: { type: "log", label: "β" },
      y,
      marks: [
        Plot.line(beta, { x: "beta", y: "capacity", stroke: colors["β"] }),
        bars("beta", beta),
        dot("beta", beta),
      ],
    }),
    panel({
      width: 280,
      height: 300,
      title: `against the norm M = K√(d−1) (β = ${MODERN.beta})`,
      x: { label: "K" },
      y,
      marks: [Plot.line(K, { x: "K", y: "capacity", stroke: colors.K }), bars("K", K), dot("K", K)],
    }),
    panel({
      width: 280,
      height: 300,
      title: "both against βM²",
      x: { type: "log", label: "β M²" },
      y,
      marks: [bars("betaM2", data.rows), dot("betaM2", data.rows)],
    }),
  ], {
    title:
      `Modern network, d = ${data.d}: capacity rises with β and with the norm until the noise limits it; only βM² matters`,
    legend: [{ label: "β sweep", color: colors["β"] }, { label: "norm sweep", color: colors.K }],
    note:
      "Queries carry Gaussian noise of norm ≈ 0.8 M; success: within 10% of the pattern for 90% of queries (bars: the capacity's interval from the rates' 95% intervals). Scaling all patterns and queries by a leaves the dynamics unchanged if β → β/a², so only βM² matters. Open dots: censored at the search cap.",
  });
}
