/**
 * MIL classifiers for bags of images: an instance encoder (Linear + ReLU), a pooling of the bag's embeddings,
 * and a linear read-out. Poolings: Ilse et al. 2018's attention `a = softmax(wᵀ tanh(V hₖ))` and gated attention
 * `a = softmax(wᵀ(tanh(V hₖ) ⊙ σ(U hₖ)))` (V, U without biases here), and Ramsauer et al.'s HopfieldPooling (one
 * learned query; any of the workbench's separation maps).
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { Linear } from "./linear.ts";
import type { HopfieldLayerOptions } from "./options.ts";
import { type Node, Tape } from "./tape.ts";
import type { BagClassifier } from "./train.ts";
import { HopfieldPooling } from "./wrappers.ts";

/**
 * The bag pooling. `hopfield-pooling-uhop-plus` stores `Φ(h) = Wh + b` (a learned affine map of the embeddings)
 * as the keys and adds U-Hop+'s separation loss of each bag's normalised `Φ(h)` to the training loss (τ and
 * weight in {@link MilShape}): the memories of a bag are pushed apart while the task is learned.
 */
export type MilPooling = "attention" | "gated-attention" | "hopfield-pooling" | "hopfield-pooling-uhop-plus";

/** Sizes of the MIL classifier. */
export interface MilShape {
  /** Instance width (784 for MNIST). */
  inputSize: number;
  /** Embedding width after the encoder. */
  embedding: number;
  /** Attention's hidden width (Ilse et al.: 128; the poolings' L). */
  attention: number;
  /** HopfieldPooling's options besides its input size (hflayers' MNIST-bags demo: hidden 32, one head). */
  hopfield?: Omit<HopfieldLayerOptions, "inputSize">;
  /** U-Hop+'s temperature τ (default 0.1) and the separation loss's weight (default 1). */
  uhopPlus?: { tau?: number; weight?: number };
}

function uniform(rows: number, cols: number, prng: Prng): Matrix {
  const m = matrix(rows, cols), bound = 1 / Math.sqrt(cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = bound * (2 * prng.next() - 1);
  return m;
}

/**
 * A MIL classifier with the given pooling.
 *
 * @example
 * ```ts
 * import { milClassifier } from "./mil_models.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { matrix } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const prng = createPrng(1);
 * for (const pooling of ["attention", "gated-attention", "hopfield-pooling"] as const) {
 *   const m = milClassifier(pooling, { inputSize: 6, embedding: 4, attention: 3 }, prng), t = new Tape();
 *   const z = m.logits(t, m.parameters.map((p) => t.constant(p)), [matrix(5, 6), matrix(2, 6)], { training: false, prng });
 *   assert.deepEqual([z.value.rows, z.value.cols], [2, 1]);
 * }
 * ```
 */
export function milClassifier(pooling: MilPooling, shape: MilShape, prng: Prng): BagClassifier {
  const encoder = new Linear(shape.inputSize, shape.embedding, prng),
    out = new Linear(shape.embedding, 1, prng);
  const head = [encoder.weight, encoder.bias], tail = [out.weight, out.bias];
  // The batch's instances are encoded in one product, then split back into bags.
  const embedAll = (tape: Parameters<BagClassifier["logits"]>[0], p: Node[], bags: Matrix[]) => {
    const cols = shape.inputSize, rows = bags.reduce((a, b) => a + b.rows, 0), X = matrix(rows, cols);
    let o = 0;
    for (const b of bags) X.data.set(b.data, o), o += b.data.length;
    const H = tape.relu(encoder.forward(tape, tape.constant(X), { weight: p[0], bias: p[1] }));
    let r0 = 0;
    return bags.map((b) => tape.sliceRows(H, r0, r0 += b.rows));
  };
  const readOut = (tape: Parameters<BagClassifier["logits"]>[0], p: Node[], z: Node) =>
    out.forward(tape, z, { weight: p[p.length - 2], bias: p[p.length - 1] });
  if (pooling === "hopfield-pooling" || pooling === "hopfield-pooling-uhop-plus") {
    const pool = new HopfieldPooling({ ...shape.hopfield, inputSize: shape.embedding }, prng);
    const inner = pool.hopfield.parameterList(), n = inner.length;
    const phi = pooling === "hopfield-pooling-uhop-plus"
      ? new Linear(shape.embedding, shape.embedding, prng)
      : null;
    const tau = shape.uhopPlus?.tau ?? 0.1, weight = shape.uhopPlus?.weight ?? 1;
    const parameters = [
      ...head,
      ...inner,
      pool.poolingWeights,
      ...(phi ? [phi.weight, phi.bias] : []),
      ...tail,
    ];
    const separations = new WeakMap<Tape, Node | null>();
    const pooled = (tape: Tape, p: Node[], bags: Matrix[], o: { training?: boolean; prng: Prng }) => {
      const hopfield = pool.hopfield.leavesFrom(p, 2);
      const H = embedAll(tape, p, bags), at = 3 + n;
      if (!phi) return pool.forward(tape, H, o, { hopfield, pooling: p[2 + n] });
      const keys = H.map((h) => phi.forward(tape, h, { weight: p[at], bias: p[at + 1] }));
      // U-Hop+: the mean over bags (with two or more instances) of the tempered loss of their keys' cosines.
      const losses = keys.filter((k) => k.value.rows >= 2).map((k) => {
        const u = tape.normalizeRows(k);
        return tape.offDiagonalLse(tape.matmul(u, u, { transposeB: true }), tau);
      });
      separations.set(
        tape,
        losses.length === 0 ? null : tape.scale(tape.sum(tape.concatCols(losses)), weight / losses.length),
      );
      return pool.forward(tape, keys.map((k, b) => ({ stored: k, projection: H[b] })), o, {
        hopfield,
        pooling: p[2 + n],
      });
    };
    return {
      parameters,
      logits: (tape, p, bags, o) => readOut(tape, p, tape.concatRows(pooled(tape, p, bags, o).outputs)),
      auxiliaryLoss: (tape) => separations.get(tape) ?? null,
      association(bags, prng) {
        const tape = new Tape();
        return pooled(tape, parameters.map((m) => tape.constant(m)), bags, { prng }).association;
      },
    };
  }
  const V = uniform(shape.attention, shape.embedding, prng), w = uniform(1, shape.attention, prng);
  const U = pooling === "gated-attention" ? uniform(shape.attention, shape.embedding, prng) : null;
  return {
    parameters: [...head, V, w, ...(U ? [U] : []), ...tail],
    logits(tape, p, bags) {
      const pooled = embedAll(tape, p, bags).map((H) => {
        let g = tape.tanh(tape.matmul(p[2], H, { transposeB: true })); // L × K
        if (U) g = tape.mul(g, tape.sigmoid(tape.matmul(p[4], H, { transposeB: true })));
        const a = tape.rowMap(tape.matmul(p[3], g), "softmax"); // 1 × K
        return tape.matmul(a, H); // 1 × E
      });
      return readOut(tape, p, tape.concatRows(pooled));
    },
  };
}
