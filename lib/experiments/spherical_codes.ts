/**
 * Notebook 06: spherical codes (Hu et al. 2024, U-Hop+: a kernelized Hopfield model reaches its optimal capacity
 * when its memories form an optimal spherical code). Figures: `tammes_angles` (our optimiser's best angle
 * against M in d = 3 with the Fejes Tóth and Levenshtein bounds), `separation_bound` (Proposition 3.1's bounds
 * against Δ_min of our codes, d = 3), `code_size_bounds` (bounds on A(d, θ) against d), `khm_capacity` (the
 * capacity of a KHM against its feature dimension), `code_view` (a 3-D view of an optimised code).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import type { Matrix } from "../linalg/matrix.ts";
import {
  capPackingUpper,
  cswLower,
  fejesToth,
  khmCapacity,
  levenshtein,
  levenshteinAngle,
  rankinUpper,
  separationBounds,
} from "../spherical/bounds.ts";
import { optimiseCode } from "../spherical/optimise.ts";
import { progress } from "./scale.ts";
import { round } from "./round.ts";

const DEG = 180 / Math.PI;

/** Parameters of the Tammes sweep. */
export interface TammesParams {
  /** Dimension d of the sphere S^{d−1}. */
  d: number;
  /** Numbers of points M. */
  ms: number[];
  /** Most restarts per code. */
  restarts: number;
  /** Restarts without gain before a code is final (see {@link optimiseCode}; default 1000). */
  patience?: number;
  /** Per code. */
  timeBudgetMs: number;
  /** Seed; the code for M uses seed + M. */
  seed: number;
}

/** Our best code per M, with the bounds. */
export interface TammesData {
  /** Dimension d. */
  d: number;
  /** One row per M: the angle, Δ_min, the bounds, the imbalance and the time. */
  rows: {
    m: number;
    degrees: number;
    deltaMin: number;
    /** Fejes Tóth's angle bound (d = 3 only; null otherwise or for M < 3). */
    fejesToth: number | null;
    levenshtein: number;
    sepLower: number;
    sepUpper: number;
    /** The code's stress imbalance (see `contactStresses`): ~1e-16 at a first-order optimum; null if unmeasured. */
    imbalance: number | null;
    ms: number;
  }[];
  /** One optimised code (the largest M) for the 3-D view. */
  points: number[][];
}

/** Optimises a code for every M and evaluates the bounds. */
export function runTammes(params: TammesParams): TammesData {
  const log = progress("tammes");
  const rows: TammesData["rows"] = [];
  let points: number[][] = [];
  for (const m of params.ms) {
    const t = performance.now();
    const code = optimiseCode(params.d, m, {
      restarts: params.restarts,
      patience: params.patience,
      timeBudgetMs: params.timeBudgetMs,
      seed: params.seed + m,
      onProgress: (i) => log.tick(`M = ${m}: restart ${i.restart + 1}, best ${i.best.toFixed(7)}°`),
    });
    const sep = separationBounds(params.d, m);
    rows.push({
      m,
      degrees: round(code.degrees, 10),
      deltaMin: round(code.deltaMin, 10),
      fejesToth: params.d === 3 && m >= 3 ? round(fejesToth(m) * DEG, 10) : null,
      levenshtein: round(levenshteinAngle(params.d, m) * DEG, 10),
      sepLower: round(sep.lower, 8),
      sepUpper: round(sep.upper, 8),
      imbalance: code.imbalance === undefined ? null : round(code.imbalance, 2),
      ms: Math.round(performance.now() - t),
    });
    points = Array.from(
      { length: m },
      (_, i) => Array.from(code.points.data.subarray(i * params.d, (i + 1) * params.d)),
    );
    log(`M = ${m}: ${code.degrees.toFixed(7)}° after ${code.restarts} starts`);
  }
  return { d: params.d, rows, points };
}

/** Best angle against M with the Fejes Tóth and Levenshtein upper bounds. */
export function tammesFigure(data: TammesData): Figure {
  const names = ["our optimiser", "Fejes Tóth bound", "Levenshtein bound"];
  const colors = [THEME.colors[0], THEME.colors[3], THEME.colors[1]];
  const long = data.rows.flatMap((r) => [
    { m: r.m, deg: r.degrees, name: names[0] },
    ...(r.fejesToth === null ? [] : [{ m: r.m, deg: r.fejesToth, name: names[1] }]),
    { m: r.m, deg: r.levenshtein, name: names[2] },
  ]);
  const p = panel({
    width: 620,
    height: 340,
    x: { label: "number of points M" },
    y: { label: "minimal angle (degrees)", grid: true },
    color: { domain: names, range: colors },
    marks: [
      Plot.line(long.filter((r) => r.name !== names[0]), {
        x: "m",
        y: "deg",
        stroke: "name",
        strokeDasharray: "5,3",
      }),
      Plot.dot(long.filter((r) => r.name === names[0]), { x: "m", y: "deg", fill: "name", r: 2.5 }),
    ],
  });
  return compose("tammes_angles", [p], {
    title: `The Tammes problem in d = ${data.d}: our codes against the upper bounds`,
    legend: names.map((label, i) => ({ label, color: colors[i] })),
    note: "Fejes Tóth is attained at M = 3, 4, 6, 12 and Levenshtein at M = 4, 6 and 12 (the icosahedron).",
  });
}

/** Proposition 3.1's bounds against Δ_min = 1 − cos θ_min of our codes (log y): the "Separation Bound (d=3)". */
export function separationBoundFigure(data: TammesData): Figure {
  const names = ["Δ_min of our codes", "upper bound (Prop. 3.1)", "lower bound (Prop. 3.1)"];
  const colors = [THEME.colors[0], THEME.colors[3], THEME.colors[2]];
  const long = data.rows.flatMap((r) => [
    { m: r.m, v: r.deltaMin, name: names[0] },
    { m: r.m, v: r.sepUpper, name: names[1] },
    { m: r.m, v: r.sepLower, name: names[2] },
  ]);
  const p = panel({
    width: 620,
    height: 340,
    x: { label: "number of points M" },
    y: { type: "log", label: "Δ_min = 1 − cos θ_min", grid: true },
    color: { domain: names, range: colors },
    marks: [
      Plot.line(long.filter((r) => r.name !== names[0]), {
        x: "m",
        y: "v",
        stroke: "name",
        strokeDasharray: "5,3",
      }),
      Plot.dot(long.filter((r) => r.name === names[0]), { x: "m", y: "v", fill: "name", r: 2.5 }),
    ],
  });
  const first = data.rows[0], last = data.rows[data.rows.length - 1];
  const ratio = (r: TammesData["rows"][number]) => (r.sepUpper / r.deltaMin).toFixed(1);
  return compose("separation_bound", [p], {
    title: `Separation Bound (d = ${data.d}): Proposition 3.1 (Hu et al. 2024) and our codes`,
    legend: names.map((label, i) => ({ label, color: colors[i] })),
    note: (data.d === 3 ? "In d = 3 the bounds are 2/(3M) ≤ Δ_min ≤ 4/√M. " : "") +
      `The upper bound over our Δ_min is ${ratio(first)} at M = ${first.m} and ${
        ratio(last)
      } at M = ${last.m}: it ` +
      `falls like M^{−1/(d−1)} while the optimum falls like M^{−2/(d−1)}, so it loosens as M grows.`,
  });
}

/** Bounds on A(d, θ) for each dimension and angle. */
export interface CodeSizeData {
  /** One row per (d, angle, bound). */
  rows: { d: number; angle: number; bound: string; value: number }[];
}

/** CSW, cap packing, Rankin and Levenshtein for every d and angle (degrees). */
export function runCodeSizeBounds(params: { dims: number[]; anglesDeg: number[] }): CodeSizeData {
  const rows: CodeSizeData["rows"] = [];
  for (const angle of params.anglesDeg) {
    const t = angle / DEG;
    for (const d of params.dims) {
      rows.push(
        { d, angle, bound: "CSW lower", value: round(cswLower(d, t), 8) },
        { d, angle, bound: "cap packing", value: round(capPackingUpper(d, t), 8) },
        { d, angle, bound: "Rankin", value: round(rankinUpper(d, t), 8) },
        { d, angle, bound: "Levenshtein", value: round(levenshtein(d, Math.cos(t)), 8) },
      );
    }
  }
  return { rows };
}

const BOUND_NAMES = ["CSW lower", "cap packing", "Rankin", "Levenshtein"];
const BOUND_COLORS = [
  THEME.colors[2],
  THEME.colors[3],
  THEME.colors[4 % THEME.colors.length],
  THEME.colors[0],
];

/** One panel per angle: the bounds against d, log y. */
export function codeSizeBoundsFigure(data: CodeSizeData): Figure {
  const angles = [...new Set(data.rows.map((r) => r.angle))];
  const panels = angles.map((angle) =>
    panel({
      width: 300,
      height: 300,
      title: `θ = ${angle}°`,
      x: { label: "dimension d" },
      y: { label: "log₂ A(d, θ)", grid: true },
      color: { domain: BOUND_NAMES, range: BOUND_COLORS },
      marks: [
        Plot.line(data.rows.filter((r) => r.angle === angle), {
          x: "d",
          y: (r: { value: number }) => Math.log2(r.value),
          stroke: "bound",
        }),
      ],
    })
  );
  return compose("code_size_bounds", panels, {
    title: "Bounds on the size of a spherical code: all grow exponentially in d (log₂ scale)",
    legend: BOUND_NAMES.map((label, i) => ({ label, color: BOUND_COLORS[i] })),
    note:
      "CSW is a lower bound (a code that large exists); the others are upper bounds. Levenshtein is the sharpest upper bound here.",
  });
}

/** KHM capacity against the feature dimension. */
export interface KhmData {
  /** One row per (D_Φ, Δ_min): the bounds on M* and their rates. */
  rows: { D: number; deltaMin: number; lower: number; upper: number; lowerRate: number; upperRate: number }[];
}

/** Capacity bounds for every feature dimension D and minimal separation Δ_min. */
export function runKhmCapacity(params: { Ds: number[]; deltas: number[] }): KhmData {
  return {
    rows: params.deltas.flatMap((deltaMin) =>
      params.Ds.map((D) => {
        const c = khmCapacity(D, deltaMin);
        return {
          D,
          deltaMin,
          lower: round(c.lower, 8),
          upper: round(c.upper, 8),
          lowerRate: round(c.lowerRate, 8),
          upperRate: round(c.upperRate, 8),
        };
      })
    ),
  };
}

/** Lower and upper capacity bounds against D_Φ, one colour per Δ_min, log y. */
export function khmCapacityFigure(data: KhmData): Figure {
  const deltas = [...new Set(data.rows.map((r) => r.deltaMin))];
  const color = {
    domain: deltas.map(String),
    range: deltas.map((_, i) => THEME.colors[i % THEME.colors.length]),
  };
  const stroke = (r: { deltaMin: number }) => String(r.deltaMin);
  const p = panel({
    width: 620,
    height: 360,
    x: { label: "feature dimension D_Φ" },
    y: { label: "log₂ M (memories storable with separation Δ_min)", grid: true },
    color,
    marks: [
      Plot.line(data.rows, {
        x: "D",
        y: (r: { lower: number }) => Math.log2(r.lower),
        z: "deltaMin",
        stroke,
      }),
      Plot.line(data.rows, {
        x: "D",
        y: (r: { upper: number }) => Math.log2(r.upper),
        z: "deltaMin",
        stroke,
        strokeDasharray: "5,3",
      }),
    ],
  });
  const rates = deltas.map((dm) => {
    const r = data.rows.find((x) => x.deltaMin === dm)!;
    return `Δ = ${dm}: ${r.lowerRate.toFixed(3)}–${r.upperRate.toFixed(3)} bits/dim`;
  }).join("; ");
  return compose("khm_capacity", [p], {
    title: "Optimal capacity of a kernelized Hopfield model: exp(Θ(D_Φ)) memories",
    legend: deltas.map((dm, i) => ({ label: `Δ_min = ${dm}`, color: THEME.colors[i % THEME.colors.length] })),
    note:
      `Solid: CSW lower bound (an optimal code at least this large exists); dashed: min(cap packing, Levenshtein). Exponents (CSW–KL): ${rates}.`,
  });
}

/**
 * An orthographic 3-D view of a code on S²: rotated by fixed angles, points on the near hemisphere filled and
 * on the far one hollow, contact edges (pairs at the minimal angle) drawn, near ones dark.
 */
export function codeViewFigure(points: number[][], options: { name?: string; title?: string } = {}): Figure {
  if (points.length < 2 || points.some((p) => p.length !== 3)) {
    throw new RangeError(`Cannot draw a 3-D view: need at least 2 points in ℝ³: M=${points.length}`);
  }
  const [a, b] = [0.6, 0.4]; // rotation about z, then about x
  const rot = ([x, y, z]: number[]) => {
    const x1 = x * Math.cos(a) - y * Math.sin(a), y1 = x * Math.sin(a) + y * Math.cos(a);
    return [x1, y1 * Math.cos(b) - z * Math.sin(b), y1 * Math.sin(b) + z * Math.cos(b)];
  };
  const P = points.map(rot);
  let best = Infinity;
  const dist = (i: number, j: number) => Math.hypot(P[i][0] - P[j][0], P[i][1] - P[j][1], P[i][2] - P[j][2]);
  for (let i = 0; i < P.length; i++) for (let j = i + 1; j < P.length; j++) best = Math.min(best, dist(i, j));
  const edges: { x1: number; y1: number; x2: number; y2: number; near: boolean }[] = [];
  for (let i = 0; i < P.length; i++) {
    for (let j = i + 1; j < P.length; j++) {
      if (dist(i, j) <= best * (1 + 1e-6)) {
        edges.push({ x1: P[i][0], y1: P[i][2], x2: P[j][0], y2: P[j][2], near: P[i][1] + P[j][1] < 0 });
      }
    }
  }
  const dots = P.map(([x, y, z]) => ({ x, z, near: y < 0 }));
  const circle = Array.from(
    { length: 121 },
    (_, i) => ({ x: Math.cos((i * Math.PI) / 60), z: Math.sin((i * Math.PI) / 60) }),
  );
  const p = panel({
    width: 360,
    height: 360,
    x: { domain: [-1.1, 1.1], axis: null },
    y: { domain: [-1.1, 1.1], axis: null },
    marks: [
      Plot.line(circle, { x: "x", y: "z", stroke: "#ccc" }),
      Plot.link(edges.filter((e) => !e.near), { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: "#ccc" }),
      Plot.link(edges.filter((e) => e.near), { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: "#555" }),
      Plot.dot(dots.filter((d) => !d.near), { x: "x", y: "z", r: 3, stroke: THEME.colors[0], fill: "white" }),
      Plot.dot(dots.filter((d) => d.near), { x: "x", y: "z", r: 4, fill: THEME.colors[0] }),
    ],
  });
  return compose(options.name ?? "code_view", [p], {
    title: options.title ?? `An optimised code: ${points.length} points on S²`,
    note: "Edges join pairs at the minimal angle; filled points face the viewer.",
  });
}

/** Rows of a Matrix as arrays (for {@link codeViewFigure}). */
export function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
