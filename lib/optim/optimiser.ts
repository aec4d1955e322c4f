/**
 * The optimiser interface shared by SGD and Adam: parameters and gradients are flat Float64Arrays, updated in
 * place, so a matrix's `data` is a parameter as it is.
 *
 * @module
 */
import type { FloatArray } from "../linalg/matrix.ts";
import type { Schedule } from "./schedule.ts";

/** An optimiser over a fixed list of parameter arrays. */
export interface Optimiser {
  /**
   * One step: every `params[i]` moves along `grads[i]` (same shapes as at the first call; gradients may come in
   * Float32 from an f32 backend, the parameters and the optimiser's state stay Float64).
   */
  step(params: Float64Array[], grads: FloatArray[]): void;
  /** Steps taken so far. */
  readonly steps: number;
  /** The rate the next step will use. */
  readonly rate: number;
}

/** A constant rate or a schedule, checked. @internal */
export function rateOf(lr: number | Schedule, action: string): Schedule {
  if (typeof lr === "function") return lr;
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`Cannot ${action}: lr must be a positive finite number or a schedule: lr=${lr}`);
  }
  return () => lr;
}

/** Checks that parameter and gradient lists match the shapes of the first step. @internal */
export function checkShapes(
  params: Float64Array[],
  grads: FloatArray[],
  sizes: number[] | null,
  action: string,
): number[] {
  if (params.length !== grads.length) {
    throw new RangeError(
      `Cannot ${action}: params and grads must pair up: params=${params.length}, grads=${grads.length}`,
    );
  }
  params.forEach((p, i) => {
    if (p.length !== grads[i].length) {
      throw new RangeError(
        `Cannot ${action}: grads[${i}] must match params[${i}]: ${grads[i].length} vs ${p.length}`,
      );
    }
    if (sizes && sizes[i] !== p.length) {
      throw new RangeError(
        `Cannot ${action}: params[${i}] changed size since the first step: ${p.length} vs ${sizes[i]}`,
      );
    }
    for (let k = 0; k < grads[i].length; k++) {
      if (!Number.isFinite(grads[i][k])) {
        throw new RangeError(`Cannot ${action}: gradients must be finite: grads[${i}][${k}]=${grads[i][k]}`);
      }
    }
  });
  if (sizes && sizes.length !== params.length) {
    throw new RangeError(
      `Cannot ${action}: the number of parameters changed: ${params.length} vs ${sizes.length}`,
    );
  }
  return sizes ?? params.map((p) => p.length);
}
