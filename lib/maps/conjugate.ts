/**
 * The convex conjugate of the negative Tsallis entropy: the "lse" of every separation map.
 *
 * @module
 */
import { tsallisEntropy } from "./entmax.ts";
import { applyScaled } from "./separate.ts";
import { logSumExp } from "./softmax.ts";
import type { MapSpec } from "./spec.ts";

/**
 * The convex conjugate of the negative Tsallis entropy at `z = β·scores`:
 * `Ψ*_α(z) = max_{p ∈ Δ} ⟨z, p⟩ + H_α(p) = ⟨z, p*⟩ + H_α(p*)` with `p* = α-entmax(z)`; at α = 1 it is
 * `log Σ exp(zᵢ)`, computed directly. Its gradient is the map itself (Hu et al. 2023; Wu et al. 2024).
 * `p` may pass `p*` when the caller has it already.
 *
 * @example
 * ```ts
 * import { conjugate } from "./conjugate.ts";
 * import { mapSpec } from "./spec.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(conjugate([0, 0], mapSpec()) - Math.LN2) < 1e-15);
 * ```
 */
export function conjugate(z: ArrayLike<number>, spec: MapSpec, p?: ArrayLike<number>): number {
  if (spec.kind === "softmax") return logSumExp(z);
  const probs = p ?? applyScaled(z, spec, new Float64Array(z.length));
  let s = 0;
  for (let i = 0; i < z.length; i++) if (probs[i] > 0) s += z[i] * probs[i];
  return s + tsallisEntropy(probs, spec.alpha);
}
