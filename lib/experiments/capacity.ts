/**
 * Empirical storage capacity, stated in one place (notebook 02). A protocol fixes the model, the pattern
 * distribution, the corruption of the queries, the retrieval criterion and the success probability required;
 * `capacitySearch()` finds the largest number of stored patterns N that meets it at dimension d.
 *
 * For each N and trial a fresh pattern set is drawn with a generator seeded from (seed, N, trial), so the rate
 * at a given N is a deterministic function of the protocol and repeated searches agree.
 *
 * @module
 */
import { retrieveOn } from "../backend/retrieve.ts";
import type { Backend } from "../backend/types.ts";
import { loadMnist } from "../data/mnist.ts";
import { bipolar, hadamardRows, sphere } from "../data/synthetic.ts";
import { flipSigns, gaussianNoise, maskRandom } from "../data/corrupt.ts";
import { classicalRetrieve, hebbianWeights } from "../hopfield/classical.ts";
import { denseRetrieve, type Interaction } from "../hopfield/dense.ts";
import { type Matrix, row, selectRows } from "../linalg/matrix.ts";
import { createPrng, type Prng, sampleIndices } from "../linalg/prng.ts";
import { progress } from "./scale.ts";

/** Which network stores the patterns. */
export type CapacityModel =
  | { kind: "classical" }
  | { kind: "dense"; interaction: Interaction }
  | { kind: "modern"; beta: number };

/** How patterns are drawn: ±1 entries, uniform on the sphere of `radius`, binarised MNIST digits, or Hadamard rows. */
export type PatternDistribution = "bipolar" | "sphere" | "mnist" | "hadamard";

/** How a query is made from a stored pattern. */
export type Corruption =
  | { kind: "none" }
  | { kind: "flip"; fraction: number }
  | { kind: "mask"; fraction: number }
  | { kind: "noise"; sigma: number };

/** When a final state counts as retrieving its pattern x. */
export type Criterion =
  | { kind: "exact" } // sign(ξ) = x in every entry (±1 patterns)
  | { kind: "bits"; fraction: number } // at most this fraction of entries of sign(ξ) differ from x (±1 patterns)
  | { kind: "relative"; eps: number }; // ‖ξ − x‖ ≤ eps ‖x‖

/** An empirical capacity protocol. */
export interface CapacityProtocol {
  /** The network. */
  model: CapacityModel;
  /** How the stored patterns are drawn. */
  distribution: PatternDistribution;
  /** Pattern dimension. */
  d: number;
  /** Sphere radius (distribution `sphere`; default 1). */
  radius?: number;
  /** How a query is made from a stored pattern. */
  corruption: Corruption;
  /** When a final state counts as retrieved. */
  criterion: Criterion;
  /** Fraction of queries that must be retrieved (default 0.9). */
  successProbability?: number;
  /** Independent pattern sets per N (default 1). */
  trials?: number;
  /** Queried patterns per trial, at most N (default 50). */
  queries?: number;
  /** Update cap: sweeps (classical, dense) or steps (modern); default 100. */
  maxSteps?: number;
  /** Seed; each N and trial derives its own generator from it. */
  seed: number;
  /** Backend of the modern network's retrievals (required for it; chosen once by `selectBackend()`). */
  backend?: Backend;
}

const BIPOLAR: PatternDistribution[] = ["bipolar", "mnist", "hadamard"];

function checkProtocol(p: CapacityProtocol): void {
  const action = "run the capacity protocol";
  if (!Number.isInteger(p.d) || p.d < 2) {
    throw new RangeError(`Cannot ${action}: d must be an integer ≥ 2: d=${p.d}`);
  }
  for (
    const [name, value] of [["trials", p.trials], ["queries", p.queries], ["maxSteps", p.maxSteps]] as const
  ) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new RangeError(`Cannot ${action}: ${name} must be a positive integer: ${name}=${value}`);
    }
  }
  const prob = p.successProbability ?? 0.9;
  if (!(prob > 0 && prob <= 1)) {
    throw new RangeError(
      `Cannot ${action}: successProbability must be in (0, 1]: successProbability=${prob}`,
    );
  }
  if (p.model.kind !== "modern" && !BIPOLAR.includes(p.distribution)) {
    throw new RangeError(
      `Cannot ${action}: the ${p.model.kind} network stores ±1 patterns: distribution=${p.distribution}`,
    );
  }
  if (p.criterion.kind !== "relative" && !BIPOLAR.includes(p.distribution)) {
    throw new RangeError(
      `Cannot ${action}: criterion ${p.criterion.kind} needs ±1 patterns: distribution=${p.distribution}`,
    );
  }
  if (p.model.kind === "modern" && !p.backend) {
    throw new TypeError(`Cannot ${action}: the modern network needs a backend (from selectBackend())`);
  }
  if (p.distribution === "mnist" && p.d !== 784) {
    throw new RangeError(`Cannot ${action}: MNIST patterns have d = 784: d=${p.d}`);
  }
  if (p.distribution === "hadamard" && (p.d & (p.d - 1)) !== 0) {
    throw new RangeError(`Cannot ${action}: Hadamard rows need d a power of 2: d=${p.d}`);
  }
}

let mnistCache: Matrix | undefined;

function drawPatterns(p: CapacityProtocol, n: number, prng: Prng): Matrix {
  switch (p.distribution) {
    case "bipolar":
      return bipolar(n, p.d, { prng });
    case "sphere":
      return sphere(n, p.d, { radius: p.radius ?? 1, prng });
    case "hadamard":
      return hadamardRows(n, p.d);
    case "mnist": {
      // Binarised digits: pixel > 0.5 → +1, else −1.
      mnistCache ??= (() => {
        const images = loadMnist({ split: "train" }).images;
        return { ...images, data: images.data.map((v) => (v > 0.5 ? 1 : -1)) };
      })();
      return selectRows(mnistCache, sampleIndices(mnistCache.rows, n, prng));
    }
  }
}

function corrupt(c: Corruption, m: Matrix, prng: Prng, bipolarPatterns: boolean): Matrix {
  switch (c.kind) {
    case "none":
      return { ...m, data: m.data.slice() };
    case "flip":
      return flipSigns(m, { fraction: c.fraction, prng });
    case "mask": // masked entries: a random ±1 for ±1 patterns (as the hopfield-layers blog does), else 0
      return bipolarPatterns
        ? {
          ...m,
          data: maskRandom(m, { fraction: c.fraction, prng, value: NaN }).data.map((v) =>
            Number.isNaN(v) ? (prng.next() < 0.5 ? -1 : 1) : v
          ),
        }
        : maskRandom(m, { fraction: c.fraction, prng, value: 0 });
    case "noise":
      return gaussianNoise(m, { sigma: c.sigma, prng });
  }
}

function retrieved(criterion: Criterion, state: ArrayLike<number>, x: ArrayLike<number>): boolean {
  if (criterion.kind === "relative") {
    let sq = 0, xx = 0;
    for (let k = 0; k < x.length; k++) [sq, xx] = [sq + (state[k] - x[k]) ** 2, xx + x[k] * x[k]];
    return Math.sqrt(sq) <= criterion.eps * Math.sqrt(xx);
  }
  let wrong = 0;
  for (let k = 0; k < x.length; k++) if ((state[k] > 0 ? 1 : -1) !== x[k]) wrong++;
  return criterion.kind === "exact" ? wrong === 0 : wrong <= criterion.fraction * x.length;
}

/** A generator for (seed, N, trial), so the rate at N does not depend on which N were tried before. */
function prngFor(seed: number, n: number, trial: number): Prng {
  return createPrng((seed * 1_000_003 + n * 7919 + trial * 104_729) >>> 0);
}

/**
 * The fraction of queries retrieved with N stored patterns: per trial, draw N patterns, corrupt up to `queries`
 * of them, retrieve with the model, and apply the criterion.
 *
 * @example
 * ```ts
 * import { retrievalRate } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * const rate = await retrievalRate({
 *   model: { kind: "classical" }, distribution: "bipolar", d: 100, seed: 1,
 *   corruption: { kind: "flip", fraction: 0.1 }, criterion: { kind: "exact" },
 * }, 3);
 * assert.equal(rate, 1); // 3 patterns in d = 100: every corrupted query is repaired
 * ```
 */
export async function retrievalRate(protocol: CapacityProtocol, n: number): Promise<number> {
  checkProtocol(protocol);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot measure the retrieval rate: N must be an integer ≥ 1: N=${n}`);
  }
  const trials = protocol.trials ?? 1, perTrial = Math.min(n, protocol.queries ?? 50);
  const maxSteps = protocol.maxSteps ?? 100, bipolarPatterns = BIPOLAR.includes(protocol.distribution);
  let ok = 0;
  for (let trial = 0; trial < trials; trial++) {
    const prng = prngFor(protocol.seed, n, trial);
    const X = drawPatterns(protocol, n, prng);
    const picked = sampleIndices(n, perTrial, prng);
    const targets = selectRows(X, picked);
    const Q = corrupt(protocol.corruption, targets, prng, bipolarPatterns);
    const m = protocol.model;
    if (m.kind === "modern") {
      const r = await retrieveOn(X, Q, {
        beta: m.beta,
        maxSteps,
        eps: 1e-9,
        trajectory: false,
        backend: protocol.backend!,
      });
      for (let q = 0; q < perTrial; q++) {
        if (retrieved(protocol.criterion, row(r.states, q), row(targets, q))) ok++;
      }
    } else if (m.kind === "classical") {
      const W = hebbianWeights(X);
      for (let q = 0; q < perTrial; q++) {
        const s = classicalRetrieve(W, row(Q, q), { prng, maxSweeps: maxSteps }).state;
        if (retrieved(protocol.criterion, s, row(targets, q))) ok++;
      }
    } else {
      for (let q = 0; q < perTrial; q++) {
        const s = denseRetrieve(X, row(Q, q), m.interaction, { prng, maxSweeps: maxSteps }).state;
        if (retrieved(protocol.criterion, s, row(targets, q))) ok++;
      }
    }
  }
  return ok / (trials * perTrial);
}

/**
 * The largest integer n in [lo, hi] with `passes(n)`, assuming `passes` holds up to a threshold and fails above
 * it: doubling from `lo` until a failure (or `hi`), then bisection. Returns `lo − 1` if `passes(lo)` fails.
 *
 * @example
 * ```ts
 * import { largestPassing } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await largestPassing(async (n) => n <= 37, 1, 1000), 37);
 * assert.equal(await largestPassing(async () => true, 1, 1000), 1000);
 * ```
 */
export async function largestPassing(
  passes: (n: number) => Promise<boolean>,
  lo: number,
  hi: number,
): Promise<number> {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new RangeError(`Cannot search: need integers 1 ≤ lo ≤ hi: lo=${lo}, hi=${hi}`);
  }
  if (!(await passes(lo))) return lo - 1;
  let good = lo, bad = hi + 1;
  for (let n = Math.min(hi, lo * 2);; n = Math.min(hi, n * 2)) {
    if (await passes(n)) good = n;
    else {
      bad = n;
      break;
    }
    if (n === hi) break;
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await passes(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Result of a capacity search. */
export interface CapacityResult {
  /** Largest N meeting the protocol (≥ `nMax` when `censored`). */
  capacity: number;
  /** True when even `nMax` met it: the true capacity is at least `capacity`. */
  censored: boolean;
  /** Every N tried, with its retrieval rate. */
  evaluations: { n: number; rate: number }[];
}

/**
 * The largest N in [`nMin`, `nMax`] whose retrieval rate reaches `successProbability` (progress on stderr).
 *
 * @example
 * ```ts
 * import { capacitySearch } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * // Orthogonal ±1 patterns in a classical network: W x = (1 − N/d) x, so every N ≤ d is stored.
 * const r = await capacitySearch({
 *   model: { kind: "classical" }, distribution: "hadamard", d: 16,
 *   corruption: { kind: "none" }, criterion: { kind: "exact" }, seed: 1,
 * }, { nMax: 16 });
 * assert.deepEqual([r.capacity, r.censored], [16, true]);
 * ```
 */
export async function capacitySearch(
  protocol: CapacityProtocol,
  range: { nMin?: number; nMax: number },
): Promise<CapacityResult> {
  checkProtocol(protocol);
  const log = progress(`capacity ${protocol.model.kind} d=${protocol.d}`);
  const required = protocol.successProbability ?? 0.9;
  const evaluations: CapacityResult["evaluations"] = [];
  const nMin = range.nMin ?? 1;
  if (!Number.isInteger(nMin) || nMin < 1) {
    throw new RangeError(`Cannot search for the capacity: nMin must be an integer ≥ 1: nMin=${nMin}`);
  }
  if (!Number.isInteger(range.nMax) || range.nMax < nMin) {
    throw new RangeError(
      `Cannot search for the capacity: nMax must be an integer ≥ nMin = ${nMin}: nMax=${range.nMax}`,
    );
  }
  const capacity = await largestPassing(
    async (n) => {
      const rate = await retrievalRate(protocol, n);
      evaluations.push({ n, rate });
      log.tick(`N = ${n}: rate ${rate.toFixed(3)} (evaluation ${evaluations.length})`);
      return rate >= required;
    },
    nMin,
    range.nMax,
  );
  log(
    `capacity ${capacity}${
      capacity === range.nMax ? " (censored)" : ""
    } after ${evaluations.length} evaluations`,
  );
  return { capacity, censored: capacity === range.nMax, evaluations };
}
