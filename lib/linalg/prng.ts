/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 * generators", https://prng.di.unimi.it/) seeded through SplitMix32, with Gaussian variates by the
 * Marsaglia polar method. The same seed gives the same stream on every platform. Written here rather than taken
 * from mathjs (whose seeded `random` keeps one global stream in its configuration) so that every experiment
 * holds its own generator and passes it down.
 *
 * @module
 */

/** A seeded generator: `next()` is uniform on [0, 1) with 32 random bits. */
export interface Prng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The seed it was created with. */
  readonly seed: number;
}

/**
 * Creates a xoshiro128** generator from an integer seed.
 *
 * @example
 * ```ts
 * import { createPrng } from "./prng.ts";
 * import assert from "node:assert/strict";
 * const a = createPrng(42), b = createPrng(42);
 * assert.equal(a.next(), b.next());
 * ```
 */
export function createPrng(seed: number): Prng {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`Cannot create generator: seed must be an integer: seed=${seed}`);
  }
  // SplitMix32 expands the seed into the 128-bit state (never all zero).
  let sm = seed >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix(), s1 = splitmix(), s2 = splitmix(), s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextU32 = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  };
  let spare: number | undefined;
  return {
    seed,
    next: () => nextU32() / 4294967296,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) {
        throw new RangeError(`Cannot draw integer: n must be a positive integer: n=${n}`);
      }
      return Math.floor((nextU32() / 4294967296) * n);
    },
    normal(): number {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u: number, v: number, s: number;
      do {
        u = 2 * (nextU32() / 4294967296) - 1;
        v = 2 * (nextU32() / 4294967296) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * f;
      return u * f;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher–Yates shuffle of `0 … n−1`, then the first `k` (a uniform sample without replacement). */
export function sampleIndices(n: number, k: number, prng: Prng): number[] {
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`Cannot sample indices: k must be an integer in [0, n]: k=${k}, n=${n}`);
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + prng.int(n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k);
}
