/**
 * MNIST-bags (Ilse, Tomczak & Welling 2018, "Attention-based Deep Multiple Instance Learning", §5.2; the
 * hflayers MNIST-bags demo): bags of digits whose size is drawn from a normal distribution (mean 10, variance 2,
 * rounded, at least 1); a bag is positive when it holds at least one 9. Digits come from one MNIST split, drawn
 * uniformly with the seeded generator.
 *
 * @module
 */
import { type Matrix, selectRows } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { loadMnist } from "./mnist.ts";

/** Bags of digits (pixels in [0, 1], rows of 784) and their labels. */
export interface MnistBags {
  /** One matrix per bag, instances × 784. */
  bags: Matrix[];
  /** 1 when the bag holds the target digit. */
  labels: number[];
}

/**
 * Draws `count` bags from a split.
 *
 * @example
 * ```ts
 * import { mnistBags } from "./mnist_bags.ts";
 * import assert from "node:assert/strict";
 * const b = mnistBags({ split: "test", count: 5, seed: 1 });
 * assert.equal(b.bags.length, 5);
 * assert.ok(b.bags.every((m) => m.cols === 784 && m.rows >= 1));
 * ```
 */
export function mnistBags(
  p: {
    split: "train" | "test";
    count: number;
    seed: number;
    meanSize?: number;
    varSize?: number;
    target?: number;
  },
): MnistBags {
  const action = "draw MNIST bags";
  if (!Number.isInteger(p.count) || p.count < 1 || p.count > 1e6) {
    throw new RangeError(`Cannot ${action}: count must be an integer from 1 to 1e6: count=${p.count}`);
  }
  const mean = p.meanSize ?? 10, variance = p.varSize ?? 2, target = p.target ?? 9;
  if (!(mean >= 1) || !(variance >= 0)) {
    throw new RangeError(
      `Cannot ${action}: need meanSize ≥ 1 and varSize ≥ 0: meanSize=${mean}, varSize=${variance}`,
    );
  }
  const all = loadMnist({ split: p.split }), prng = createPrng(p.seed), n = all.images.rows;
  const bags: Matrix[] = [], labels: number[] = [];
  for (let b = 0; b < p.count; b++) {
    const size = Math.max(1, Math.round(mean + Math.sqrt(variance) * prng.normal()));
    const idx = Array.from({ length: size }, () => prng.int(n));
    bags.push(selectRows(all.images, idx));
    labels.push(idx.some((i) => all.labels[i] === target) ? 1 : 0);
  }
  return { bags, labels };
}
