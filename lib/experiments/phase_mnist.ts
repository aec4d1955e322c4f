/**
 * Notebook 03, figure `phase_mnist`: the normalised divergence of MNIST retrieval against β and against
 * β_eff / K_t(N).
 *
 * @module
 */
import { retrieveOn } from "../backend/retrieve.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { MNIST_NORMALISATIONS, type MnistNormalisation, mnistPatterns } from "../data/mnist.ts";
import { energy } from "../hopfield/energy.ts";
import { distinctStates } from "../hopfield/fixed_points.ts";
import { row } from "../linalg/matrix.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { phaseThresholds } from "../theory/phase.ts";
import { globalThreshold, meanSeparation, normalisedDivergence } from "../theory/phase_data.ts";
import { progress } from "./scale.ts";
import { round } from "./round.ts";

/** Parameters of the MNIST sweep. */
export interface MnistPhaseParams {
  /** Numbers of stored digits. */
  ns: number[];
  /** How the digits are normalised. */
  normalisations: MnistNormalisation[];
  /** Inverse temperatures. */
  betas: number[];
  /** Update cap per digit. */
  maxSteps: number;
  /** Backend of the retrievals (from `selectBackend()`). */
  backend: Backend;
}

/** Per (N, normalisation, β): the divergence, the minima, and the effective temperature. */
export interface MnistPhaseData {
  /** One row per (N, normalisation, β). */
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
  /** The backend the retrievals ran on (name and description). */
  backend: string;
}

/** Retrieves from every stored digit at every β and tracks D, the number of minima and their lowest energy. */
export async function runMnistPhase(params: MnistPhaseParams): Promise<MnistPhaseData> {
  const log = progress("phase_mnist");
  const rows: MnistPhaseData["rows"] = [], thresholds: MnistPhaseData["thresholds"] = [];
  for (const normalisation of params.normalisations) {
    for (const n of params.ns) {
      const X = mnistPatterns(n, normalisation);
      const separation = meanSeparation(X), Kt = phaseThresholds(n).K_t;
      const g = globalThreshold(X, {
        solve: params.backend.solve,
        onProgress: (beta, rho) =>
          log.tick(
            `${normalisation}, N = ${n}: global branch at β = ${beta.toPrecision(3)}, spectral radius ${
              rho.toFixed(3)
            }`,
          ),
      });
      log.tick(
        `${normalisation}, N = ${n}: global threshold ${g.found ? g.beta.toPrecision(4) : "not found"}`,
      );
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
        log.tick(`${normalisation}, N = ${n}: β = ${beta.toPrecision(3)} done, ${reps.length} minima`);
      }
      log(`${normalisation}, N = ${n}: ${params.betas.length} β values`);
    }
  }
  return { rows, thresholds, backend: backendLabel(params.backend) };
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
