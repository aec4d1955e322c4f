/**
 * The `into` option of a backend step: the states written into a matrix the caller keeps, so a loop of steps
 * allocates nothing per step.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { StepResult } from "./types.ts";

/**
 * Checks that `into` can hold the B × d states of a step on a backend of this precision (Float32Array data for
 * f32, Float64Array for f64), naming it and its shape or type when it cannot. @internal
 */
export function checkInto(
  into: DenseMatrix,
  rows: number,
  cols: number,
  precision: "f32" | "f64",
  backend: string,
): void {
  const type = precision === "f32" ? Float32Array : Float64Array;
  if (into.rows !== rows || into.cols !== cols || into.data.length !== rows * cols) {
    throw new RangeError(
      `Cannot step on ${backend}: into must be ${rows} × ${cols} (queries × d): into=${into.rows}×${into.cols}`,
    );
  }
  if (!(into.data instanceof type)) {
    throw new TypeError(
      `Cannot step on ${backend}: into must hold ${type.name} data for ${precision}: into.data=${into.data.constructor.name}`,
    );
  }
}

/** The step's result with its states copied into `into` (when given), which is returned in their place. @internal */
export function deliverInto(
  result: StepResult,
  into: DenseMatrix | undefined,
  precision: "f32" | "f64",
  backend: string,
): StepResult {
  if (!into) return result;
  checkInto(into, result.states.rows, result.states.cols, precision, backend);
  into.data.set(result.states.data);
  return { ...result, states: into };
}
