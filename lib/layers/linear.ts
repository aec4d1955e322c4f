/**
 * A dense layer `y = xWᵀ + b` on the tape, initialised as `torch.nn.Linear` (uniform in ±1/√in), for the
 * encoders and read-outs around the Hopfield layers.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import type { Node, Tape } from "./tape.ts";

/**
 * `y = xWᵀ + b`, W out × in.
 *
 * @example
 * ```ts
 * import { Linear } from "./linear.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const lin = new Linear(3, 2, createPrng(1)), t = new Tape();
 * const y = lin.forward(t, t.constant(fromRows([[1, 2, 3]])), lin.leaves(t));
 * assert.deepEqual([y.value.rows, y.value.cols], [1, 2]);
 * ```
 */
export class Linear {
  /** W, out × in. */
  weight: Matrix;
  /** b, 1 × out. */
  bias: Matrix;

  /** Draws W and b uniform in ±1/√in. */
  constructor(inputs: number, outputs: number, prng: Prng) {
    for (const [name, v] of [["inputs", inputs], ["outputs", outputs]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`Cannot make a Linear layer: ${name} must be a positive integer: ${name}=${v}`);
      }
    }
    const bound = 1 / Math.sqrt(inputs);
    this.weight = matrix(outputs, inputs);
    for (let k = 0; k < this.weight.data.length; k++) this.weight.data[k] = bound * (2 * prng.next() - 1);
    this.bias = matrix(1, outputs);
    for (let k = 0; k < outputs; k++) this.bias.data[k] = bound * (2 * prng.next() - 1);
  }

  /** W and b as tape parameters. */
  leaves(tape: Tape): { weight: Node; bias: Node } {
    return { weight: tape.param(this.weight), bias: tape.param(this.bias) };
  }

  /** `xWᵀ + b` for the rows of x. */
  forward(tape: Tape, x: Node, leaves: { weight: Node; bias: Node }): Node {
    return tape.addRow(tape.matmul(x, leaves.weight, { transposeB: true }), leaves.bias);
  }
}
