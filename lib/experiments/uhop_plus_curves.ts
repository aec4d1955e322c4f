/**
 * Notebook 05, figure `uhop_plus_curves`: U-Hop+'s loss over epochs for M = 100 and M = 200 memories (the
 * paper's loss-curve figure), beside the minimal separation Δ_min it reaches and the Δ_min of the best code of
 * M points on S^{D_Φ−1} our own optimiser finds (notebook 06): how close does Algorithm 1 come to the optimal
 * spherical code the capacity theory asks for?
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { separateMemories } from "../kernel/stage_one.ts";
import { optimiseCode } from "../spherical/optimise.ts";
import { compose, type Figure, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the loss-curve experiment. */
export interface UhopPlusCurvesParams {
  /** Memory counts (the paper's: 100 and 200). */
  ms: number[];
  /** Input dimension d of the Gaussian memories. */
  d: number;
  /** Feature dimension D_Φ (the codes live on S^{D_Φ−1}). */
  featureDim: number;
  /** Epochs of full-batch Adam. */
  epochs: number;
  /** Adam's rate (cosine schedule) and the temperature τ. */
  lr: number;
  /** Temperature τ of the log-sum-exp loss. */
  tau: number;
  /** Time budget of our code optimiser per M, ms. */
  codeBudgetMs: number;
  /** At most this many optimiser restarts per M (default: the optimiser's own); a cap below the budget makes the
   * code independent of the machine's speed. */
  codeRestarts?: number;
  /** Seed of the memories, W's start and the optimiser. */
  seed: number;
  /** Backend of the losses. */
  backend: Backend;
}

/** One curve per M, with the optimal code's Δ_min. */
export interface UhopPlusCurvesData {
  /** Per M: the loss and Δ_min after each epoch (entry 0: the start), and the best code's Δ_min. */
  curves: { m: number; loss: number[]; deltaMin: number[]; optimal: number; optimalDegrees: number }[];
  /** Parameters, for the caption. */
  params: Omit<UhopPlusCurvesParams, "backend"> & { backend: string };
}

/** Trains U-Hop+ on M Gaussian memories per M and runs our code optimiser for the same (M, D_Φ). */
export async function runUhopPlusCurves(params: UhopPlusCurvesParams): Promise<UhopPlusCurvesData> {
  const log = progress("uhop_plus_curves");
  const curves: UhopPlusCurvesData["curves"] = [];
  for (const m of params.ms) {
    const prng = createPrng(params.seed + m), X = matrix(m, params.d);
    for (let k = 0; k < X.data.length; k++) X.data[k] = prng.normal();
    const r = await separateMemories(X, {
      prng,
      backend: params.backend,
      loss: "log-sum-exp",
      tau: params.tau,
      optimiser: "adam",
      lr: params.lr,
      schedule: "cosine",
      epochs: params.epochs,
      featureDim: params.featureDim,
      bias: true,
      requireFullRank: false,
      initScale: Math.sqrt(2 / params.d),
    });
    const code = optimiseCode(params.featureDim, m, {
      seed: params.seed,
      timeBudgetMs: params.codeBudgetMs,
      restarts: params.codeRestarts,
    });
    curves.push({
      m,
      loss: r.loss,
      deltaMin: r.deltaMin,
      optimal: code.deltaMin,
      optimalDegrees: code.degrees,
    });
    log(
      `M = ${m}: Δ_min ${r.deltaMin[0].toFixed(4)} → ${
        r.deltaMin.at(-1)!.toFixed(4)
      } in ${params.epochs} epochs; ` +
        `best code ${code.deltaMin.toFixed(4)} (${code.degrees.toFixed(3)}°)`,
    );
  }
  return { curves, params: { ...params, backend: backendLabel(params.backend) } };
}

/** Left: the loss against epochs; right: Δ_min against epochs with the best code's Δ_min dashed, per M. */
export function uhopPlusCurvesFigure(data: UhopPlusCurvesData): Figure {
  const colour = (i: number) => THEME.colors[i % THEME.colors.length];
  const rows = (key: "loss" | "deltaMin") =>
    data.curves.flatMap((c) => c[key].map((v, epoch) => ({ m: `M = ${c.m}`, epoch, v })));
  const domain = data.curves.map((c) => `M = ${c.m}`), range = data.curves.map((_, i) => colour(i));
  const left = panel({
    width: 420,
    x: { label: "epoch" },
    y: { label: `log-sum-exp loss (τ = ${data.params.tau})`, grid: true },
    color: { domain, range },
    marks: [Plot.line(rows("loss"), { x: "epoch", y: "v", stroke: "m" })],
  });
  const right = panel({
    width: 420,
    x: { label: "epoch" },
    y: { label: "Δ_min of the normalised features", grid: true, zero: true },
    color: { domain, range },
    marks: [
      Plot.line(rows("deltaMin"), { x: "epoch", y: "v", stroke: "m" }),
      Plot.ruleY(data.curves, {
        y: "optimal",
        stroke: (c: { m: number }) => `M = ${c.m}`,
        strokeDasharray: "5,3",
      }),
    ],
  });
  const p = data.params;
  const reached = data.curves.map((c) =>
    `M = ${c.m}: ${c.deltaMin.at(-1)!.toFixed(4)} of ${c.optimal.toFixed(4)} (${
      (100 * c.deltaMin.at(-1)! / c.optimal).toFixed(1)
    }%)`
  ).join("; ");
  return compose("uhop_plus_curves", [left, right], {
    title: `U-Hop+ against the best spherical code (D_Φ = ${p.featureDim})`,
    legend: data.curves.map((c, i) => ({ label: `M = ${c.m}`, color: colour(i) })),
    note:
      `Gaussian memories in ℝ^${p.d}, affine map to D_Φ = ${p.featureDim}, full-batch Adam lr ${p.lr} (cosine), ` +
      `τ = ${p.tau}, ${p.epochs} epochs. Dashed: Δ_min = 1 − cos θ_min of the best code of M points on ` +
      `S^${p.featureDim - 1} found by our optimiser in ${
        (p.codeBudgetMs / 1000).toFixed(0)
      } s. Reached: ${reached}. ` +
      `${p.backend}.`,
  });
}
