/**
 * hflayers' two wrappers around the Hopfield layer (Ramsauer et al. 2020, §3): `HopfieldPooling`, whose state
 * patterns are `quantity` learned queries (pooling a set into a fixed-size vector), and `HopfieldLayer`, whose
 * stored patterns (and, separated, projections) are `quantity` learned memories looked up by the input.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { type ForwardOptions, Hopfield, type HopfieldParameters } from "./hopfield.ts";
import type { HopfieldLayerOptions } from "./options.ts";
import type { Node, Tape } from "./tape.ts";

/** The parameter nodes of a pooling layer: the inner layer's and the pooling weights. */
export interface PoolingLeaves {
  /** The inner layer's parameters. */
  hopfield: Partial<Record<keyof HopfieldParameters, Node>>;
  /** The learned queries. */
  pooling: Node;
}

/** The parameter nodes of a lookup layer. */
export interface LookupLeaves {
  /** The inner layer's parameters. */
  hopfield: Partial<Record<keyof HopfieldParameters, Node>>;
  /** The learned memories. */
  lookup: Node;
  /** The learned targets (null: the memories serve). */
  target: Node | null;
}

function normalRows(rows: number, cols: number, prng: Prng): Matrix {
  const m = matrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = 0.02 * prng.normal();
  return m;
}

function checkQuantity(quantity: number, what: string): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1e6) {
    throw new RangeError(
      `Cannot make ${what}: quantity must be an integer from 1 to 1e6: quantity=${quantity}`,
    );
  }
}

/**
 * Pooling with learned queries: each element's set (S × inputSize) is both stored pattern and projection; the
 * state patterns are the pooling weights (quantity × inputSize, or × d_h with a static state); the output is
 * flattened to 1 × (quantity·outputSize).
 *
 * @example
 * ```ts
 * import { HopfieldPooling } from "./wrappers.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const pool = new HopfieldPooling({ inputSize: 2, quantity: 3 }, createPrng(1));
 * const r = pool.forward(new Tape(), [fromRows([[1, 0], [0, 1]])]);
 * assert.deepEqual([r.outputs[0].value.rows, r.outputs[0].value.cols], [1, 6]);
 * ```
 */
export class HopfieldPooling {
  /** The inner layer. */
  readonly hopfield: Hopfield;
  /** The learned queries, quantity × width. */
  poolingWeights: Matrix;
  /** Whether the pooling weights are trained (hflayers `trainable`). */
  readonly trainable: boolean;

  /** hflayers' options plus `quantity` (learned queries, default 1) and `trainable` (default true). */
  constructor(options: HopfieldLayerOptions & { quantity?: number; trainable?: boolean }, prng: Prng) {
    const { quantity = 1, trainable = true, ...rest } = options;
    checkQuantity(quantity, "HopfieldPooling");
    this.hopfield = new Hopfield(rest, prng);
    const o = this.hopfield.options;
    this.poolingWeights = normalRows(quantity, o.statePatternAsStatic ? o.hiddenSize : o.inputSize, prng);
    this.trainable = trainable;
  }

  /** Pools each element: `inputs[b]` is its set (or `{ stored, projection }`). */
  forward(
    tape: Tape,
    inputs: (Matrix | Node | { stored: Matrix | Node; projection: Matrix | Node })[],
    options: ForwardOptions = {},
    leaves: PoolingLeaves = this.leaves(tape),
  ): { outputs: Node[]; association: Matrix[][] } {
    const r = this.hopfield.forward(
      tape,
      inputs.map((x) => {
        const pair = "stored" in x ? x : { stored: x, projection: x };
        return { stored: pair.stored, state: leaves.pooling, projection: pair.projection };
      }),
      options,
      leaves.hopfield,
    );
    // Flatten quantity × outputSize to one row, as hflayers' `flatten(start_dim=1)`.
    const outputs = r.outputs.map((o) =>
      o.value.rows === 1
        ? o
        : tape.concatCols(Array.from({ length: o.value.rows }, (_, i) => tape.sliceRows(o, i, i + 1)))
    );
    return { outputs, association: r.association };
  }

  /** Parameter leaves: the inner layer's and the pooling weights. */
  leaves(tape: Tape): PoolingLeaves {
    return {
      hopfield: this.hopfield.leaves(tape),
      pooling: this.trainable ? tape.param(this.poolingWeights) : tape.constant(this.poolingWeights),
    };
  }
}

/**
 * Lookup in learned memories: the input (L × inputSize) is the state; the stored patterns are the lookup weights
 * (quantity × storedPatternSize, or × d_h when static) and the projections are the same weights, or separate
 * target weights with `lookupWeightsAsSeparated`.
 *
 * @example
 * ```ts
 * import { HopfieldLayer } from "./wrappers.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const lookup = new HopfieldLayer({ inputSize: 2, quantity: 5 }, createPrng(1));
 * const r = lookup.forward(new Tape(), [fromRows([[1, 0], [0, 1], [1, 1]])]);
 * assert.deepEqual([r.association[0][0].rows, r.association[0][0].cols], [3, 5]);
 * ```
 */
export class HopfieldLayer {
  /** The inner layer. */
  readonly hopfield: Hopfield;
  /** The learned stored patterns, quantity × width. */
  lookupWeights: Matrix;
  /** The learned projections (null: the lookup weights serve). */
  targetWeights: Matrix | null;
  /** Whether the lookup weights are trained (hflayers `trainable`). */
  readonly trainable: boolean;
  /** Whether the target weights are trained (hflayers `lookup_targets_as_trainable`). */
  readonly targetsTrainable: boolean;

  /** hflayers' options plus `quantity` (memories), `trainable`, `lookupWeightsAsSeparated`, `lookupTargetsAsTrainable`. */
  constructor(
    options: HopfieldLayerOptions & {
      quantity?: number;
      trainable?: boolean;
      lookupWeightsAsSeparated?: boolean;
      lookupTargetsAsTrainable?: boolean;
    },
    prng: Prng,
  ) {
    const {
      quantity = 1,
      trainable = true,
      lookupWeightsAsSeparated = false,
      lookupTargetsAsTrainable = true,
      ...rest
    } = options;
    checkQuantity(quantity, "HopfieldLayer");
    this.hopfield = new Hopfield(rest, prng);
    const o = this.hopfield.options;
    this.lookupWeights = normalRows(
      quantity,
      o.storedPatternAsStatic ? o.hiddenSize : o.storedPatternSize,
      prng,
    );
    this.targetWeights = lookupWeightsAsSeparated
      ? normalRows(quantity, rest.patternProjectionSize ?? this.lookupWeights.cols, prng)
      : null;
    this.trainable = trainable;
    this.targetsTrainable = lookupTargetsAsTrainable;
  }

  /** Looks each element's rows up in the memories. */
  forward(
    tape: Tape,
    inputs: (Matrix | Node)[],
    options: ForwardOptions = {},
    leaves: LookupLeaves = this.leaves(tape),
  ): { outputs: Node[]; association: Matrix[][] } {
    return this.hopfield.forward(
      tape,
      inputs.map((x) => ({ stored: leaves.lookup, state: x, projection: leaves.target ?? leaves.lookup })),
      options,
      leaves.hopfield,
    );
  }

  /** Parameter leaves: the inner layer's, the lookup and the target weights. */
  leaves(
    tape: Tape,
  ): { hopfield: Partial<Record<keyof HopfieldParameters, Node>>; lookup: Node; target: Node | null } {
    return {
      hopfield: this.hopfield.leaves(tape),
      lookup: this.trainable ? tape.param(this.lookupWeights) : tape.constant(this.lookupWeights),
      target: this.targetWeights
        ? (this.targetsTrainable ? tape.param(this.targetWeights) : tape.constant(this.targetWeights))
        : null,
    };
  }
}
