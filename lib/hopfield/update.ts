/**
 * One update of the modern Hopfield network: `ξ ← X·map(β Xᵀξ)` (Ramsauer et al. 2020, Eq. 3).
 *
 * @module
 */
import { type DenseMatrix, dot, type Matrix, matrix, row } from "../linalg/matrix.ts";
import { applyScaled, type MapSpec, scaleShifted } from "../maps/mod.ts";
import { checkPatterns, type HopfieldOptions, hopfieldSpec } from "./options.ts";

/** The result of one update of a single state. */
export interface UpdateResult {
  /** The new state `X·p` (length d). */
  state: Float64Array;
  /** The probabilities `p = map(β Xᵀξ)` (length N). */
  probabilities: Float64Array;
}

/**
 * One update of a single state: `p = map(β Xᵀξ)`, `ξ_new = Σᵢ pᵢ xᵢ`. With softmax this is attention with
 * the state as query and the patterns as keys and values (Eq. 10).
 *
 * Shapes: patterns N × d (one per row), query length d → state length d, probabilities length N.
 *
 * @example
 * ```ts
 * import { update } from "./update.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const { state } = update(fromRows([[1, 0], [0, 1]]), [0.9, 0.1], { beta: 100 });
 * assert.ok(Math.abs(state[0] - 1) < 1e-12);
 * ```
 */
export function update(patterns: Matrix, query: ArrayLike<number>, options: HopfieldOptions): UpdateResult {
  const spec = hopfieldSpec(options, "update");
  checkPatterns(patterns, query, "update");
  const state = new Float64Array(patterns.cols), probabilities = new Float64Array(patterns.rows);
  updateInto(patterns, patterns, query, spec, state, probabilities);
  return { state, probabilities };
}

/**
 * One update without checks, into preallocated buffers: `p = map(β K ξ)`, `state = Vᵀp` (keys = values = the
 * patterns for the Hopfield update; f32 matrices are computed on in f64). @internal
 */
export function updateInto(
  keys: DenseMatrix,
  values: DenseMatrix,
  query: ArrayLike<number>,
  spec: MapSpec,
  state: Float64Array,
  probabilities: Float64Array,
): void {
  const n = keys.rows, d = keys.cols, dv = values.cols;
  for (let i = 0; i < n; i++) probabilities[i] = dot(keys.data.subarray(i * d, (i + 1) * d), query);
  applyScaled(scaleShifted(probabilities, spec.beta, probabilities, "update"), spec, probabilities);
  state.fill(0);
  for (let i = 0; i < n; i++) {
    const p = probabilities[i];
    if (p === 0) continue;
    const off = i * dv;
    for (let k = 0; k < dv; k++) state[k] += p * values.data[off + k];
  }
}

/**
 * One update of every row of `queries` without checks (the caller has checked shapes and made `spec` with
 * `mapSpec`): row q of `states` is `Vᵀ map(β K ξ_q)`, row q of `probabilities` its `map(β K ξ_q)`; the Hopfield
 * update has keys = values = the patterns. This is the `cpu` backend's step. @internal
 *
 * Shapes: keys N × d, values N × d_v, queries B × d → states B × d_v, probabilities B × N (omitted when not
 * asked for).
 */
export function updateRows(
  keys: DenseMatrix,
  values: DenseMatrix,
  queries: DenseMatrix,
  spec: MapSpec,
  withProbabilities = true,
): { states: Matrix; probabilities?: Matrix } {
  const n = keys.rows, d = keys.cols, dv = values.cols, b = queries.rows;
  const states = matrix(b, dv);
  const probabilities = withProbabilities ? matrix(b, n) : undefined;
  const scratch = withProbabilities ? null : new Float64Array(n);
  for (let q = 0; q < b; q++) {
    updateInto(
      keys,
      values,
      queries.data.subarray(q * d, (q + 1) * d),
      spec,
      states.data.subarray(q * dv, (q + 1) * dv),
      scratch ?? probabilities!.data.subarray(q * n, (q + 1) * n),
    );
  }
  return probabilities ? { states, probabilities } : { states };
}

/**
 * Jacobian of the update at ξ: `J = β X (diag s − s sᵀ / Σs) Xᵀ` with `sᵢ = pᵢ^{2−α}` on the support of p
 * (Peters et al. 2019, Prop. 1). For softmax (α = 1) this is Ramsauer et al.'s `J = β X (diag p − p pᵀ) Xᵀ`
 * (Lemma A2), the covariance of the patterns under p times β.
 *
 * Shapes: patterns N × d, query length d → d × d.
 *
 * @example
 * ```ts
 * import { jacobian } from "./update.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * // Two opposite patterns at ξ = 0: p = (½, ½), J = β·X Cov Xᵀ = β·diag(1, 0).
 * const J = jacobian(fromRows([[1, 0], [-1, 0]]), [0, 0], { beta: 0.5 });
 * assert.deepEqual(Array.from(J.data), [0.5, 0, 0, 0]);
 * ```
 */
export function jacobian(patterns: Matrix, query: ArrayLike<number>, options: HopfieldOptions): Matrix {
  const spec = hopfieldSpec(options, "compute jacobian");
  checkPatterns(patterns, query, "compute jacobian");
  const { probabilities: p } = update(patterns, query, options);
  const n = patterns.rows, d = patterns.cols;
  const s = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    s[i] = p[i] > 0 ? (spec.alpha === 1 ? p[i] : Math.pow(p[i], 2 - spec.alpha)) : 0;
    sum += s[i];
  }
  // mean = Σ sᵢ xᵢ / Σs; J = β (Σ sᵢ xᵢ xᵢᵀ − (Σs) mean meanᵀ)
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += (s[i] * patterns.data[i * d + k]) / sum;
  const out = matrix(d, d);
  for (let i = 0; i < n; i++) {
    if (s[i] === 0) continue;
    const x = row(patterns, i);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out.data[a * d + b] += s[i] * x[a] * x[b];
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      out.data[a * d + b] = spec.beta * (out.data[a * d + b] - sum * mean[a] * mean[b]);
    }
  }
  return out;
}
