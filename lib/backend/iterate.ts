/**
 * Several updates as repeated single steps, for the backends whose steps return to the host anyway.
 *
 * @module
 */
import type { DenseMatrix } from "../linalg/matrix.ts";
import type { MapSpec } from "../maps/spec.ts";
import { type Memory, memoryParts } from "./memory.ts";
import type { StepOutput, StepResult } from "./types.ts";

/**
 * `steps` calls of a step function, each fed the last one's states; only the last returns probabilities (when
 * `output` asks for them). @internal
 */
export async function iterateSteps(
  step: (memory: Memory, Q: DenseMatrix, spec: MapSpec, out?: StepOutput) => Promise<StepResult>,
  memory: Memory,
  queries: DenseMatrix,
  spec: MapSpec,
  steps: number,
  output: StepOutput = {},
): Promise<StepResult> {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot iterate: steps must be a positive integer: steps=${steps}`);
  }
  const { keys, values } = memoryParts(memory, queries.cols, "iterate");
  if (values.cols !== keys.cols) {
    throw new RangeError(
      `Cannot iterate: values must be as wide as the keys to feed each output back as a query: values=${values.cols}, keys=${keys.cols}`,
    );
  }
  let r: StepResult | null = null;
  for (let t = 0; t < steps; t++) {
    r = await step(memory, r?.states ?? queries, spec, t === steps - 1 ? output : { probabilities: false });
  }
  return r!;
}
