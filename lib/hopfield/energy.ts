/**
 * The modern Hopfield energy (Ramsauer et al. 2020, Eq. 2) and its sparse generalisation
 * (Hu et al. 2023; Wu et al. 2024).
 *
 * @module
 */
import { type DenseMatrix, dot, type Matrix, maxRowNorm } from "../linalg/matrix.ts";
import { applyScaled, type MapSpec, scaleShifted, tsallisEntropy } from "../maps/mod.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "./options.ts";

/**
 * Energy of a state ξ for stored patterns X (one per row, N × d):
 *
 * `E(ξ) = −β⁻¹ Ψ*_α(β Xᵀξ) + ½ ξᵀξ + β⁻¹ H_α(u_N) + ½ M²`,
 *
 * where `Ψ*_α` is the conjugate of the Tsallis entropy (`lse` for softmax), `u_N` is uniform on N atoms and
 * `M = maxᵢ ‖xᵢ‖`. For softmax this is exactly Ramsauer et al. (2020, Eq. 2):
 * `E = −lse(β, Xᵀξ) + ½ ξᵀξ + β⁻¹ ln N + ½ M²`, with `0 ≤ E ≤ 2M²` on the patterns' simplex (Lemma A1).
 * The update `ξ ← X·map(β Xᵀξ)` never increases it (CCCP, Theorem 1).
 *
 * @example
 * ```ts
 * import { energy } from "./energy.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * // At a stored pattern with large β the energy is near 0 (Lemma A1: E ≥ 0).
 * const e = energy(X, [1, 0], { beta: 50 });
 * assert.ok(e >= 0 && e < 0.02);
 * ```
 */
export function energy(patterns: Matrix, query: ArrayLike<number>, options: HopfieldOptions): number {
  const spec = hopfieldSpec(options, "compute energy");
  checkPatterns(patterns, query, "compute energy");
  return energyUnchecked(patterns, query, spec, maxRowNorm(patterns));
}

/**
 * Energy without argument checks, for inner loops. `maxNorm` is `M`. The conjugate term is computed scaled by
 * 1/β and shifted by the largest score, `β⁻¹Ψ*(βs) = max s + β⁻¹Ψ*(β(s − max s))` (for the sparse maps
 * `⟨s, p⟩ + β⁻¹H_α(p)`), so that it stays finite however large β is. @internal
 */
export function energyUnchecked(
  patterns: DenseMatrix,
  query: ArrayLike<number>,
  spec: MapSpec,
  maxNorm: number,
): number {
  const n = patterns.rows, d = patterns.cols;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = dot(patterns.data.subarray(i * d, (i + 1) * d), query);
  let top = -Infinity;
  for (let i = 0; i < n; i++) if (s[i] > top) top = s[i];
  const z = scaleShifted(s, spec.beta, new Float64Array(n), "compute energy");
  let lse: number; // β⁻¹Ψ*(βs)
  if (spec.kind === "softmax") {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(z[i]);
    lse = top + Math.log(sum) / spec.beta;
  } else {
    const p = applyScaled(z, spec, new Float64Array(n));
    let inner = 0;
    for (let i = 0; i < n; i++) if (p[i] > 0) inner += s[i] * p[i];
    lse = inner + tsallisEntropy(p, spec.alpha) / spec.beta;
  }
  const uniform = new Float64Array(n).fill(1 / n);
  const constant = spec.alpha === 1 ? Math.log(n) : tsallisEntropy(uniform, spec.alpha);
  return -lse + 0.5 * dot(query, query) + constant / spec.beta + 0.5 * maxNorm * maxNorm;
}

/**
 * The energy of every row of `states` without argument checks (Float64 on the host): the batched form of
 * {@link energy}, for retrieval loops and backends. `maxNorm` is `M` when the caller has it. @internal
 *
 * Shapes: patterns N × d, states G × d → G energies.
 */
export function energyRows(
  patterns: DenseMatrix,
  states: DenseMatrix,
  spec: MapSpec,
  maxNorm: number = maxRowNorm(patterns),
): Float64Array {
  const d = states.cols;
  return Float64Array.from(
    { length: states.rows },
    (_, q) => energyUnchecked(patterns, states.data.subarray(q * d, (q + 1) * d), spec, maxNorm),
  );
}
