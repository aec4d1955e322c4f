/**
 * Notebook 04, figure `uhop_noise`: retrieval error against the noise level at fixed M, every method of the U-Hop
 * protocol (`uhop_protocol.ts`), MNIST memories. The queries follow the official max-loss noise script:
 * `q = clamp(|ξ + σ n/‖n‖|, 0, 1)` with `n ~ N(0, I)`, a perturbation of norm exactly σ; Stage I trains on all the
 * memories.
 *
 * @module
 */
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";
import { compose, type Figure, panel } from "../plot/mod.ts";
import { progress } from "./scale.ts";
import {
  clampedSquaredErrors,
  protocolStageOne,
  UHOP_METHODS,
  type UhopDataset,
  uhopMemories,
  type UhopMethod,
  uhopStep,
  usesKernel,
} from "./uhop_protocol.ts";
import { meanStd, trialSeed, type UhopErrorRow, type UhopStageOneSettings } from "./uhop_retrieval.ts";
import { methodLegend, methodMarks } from "./uhop_style.ts";

/** Parameters of the noise-robustness experiment. */
export interface UhopNoiseParams {
  /** Memory set. */
  dataset: UhopDataset;
  /** Memories M (the protocol's is 100). */
  m: number;
  /** Norms σ of the perturbation. */
  sigmas: number[];
  /** One trial per seed. */
  seeds: number[];
  /** Methods (default all). */
  methods?: UhopMethod[];
  /** β of the one update (1). */
  beta: number;
  /** Stage I of the U-Hop methods (the official noise script: max loss, 800 epochs, all memories). */
  stageOne: UhopStageOneSettings;
  /** Sign of the distances in Manhattan and L2 (default `negative`). */
  distanceSign?: "negative" | "positive";
  /** Backend of every product. */
  backend: Backend;
}

/** Results: one row per (σ, method), with σ in the `m` field's place as `sigma`. */
export interface UhopNoiseData {
  /** Mean ± sd over seeds per (σ, method). */
  rows: (Omit<UhopErrorRow, "m"> & { sigma: number })[];
  /** Parameters, for captions. */
  params: Omit<UhopNoiseParams, "backend"> & { backend: string };
}

/**
 * `clamp(|ξ + σ n/‖n‖|, 0, 1)` for each row, `n ~ N(0, I)`: a perturbation of norm exactly σ, then the official
 * script's absolute value and clamp to pixel range.
 *
 * @example
 * ```ts
 * import { sphericalNoise } from "./uhop_noise.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const q = sphericalNoise(fromRows([[0.5, 0.5, 0.5]]), 0.1, createPrng(1));
 * assert.ok(Math.abs(Math.hypot(q.data[0] - 0.5, q.data[1] - 0.5, q.data[2] - 0.5) - 0.1) < 1e-12);
 * ```
 */
export function sphericalNoise(X: Matrix, sigma: number, prng: Prng): Matrix {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`Cannot add noise: sigma must be a finite number ≥ 0: sigma=${sigma}`);
  }
  const d = X.cols, out = matrix(X.rows, d), n = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (n[k] = prng.normal()) ** 2;
    const f = sigma / Math.sqrt(s);
    for (let k = 0; k < d; k++) out.data[i * d + k] = Math.min(1, Math.abs(X.data[i * d + k] + f * n[k]));
  }
  return out;
}

/** Runs every seed: memories, Stage I once, then each σ and each method. */
export async function runUhopNoise(params: UhopNoiseParams): Promise<UhopNoiseData> {
  const log = progress("uhop_noise");
  const methods = params.methods ?? [...UHOP_METHODS];
  const errors = new Map<string, number[]>();
  for (const seed of params.seeds) {
    const ts = trialSeed(params.dataset, params.m, seed);
    const X = uhopMemories(params.dataset, params.m, ts);
    const map = methods.some(usesKernel)
      ? (await protocolStageOne(X, { ...params.stageOne, backend: params.backend }, ts + 2)).map
      : undefined;
    for (const sigma of params.sigmas) {
      const Q = sphericalNoise(X, sigma, createPrng(ts + 3 + Math.round(sigma * 1e6)));
      for (const method of methods) {
        const states = await uhopStep(method, X, Q, {
          backend: params.backend,
          beta: params.beta,
          map,
          distanceSign: params.distanceSign,
        });
        const e = clampedSquaredErrors(X, states), key = `${sigma}|${method}`;
        if (!errors.has(key)) errors.set(key, []);
        errors.get(key)!.push(e.reduce((a, b) => a + b, 0) / e.length);
      }
    }
    log(`seed ${seed}: ${params.sigmas.length} noise levels × ${methods.length} methods`);
  }
  const rows = params.sigmas.flatMap((sigma) =>
    methods.map((method) => ({
      dataset: params.dataset,
      sigma,
      method,
      ...meanStd(errors.get(`${sigma}|${method}`)!),
    }))
  );
  return { rows, params: { ...params, methods, backend: backendLabel(params.backend) } };
}

/** Mean error (± sd over seeds) against σ, one line per method. */
export function uhopNoiseFigure(data: UhopNoiseData): Figure {
  const p = data.params, methods = p.methods ?? [...UHOP_METHODS];
  const rows = data.rows.filter((r) => r.method !== "poly-10");
  const shown = methods.filter((k) => k !== "poly-10");
  const fig = panel({
    width: 560,
    x: { label: "perturbation norm σ" },
    y: { label: "mean clamped squared error", grid: true, zero: true },
    marks: methodMarks(rows, shown, "sigma"),
  });
  const poly = data.rows.filter((r) => r.method === "poly-10").map((r) => r.mean);
  const s = p.stageOne;
  return compose("uhop_noise", [fig], {
    title: `Retrieval error against noise (MNIST, M = ${p.m}, one update)`,
    legend: methodLegend(shown),
    note:
      `Queries clamp(|ξ + σ n/‖n‖|, 0, 1); β = ${p.beta}; mean ± sd over ${p.seeds.length} seed(s); MHN ` +
      `dashed, U-Hop solid (Stage I on all memories: ${s.loss ?? "max"} loss, ${s.epochs ?? 100} epochs). ` +
      (poly.length
        ? `poly-10 is off the scale (error ${Math.min(...poly).toFixed(0)}–${Math.max(...poly).toFixed(0)}). `
        : "") +
      p.backend + ".",
  });
}
