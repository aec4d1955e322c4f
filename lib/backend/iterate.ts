/**
 * Several updates as repeated single steps, for the backends whose steps return to the host anyway.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { MapSpec } from "../maps/spec.ts";
import type { StepOutput, StepResult } from "./types.ts";

/**
 * `steps` calls of a step function, each fed the last one's states; only the last returns probabilities (when
 * `output` asks for them). @internal
 */
export async function iterateSteps(
  step: (X: DenseMatrix, Q: DenseMatrix, spec: MapSpec, out?: StepOutput) => Promise<StepResult>,
  patterns: DenseMatrix,
  queries: DenseMatrix,
  spec: MapSpec,
  steps: number,
  output: StepOutput = {},
): Promise<StepResult> {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot iterate: steps must be a positive integer: steps=${steps}`);
  }
  let r: StepResult | null = null;
  for (let t = 0; t < steps; t++) {
    r = await step(patterns, r?.states ?? queries, spec, t === steps - 1 ? output : { probabilities: false });
  }
  return r!;
}
