/**
 * Adam (Kingma & Ba 2015) with decoupled weight decay (AdamW, Loshchilov & Hutter 2019).
 *
 * @module
 */
import { checkShapes, type Optimiser, rateOf } from "./optimiser.ts";
import type { Schedule } from "./schedule.ts";

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Learning rate η or a schedule. */
  lr: number | Schedule;
  /** β₁ (default 0.9). */
  beta1?: number;
  /** β₂ (default 0.999). */
  beta2?: number;
  /** ε (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay λ (default 0): `θ ← θ − η λ θ` before the Adam step. */
  weightDecay?: number;
}

/**
 * Adam: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − η m̂ / (√v̂ + ε)` with the bias corrections
 * `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`; with `weightDecay` λ the step first shrinks θ by `η λ θ` (AdamW, PyTorch's
 * convention).
 *
 * @example
 * ```ts
 * import { adam } from "./adam.ts";
 * import assert from "node:assert/strict";
 * const x = new Float64Array([3]), opt = adam({ lr: 0.1 });
 * for (let i = 0; i < 500; i++) opt.step([x], [new Float64Array([2 * x[0]])]); // minimise x²
 * assert.ok(Math.abs(x[0]) < 1e-2);
 * ```
 */
export function adam(options: AdamOptions): Optimiser {
  const action = "take an Adam step";
  const lr = rateOf(options.lr, action);
  const b1 = options.beta1 ?? 0.9, b2 = options.beta2 ?? 0.999, eps = options.eps ?? 1e-8;
  const decay = options.weightDecay ?? 0;
  for (const [name, v] of [["beta1", b1], ["beta2", b2]] as const) {
    if (!(v >= 0 && v < 1)) throw new RangeError(`Cannot ${action}: ${name} must be in [0, 1): ${name}=${v}`);
  }
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new RangeError(`Cannot ${action}: eps must be a positive finite number: eps=${eps}`);
  }
  if (!(decay >= 0) || !Number.isFinite(decay)) {
    throw new RangeError(
      `Cannot ${action}: weightDecay must be a non-negative finite number: weightDecay=${decay}`,
    );
  }
  let sizes: number[] | null = null, m: Float64Array[] = [], v: Float64Array[] = [], steps = 0;
  return {
    step(params, grads) {
      sizes = checkShapes(params, grads, sizes, action);
      if (m.length === 0) {
        m = params.map((p) => new Float64Array(p.length));
        v = params.map((p) => new Float64Array(p.length));
      }
      const eta = lr(steps), t = steps + 1;
      const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
      params.forEach((p, i) => {
        const g = grads[i], mi = m[i], vi = v[i];
        for (let k = 0; k < p.length; k++) {
          if (decay > 0) p[k] -= eta * decay * p[k];
          mi[k] = b1 * mi[k] + (1 - b1) * g[k];
          vi[k] = b2 * vi[k] + (1 - b2) * g[k] * g[k];
          p[k] -= (eta * (mi[k] / c1)) / (Math.sqrt(vi[k] / c2) + eps);
        }
      });
      steps++;
    },
    get steps() {
      return steps;
    },
    get rate() {
      return lr(steps);
    },
  };
}
