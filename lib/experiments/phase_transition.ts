/**
 * Notebook 03: the temperature phase transition (Koulischer et al. 2023, as reconstructed in shared/papers §2).
 * Figures: `phase_cobweb` (the reduced map below, inside and above the coexistence window),
 * `phase_bifurcation` (fixed points of the reduced map against K), `phase_thresholds` (K_sn, K_t, K_spin
 * against N), `phase_full_iteration` (the d-dimensional update agreeing with the reduced map, and its
 * thresholds), `phase_mnist` (the normalised divergence against β and against β_eff on MNIST).
 *
 * @module
 */
import { retrieveOn } from "../backend/retrieve.ts";
import { backendLabel, type BackendName } from "../backend/mod.ts";
import { equidistant, rotateRows } from "../data/synthetic.ts";
import { loadMnist } from "../data/mnist.ts";
import { energy } from "../hopfield/energy.ts";
import { update } from "../hopfield/update.ts";
import { retrieve } from "../hopfield/retrieve.ts";
import { columnMeans, distance, fromRows, type Matrix, row } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { compose, type Figure, panel, Plot, THEME } from "../plot/mod.ts";
import {
  fixedPointCoupling,
  orderParameter,
  type PhaseThresholds,
  phaseThresholds,
  reducedFixedPoints,
  reducedMap,
  reducedMapSlope,
  symmetricLineState,
} from "../theory/phase.ts";
import { globalThreshold, meanSeparation } from "../theory/phase_data.ts";
import { progress } from "./scale.ts";
import { unitRows } from "./fixed_point_kinds.ts";

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

// ---------------------------------------------------------------------------------------------------------
// Cobweb plots of the reduced map

/** Parameters of the cobweb figure. */
export interface CobwebParams {
  /** Number of patterns N. */
  n: number;
  /** One panel per K (the notebook picks one below K_sn, one in the window, one above N). */
  ks: number[];
  /** Starting order parameters of the cobweb paths. */
  starts: number[];
  /** Iterations drawn per path. */
  steps: number;
}

/** Curves and cobweb paths per panel. */
export interface CobwebData {
  n: number;
  thresholds: PhaseThresholds;
  panels: {
    K: number;
    curve: { m: number; F: number }[];
    paths: { start: number; points: { x: number; y: number }[] }[];
    fixed: { m: number; stable: boolean }[];
  }[];
}

/** The reduced map, the diagonal and cobweb paths `(m_t, m_t) → (m_t, m_{t+1}) → (m_{t+1}, m_{t+1})`. */
export function runCobweb(params: CobwebParams): CobwebData {
  const { n } = params, lo = -1 / (n - 1);
  const panels = params.ks.map((K) => {
    const curve = Array.from({ length: 201 }, (_, i) => {
      const m = lo + ((1 - lo) * i) / 200;
      return { m: round(m), F: round(reducedMap(m, K, n)) };
    });
    const paths = params.starts.map((start) => {
      const points = [{ x: start, y: start }];
      let m = start;
      for (let t = 0; t < params.steps; t++) {
        const next = reducedMap(m, K, n);
        points.push({ x: round(m), y: round(next) }, { x: round(next), y: round(next) });
        m = next;
      }
      return { start, points };
    });
    return {
      K,
      curve,
      paths,
      fixed: reducedFixedPoints(K, n).map((f) => ({ m: round(f.m), stable: f.stable })),
    };
  });
  return { n, thresholds: phaseThresholds(n), panels };
}

const PATH_COLORS = [THEME.colors[3], THEME.colors[2], THEME.colors[1]];

/** Three cobweb panels: F_K(m) against m with the diagonal and the iterates. */
export function cobwebFigure(data: CobwebData): Figure {
  const t = data.thresholds;
  const titleOf = (K: number) =>
    K < t.K_sn
      ? `K = ${K.toFixed(2)} < K_sn: one attractor (global)`
      : K < t.K_spin
      ? `K_sn < K = ${K.toFixed(2)} < N: both coexist`
      : `K = ${K.toFixed(2)} > N: global state unstable`;
  const panels = data.panels.map((p) =>
    panel({
      width: 300,
      height: 300,
      title: titleOf(p.K),
      x: { label: "m_t", domain: [-1 / (data.n - 1), 1] },
      y: { label: "m_{t+1}", domain: [-1 / (data.n - 1), 1], grid: true },
      marks: [
        Plot.line([[-1, -1], [1, 1]], { stroke: "#999", strokeDasharray: "3,3" }),
        Plot.line(p.curve, { x: "m", y: "F", stroke: THEME.colors[0], strokeWidth: 2 }),
        ...p.paths.map((path, i) =>
          Plot.line(path.points, {
            x: "x",
            y: "y",
            stroke: PATH_COLORS[i % PATH_COLORS.length],
            strokeWidth: 1,
          })
        ),
        Plot.dot(p.fixed, {
          x: "m",
          y: "m",
          r: 4,
          stroke: "black",
          fill: (d: { stable: boolean }) => (d.stable ? "black" : "white"),
        }),
      ],
    })
  );
  return compose("phase_cobweb", panels, {
    title: `Cobweb plots of the reduced map F_K(m) = (e^{Km} − 1)/(e^{Km} + N − 1), N = ${data.n}`,
    legend: [
      { label: "F_K", color: THEME.colors[0] },
      ...data.panels[0].paths.map((p, i) => ({
        label: `from m₀ = ${p.start}`,
        color: PATH_COLORS[i % PATH_COLORS.length],
      })),
    ],
    note:
      `m = 0 is the global state (the mean of the patterns), m = 1 a stored pattern; filled dots: fixed points stable along the line, open: unstable. K_sn = ${
        t.K_sn.toFixed(4)
      }, K_t = ${t.K_t.toFixed(4)}, K_spin = N = ${t.K_spin}.`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Bifurcation diagram

/** Fixed points against K, and the thresholds. */
export interface BifurcationData {
  n: number;
  kMax: number;
  thresholds: PhaseThresholds;
  points: { K: number; m: number; stable: boolean; branch: string }[];
}

/** Traces every fixed-point branch of `F_K`: `m = 0` and the curve `K = K(m)`, with stability. */
export function runBifurcation(params: { n: number; kMax: number; points: number }): BifurcationData {
  const { n, kMax } = params, lo = -1 / (n - 1);
  const points: BifurcationData["points"] = [];
  for (let i = 0; i <= params.points; i++) {
    const K = (kMax * i) / params.points;
    if (K > 0) {
      points.push({ K: round(K), m: 0, stable: reducedMapSlope(0, K, n) < 1, branch: "global (m = 0)" });
    }
  }
  for (let i = 1; i < params.points; i++) {
    // Parametrise the non-trivial branch by m (uniform in an arcsine-like spacing to resolve both ends).
    const u = i / params.points, m = lo + (1 - lo) * (0.5 - 0.5 * Math.cos(Math.PI * u));
    if (Math.abs(m) < 1e-9) continue;
    const K = fixedPointCoupling(m, n);
    if (K > kMax) continue;
    points.push({
      K: round(K),
      m: round(m),
      stable: Math.abs(reducedMapSlope(m, K, n)) < 1,
      branch: m > 0 ? "pattern (m > 0)" : "anti-pattern (m < 0)",
    });
  }
  return { n, kMax, thresholds: phaseThresholds(n), points };
}

/** The bifurcation diagram with the three thresholds marked. */
export function bifurcationFigure(data: BifurcationData): Figure {
  const t = data.thresholds;
  const lines = [
    { K: t.K_sn, label: "K_sn", y: 1.04, anchor: "end" },
    { K: t.K_t, label: "K_t", y: 1.04, anchor: "start" },
    { K: t.K_spin, label: "K_spin = N", y: 1.04, anchor: "middle" },
  ];
  const p = panel({
    width: 620,
    height: 360,
    x: { label: "K = β r²(1 − c)", domain: [0, data.kMax] },
    y: { label: "fixed point m*", grid: true },
    marks: [
      Plot.ruleX(lines, { x: "K", stroke: "#bbb", strokeDasharray: "4,3" }),
      ...lines.map((l) =>
        Plot.text([l], { x: "K", y: "y", text: "label", fontSize: 10, textAnchor: l.anchor as "start" })
      ),
      Plot.dot(data.points, {
        x: "K",
        y: "m",
        r: 1.6,
        fill: (d: { stable: boolean }) => (d.stable ? THEME.colors[0] : THEME.colors[3]),
      }),
    ],
  });
  return compose("phase_bifurcation", [p], {
    title: `Fixed points of the reduced map against K (N = ${data.n})`,
    legend: [
      { label: "stable along the symmetric line", color: THEME.colors[0] },
      { label: "unstable", color: THEME.colors[3] },
    ],
    note:
      "Pattern states (m near 1) appear at the saddle-node K_sn, have the energy of the global state at K_t, and the global state m = 0 loses stability at K = N. The m < 0 branch (one pattern suppressed) is a saddle in the full space.",
  });
}

// ---------------------------------------------------------------------------------------------------------
// Thresholds against N

/** K_sn, K_t and K_spin for each N. */
export interface ThresholdScalingData {
  rows: { n: number; K_sn: number; K_t: number; K_spin: number }[];
}

/** The thresholds for each N. */
export function runThresholdScaling(params: { ns: number[] }): ThresholdScalingData {
  return {
    rows: params.ns.map((n) => {
      const t = phaseThresholds(n);
      return { n, K_sn: round(t.K_sn), K_t: round(t.K_t), K_spin: t.K_spin };
    }),
  };
}

/** Thresholds against N on a log axis: logarithmic growth of K_sn and K_t, linear growth of K_spin. */
export function thresholdScalingFigure(data: ThresholdScalingData): Figure {
  const names = ["K_sn (minima appear)", "K_t (equal energy)", "K_spin = N (global unstable)", "2 ln N"];
  const colors = [THEME.colors[0], THEME.colors[1], THEME.colors[3], "#999"];
  const long = data.rows.flatMap((r) => [
    { n: r.n, K: r.K_sn, name: names[0] },
    { n: r.n, K: r.K_t, name: names[1] },
    { n: r.n, K: r.K_spin, name: names[2] },
    { n: r.n, K: round(2 * Math.log(r.n)), name: names[3] },
  ]);
  const color = { domain: names, range: colors };
  const left = panel({
    width: 340,
    height: 300,
    title: "log N axis: K_sn, K_t grow like ln N",
    x: { type: "log", label: "N" },
    y: { label: "K", grid: true },
    color,
    marks: [
      Plot.line(long.filter((r) => r.name === names[0] || r.name === names[1]), {
        x: "n",
        y: "K",
        stroke: "name",
      }),
      Plot.line(long.filter((r) => r.name === names[3]), {
        x: "n",
        y: "K",
        stroke: "name",
        strokeDasharray: "4,3",
      }),
    ],
  });
  const right = panel({
    width: 340,
    height: 300,
    title: "log–log: K_spin = N grows linearly",
    x: { type: "log", label: "N" },
    y: { type: "log", label: "K", grid: true },
    color,
    marks: [
      Plot.line(long.filter((r) => r.name !== names[3]), { x: "n", y: "K", stroke: "name" }),
      Plot.line(long.filter((r) => r.name === names[3]), {
        x: "n",
        y: "K",
        stroke: "name",
        strokeDasharray: "4,3",
      }),
    ],
  });
  return compose("phase_thresholds", [left, right], {
    title: "The coexistence window K_sn < K < N widens with N: β_c grows logarithmically",
    legend: names.map((label, i) => ({ label, color: colors[i] })),
    note: "K = β r²(1 − c); for the centred unit simplex β = K (N − 1)/N.",
  });
}

// ---------------------------------------------------------------------------------------------------------
// The full update in d dimensions against the reduced map

/** Parameters of the full-iteration check. */
export interface FullIterationParams {
  n: number;
  /** Embedding dimension (≥ N − 1); the simplex is rotated at random into ℝᵈ. */
  d: number;
  /** K of the trajectories panel (inside the coexistence window). */
  K: number;
  /** Starting order parameters of the trajectories. */
  starts: number[];
  steps: number;
  /** β grid of the threshold sweep. */
  betas: number[];
  maxSteps: number;
  seed: number;
}

/** Trajectories (full vs reduced) and the sweep of where the full iteration ends. */
export interface FullIterationData {
  params: FullIterationParams;
  thresholds: PhaseThresholds;
  trajectories: { start: number; t: number; full: number; reduced: number }[];
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

// ---------------------------------------------------------------------------------------------------------
// MNIST: the normalised divergence

/** How MNIST digits are normalised before storing. */
export const MNIST_NORMALISATIONS = ["unit norm", "unit norm, then centred"] as const;
/** A normalisation name. */
export type MnistNormalisation = typeof MNIST_NORMALISATIONS[number];

/** Parameters of the MNIST sweep. */
export interface MnistPhaseParams {
  /** Numbers of stored digits. */
  ns: number[];
  normalisations: MnistNormalisation[];
  betas: number[];
  maxSteps: number;
  backend?: BackendName;
}

/** Per (N, normalisation, β): the divergence, the minima, and the effective temperature. */
export interface MnistPhaseData {
  rows: {
    n: number;
    normalisation: MnistNormalisation;
    beta: number;
    betaEff: number;
    /** β_eff / K_t(N): 1 at the equidistant transition. */
    scaled: number;
    divergence: number;
    minima: number;
    /** Lowest energy among the distinct minima. */
    energyMin: number;
  }[];
  /** The data-dependent thresholds per (N, normalisation). */
  /** `betaGlobal`: where the global branch loses stability (null: it deforms without a bifurcation). */
  thresholds: {
    n: number;
    normalisation: MnistNormalisation;
    betaGlobal: number | null;
    separation: number;
  }[];
  backend: string;
}

/** Stores `n` MNIST digits normalised as asked (pixels in [0, 1], flattened). */
export function mnistPatterns(n: number, normalisation: MnistNormalisation): Matrix {
  const out = unitRows(loadMnist({ split: "train", count: n }).images), d = out.cols;
  if (normalisation === "unit norm, then centred") {
    // Centring last keeps the mean exactly 0, so the global state is ξ = 0 and its threshold is 1/λ_max.
    const mean = columnMeans(out);
    for (let k = 0; k < out.data.length; k++) out.data[k] -= mean[k % d];
  }
  return out;
}

/**
 * The normalised divergence `D = mean_i ‖ξᵢ* − xᵢ‖ / mean_i ‖xᵢ − x̄‖`, where ξᵢ* is the fixed point reached
 * from stored pattern xᵢ: 0 when every pattern is its own attractor, 1 when all fall into the mean.
 *
 * @example
 * ```ts
 * import { normalisedDivergence } from "./phase_transition.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * assert.equal(normalisedDivergence(X, X), 0);
 * assert.ok(Math.abs(normalisedDivergence(X, fromRows([[0.5, 0.5], [0.5, 0.5]])) - 1) < 1e-15);
 * ```
 */
export function normalisedDivergence(patterns: Matrix, finals: Matrix): number {
  const mean = columnMeans(patterns);
  let num = 0, den = 0;
  for (let i = 0; i < patterns.rows; i++) {
    num += distance(row(finals, i), row(patterns, i));
    den += distance(row(patterns, i), mean);
  }
  if (!(den > 0)) throw new RangeError("Cannot compute the divergence: all patterns are equal");
  return num / den;
}

/** Distinct states: greedy clusters whose representatives are more than `tol` apart. */
export function distinctStates(states: Matrix, tol: number): number[] {
  const reps: number[] = [];
  for (let i = 0; i < states.rows; i++) {
    if (!reps.some((j) => distance(row(states, i), row(states, j)) <= tol)) reps.push(i);
  }
  return reps;
}

/** Retrieves from every stored digit at every β and tracks D, the number of minima and their lowest energy. */
export async function runMnistPhase(params: MnistPhaseParams): Promise<MnistPhaseData> {
  const log = progress("phase_mnist");
  const rows: MnistPhaseData["rows"] = [], thresholds: MnistPhaseData["thresholds"] = [];
  let backend = "";
  for (const normalisation of params.normalisations) {
    for (const n of params.ns) {
      const X = mnistPatterns(n, normalisation);
      const separation = meanSeparation(X), Kt = phaseThresholds(n).K_t;
      const g = globalThreshold(X);
      thresholds.push({
        n,
        normalisation,
        betaGlobal: g.found ? round(g.beta) : null,
        separation: round(separation),
      });
      for (const beta of params.betas) {
        const r = await retrieveOn(X, X, {
          beta,
          maxSteps: params.maxSteps,
          eps: 1e-6,
          trajectory: false,
          backend: params.backend,
        });
        backend = backendLabel(r.backend);
        const reps = distinctStates(r.states, 1e-3);
        const energies = reps.map((i) => energy(X, row(r.states, i), { beta }));
        rows.push({
          n,
          normalisation,
          beta,
          betaEff: round(beta * separation),
          scaled: round((beta * separation) / Kt),
          divergence: round(normalisedDivergence(X, r.states)),
          minima: reps.length,
          energyMin: round(Math.min(...energies)),
        });
      }
      log(`${normalisation}, N = ${n}: ${params.betas.length} β values`);
    }
  }
  return { rows, thresholds, backend };
}

/** D against β (left) and against β_eff / K_t(N) (right), one line per N, dashed for centred data. */
export function mnistPhaseFigure(data: MnistPhaseData): Figure {
  const ns = [...new Set(data.rows.map((r) => r.n))];
  const color = { domain: ns.map(String), range: ns.map((_, i) => THEME.colors[i % THEME.colors.length]) };
  const series = (x: "beta" | "scaled") =>
    MNIST_NORMALISATIONS.map((norm, k) =>
      Plot.line(data.rows.filter((r) => r.normalisation === norm), {
        x,
        y: "divergence",
        z: "n",
        stroke: (r: { n: number }) => String(r.n),
        strokeDasharray: k === 0 ? undefined : "5,3",
        marker: "dot",
      })
    );
  const ticks = data.thresholds.filter((t) => t.betaGlobal !== null).map((t) => ({ ...t, key: String(t.n) }));
  const left = panel({
    width: 360,
    height: 300,
    title: "against β (ticks: global-state instability)",
    x: { type: "log", label: "β" },
    y: { label: "normalised divergence D", grid: true, domain: [0, 1.05] },
    color,
    marks: [
      ...series("beta"),
      Plot.ruleX(ticks, {
        x: "betaGlobal",
        y1: 0.9,
        y2: 1.05,
        strokeWidth: 2,
        stroke: (t: { key: string }) => t.key,
      }),
    ],
  });
  const right = panel({
    width: 360,
    height: 300,
    title: "against β_eff / K_t(N), β_eff = β Δ̄",
    x: { type: "log", label: "β Δ̄ / K_t(N)" },
    y: { label: "normalised divergence D", grid: true, domain: [0, 1.05] },
    color,
    marks: [Plot.ruleX([1], { stroke: "#bbb", strokeDasharray: "4,3" }), ...series("scaled")],
  });
  return compose("phase_mnist", [left, right], {
    title: "MNIST: the divergence falls from 1 (one global attractor) to 0 (every digit its own minimum)",
    legend: [
      ...ns.map((n, i) => ({ label: `N = ${n}`, color: THEME.colors[i % THEME.colors.length] })),
    ],
    note:
      `Solid: unit-norm digits; dashed: unit norm, then centred (ticks: 1/λ_max of their covariance). D = mean ‖ξᵢ* − xᵢ‖ / mean ‖xᵢ − x̄‖. Backend: ${data.backend}.`,
  });
}
