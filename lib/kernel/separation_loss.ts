/**
 * The separation losses of U-Hop's Stage I (Wu et al. 2024, §2.2): the hypersphere uniformity loss of Wang &
 * Isola (2020) on the normalised features `u_μ = Φ(ξ_μ)/‖Φ(ξ_μ)‖`, with analytic gradients in W and b,
 * computed in tiles of `block × block` pairs so that memory stays of order block² whatever M is.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix } from "../linalg/matrix.ts";
import { features, type LinearFeatureMap } from "./feature_map.ts";

/** The two losses: the log-mean-exp over pairs (`average`) and its hard limit (`max`). */
export const SEPARATION_LOSSES = ["average", "max"] as const;
/** A separation loss name. */
export type SeparationLossKind = typeof SEPARATION_LOSSES[number];

/** Options of {@link separationLoss}. */
export interface SeparationLossOptions {
  /** `average` (default) or `max`. */
  loss?: SeparationLossKind;
  /** The temperature-like scale t > 0 of `exp(−t‖u_μ − u_ν‖²)` (default 2, the official code's). */
  t?: number;
  /** Rows (and columns) per tile of pairs (default 256). */
  block?: number;
}

/** A loss value with its gradient in the feature map's parameters. */
export interface SeparationLossValue {
  /** The loss. */
  loss: number;
  /** ∂L/∂W, D_Φ × d. */
  weights: Matrix;
  /** ∂L/∂b (length D_Φ), or `null` when the map has no bias. */
  bias: Float64Array | null;
}

/**
 * The separation loss of the memories' normalised features and its gradient:
 *
 * - `average`: `L = log( (2 / (M(M−1))) Σ_{μ<ν} exp(−t ‖u_μ − u_ν‖²) ) = −2t + log mean_{μ≠ν} exp(2t u_μᵀu_ν)`
 *   (`uniform_loss` of the official code, t = 2);
 * - `max`: `L = max_{μ<ν} −t ‖u_μ − u_ν‖² = −2t (1 − max_{μ≠ν} u_μᵀu_ν)` (`uniform_loss_max`), so minimising it
 *   maximises the smallest angle of the code exactly; its gradient is the subgradient at the first closest pair.
 *
 * Gradients: with `g_μ = ∂L/∂u_μ` (for `average`, `g_μ = 4t Σ_{ν≠μ} w_μν u_ν`, `w` the pairs' softmax weights),
 * `∂L/∂Φ_μ = (g_μ − (g_μᵀu_μ) u_μ) / ‖Φ_μ‖`, `∂L/∂W = Σ_μ ∂L/∂Φ_μ ξ_μᵀ`, `∂L/∂b = Σ_μ ∂L/∂Φ_μ`. The pairs are
 * visited in tiles; each row block keeps a running maximum of its exponents (online softmax), so no exponent
 * overflows or underflows whatever t is. Cost `4M²D_Φ + 4M D_Φ d` flops.
 *
 * Shapes: patterns M × d (M ≥ 2), map D_Φ × d.
 *
 * @example
 * ```ts
 * import { separationLoss } from "./separation_loss.ts";
 * import { identityFeatureMap } from "./feature_map.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * // An orthonormal set: every ‖u_μ − u_ν‖² = 2, so both losses are −2t = −4.
 * const X = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
 * assert.ok(Math.abs(separationLoss(identityFeatureMap(3), X).loss + 4) < 1e-12);
 * assert.ok(Math.abs(separationLoss(identityFeatureMap(3), X, { loss: "max" }).loss + 4) < 1e-12);
 * ```
 */
export function separationLoss(
  map: LinearFeatureMap,
  patterns: Matrix,
  options: SeparationLossOptions = {},
): SeparationLossValue {
  const action = "compute the separation loss";
  const kind = options.loss ?? "average", t = options.t ?? 2, block = options.block ?? 256;
  if (!(SEPARATION_LOSSES as readonly string[]).includes(kind)) {
    throw new RangeError(
      `Cannot ${action}: loss must be one of ${SEPARATION_LOSSES.join(", ")}: loss=${kind}`,
    );
  }
  if (!(t > 0) || !Number.isFinite(t)) {
    throw new RangeError(`Cannot ${action}: t must be a positive finite number: t=${t}`);
  }
  if (!Number.isInteger(block) || block < 1) {
    throw new RangeError(`Cannot ${action}: block must be a positive integer: block=${block}`);
  }
  checkMatrix(patterns, "patterns", action);
  const M = patterns.rows;
  if (M < 2) throw new RangeError(`Cannot ${action}: need at least 2 patterns: M=${M}`);
  const F = features(map, patterns), D = map.featureDim;
  const norms = new Float64Array(M), U = matrix(M, D);
  for (let mu = 0; mu < M; mu++) {
    const f = F.data.subarray(mu * D, (mu + 1) * D);
    let s = 0;
    for (let r = 0; r < D; r++) s += f[r] * f[r];
    norms[mu] = Math.sqrt(s);
    if (!(norms[mu] > 0)) {
      throw new RangeError(
        `Cannot ${action}: every feature must be non-zero to be normalised: ‖Φ(patterns[${mu}])‖=${
          norms[mu]
        }`,
      );
    }
    for (let r = 0; r < D; r++) U.data[mu * D + r] = f[r] / norms[mu];
  }
  const a = 2 * t;
  const { loss, grad } = kind === "average" ? averageLoss(U, a, block) : maxLoss(U, a, block);
  // Chain rule through the normalisation: ∂L/∂Φ_μ = (g_μ − (g_μᵀu_μ) u_μ) / ‖Φ_μ‖, in place.
  for (let mu = 0; mu < M; mu++) {
    const g = grad.subarray(mu * D, (mu + 1) * D), u = U.data.subarray(mu * D, (mu + 1) * D);
    let gu = 0;
    for (let r = 0; r < D; r++) gu += g[r] * u[r];
    for (let r = 0; r < D; r++) g[r] = (g[r] - gu * u[r]) / norms[mu];
  }
  const d = map.inputDim, weights = matrix(D, d), X = patterns.data;
  for (let mu = 0; mu < M; mu++) {
    const g = grad.subarray(mu * D, (mu + 1) * D), x = X.subarray(mu * d, (mu + 1) * d);
    for (let r = 0; r < D; r++) {
      const gr = g[r];
      if (gr === 0) continue;
      for (let k = 0; k < d; k++) weights.data[r * d + k] += gr * x[k];
    }
  }
  let bias: Float64Array | null = null;
  if (map.bias) {
    bias = new Float64Array(D);
    for (let mu = 0; mu < M; mu++) for (let r = 0; r < D; r++) bias[r] += grad[mu * D + r];
  }
  return { loss, weights, bias };
}

/** `u_iᵀu_j` for a tile: rows r0…r1 against rows c0…c1 of U (row-major, width D), into `out`. */
function tileProducts(
  U: Float64Array,
  D: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  out: Float64Array,
) {
  const w = c1 - c0;
  for (let i = r0; i < r1; i++) {
    for (let j = c0; j < c1; j++) {
      let s = 0;
      for (let r = 0; r < D; r++) s += U[i * D + r] * U[j * D + r];
      out[(i - r0) * w + (j - c0)] = s;
    }
  }
}

/**
 * The average loss and `∂L/∂u` (M × D): per row block a running maximum `m` of `a·c`, the sum `z` of
 * `exp(a c − m)` and the accumulated `Σ exp(a c − m) u_ν`; blocks are put on one scale at the end.
 */
function averageLoss(U: Matrix, a: number, block: number): { loss: number; grad: Float64Array } {
  const M = U.rows, D = U.cols, grad = new Float64Array(M * D);
  const tile = new Float64Array(block * block);
  const blockMax: number[] = [], blockSum: number[] = [];
  for (let r0 = 0; r0 < M; r0 += block) {
    const r1 = Math.min(M, r0 + block);
    let m = -Infinity, z = 0;
    for (let c0 = 0; c0 < M; c0 += block) {
      const c1 = Math.min(M, c0 + block), w = c1 - c0;
      tileProducts(U.data, D, r0, r1, c0, c1, tile);
      let tileMax = -Infinity;
      for (let i = r0; i < r1; i++) {
        for (let j = c0; j < c1; j++) {
          const k = (i - r0) * w + (j - c0);
          tile[k] = i === j ? -Infinity : a * tile[k];
          if (tile[k] > tileMax) tileMax = tile[k];
        }
      }
      if (tileMax === -Infinity) continue; // a tile holding only the diagonal of a 1-row block
      if (tileMax > m) {
        const scale = Math.exp(m - tileMax); // 0 when m = −∞
        z *= scale;
        for (let k = r0 * D; k < r1 * D; k++) grad[k] *= scale;
        m = tileMax;
      }
      for (let i = r0; i < r1; i++) {
        const g = grad.subarray(i * D, (i + 1) * D);
        for (let j = c0; j < c1; j++) {
          const e = Math.exp(tile[(i - r0) * w + (j - c0)] - m);
          if (e === 0) continue;
          z += e;
          for (let r = 0; r < D; r++) g[r] += e * U.data[j * D + r];
        }
      }
    }
    blockMax.push(m);
    blockSum.push(z);
  }
  const top = Math.max(...blockMax);
  let Z = 0;
  blockSum.forEach((z, b) => (Z += z * Math.exp(blockMax[b] - top)));
  blockMax.forEach((m, b) => {
    const scale = (2 * a * Math.exp(m - top)) / Z;
    const r0 = b * block, r1 = Math.min(M, r0 + block);
    for (let k = r0 * D; k < r1 * D; k++) grad[k] *= scale;
  });
  // L = log( Σ_{μ≠ν} e^{a c} / (M(M−1)) ) − a, with Σ e^{a c} = e^{top} Z.
  const loss = top + Math.log(Z) - Math.log(M) - Math.log(M - 1) - a;
  return { loss, grad };
}

/** The max loss `a(max c − 1)` and its subgradient at the first pair (in row order) attaining the maximum. */
function maxLoss(U: Matrix, a: number, block: number): { loss: number; grad: Float64Array } {
  const M = U.rows, D = U.cols, grad = new Float64Array(M * D);
  const tile = new Float64Array(block * block);
  let best = -Infinity, bi = 0, bj = 1;
  for (let r0 = 0; r0 < M; r0 += block) {
    const r1 = Math.min(M, r0 + block);
    for (let c0 = r0; c0 < M; c0 += block) { // pairs with j > i only
      const c1 = Math.min(M, c0 + block), w = c1 - c0;
      tileProducts(U.data, D, r0, r1, c0, c1, tile);
      for (let i = r0; i < r1; i++) {
        for (let j = Math.max(c0, i + 1); j < c1; j++) {
          const c = tile[(i - r0) * w + (j - c0)];
          if (c > best) [best, bi, bj] = [c, i, j];
        }
      }
    }
  }
  for (let r = 0; r < D; r++) {
    grad[bi * D + r] = a * U.data[bj * D + r];
    grad[bj * D + r] = a * U.data[bi * D + r];
  }
  return { loss: a * (best - 1), grad };
}
