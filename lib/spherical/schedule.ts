/**
 * The start schedule of the Tammes search (`optimiseCode`): which start each restart makes, from named tables
 * the search walks in turn. Even restarts are random starts, odd restarts basin hops from the best code so far.
 *
 * - Random start k has kind `kinds[k mod K]` and begins its descent at `exponents[k mod 5]`. A kind is
 *   `"uniform"` (M uniform points) or a point group `G`, `G+k` (see {@link symmetricStart}): a random code that
 *   G leaves invariant, built for M + k points with k of them removed. Symmetric starts sample the symmetric
 *   funnels, where many of the best codes in d = 3 lie, far more often than uniform ones; the descent itself is
 *   unconstrained. T and D₂ have orbits of even size only, so odd M take them through M + 1 points; D₃ admits odd
 *   M only when M ≡ 3 or 5 mod 6.
 * - Hop h moves `hopMoves[h mod 2]` from the best code (a jiggle of every point by Gaussian noise of standard
 *   deviation σ = `jiggleSigmas[⌊h/2⌋ mod 5]` per coordinate, or a relocation of one random point) and begins at
 *   `hopExponents[⌊h/2⌋ mod 4]`: the lower a hop's exponent, the further it can move.
 *
 * The tables were chosen by one-minute sweeps of M = 4…130 in d = 3 (two seeds); notebook 06 states the quality
 * they reach.
 *
 * @module
 */
import { admits, startGroup } from "./symmetry.ts";

/** The kinds of random start, in turn, in d = 3 (see the module notes). */
export const RANDOM_KINDS_3 = {
  /** Even M: one uniform start in two, the others C₂, D₂ and T in turn. */
  even: ["uniform", "C2", "uniform", "D2", "uniform", "T"],
  /** Odd M ≡ 3, 5 mod 6: one uniform start in three; D₃ takes two turns in six. */
  odd: ["uniform", "C2", "T+1", "uniform", "D3", "C3", "uniform", "D2+1", "D3"],
  /** Odd M ≡ 1 mod 6, which no union of D₃ orbits has. */
  oddWithoutD3: ["uniform", "C2", "T+1", "uniform", "C3", "D2+1"],
} as const;

/** The exponents random starts begin at, in turn: in d = 3, and in other dimensions. */
export const START_EXPONENTS = { d3: [16, 32, 16, 64, 16], other: [8, 16, 32, 64, 128] } as const;

/** The basin hops: moves in turn, and per pair of hops an exponent and a jiggle's σ, in turn. */
export const HOPS = {
  moves: ["jiggle", "relocate"],
  exponents: [256, 256, 512, 1024],
  jiggleSigmas: [0.04, 0.02, 0.1, 0.08, 0.06],
} as const;

/** A random start: its kind and the exponent its descent begins at. */
export interface RandomStart {
  /** `"uniform"`, or a point group `G` / `G+k` (see {@link startGroup}). */
  kind: string;
  /** The first exponent p of the descent. */
  exponent: number;
}

/** A basin hop from the best code: its move and the exponent its descent begins at. */
export interface Hop {
  /** Jiggle every point, or relocate one. */
  move: "jiggle" | "relocate";
  /** Standard deviation per coordinate of a jiggle (0 for a relocation). */
  sigma: number;
  /** The first exponent p of the descent. */
  exponent: number;
}

/** The cycles the search walks: random start k is `random[k mod length]`, hop h is `hops[h mod length]`. */
export interface StartSchedule {
  /** One full cycle of random starts. */
  random: RandomStart[];
  /** One full cycle of hops. */
  hops: Hop[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const cycle = <T>(length: number, at: (i: number) => T): T[] => Array.from({ length }, (_, i) => at(i));

/**
 * The schedule for M points on S^{d−1}, written out as full cycles (see the module notes). A symmetric kind whose
 * group has no union of orbits of M (+k) points is left out.
 *
 * @example
 * ```ts
 * import { startSchedule } from "./schedule.ts";
 * import assert from "node:assert/strict";
 * const s = startSchedule(3, 12);
 * assert.deepEqual(s.random.slice(0, 4).map((r) => `${r.kind}@${r.exponent}`), ["uniform@16", "C2@32", "uniform@16", "D2@64"]);
 * assert.equal(s.random.length, 30); // 6 kinds × 5 exponents
 * assert.deepEqual(s.hops[0], { move: "jiggle", sigma: 0.04, exponent: 256 });
 * assert.ok(startSchedule(4, 24).random.every((r) => r.kind === "uniform"));
 * ```
 */
export function startSchedule(d: number, m: number): StartSchedule {
  const table: readonly string[] = d !== 3
    ? ["uniform"]
    : m % 2 === 0
    ? RANDOM_KINDS_3.even
    : m % 6 === 1
    ? RANDOM_KINDS_3.oddWithoutD3
    : RANDOM_KINDS_3.odd;
  const kinds = table.filter((kind) => {
    if (kind === "uniform") return true;
    const g = startGroup(kind);
    return admits(g.group, m + g.vacancies);
  });
  const exponents: readonly number[] = d === 3 ? START_EXPONENTS.d3 : START_EXPONENTS.other;
  const randomLength = (kinds.length * exponents.length) / gcd(kinds.length, exponents.length);
  const random = cycle(
    randomLength,
    (k) => ({ kind: kinds[k % kinds.length], exponent: exponents[k % exponents.length] }),
  );
  const pairs = 20; // lcm of the 4 exponents and the 5 σ, per pair of hops
  const hops = cycle(2 * pairs, (h): Hop => {
    const pair = h >> 1, move = HOPS.moves[h % 2];
    return {
      move,
      sigma: move === "jiggle" ? HOPS.jiggleSigmas[pair % HOPS.jiggleSigmas.length] : 0,
      exponent: HOPS.exponents[pair % HOPS.exponents.length],
    };
  });
  return { random, hops };
}
