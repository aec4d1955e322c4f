/**
 * The three bag classifiers of hflayers' bit-pattern demo, as `BagClassifier`s: a Hopfield layer associating a
 * bag with itself then a linear read-out of all its rows, HopfieldPooling then a linear read-out, and a
 * HopfieldLayer looking the bag's rows up in learned memories then a linear read-out of all rows.
 *
 * @module
 */
import type { Prng } from "../linalg/prng.ts";
import { Hopfield } from "./hopfield.ts";
import { Linear } from "./linear.ts";
import type { HopfieldLayerOptions } from "./options.ts";
import { type Node, Tape } from "./tape.ts";
import type { BagClassifier } from "./train.ts";
import { HopfieldLayer, HopfieldPooling } from "./wrappers.ts";

/** Which Hopfield block the classifier uses. */
export type BagModelKind = "Hopfield" | "HopfieldPooling" | "HopfieldLayer";

/**
 * A bag classifier of the given kind for bags of `instances` rows of width `options.inputSize`; `quantity` is the
 * number of learned memories (HopfieldLayer) or queries (HopfieldPooling).
 *
 * @example
 * ```ts
 * import { bagClassifier } from "./bag_models.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { matrix } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const prng = createPrng(1), m = bagClassifier("HopfieldPooling", { inputSize: 8 }, { instances: 4 }, prng);
 * const t = new Tape();
 * const z = m.logits(t, m.parameters.map((p) => t.constant(p)), [matrix(4, 8), matrix(4, 8)], { training: false, prng });
 * assert.deepEqual([z.value.rows, z.value.cols], [2, 1]);
 * ```
 */
export function bagClassifier(
  kind: BagModelKind,
  options: HopfieldLayerOptions,
  shape: { instances: number; quantity?: number },
  prng: Prng,
): BagClassifier {
  if (kind === "Hopfield") {
    const h = new Hopfield(options, prng), mats = h.parameterList(), n = mats.length;
    const out = new Linear(h.options.outputSize * shape.instances, 1, prng);
    return {
      parameters: [...mats, out.weight, out.bias],
      association: (bags, prng) =>
        h.forward(new Tape(), bags.map((x) => ({ stored: x, state: x, projection: x })), { prng })
          .association,
      logits(tape, p, bags, o) {
        const r = h.forward(
          tape,
          bags.map((x) => ({ stored: x, state: x, projection: x })),
          o,
          h.leavesFrom(p),
        );
        const rows = r.outputs.map((y) => flattenRow(tape, y));
        return out.forward(tape, tape.concatRows(rows), {
          weight: p[n],
          bias: p[n + 1],
        });
      },
    };
  }
  if (kind === "HopfieldPooling") {
    const pool = new HopfieldPooling({ ...options, quantity: shape.quantity ?? 1 }, prng);
    const mats = pool.hopfield.parameterList(), n = mats.length;
    const out = new Linear(pool.hopfield.options.outputSize * (shape.quantity ?? 1), 1, prng);
    return {
      parameters: [...mats, pool.poolingWeights, out.weight, out.bias],
      association: (bags, prng) => pool.forward(new Tape(), bags, { prng }).association,
      logits(tape, p, bags, o) {
        const r = pool.forward(tape, bags, o, { hopfield: pool.hopfield.leavesFrom(p), pooling: p[n] });
        return out.forward(tape, tape.concatRows(r.outputs), {
          weight: p[n + 1],
          bias: p[n + 2],
        });
      },
    };
  }
  const lookup = new HopfieldLayer({ ...options, quantity: shape.quantity ?? 1 }, prng);
  const mats = lookup.hopfield.parameterList(), n = mats.length;
  const out = new Linear(lookup.hopfield.options.outputSize * shape.instances, 1, prng);
  return {
    parameters: [...mats, lookup.lookupWeights, out.weight, out.bias],
    association: (bags, prng) => lookup.forward(new Tape(), bags, { prng }).association,
    logits(tape, p, bags, o) {
      const r = lookup.forward(tape, bags, o, {
        hopfield: lookup.hopfield.leavesFrom(p),
        lookup: p[n],
        target: null,
      });
      const rows = r.outputs.map((y) => flattenRow(tape, y));
      return out.forward(tape, tape.concatRows(rows), {
        weight: p[n + 1],
        bias: p[n + 2],
      });
    },
  };
}

/** A matrix's rows side by side: 1 × (rows·cols), as `Flatten`. */
function flattenRow(tape: Tape, y: Node): Node {
  return y.value.rows === 1
    ? y
    : tape.concatCols(Array.from({ length: y.value.rows }, (_, i) => tape.sliceRows(y, i, i + 1)));
}
