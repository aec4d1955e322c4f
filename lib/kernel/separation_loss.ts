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

/**
 * The losses: U-Hop's log-mean-exp over pairs (`average`) and its hard limit (`max`); U-Hop+'s temperature-τ
 * log-mean-exp of the cosines (`log-sum-exp`) and its cross-entropy form (`cross-entropy`).
 */
export const SEPARATION_LOSSES = ["average", "max", "log-sum-exp", "cross-entropy"] as const;
/** A separation loss name. */
export type SeparationLossKind = typeof SEPARATION_LOSSES[number];

/** Options of {@link separationLoss}. */
export interface SeparationLossOptions {
  /** `average` (default), `max`, `log-sum-exp` or `cross-entropy`. */
  loss?: SeparationLossKind;
  /** For `average` and `max`: the scale t > 0 of `exp(−t‖u_μ − u_ν‖²)` (default 2, the official code's). */
  t?: number;
  /** For `log-sum-exp` and `cross-entropy`: the temperature τ > 0 (default 0.1, the official U-Hop+ code's). */
  tau?: number;
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
 *   maximises the smallest angle of the code exactly; its gradient is the subgradient at the first closest pair;
 * - `log-sum-exp` (U-Hop+, Hu et al. 2024): `L = τ log( (2 / (M(M−1))) Σ_{μ<ν} exp(c_μν / τ) )` over the cosines
 *   `c_μν = u_μᵀu_ν`; it tends to `max c = 1 − Δ_min` as τ → 0. It is the average loss at t = 1/(2τ), times τ,
 *   plus 1;
 * - `cross-entropy` (U-Hop+'s `avg_separate`): `L = (1/M) Σ_μ log(1 + Σ_{ν≠μ} exp((c_μν − 1)/τ))`, each memory
 *   classified against the others; with `lse_μ = log Σ_{ν≠μ} e^{c_μν/τ}`, `s_μ = lse_μ − 1/τ`, `σ = sigmoid(s)`:
 *   `g_μ = (1/(Mτ)) (σ_μ Σ_ν p_μν u_ν + Σ_ν σ_ν p_νμ u_ν)` — two leave-one-out passes, the second with values
 *   `σ_ν e^{−lse_ν} u_ν`.
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
  const kind = options.loss ?? "average", backend = options.backend ?? cpuBackend;
  if (!(SEPARATION_LOSSES as readonly string[]).includes(kind)) {
    throw new RangeError(
      `Cannot ${action}: loss must be one of ${SEPARATION_LOSSES.join(", ")}: loss=${kind}`,
    );
  }
  const tempered = kind === "log-sum-exp" || kind === "cross-entropy";
  if (tempered ? options.t !== undefined : options.tau !== undefined) {
    const given = tempered ? `t=${options.t}` : `tau=${options.tau}`;
    const applies = tempered
      ? "t applies to the average and max losses"
      : "tau applies to the tempered losses";
    throw new RangeError(`Cannot ${action}: ${applies}: loss=${kind}, ${given}`);
  }
  const [name, scale] = tempered ? ["tau", options.tau ?? 0.1] : ["t", options.t ?? 2];
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot ${action}: ${name} must be a positive finite number: ${name}=${scale}`);
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
  const { loss, grad } = kind === "average"
    ? await averageLoss(backend, U, 2 * scale)
    : kind === "max"
    ? await maxLoss(backend, U, 2 * scale)
    : kind === "log-sum-exp"
    ? await logSumExpLoss(backend, U, scale)
    : await crossEntropyLoss(backend, U, scale);
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

/** U-Hop+'s `τ log mean exp(c/τ)`: the average loss at a = 1/τ, times τ, plus 1 (gradient times τ). */
async function logSumExpLoss(
  backend: Backend,
  U: DenseMatrix,
  tau: number,
): Promise<{ loss: number; grad: FloatArray }> {
  const { loss, grad } = await averageLoss(backend, U, 1 / tau);
  for (let k = 0; k < grad.length; k++) grad[k] *= tau;
  return { loss: tau * loss + 1, grad };
}

/** U-Hop+'s cross-entropy form and `∂L/∂u`, from two leave-one-out passes at β = 1/τ. */
async function crossEntropyLoss(
  backend: Backend,
  U: DenseMatrix,
  tau: number,
): Promise<{ loss: number; grad: FloatArray }> {
  const M = U.rows, D = U.cols, beta = 1 / tau;
  const first = await backend.leaveOneOutAttention(U, beta);
  const sigma = new Float64Array(M);
  let loss = 0, low = Infinity;
  for (let mu = 0; mu < M; mu++) {
    const s = first.lse[mu] - beta;
    loss += s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s)); // softplus
    sigma[mu] = s > 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
    low = Math.min(low, first.lse[mu]);
  }
  // Values σ_ν e^{low − lse_ν} u_ν (scaled by e^{low} so that no factor overflows), attended to from each μ.
  const V = zerosLike(U.data, M * D);
  for (let nu = 0; nu < M; nu++) {
    const f = sigma[nu] * Math.exp(low - first.lse[nu]);
    for (let r = 0; r < D; r++) V[nu * D + r] = f * U.data[nu * D + r];
  }
  const second = await backend.leaveOneOutAttention(U, beta, { rows: M, cols: D, data: V });
  const grad = zerosLike(U.data, M * D);
  for (let mu = 0; mu < M; mu++) {
    const back = Math.exp(first.lse[mu] - low);
    for (let r = 0; r < D; r++) {
      const k = mu * D + r;
      grad[k] = (beta / M) * (sigma[mu] * first.states.data[k] + back * second.states.data[k]);
    }
  }
  return { loss: loss / M, grad };
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
