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
import { hebbianRetrieve } from "../hopfield/classical.ts";
import { denseRetrieve, type Interaction } from "../hopfield/dense.ts";
import { distance, type Matrix, matrix, row, selectRows } from "../linalg/matrix.ts";
import { createPrng, type Prng, sampleIndices } from "../linalg/prng.ts";
import { approximationOf, type MethodOptions } from "../approx/low_rank.ts";
import { type RateEstimate, rateEstimate } from "./rate_estimate.ts";
import { progress } from "./scale.ts";
import { type ThresholdRange, type ThresholdResult, thresholdSearch } from "./threshold_search.ts";

/** Which network stores the patterns. */
export type CapacityModel =
  | { kind: "classical" }
  | { kind: "dense"; interaction: Interaction }
  | { kind: "modern"; beta: number; method?: MethodOptions };

/** How patterns are drawn: ±1 entries, uniform on the sphere of `radius`, binarised MNIST digits, or Hadamard rows. */
export type PatternDistribution = "bipolar" | "sphere" | "mnist" | "hadamard";

/** How a query is made from a stored pattern. */
export type Corruption =
  | { kind: "none" }
  | { kind: "flip"; fraction: number }
  | { kind: "mask"; fraction: number }
  | { kind: "noise"; sigma: number };

/**
 * When a retrieval succeeds. The first three judge each query's final state against its pattern x; `stored` is
 * Theorem 3's own event (Ramsauer et al. 2020, Def. 1), judged per pattern set: every pattern has a fixed point
 * xᵢ* in its sphere Sᵢ = {ξ : ‖ξ − xᵢ‖ ≤ 1/(βNM)}, and retrieval from `probes` random points on the boundary of
 * Sᵢ ends at xᵢ* (modern network only).
 */
export type Criterion =
  | { kind: "exact" } // sign(ξ) = x in every entry (±1 patterns)
  | { kind: "bits"; fraction: number } // at most this fraction of entries of sign(ξ) differ from x (±1 patterns)
  | { kind: "relative"; eps: number } // ‖ξ − x‖ ≤ eps ‖x‖
  | { kind: "stored"; probes: number };

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
  /** Independent pattern sets per N, at least (default 1). */
  trials?: number;
  /** Queried patterns per trial, at most N (default 50). */
  queries?: number;
  /**
   * Samples per N, at least (default: trials × queries): more pattern sets are drawn at small N, where a set has
   * fewer than `queries` patterns to query, so that every rate has about the same confidence interval. For the
   * `stored` criterion a sample is a pattern set.
   */
  samples?: number;
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
    const [name, value] of [["trials", p.trials], ["queries", p.queries], ["samples", p.samples], [
      "maxSteps",
      p.maxSteps,
    ]] as const
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
  if (p.criterion.kind === "stored" && p.model.kind !== "modern") {
    throw new RangeError(
      `Cannot ${action}: the stored criterion is Theorem 3's, for the modern network: model=${p.model.kind}`,
    );
  }
  if (p.criterion.kind === "stored" && p.backend && p.backend.precision !== "f64") {
    throw new RangeError(
      `Cannot ${action}: the stored criterion resolves distances of 1/(βNM), below f32 resolution; pass an f64 ` +
        `backend (selectBackend(name, "f64")): precision=${p.backend.precision}`,
    );
  }
  if (p.criterion.kind === "stored" && !(Number.isInteger(p.criterion.probes) && p.criterion.probes >= 1)) {
    throw new RangeError(`Cannot ${action}: probes must be a positive integer: probes=${p.criterion.probes}`);
  }
  if ((p.criterion.kind === "exact" || p.criterion.kind === "bits") && !BIPOLAR.includes(p.distribution)) {
    throw new RangeError(
      `Cannot ${action}: criterion ${p.criterion.kind} needs ±1 patterns: distribution=${p.distribution}`,
    );
  }
  if (p.model.kind === "modern" && p.model.method && p.criterion.kind === "stored") {
    throw new RangeError(
      `Cannot ${action}: the stored criterion is Theorem 3's event for exact retrieval: method=${p.model.method.method}`,
    );
  }
  if (p.model.kind === "modern" && p.model.method) approximationOf(p.model.method);
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

function retrieved(
  criterion: Exclude<Criterion, { kind: "stored" }>,
  state: ArrayLike<number>,
  x: ArrayLike<number>,
): boolean {
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

/** Base number of trials at N: pattern sets, enough to reach `samples` queries (or sets, for `stored`). */
function trialsAt(protocol: CapacityProtocol, n: number): number {
  const minTrials = protocol.trials ?? 1;
  if (protocol.criterion.kind === "stored") return Math.max(minTrials, protocol.samples ?? 1);
  const perTrial = Math.min(n, protocol.queries ?? 50);
  return Math.max(
    minTrials,
    Math.ceil((protocol.samples ?? minTrials * (protocol.queries ?? 50)) / perTrial),
  );
}

/** Successes and samples of trials [from, to) at N (each trial's generator depends only on seed, N and trial). */
function countTrials(
  protocol: CapacityProtocol,
  n: number,
  from: number,
  to: number,
): Promise<{ ok: number; samples: number }> {
  const criterion = protocol.criterion;
  return criterion.kind === "stored"
    ? countStored(protocol, criterion, n, from, to)
    : countRetrieved(protocol, criterion, n, from, to);
}

/**
 * The fraction of queries retrieved with N stored patterns, with its 95% Wilson interval: per trial, draw N
 * patterns, corrupt up to `queries` of them, retrieve with the model, and apply the criterion; as many trials as
 * it takes to reach `samples` queries, times `effort`. For the `stored` criterion each trial is one sample (see
 * {@link Criterion}).
 *
 * @example
 * ```ts
 * import { retrievalEstimate } from "./capacity.ts";
 * import assert from "node:assert/strict";
 * const e = await retrievalEstimate({
 *   model: { kind: "classical" }, distribution: "bipolar", d: 100, seed: 1,
 *   corruption: { kind: "flip", fraction: 0.1 }, criterion: { kind: "exact" }, samples: 30,
 * }, 3);
 * assert.deepEqual([e.rate, e.samples], [1, 30]); // 3 patterns in d = 100: every corrupted query is repaired
 * assert.ok(e.low > 0.88 && e.high === 1);
 * ```
 */
export async function retrievalEstimate(
  protocol: CapacityProtocol,
  n: number,
  effort = 1,
): Promise<RateEstimate> {
  checkProtocol(protocol);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot measure the retrieval rate: N must be an integer ≥ 1: N=${n}`);
  }
  if (!Number.isInteger(effort) || effort < 1) {
    throw new RangeError(
      `Cannot measure the retrieval rate: effort must be an integer ≥ 1: effort=${effort}`,
    );
  }
  const { ok, samples } = await countTrials(protocol, n, 0, effort * trialsAt(protocol, n));
  return rateEstimate(n, ok, samples);
}

async function countRetrieved(
  protocol: CapacityProtocol,
  criterion: Exclude<Criterion, { kind: "stored" }>,
  n: number,
  from: number,
  to: number,
): Promise<{ ok: number; samples: number }> {
  const perTrial = Math.min(n, protocol.queries ?? 50);
  const maxSteps = protocol.maxSteps ?? 100, bipolarPatterns = BIPOLAR.includes(protocol.distribution);
  let ok = 0;
  for (let trial = from; trial < to; trial++) {
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
        ...m.method,
      });
      for (let q = 0; q < perTrial; q++) {
        if (retrieved(criterion, row(r.states, q), row(targets, q))) ok++;
      }
    } else if (m.kind === "classical") {
      for (let q = 0; q < perTrial; q++) {
        const s = hebbianRetrieve(X, row(Q, q), { prng, maxSweeps: maxSteps }).state;
        if (retrieved(criterion, s, row(targets, q))) ok++;
      }
    } else {
      for (let q = 0; q < perTrial; q++) {
        const s = denseRetrieve(X, row(Q, q), m.interaction, { prng, maxSweeps: maxSteps }).state;
        if (retrieved(criterion, s, row(targets, q))) ok++;
      }
    }
  }
  return { ok, samples: (to - from) * perTrial };
}

/**
 * Theorem 3's event, counted over pattern sets: a set succeeds when every one of its N patterns is stored (the rate
 * is an empirical 1 − p). Pattern i is stored when the iteration from xᵢ converges to a fixed point xᵢ* within
 * R = 1/(βNM) of xᵢ, and the iterations from `probes` random points at distance R from xᵢ converge to it too
 * (within R/100; distinct fixed points lie much further apart). Runs in blocks of patterns and stops a set at its
 * first failure. Needs an f64 backend: R/M = 1/(βNM²) is below f32 resolution once N exceeds a few thousand.
 */
async function countStored(
  protocol: CapacityProtocol,
  criterion: { probes: number },
  n: number,
  from: number,
  to: number,
): Promise<{ ok: number; samples: number }> {
  const m = protocol.model as { kind: "modern"; beta: number }, maxSteps = protocol.maxSteps ?? 100;
  const block = 256, probes = criterion.probes, perPattern = 1 + probes;
  let ok = 0;
  for (let trial = from; trial < to; trial++) {
    const prng = prngFor(protocol.seed, n, trial);
    const X = drawPatterns(protocol, n, prng), d = X.cols;
    const M = Math.max(...Array.from({ length: n }, (_, i) => Math.hypot(...row(X, i))));
    const radius = 1 / (m.beta * n * M);
    const options = {
      beta: m.beta,
      maxSteps,
      eps: 1e-4 * radius,
      trajectory: false,
      backend: protocol.backend!,
    };
    let stored = true;
    for (let first = 0; first < n && stored; first += block) {
      const count = Math.min(block, n - first);
      // Per pattern: the pattern itself, then its probes on the boundary of its sphere.
      const starts = matrix(count * perPattern, d);
      for (let i = 0; i < count; i++) {
        const x = row(X, first + i);
        starts.data.set(x, i * perPattern * d);
        for (let k = 1; k <= probes; k++) {
          const dir = Array.from({ length: d }, () => prng.normal()), s = radius / Math.hypot(...dir);
          for (let c = 0; c < d; c++) starts.data[(i * perPattern + k) * d + c] = x[c] + s * dir[c];
        }
      }
      const r = await retrieveOn(X, starts, options);
      for (let i = 0; i < count && stored; i++) {
        const fixed = row(r.states, i * perPattern);
        stored = r.converged.slice(i * perPattern, (i + 1) * perPattern).every(Boolean) &&
          distance(fixed, row(X, first + i)) <= radius;
        for (let k = 1; k <= probes && stored; k++) {
          stored = distance(row(r.states, i * perPattern + k), fixed) <= 0.01 * radius;
        }
      }
    }
    if (stored) ok++;
  }
  return { ok, samples: to - from };
}

/** Result of a capacity search: the largest N whose rate reaches the protocol's success probability. */
export type CapacityResult = ThresholdResult;

/**
 * The largest N in [`nMin`, `nMax`] whose retrieval rate reaches `successProbability`, with its interval and a
 * check of the bracket ({@link thresholdSearch}); an N at an end of the bracket is refined with more trials, up
 * to `maxEffort` times the protocol's samples. Progress on stderr.
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
  range: ThresholdRange,
): Promise<CapacityResult> {
  checkProtocol(protocol);
  const log = progress(`capacity ${protocol.model.kind} d=${protocol.d}`);
  // Refining N extends its trials: trials depend only on (seed, N, trial), so the larger sample contains the smaller.
  const counts = new Map<number, { trials: number; ok: number; samples: number }>();
  const estimate = async (n: number, effort: number) => {
    const c = counts.get(n) ?? { trials: 0, ok: 0, samples: 0 };
    const more = await countTrials(protocol, n, c.trials, effort * trialsAt(protocol, n));
    const next = {
      trials: effort * trialsAt(protocol, n),
      ok: c.ok + more.ok,
      samples: c.samples + more.samples,
    };
    counts.set(n, next);
    return rateEstimate(n, next.ok, next.samples);
  };
  const r = await thresholdSearch(
    estimate,
    protocol.successProbability ?? 0.9,
    range,
    (e, count) =>
      log.tick(
        `N = ${e.n}: rate ${e.rate.toFixed(3)} [${e.low.toFixed(3)}, ${
          e.high.toFixed(3)
        }] of ${e.samples} (evaluation ${count})`,
      ),
  );
  log(
    `capacity ${r.capacity} [${r.low}, ${r.high}]${r.censored ? " (censored)" : ""}${
      r.monotone ? "" : " (the rate rose again above it)"
    } after ${r.evaluations.length} N`,
  );
  return r;
}
