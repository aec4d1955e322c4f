/**
 * Training a bag classifier built from the layers: minibatches, binary cross-entropy on logits, the gradient's
 * global norm clipped, AdamW (this workbench's `lib/optim`), and per-epoch loss and accuracy on a training and a
 * validation split — the loop of hflayers' MIL demos.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { adam } from "../optim/adam.ts";
import { schedule, type ScheduleName } from "../optim/schedule.ts";
import type { Blas } from "../backend/blas.ts";
import { type Node, Tape } from "./tape.ts";

/** A model: its trainable matrices (changed in place) and the logits of a batch of bags from their tape nodes. */
export interface BagClassifier {
  /** The trainable matrices, in a fixed order. */
  readonly parameters: Matrix[];
  /** B × 1 logits, from the parameters' nodes in the order of `parameters`. */
  logits(tape: Tape, params: Node[], bags: Matrix[], options: { training: boolean; prng: Prng }): Node;
  /** A 1 × 1 term added to the training loss, from the last `logits` call on the same tape (a regulariser). */
  auxiliaryLoss?(tape: Tape): Node | null;
  /** The association matrices ξ of each bag and head (evaluation mode), for models built on a Hopfield layer. */
  association?(bags: Matrix[], prng: Prng): Matrix[][];
}

/** Per-epoch curves. */
export interface TrainingCurves {
  /** Mean loss on the training bags, evaluated after each epoch in evaluation mode. */
  trainLoss: number[];
  /** Accuracy on the training bags (logit > 0 means positive). */
  trainAccuracy: number[];
  /** Mean loss on the validation bags. */
  validLoss: number[];
  /** Accuracy on the validation bags. */
  validAccuracy: number[];
}

/**
 * Loss and accuracy of a model on bags, evaluation mode, in batches; `scores` are the logits.
 *
 * @example
 * ```ts ignore
 * const { accuracy } = evaluateBags(model, bags, labels, prng);
 * ```
 */
export function evaluateBags(
  model: BagClassifier,
  bags: Matrix[],
  labels: number[],
  prng: Prng,
  batch = 64,
  blas: Blas | null = null,
): { loss: number; accuracy: number; scores: number[] } {
  let loss = 0, correct = 0;
  const scores: number[] = [];
  for (let b0 = 0; b0 < bags.length; b0 += batch) {
    const tape = new Tape({ blas }), idx = bags.slice(b0, b0 + batch), y = labels.slice(b0, b0 + batch);
    const z = model.logits(tape, model.parameters.map((p) => tape.constant(p)), idx, {
      training: false,
      prng,
    });
    loss += tape.bceWithLogits(z, y).value.data[0] * idx.length;
    z.value.data.forEach((v, i) => {
      scores.push(v);
      if ((v > 0 ? 1 : 0) === y[i]) correct++;
    });
  }
  return { loss: loss / bags.length, accuracy: correct / bags.length, scores };
}

/**
 * Trains with AdamW (β₁ 0.9, β₂ 0.999, weight decay 0.01: PyTorch's defaults) at a rate on one of
 * `lib/optim`'s schedules, minibatches drawn without replacement each epoch, the gradient's global norm clipped to
 * `clip`.
 *
 * @example
 * ```ts ignore
 * const curves = trainBags(model, train, valid, { epochs: 10, batch: 32, lr: 1e-3, clip: 1, prng });
 * ```
 */
export function trainBags(
  model: BagClassifier,
  train: { bags: Matrix[]; labels: number[] },
  valid: { bags: Matrix[]; labels: number[] },
  o: {
    epochs: number;
    batch: number;
    lr: number;
    clip: number;
    prng: Prng;
    onEpoch?: (epoch: number, c: TrainingCurves) => void;
    /** Evaluate after each epoch (default true; off, the curves stay empty and `onEpoch` still runs). */
    evaluate?: boolean;
    /** The BLAS for the large products (from `loadBlas()`; default none: TypeScript loops). */
    blas?: Blas | null;
    /** The rate's schedule over the steps (default `constant`; `cosine` decays to 0 over all epochs). */
    schedule?: ScheduleName;
  },
): TrainingCurves {
  const action = "train";
  for (const [name, v] of [["epochs", o.epochs], ["batch", o.batch]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot ${action}: ${name} must be a positive integer: ${name}=${v}`);
    }
  }
  if (!(o.lr > 0) || !(o.clip > 0)) {
    throw new RangeError(`Cannot ${action}: lr and clip must be > 0: lr=${o.lr}, clip=${o.clip}`);
  }
  const steps = o.epochs * Math.ceil(train.bags.length / o.batch);
  const rate = schedule(o.schedule ?? "constant", o.lr, o.schedule === "cosine" ? { steps } : {});
  const opt = adam({ lr: rate, weightDecay: 0.01 });
  const curves: TrainingCurves = { trainLoss: [], trainAccuracy: [], validLoss: [], validAccuracy: [] };
  const order = train.bags.map((_, i) => i);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = o.prng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b0 = 0; b0 < order.length; b0 += o.batch) {
      const idx = order.slice(b0, b0 + o.batch), tape = new Tape({ blas: o.blas });
      const leaves = model.parameters.map((p) => tape.param(p));
      const z = model.logits(tape, leaves, idx.map((i) => train.bags[i]), { training: true, prng: o.prng });
      const bce = tape.bceWithLogits(z, idx.map((i) => train.labels[i])),
        aux = model.auxiliaryLoss?.(tape) ?? null;
      tape.backward(aux ? tape.add(bce, aux) : bce);
      const grads = leaves.map((l, k) => l.grad ?? new Float64Array(model.parameters[k].data.length));
      let sq = 0;
      for (const g of grads) for (let k = 0; k < g.length; k++) sq += g[k] * g[k];
      const norm = Math.sqrt(sq);
      if (norm > o.clip) { for (const g of grads) for (let k = 0; k < g.length; k++) g[k] *= o.clip / norm; }
      opt.step(model.parameters.map((p) => p.data), grads);
    }
    if (o.evaluate === false) {
      o.onEpoch?.(epoch, curves);
      continue;
    }
    const tr = evaluateBags(model, train.bags, train.labels, o.prng, 64, o.blas ?? null),
      va = evaluateBags(model, valid.bags, valid.labels, o.prng, 64, o.blas ?? null);
    curves.trainLoss.push(tr.loss), curves.trainAccuracy.push(tr.accuracy);
    curves.validLoss.push(va.loss), curves.validAccuracy.push(va.accuracy);
    o.onEpoch?.(epoch, curves);
  }
  return curves;
}
