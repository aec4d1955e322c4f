/**
 * hflayers' bit-pattern multiple-instance-learning set (`BitPatternSet`, hopfield-layers
 * `hflayers/auxiliary/data.py`), regenerated with this workbench's seeded generator: bags of random non-zero bit
 * patterns; the first ⌈fraction·bags⌉ bags are positive and carry one of `signals` distinct non-zero patterns
 * (never drawn as noise) at a random position, the others carry none.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";

/** A MIL set: bags (instances × bits, entries 0/1) and their labels. */
export interface BitPatternSet {
  /** One matrix per bag. */
  bags: Matrix[];
  /** 1 for a positive bag, 0 otherwise. */
  labels: number[];
  /** The signal patterns, signals × bits. */
  signals: Matrix;
}

/**
 * Draws the set (hflayers' demo: 2048 bags of 16 instances of 8 bits, 8 signals, half positive).
 *
 * @example
 * ```ts
 * import { bitPatternSet } from "./bit_patterns.ts";
 * import assert from "node:assert/strict";
 * const s = bitPatternSet({ bags: 10, instances: 4, signals: 3, bits: 6, seed: 1 });
 * assert.deepEqual(s.labels, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
 * ```
 */
export function bitPatternSet(
  p: { bags: number; instances: number; signals: number; bits: number; seed: number; fraction?: number },
): BitPatternSet {
  const action = "draw the bit-pattern set";
  for (
    const [name, v] of [["bags", p.bags], ["instances", p.instances], ["signals", p.signals], [
      "bits",
      p.bits,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < 1 || v > 1e6) {
      throw new RangeError(`Cannot ${action}: ${name} must be an integer from 1 to 1e6: ${name}=${v}`);
    }
  }
  if (p.bits > 30 || p.signals >= 2 ** p.bits - 1) {
    throw new RangeError(
      `Cannot ${action}: signals must be fewer than 2^bits − 1 (bits ≤ 30): signals=${p.signals}, bits=${p.bits}`,
    );
  }
  const fraction = p.fraction ?? 0.5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`Cannot ${action}: fraction must be in (0, 1): fraction=${fraction}`);
  }
  const prng = createPrng(p.seed), codes = new Set<number>(), top = 2 ** p.bits;
  while (codes.size < p.signals) codes.add(1 + prng.int(top - 1));
  const signalCodes = [...codes];
  const toRow = (code: number, out: Float64Array, o: number) => {
    for (let b = 0; b < p.bits; b++) out[o + b] = (code >> b) & 1;
  };
  const signals = matrix(p.signals, p.bits);
  signalCodes.forEach((c, i) => toRow(c, signals.data, i * p.bits));
  const positives = Math.min(p.bags, Math.max(1, Math.ceil(p.bags * fraction)));
  const bags: Matrix[] = [], labels: number[] = [];
  for (let b = 0; b < p.bags; b++) {
    const bag = matrix(p.instances, p.bits);
    for (let i = 0; i < p.instances; i++) {
      let code: number;
      do code = 1 + prng.int(top - 1); while (codes.has(code));
      toRow(code, bag.data, i * p.bits);
    }
    if (b < positives) toRow(signalCodes[prng.int(p.signals)], bag.data, prng.int(p.instances) * p.bits);
    bags.push(bag);
    labels.push(b < positives ? 1 : 0);
  }
  return { bags, labels, signals };
}
