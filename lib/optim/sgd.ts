/**
 * Stochastic gradient descent with optional (heavy-ball) momentum.
 *
 * @module
 */
import { checkShapes, type Optimiser, rateOf } from "./optimiser.ts";
import type { Schedule } from "./schedule.ts";

/**
 * SGD: `v ← μ v + g`, `θ ← θ − η_t v` (PyTorch's convention; μ = 0 gives `θ ← θ − η_t g`).
 *
 * @example
 * ```ts
 * import { sgd } from "./sgd.ts";
 * import assert from "node:assert/strict";
 * const x = new Float64Array([1]), opt = sgd({ lr: 0.25 });
 * for (let i = 0; i < 50; i++) opt.step([x], [new Float64Array([2 * x[0]])]); // minimise x²
 * assert.ok(Math.abs(x[0]) < 1e-12);
 * ```
 */
export function sgd(options: { lr: number | Schedule; momentum?: number }): Optimiser {
  const action = "take an SGD step";
  const lr = rateOf(options.lr, action), momentum = options.momentum ?? 0;
  if (!(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`Cannot ${action}: momentum must be in [0, 1): momentum=${momentum}`);
  }
  let sizes: number[] | null = null, velocity: Float64Array[] = [], steps = 0;
  return {
    step(params, grads) {
      sizes = checkShapes(params, grads, sizes, action);
      if (velocity.length === 0) velocity = params.map((p) => new Float64Array(p.length));
      const eta = lr(steps);
      params.forEach((p, i) => {
        const g = grads[i], v = velocity[i];
        for (let k = 0; k < p.length; k++) {
          v[k] = momentum * v[k] + g[k];
          p[k] -= eta * v[k];
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
