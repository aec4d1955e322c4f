/**
 * Notebook 01, figure `mnist_retrieval`: MNIST digits retrieved from half-masked and from noisy queries at
 * several β (image grids: query, retrieved at each β, target), and the retrieval rate against β.
 *
 * @module
 */
import { gaussianNoise, maskHalf } from "../data/corrupt.ts";
import { distinctStates } from "../hopfield/fixed_points.ts";
import { bipolarPixels, loadMnist } from "../data/mnist.ts";
import { nearestRows } from "../backend/nearest.ts";
import { retrieveOn } from "../backend/retrieve.ts";
import { backendLabel } from "../backend/select.ts";
import type { Backend } from "../backend/types.ts";
import { distance, type Matrix, row, selectRows } from "../linalg/matrix.ts";
import { createPrng, sampleIndices } from "../linalg/prng.ts";
import * as Plot from "@observablehq/plot";
import { compose, type Figure, greyPngUrl, panel, THEME } from "../plot/mod.ts";
import { progress } from "./scale.ts";

/** Parameters of the MNIST retrieval experiment. */
export interface MnistRetrievalParams {
  /** Number of stored training digits N. */
  n: number;
  /** Number of queries (stored digits, corrupted) used for the retrieval rate. */
  queries: number;
  /** Number of examples drawn in the image grid. */
  examples: number;
  /** Inverse temperatures (pixels in [−1, 1], raw dot products). */
  betas: number[];
  /** Standard deviation of the Gaussian noise corruption. */
  sigma: number;
  /** Maximum updates per query. */
  maxSteps: number;
  /** Backend of the retrievals and of the nearest-digit scoring (from `selectBackend()`). */
  backend: Backend;
  /** The seed of the query choice and the noise. */
  seed: number;
}

/** One corruption's results. */
export interface CorruptionResult {
  /** The corruption, as shown in the figure. */
  name: string;
  /** Example queries (row-major 784 each). */
  queries: number[][];
  /** Retrieved examples per β: `retrieved[b][e]`. */
  retrieved: number[][][];
  /** The stored digits the examples came from (row-major 784 each). */
  targets: number[][];
  /**
   * Per β: fraction of queries whose state is nearest to its own target, mean ‖ξ* − x‖/‖x‖, mean updates, and the
   * number of distinct final states (to 1e-3).
   */
  rates: { beta: number; correct: number; error: number; steps: number; distinct: number }[];
}

/** Results for the half-mask and the noise corruptions. */
export interface MnistRetrievalData {
  /** Stored digits N. */
  n: number;
  /** Half-mask and noise, in that order. */
  corruptions: CorruptionResult[];
  /** The backend the retrievals ran on. */
  backend: string;
}

/** Stores N digits, corrupts some of them, and retrieves at each β. */
export async function runMnistRetrieval(params: MnistRetrievalParams): Promise<MnistRetrievalData> {
  const log = progress("mnist_retrieval");
  const prng = createPrng(params.seed);
  const images = bipolarPixels(loadMnist({ split: "train", count: params.n }).images);
  const picked = sampleIndices(params.n, params.queries, prng);
  const targets = selectRows(images, picked);
  const corrupted = [
    { name: "lower half masked", queries: maskHalf(targets, { height: 28, width: 28 }) },
    {
      name: `Gaussian noise σ = ${params.sigma}`,
      queries: gaussianNoise(targets, { sigma: params.sigma, prng }),
    },
  ];
  const corruptions: CorruptionResult[] = [];
  for (const { name, queries } of corrupted) {
    const retrieved: number[][][] = [];
    const rates: CorruptionResult["rates"] = [];
    for (const beta of params.betas) {
      const r = await retrieveOn(images, queries, {
        beta,
        maxSteps: params.maxSteps,
        trajectory: false,
        backend: params.backend,
      });
      const nearest = await nearestRows(params.backend, images, r.states);
      let correct = 0, error = 0;
      for (let q = 0; q < queries.rows; q++) {
        const s = row(r.states, q);
        if (nearest[q] === picked[q]) correct++;
        const t = row(targets, q);
        error += distance(s, t) / Math.hypot(...t);
      }
      retrieved.push(Array.from({ length: params.examples }, (_, e) => Array.from(row(r.states, e))));
      log(`${name}, β = ${beta}: ${correct}/${queries.rows} retrieved`);
      const steps = r.steps.reduce((a, b) => a + b, 0) / r.steps.length;
      const distinct = distinctStates(r.states, 1e-3).length;
      rates.push({ beta, correct: correct / queries.rows, error: error / queries.rows, steps, distinct });
    }
    const ex = (m: Matrix) => Array.from({ length: params.examples }, (_, e) => Array.from(row(m, e)));
    corruptions.push({ name, queries: ex(queries), retrieved, targets: ex(targets), rates });
  }
  return { n: params.n, corruptions, backend: backendLabel(params.backend) };
}

function imageGrid(c: CorruptionResult, betas: number[]): ReturnType<typeof panel> {
  const columns = ["query", ...betas.map((b) => `β = ${b}`), "target"];
  const tiles: { col: string; row: number; src: string }[] = [];
  c.queries.forEach((q, e) => {
    const cells = [q, ...c.retrieved.map((r) => r[e]), c.targets[e]];
    cells.forEach((img, k) =>
      tiles.push({
        col: columns[k],
        row: e,
        src: greyPngUrl(img.map((v) => (v + 1) / 2), { width: 28, height: 28 }),
      })
    );
  });
  const size = 46;
  return panel({
    width: 40 + columns.length * (size + 4),
    height: 40 + c.queries.length * (size + 4),
    marginLeft: 10,
    marginTop: 30,
    x: { domain: columns, axis: "top", label: null, tickSize: 0 },
    y: { domain: c.queries.map((_, e) => e), axis: null },
    marks: [
      Plot.image(tiles, {
        x: "col",
        y: "row",
        src: "src",
        width: size,
        height: size,
        imageRendering: "pixelated",
      }),
      Plot.text([c.name], { frameAnchor: "top-left", dy: -28, fontWeight: "bold" }),
    ],
  });
}

/** Image grids for each corruption (rows: examples; columns: query, each β, target). */
export function mnistRetrievalFigure(data: MnistRetrievalData): Figure {
  const betas = data.corruptions[0].rates.map((r) => r.beta);
  return compose("mnist_retrieval", data.corruptions.map((c) => imageGrid(c, betas)), {
    title: `Retrieving MNIST digits from ${data.n} stored patterns`,
    note:
      `Pixels in [−1, 1], masked pixels 0; ξ ← X softmax(βXᵀξ) until ‖Δξ‖ ≤ 1e-8. Distinct final states per β ` +
      `(${data.corruptions[0].name}): ${
        data.corruptions[0].rates.map((r) => `${r.distinct} at β = ${r.beta}`).join(", ")
      }; one state for every query is the single global fixed point, not an average of a few digits.`,
  });
}

/** Fraction of queries retrieved (nearest stored pattern is the target) against β, one line per corruption. */
export function mnistRetrievalRateFigure(data: MnistRetrievalData): Figure {
  const rows = data.corruptions.flatMap((c) => c.rates.map((r) => ({ ...r, corruption: c.name })));
  const p = panel({
    width: 520,
    x: { type: "log", label: "β" },
    y: { domain: [0, 1], label: "fraction retrieved", grid: true },
    color: { domain: data.corruptions.map((c) => c.name), range: THEME.colors.slice(0, 2) },
    marks: [
      Plot.line(rows, { x: "beta", y: "correct", stroke: "corruption", marker: "dot" }),
      Plot.ruleY([0]),
    ],
  });
  return compose("mnist_retrieval_rate", [p], {
    title: `Retrieval rate against β (N = ${data.n} stored digits)`,
    legend: data.corruptions.map((c, i) => ({ label: c.name, color: THEME.colors[i] })),
    note: "Retrieved: the final state is closer to its own stored digit than to any other.",
  });
}
