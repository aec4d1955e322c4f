/**
 * Low-rank retrieval (Hu et al. 2024, computational limits, §3.4 of the shared notes; Alman & Song 2023):
 * `Z̃ = D̃⁻¹ U(Q)(U(K)ᵀV)` with `D̃ = diag(U(Q)(U(K)ᵀ1))`, where `⟨U(q), U(k)⟩ ≈ exp(β⟨q, k⟩)`. The memory's
 * summary `U(K)ᵀ[V | 1]` (r × (d_v + 1)) is made once, in blocks of keys; each query then costs O(r·d_v), so L
 * queries against M memories cost O((L + M)·r·d) instead of O(L·M·d), and no L × M matrix is ever formed.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, matrix, rowRange } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import type { Backend } from "../backend/types.ts";
import { taylorFeatures, taylorRank } from "./taylor.ts";
import {
  drawRandomFeatures,
  randomFeatureExponents,
  type RandomFeatures,
  randomFeatures,
} from "./random_features.ts";

/** How the kernel `exp(β⟨q, k⟩)` is computed. */
export type RetrievalMethod = "exact" | "polynomial" | "random-features";

/** The retrieval methods, for checks and the command line. */
export const RETRIEVAL_METHODS: readonly RetrievalMethod[] = ["exact", "polynomial", "random-features"];

/** A low-rank approximation of the kernel: degree-g Taylor features, or R positive random features. */
export type Approximation =
  | { method: "polynomial"; degree: number }
  | { method: "random-features"; features: number; seed: number };

/** The options that choose a method; `degree` applies to `polynomial` only, `features` and `seed` to random ones. */
export interface MethodOptions {
  /** `exact` (default), `polynomial` or `random-features`. */
  method?: RetrievalMethod;
  /** Degree g of the Taylor features (polynomial; required). */
  degree?: number;
  /** Number R of random features (random-features; required). */
  features?: number;
  /** Seed of the random directions (random-features; default 0). */
  seed?: number;
}

/**
 * The approximation the options ask for, checked: `null` for exact retrieval. A flag that belongs to another
 * method is an error, not ignored.
 *
 * @example
 * ```ts
 * import { approximationOf } from "./low_rank.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(approximationOf({ method: "polynomial", degree: 2 }), { method: "polynomial", degree: 2 });
 * assert.equal(approximationOf({}), null);
 * assert.throws(() => approximationOf({ degree: 2 }), /degree applies to method polynomial/);
 * ```
 */
export function approximationOf(options: MethodOptions): Approximation | null {
  const method = options.method ?? "exact", action = "choose the retrieval method";
  if (!RETRIEVAL_METHODS.includes(method)) {
    throw new RangeError(
      `Cannot ${action}: method must be one of ${RETRIEVAL_METHODS.join(", ")}: method=${method}`,
    );
  }
  if (options.degree !== undefined && method !== "polynomial") {
    throw new RangeError(
      `Cannot ${action}: degree applies to method polynomial: method=${method}, degree=${options.degree}`,
    );
  }
  for (const flag of ["features", "seed"] as const) {
    if (options[flag] !== undefined && method !== "random-features") {
      throw new RangeError(
        `Cannot ${action}: ${flag} applies to method random-features: method=${method}, ${flag}=${
          options[flag]
        }`,
      );
    }
  }
  if (method === "exact") return null;
  if (method === "polynomial") {
    const g = options.degree;
    if (g === undefined || !Number.isInteger(g) || g < 1 || g > 20) {
      throw new RangeError(
        `Cannot ${action}: polynomial needs a degree, an integer from 1 to 20: degree=${g}`,
      );
    }
    return { method, degree: g };
  }
  const R = options.features, seed = options.seed ?? 0;
  if (R === undefined || !Number.isInteger(R) || R < 1 || R > 1e6) {
    throw new RangeError(
      `Cannot ${action}: random-features needs features, an integer from 1 to 1e6: features=${R}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new RangeError(`Cannot ${action}: seed must be a non-negative integer: seed=${seed}`);
  }
  return { method, features: R, seed };
}

/** A memory summarised for low-rank retrieval. */
export interface LowRankMemory {
  /** The approximation. */
  readonly approximation: Approximation;
  /** The rank r: Taylor's C(d + g, g), or R. */
  readonly rank: number;
  /** β. */
  readonly beta: number;
  /** `U(K)ᵀ[V | 1]`, r × (d_v + 1), Float64. */
  readonly summary: Matrix;
  /** The keys (kept for the probabilities, which need `U(K)` again). */
  readonly keys: DenseMatrix;
  /** The features of a block of rows (queries, or keys with `keys: true`). */
  features(X: DenseMatrix, keys?: boolean): Matrix;
}

/** Rows per block of keys or queries: a block's features stay in cache-sized pieces. */
const BLOCK = 2048;

/**
 * Summarises keys and values for low-rank retrieval: `U(K)ᵀ[V | 1]` by the backend's products, in blocks of
 * keys. For random features the keys share one shift (their largest exponent), which cancels in `D̃⁻¹`.
 *
 * Shapes: keys M × d, values M × d_v → summary r × (d_v + 1).
 *
 * @example
 * ```ts
 * import { lowRankMemory, lowRankAttention } from "./low_rank.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const K = fromRows([[0.2, 0.1], [-0.3, 0.2], [0.1, -0.4]]);
 * const mem = await lowRankMemory(K, K, { method: "polynomial", degree: 8 }, 1, cpuBackend);
 * const z = await lowRankAttention(mem, fromRows([[0.3, 0.3]]), cpuBackend);
 * // Exact: softmax(K q)ᵀ K.
 * const e = [0.09, -0.03, -0.09].map(Math.exp), s = e[0] + e[1] + e[2];
 * assert.ok(Math.abs(z.states.data[0] - (0.2 * e[0] - 0.3 * e[1] + 0.1 * e[2]) / s) < 1e-9);
 * ```
 */
export async function lowRankMemory(
  keys: DenseMatrix,
  values: DenseMatrix,
  approximation: Approximation,
  beta: number,
  backend: Backend,
): Promise<LowRankMemory> {
  const action = "summarise the memory";
  if (keys.rows !== values.rows) {
    throw new RangeError(
      `Cannot ${action}: keys and values need the same rows: ${keys.rows} and ${values.rows}`,
    );
  }
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`Cannot ${action}: beta must be finite and > 0: beta=${beta}`);
  }
  let features: (X: DenseMatrix, isKeys?: boolean) => Matrix, rank: number;
  if (approximation.method === "polynomial") {
    const g = approximation.degree;
    rank = taylorRank(g, keys.cols);
    features = (X) => taylorFeatures(X, g, beta);
  } else {
    const rf: RandomFeatures = drawRandomFeatures(
      keys.cols,
      approximation.features,
      createPrng(approximation.seed),
    );
    rank = approximation.features;
    let keyShift = -Infinity;
    for (let m0 = 0; m0 < keys.rows; m0 += BLOCK) {
      const a = randomFeatureExponents(rowRange(keys, m0, Math.min(keys.rows, m0 + BLOCK)), rf, beta).data;
      for (let k = 0; k < a.length; k++) keyShift = Math.max(keyShift, a[k]);
    }
    features = (X, isKeys) => randomFeatures(X, rf, { scale: beta, shift: isKeys ? keyShift : "row-max" });
  }
  const dv = values.cols, summary = matrix(rank, dv + 1);
  for (let m0 = 0; m0 < keys.rows; m0 += BLOCK) {
    const m1 = Math.min(keys.rows, m0 + BLOCK);
    const U = features(rowRange(keys, m0, m1), true), V1 = matrix(m1 - m0, dv + 1);
    for (let i = 0; i < m1 - m0; i++) {
      for (let j = 0; j < dv; j++) V1.data[i * (dv + 1) + j] = values.data[(m0 + i) * dv + j];
      V1.data[i * (dv + 1) + dv] = 1;
    }
    const part = await backend.matmul(U, V1, { transposeA: true });
    for (let k = 0; k < summary.data.length; k++) summary.data[k] += part.data[k];
  }
  return { approximation, rank, beta, summary, keys, features };
}

/**
 * Low-rank attention of each query: `z̃ = (U(q)ᵀS_V) / (U(q)ᵀS_1)` with `S = U(K)ᵀ[V | 1]`; with
 * `probabilities` also `p̃_μ = ⟨U(q), U(k_μ)⟩ / D̃` (this one is B × M: for checks and small problems). A
 * normaliser that is not positive (an odd degree on very negative inner products, or underflow) is an error
 * that names the query.
 *
 * Shapes: queries B × d → states B × d_v (Float64), probabilities B × M.
 */
export async function lowRankAttention(
  memory: LowRankMemory,
  queries: DenseMatrix,
  backend: Backend,
  options: { probabilities?: boolean } = {},
): Promise<{ states: Matrix; probabilities?: Matrix }> {
  if (queries.cols !== memory.keys.cols) {
    throw new RangeError(
      `Cannot retrieve (low rank): queries must have d = ${memory.keys.cols} entries: cols=${queries.cols}`,
    );
  }
  const b = queries.rows, dv = memory.summary.cols - 1, states = matrix(b, dv);
  const n = memory.keys.rows, P = options.probabilities ? matrix(b, n) : null;
  for (let q0 = 0; q0 < b; q0 += BLOCK) {
    const q1 = Math.min(b, q0 + BLOCK), U = memory.features(rowRange(queries, q0, q1));
    const out = await backend.matmul(U, memory.summary);
    const dens = new Float64Array(q1 - q0);
    for (let i = 0; i < q1 - q0; i++) {
      const den = dens[i] = out.data[i * (dv + 1) + dv];
      if (!(den > 0) || !Number.isFinite(den)) {
        const a = memory.approximation;
        throw new RangeError(
          `Cannot retrieve (low rank, ${a.method}${
            a.method === "polynomial" ? ` degree ${a.degree}` : ""
          }): ` +
            `query ${q0 + i} has normaliser D̃ = ${den}; ${
              a.method === "polynomial" && a.degree % 2 === 1
                ? "an odd-degree polynomial goes negative on very negative inner products: use an even degree"
                : "the inner products are too large for this approximation"
            }`,
        );
      }
      for (let j = 0; j < dv; j++) states.data[(q0 + i) * dv + j] = out.data[i * (dv + 1) + j] / den;
    }
    if (!P) continue;
    // p̃ = U(q)ᵀU(K)ᵀ / D̃, key block by key block.
    for (let m0 = 0; m0 < n; m0 += BLOCK) {
      const m1 = Math.min(n, m0 + BLOCK), w = m1 - m0;
      const S = await backend.matmul(U, memory.features(rowRange(memory.keys, m0, m1), true), {
        transposeB: true,
      });
      for (let i = 0; i < q1 - q0; i++) {
        for (let m = 0; m < w; m++) P.data[(q0 + i) * n + m0 + m] = S.data[i * w + m] / dens[i];
      }
    }
  }
  return P ? { states, probabilities: P } : { states };
}
