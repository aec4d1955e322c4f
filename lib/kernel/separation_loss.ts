/**
 * The separation losses of U-Hop's Stage I (Wu et al. 2024, §2.2): the hypersphere uniformity loss of Wang &
 * Isola (2020) on the normalised features `u_μ = Φ(ξ_μ)/‖Φ(ξ_μ)‖`, with analytic gradients in W and b, every
 * product on a backend in blocks of rows, so that no M × M matrix exists whatever M is.
 *
 * @module
 */
import { checkMatrix, type DenseMatrix, type FloatArray, type Matrix, rowRange } from "../linalg/matrix.ts";
import { cpuBackend } from "../backend/cpu.ts";
import type { Backend } from "../backend/types.ts";
import type { LinearFeatureMap } from "./feature_map.ts";

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
  /** Where the products run (default `cpu`, the Float64 reference); chosen once by `selectBackend()`. */
  backend?: Backend;
}

/** A loss value with its gradient in the feature map's parameters. */
export interface SeparationLossValue {
  /** The loss. */
  loss: number;
  /** ∂L/∂W, D_Φ × d, in the backend's precision (Float32 on f32 backends). */
  weights: DenseMatrix;
  /** ∂L/∂b (length D_Φ), or `null` when the map has no bias. */
  bias: Float64Array | null;
}

/** Score entries per block of the max loss's search (2²²: 32 MB in Float64). */
const BLOCK_ENTRIES = 1 << 22;

/**
 * The separation loss of the memories' normalised features and its gradient:
 *
 * - `average`: `L = log( (2 / (M(M−1))) Σ_{μ<ν} exp(−t ‖u_μ − u_ν‖²) ) = −2t + log mean_{μ≠ν} exp(2t u_μᵀu_ν)`
 *   (`uniform_loss` of the official code, t = 2);
 * - `max`: `L = max_{μ<ν} −t ‖u_μ − u_ν‖² = −2t (1 − max_{μ≠ν} u_μᵀu_ν)` (`uniform_loss_max`), so minimising it
 *   maximises the smallest angle of the code exactly; its gradient is the subgradient at the first closest pair.
 *
 * Gradients: with `g_μ = ∂L/∂u_μ`, `∂L/∂Φ_μ = (g_μ − (g_μᵀu_μ) u_μ) / ‖Φ_μ‖`, `∂L/∂W = Σ_μ ∂L/∂Φ_μ ξ_μᵀ`,
 * `∂L/∂b = Σ_μ ∂L/∂Φ_μ`. For `average`, `g_μ = 4t Σ_{ν≠μ} w_μν u_ν` with `w` the softmax over all ordered pairs,
 * which is leave-one-out self-attention of the features at β = 2t ({@link Backend.leaveOneOutAttention}):
 * `g_μ = 4t · exp(lse_μ − LSE) · out_μ` with `LSE = log Σ_μ exp(lse_μ)`, and `L = LSE − log M(M−1) − 2t`. Every
 * product (`Φ(Ξ) = ΞWᵀ`, the pairs, `∂L/∂W = (∂L/∂Φ)ᵀΞ`) runs on the backend, the pairs in blocks, never
 * M × M; the features and gradients stay in the backend's precision. Cost `4M²D_Φ + 4M D_Φ d` flops.
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
 * assert.ok(Math.abs((await separationLoss(identityFeatureMap(3), X)).loss + 4) < 1e-12);
 * assert.ok(Math.abs((await separationLoss(identityFeatureMap(3), X, { loss: "max" })).loss + 4) < 1e-12);
 * ```
 */
export async function separationLoss(
  map: LinearFeatureMap,
  patterns: Matrix,
  options: SeparationLossOptions = {},
): Promise<SeparationLossValue> {
  const action = "compute the separation loss";
  const kind = options.loss ?? "average", t = options.t ?? 2, backend = options.backend ?? cpuBackend;
  if (!(SEPARATION_LOSSES as readonly string[]).includes(kind)) {
    throw new RangeError(
      `Cannot ${action}: loss must be one of ${SEPARATION_LOSSES.join(", ")}: loss=${kind}`,
    );
  }
  if (!(t > 0) || !Number.isFinite(t)) {
    throw new RangeError(`Cannot ${action}: t must be a positive finite number: t=${t}`);
  }
  checkMatrix(patterns, "patterns", action);
  const M = patterns.rows, D = map.featureDim, d = map.inputDim;
  if (M < 2) throw new RangeError(`Cannot ${action}: need at least 2 patterns: M=${M}`);
  if (patterns.cols !== d) {
    throw new RangeError(
      `Cannot ${action}: patterns must have the map's input dimension: cols=${patterns.cols}, d=${d}`,
    );
  }
  // Φ(Ξ) = Ξ Wᵀ (+ b), normalised in place: U holds the unit features in the backend's precision.
  const U = await backend.matmul(patterns, map.weights, { transposeB: true });
  const norms = new Float64Array(M);
  for (let mu = 0; mu < M; mu++) {
    const f = U.data.subarray(mu * D, (mu + 1) * D);
    if (map.bias) { for (let r = 0; r < D; r++) f[r] += map.bias[r]; }
    // ‖f‖ scaled by the largest entry, so that features near the float limits neither under- nor overflow.
    let top = 0;
    for (let r = 0; r < D; r++) top = Math.max(top, Math.abs(f[r]));
    if (!Number.isFinite(top)) {
      throw new RangeError(
        `Cannot ${action}: the features Φ(patterns[${mu}]) = W·patterns[${mu}] overflow the ${
          f instanceof Float32Array ? "f32" : "f64"
        } range (an entry is ${top}); scale the weights or the patterns down`,
      );
    }
    if (!(top > 0)) {
      throw new RangeError(
        `Cannot ${action}: every feature must be non-zero to be normalised: ‖Φ(patterns[${mu}])‖=0`,
      );
    }
    let s = 0;
    for (let r = 0; r < D; r++) s += (f[r] / top) ** 2;
    const unit = Math.sqrt(s);
    norms[mu] = top * unit;
    for (let r = 0; r < D; r++) f[r] = f[r] / top / unit;
  }
  const a = 2 * t;
  const { loss, grad } = kind === "average" ? await averageLoss(backend, U, a) : await maxLoss(backend, U, a);
  // Chain rule through the normalisation: ∂L/∂Φ_μ = (g_μ − (g_μᵀu_μ) u_μ) / ‖Φ_μ‖, in place.
  for (let mu = 0; mu < M; mu++) {
    const g = grad.subarray(mu * D, (mu + 1) * D), u = U.data.subarray(mu * D, (mu + 1) * D);
    let gu = 0;
    for (let r = 0; r < D; r++) gu += g[r] * u[r];
    for (let r = 0; r < D; r++) g[r] = (g[r] - gu * u[r]) / norms[mu];
  }
  const dW = await backend.matmul({ rows: M, cols: D, data: grad }, patterns, { transposeA: true });
  let bias: Float64Array | null = null;
  if (map.bias) {
    bias = new Float64Array(D);
    for (let mu = 0; mu < M; mu++) for (let r = 0; r < D; r++) bias[r] += grad[mu * D + r];
  }
  return { loss, weights: dW, bias };
}

/** A zeroed array of `n` floats in the precision of `like`. */
function zerosLike(like: FloatArray, n: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** The average loss and `∂L/∂u` (M × D) from the leave-one-out attention of the features at β = a. */
async function averageLoss(
  backend: Backend,
  U: DenseMatrix,
  a: number,
): Promise<{ loss: number; grad: FloatArray }> {
  const M = U.rows, D = U.cols;
  const { lse, states } = await backend.leaveOneOutAttention(U, a);
  let top = -Infinity;
  for (let mu = 0; mu < M; mu++) top = Math.max(top, lse[mu]);
  let sum = 0;
  for (let mu = 0; mu < M; mu++) sum += Math.exp(lse[mu] - top);
  const LSE = top + Math.log(sum), grad = zerosLike(U.data, M * D);
  for (let mu = 0; mu < M; mu++) {
    const w = 2 * a * Math.exp(lse[mu] - LSE);
    for (let r = 0; r < D; r++) grad[mu * D + r] = w * states.data[mu * D + r];
  }
  return { loss: LSE - Math.log(M) - Math.log(M - 1) - a, grad };
}

/** The max loss `a(max c − 1)` and its subgradient at the first pair (in row order) attaining the maximum. */
async function maxLoss(
  backend: Backend,
  U: DenseMatrix,
  a: number,
): Promise<{ loss: number; grad: FloatArray }> {
  const M = U.rows, D = U.cols, grad = zerosLike(U.data, M * D);
  const block = Math.max(1, Math.floor(BLOCK_ENTRIES / M));
  let best = -Infinity, bi = 0, bj = 1;
  for (let r0 = 0; r0 < M; r0 += block) {
    const r1 = Math.min(M, r0 + block), S = await backend.scores(U, rowRange(U, r0, r1));
    for (let i = r0; i < r1; i++) {
      for (let j = i + 1; j < M; j++) {
        const c = S.data[(i - r0) * M + j];
        if (c > best) [best, bi, bj] = [c, i, j];
      }
    }
  }
  for (let r = 0; r < D; r++) {
    grad[bi * D + r] = a * U.data[bj * D + r];
    grad[bj * D + r] = a * U.data[bi * D + r];
  }
  return { loss: a * (best - 1), grad };
}
