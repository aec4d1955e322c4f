/**
 * Timing exact against low-rank retrieval at one size: the `hop bench --size L1` benchmark and the points of
 * notebook 07's scaling figure. Data in the source's setting (§3.2 of the shared notes): L = M = τ queries and
 * memories with entries uniform in [−B, B], values = memories, β = 1/d (Alman & Song's `exp(QKᵀ/d)`), so every
 * inner product the kernel sees is at most B² in magnitude.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import type { Backend } from "../backend/types.ts";
import { mapSpec } from "../maps/spec.ts";
import { medianMs } from "../backend/bench.ts";
import { type Approximation, lowRankAttention, lowRankMemory } from "./low_rank.ts";
import { taylorDegree } from "./taylor.ts";

/** The limits benchmark sizes: τ = L = M, dimension d, entry bound B, target error ε of the degree rule. */
export const LIMITS_SIZES = {
  L0: { tau: 4096, d: 16, B: 0.5, eps: 1e-2 },
  L1: { tau: 65536, d: 16, B: 0.5, eps: 1e-2 },
} as const;

/** One size's timings. */
export interface LimitsTiming {
  /** τ = L = M. */
  tau: number;
  /** Median wall time of one exact step on the backend (the fused BLAS path on blas f32), ms. */
  exact_ms: number;
  /** Median wall time of the approximation, summary of the memory included, ms. */
  approx_ms: number;
  /** `max |Z̃ − Z| / max |V|` over all queries (Alman & Song's max-norm error, relative to the values). */
  rel_error: number;
  /** The rank r of the approximation. */
  rank: number;
}

/** Memories (= queries' distribution) with entries uniform in [−B, B], seeded. */
export function boundedEntries(n: number, d: number, B: number, seed: number): Matrix {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot draw bounded entries: n must be a positive integer: n=${n}`);
  }
  if (!(B > 0) || !Number.isFinite(B)) {
    throw new RangeError(`Cannot draw bounded entries: B must be finite and > 0: B=${B}`);
  }
  const prng = createPrng(seed), X = matrix(n, d);
  for (let k = 0; k < X.data.length; k++) X.data[k] = B * (2 * prng.next() - 1);
  return X;
}

/**
 * Times one exact attention step and one low-rank step (its memory summary included) for L = M = τ, and measures
 * the approximation's error against the exact step ({@link relativeMaxError}).
 *
 * @example
 * ```ts
 * import { timeLimits } from "./bench.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import assert from "node:assert/strict";
 * const t = await timeLimits(cpuBackend, { tau: 256, d: 4, B: 0.5, approximation: { method: "polynomial", degree: 2 }, repeat: 1 });
 * assert.equal(t.rank, 15);
 * assert.ok(t.rel_error < 1e-2);
 * ```
 */
export async function timeLimits(
  backend: Backend,
  p: { tau: number; d: number; B: number; approximation: Approximation; repeat: number; seed?: number },
): Promise<LimitsTiming> {
  if (!Number.isInteger(p.repeat) || p.repeat < 1 || p.repeat > 1000) {
    throw new RangeError(
      `Cannot time retrieval: repeat must be an integer from 1 to 1000: repeat=${p.repeat}`,
    );
  }
  const seed = p.seed ?? 1;
  const K = boundedEntries(p.tau, p.d, p.B, seed), Q = boundedEntries(p.tau, p.d, p.B, seed + 1);
  const beta = 1 / p.d, spec = mapSpec({ beta });
  let exact: DenseMatrix | null = null, approx: Matrix | null = null, rank = 0;
  const exact_ms = await medianMs(async () => {
    exact = (await backend.step(K, Q, spec, { probabilities: false })).states;
  }, p.repeat);
  const approx_ms = await medianMs(async () => {
    const mem = await lowRankMemory(K, K, p.approximation, beta, backend);
    approx = (await lowRankAttention(mem, Q, backend)).states;
    rank = mem.rank;
  }, p.repeat);
  return { tau: p.tau, exact_ms, approx_ms, rel_error: relativeMaxError(approx!, exact!, K), rank };
}

/**
 * Alman & Song's error of an approximate retrieval, relative to the values: `max |Z̃ − Z| / max |V|` (NaN when
 * Z̃ holds a NaN).
 *
 * @example
 * ```ts
 * import { relativeMaxError } from "./bench.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.equal(relativeMaxError(fromRows([[1, 2.5]]), fromRows([[1, 2]]), fromRows([[4, -2]])), 0.125);
 * ```
 */
export function relativeMaxError(approx: DenseMatrix, exact: DenseMatrix, values: DenseMatrix): number {
  let err = 0, top = 0;
  for (let k = 0; k < values.data.length; k++) top = Math.max(top, Math.abs(values.data[k]));
  for (let k = 0; k < approx.data.length; k++) err = Math.max(err, Math.abs(approx.data[k] - exact.data[k]));
  return err / top;
}

/** What `hop bench --size L0|L1` prints. */
export interface LimitsBenchResult {
  /** `name-precision` of the backend. */
  backend: string;
  /** The size's name. */
  size: string;
  /** Median exact step (fused BLAS on blas f32), ms. */
  exact_ms: number;
  /** Median polynomial retrieval (summary included), ms. */
  polynomial_ms: number;
  /** exact_ms / polynomial_ms. */
  speedup: number;
  /** `max |Z̃ − Z| / max |V|`. */
  rel_error: number;
  /** The rank C(d + g, g). */
  rank: number;
  /** The degree g chosen by `taylorDegree(ε, B²)`. */
  degree: number;
}

/**
 * The L benchmark: τ = 65 536 queries and memories (L1; 4096 for L0) in d = 16 with entries in [−0.5, 0.5], β = 1/d:
 * exact retrieval on the backend against the polynomial of the degree `taylorDegree(ε = 1e-2, R = B²)` picks.
 *
 * @example
 * ```ts ignore
 * import { runLimitsBench } from "./bench.ts";
 * import { selectBackend } from "../backend/select.ts";
 * console.log(await runLimitsBench(await selectBackend("blas"), { size: "L1", repeat: 3 }));
 * ```
 */
export async function runLimitsBench(
  backend: Backend,
  options: { size: keyof typeof LIMITS_SIZES; repeat: number },
): Promise<LimitsBenchResult> {
  const s = LIMITS_SIZES[options.size];
  const degree = taylorDegree(s.eps, s.B * s.B);
  const t = await timeLimits(backend, {
    tau: s.tau,
    d: s.d,
    B: s.B,
    approximation: { method: "polynomial", degree },
    repeat: options.repeat,
  });
  return {
    backend: `${backend.name}-${backend.precision}`,
    size: options.size,
    exact_ms: t.exact_ms,
    polynomial_ms: t.approx_ms,
    speedup: t.exact_ms / t.approx_ms,
    rel_error: t.rel_error,
    rank: t.rank,
    degree,
  };
}
