/**
 * An optimiser for spherical codes: M points on S^{d−1} with the largest minimal angle (the Tammes problem).
 *
 * Stage 1 (smooth surrogate, `surrogate.ts`): minimise `f_p(X) = (1/p) ln Σ_{i<j} ‖xᵢ − xⱼ‖^{−p}`, a soft
 * maximum of the inverse chords that tends to `−ln min ‖xᵢ − xⱼ‖` as p grows, by Riemannian L-BFGS on the
 * product of spheres (`lbfgs.ts`), for p doubling up to 2¹⁷ (the problem grows ill-conditioned with p, hence
 * L-BFGS).
 *
 * Stage 2 (polish, `polish.ts`): the pairs that carry the soft maximum's weight are the active contacts;
 * Gauss–Newton on `‖xᵢ − xⱼ‖² = t` pushes them to exact equality, kept only if it raises the minimal angle.
 *
 * Stage 3 (the best code only, once): an active-set ascent to a first-order optimum, where non-negative contact
 * stresses balance at every point (`stationarise` in polish.ts, `contactStresses` in stresses.ts).
 *
 * Search: restarts walk the start schedule (`schedule.ts`): random starts, uniform or symmetric under a point
 * group, alternate with basin hops from the best code so far, until the time budget, the restart limit or the
 * patience runs out. Restarts that fall clearly behind are abandoned early (see {@link optimiseCode}).
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { createPrng, type Prng } from "../linalg/prng.ts";
import { sphere } from "../data/synthetic.ts";
import { type MinAngle, minAngle, normaliseRows } from "./angles.ts";
import { descend } from "./lbfgs.ts";
import { polish, stationarise } from "./polish.ts";
import { type Hop, type RandomStart, startSchedule } from "./schedule.ts";
import { Surrogate } from "./surrogate.ts";
import { startGroup, symmetricStart } from "./symmetry.ts";

/** Options of {@link optimiseCode}. */
export interface CodeOptions {
  /** Seed of the random starts (default 1). */
  seed?: number;
  /** At most this many restarts, random starts and basin hops alternating (default 5000). */
  restarts?: number;
  /**
   * Stop when the last `max(patience, 2k)` restarts brought no gain, k the restart that found the best code
   * (default 1000).
   */
  patience?: number;
  /**
   * Time budget in milliseconds (default 60 000). The search has 95% of it: a restart begins only if one of
   * average length still fits, a descent stops at the deadline, and a polish does not begin a dense solve that
   * could not end before it. The final stage has the rest: a step begins only if one as long as the last still
   * fits. A run ends within the budget plus one L-BFGS iteration and one minimal-angle evaluation (O(M²)).
   */
  timeBudgetMs?: number;
  /** Called after each restart (`degrees` is NaN for a restart abandoned early). */
  onProgress?: (info: { restart: number; degrees: number; best: number; elapsedMs: number }) => void;
}

/** An optimised code. */
export interface Code {
  /** M × d, unit rows. */
  points: Matrix;
  /** Minimal angle, degrees. */
  degrees: number;
  /** `Δ_min = 1 − cos θ_min`. */
  deltaMin: number;
  /**
   * The stress imbalance of the code (`contactStresses` in stresses.ts): ~1e-16 when it is a first-order
   * optimum, larger if the final stage ran out of steps or time; absent when the budget was spent before the
   * final stage could begin.
   */
  imbalance?: number;
  /** Restarts actually run. */
  restarts: number;
}

/** The largest exponent of the surrogate: at 2¹⁷ the soft maximum is within ln(n)/2¹⁷ of the hard one. */
const P_MAX = 2 ** 17;

/**
 * Pruning. A random start whose angle at p = `RANDOM_PROBE` is more than `PROBE_MARGIN` (relative) below the best
 * random start of its kind at that exponent, and any restart more than that below the best code at p = `PROBE`,
 * is abandoned there. The angle at p = 512 already ranks random starts (the codes that end within 1e-3 of the best
 * are within 1.3e-3 of the record there), and the levels above p = 4096 are ~40% of a restart's cost.
 */
const RANDOM_PROBE = 512, PROBE = 4096, PROBE_MARGIN = 3e-3;

/** The search's share of the time budget; the final stage has the rest (enough for ~50 ascent steps at M = 119). */
const SEARCH_SHARE = 0.95;

/** Gains below this relative amount are the same code polished further: they do not renew the patience. */
const GAIN = 1e-7;

/** A positive integer option, or a RangeError naming it. */
function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot optimise a code: ${name} must be a positive integer: ${name}=${value}`);
  }
  return value;
}

/** The start of a random restart: M uniform points, or a random code invariant under a point group. */
function randomStart(start: RandomStart, m: number, d: number, prng: Prng): Float64Array {
  if (start.kind === "uniform") return sphere(m, d, { prng }).data;
  const g = startGroup(start.kind);
  return symmetricStart(g.group, m, prng, { vacancies: g.vacancies });
}

/** The start of a hop from `x`: every point jiggled by N(0, σ²) per coordinate, or one point relocated. */
function hopStart(hop: Hop, x: Float64Array, m: number, d: number, prng: Prng): Float64Array {
  if (hop.move === "jiggle") {
    return normaliseRows({ rows: m, cols: d, data: x.map((v) => v + hop.sigma * prng.normal()) });
  }
  const y = x.slice(), i = prng.int(m);
  y.set(sphere(1, d, { prng }).data, i * d);
  return y;
}

/**
 * Finds M points on S^{d−1} with a large minimal angle (see the module notes).
 *
 * Each restart descends the surrogate from its start's exponent (the start schedule's, `schedule.ts`) up to 2¹⁷:
 * the intermediate exponents only steer the code; the last is run to convergence. Restart r is random start r/2
 * when r is even and hop (r − 1)/2 from the best code when r is odd. A code that can still become the best is
 * polished: the polish raises the minimal chord by at most about a factor e^{ln(n)/2¹⁷} (n = M(M − 1)/2 pairs), so
 * a code further below the best than twice that is not polished. The best code then goes through the final
 * stage. The search stops at the restart limit, at its share of the time budget, or when the last
 * `max(patience, 2k)` restarts brought no gain (k the restart that found the best code).
 *
 * Seeded: the same seed gives the same code whenever the restart limit or the patience ends the search and the
 * final stage ends on its own; a time budget that ends either first makes the result depend on the machine's
 * speed.
 *
 * @example
 * ```ts
 * import { optimiseCode } from "./optimise.ts";
 * import assert from "node:assert/strict";
 * const code = optimiseCode(3, 6, { restarts: 2 }); // the octahedron
 * assert.ok(Math.abs(code.degrees - 90) < 1e-9);
 * assert.throws(() => optimiseCode(1, 5), /d=1/);
 * ```
 */
export function optimiseCode(d: number, m: number, options: CodeOptions = {}): Code {
  if (!Number.isInteger(d) || d < 2) {
    throw new RangeError(`Cannot optimise a code: d must be an integer ≥ 2: d=${d}`);
  }
  if (!Number.isInteger(m) || m < 2) {
    throw new RangeError(`Cannot optimise a code: M must be an integer ≥ 2: M=${m}`);
  }
  const restarts = positiveInteger("restarts", options.restarts ?? 5000);
  const patience = positiveInteger("patience", options.patience ?? 1000);
  const budget = options.timeBudgetMs ?? 60_000;
  if (!(budget > 0)) {
    throw new RangeError(`Cannot optimise a code: timeBudgetMs must be positive: timeBudgetMs=${budget}`);
  }
  const schedule = startSchedule(d, m), prng = createPrng(options.seed ?? 1), f_p = new Surrogate(m, d);
  const reach = (2 * Math.log((m * (m - 1)) / 2)) / P_MAX;
  const start = performance.now(), deadline = start + SEARCH_SHARE * budget;
  let best: { x: Float64Array; angle: MinAngle } | null = null;
  let ran = 0, found = 0;
  const randomRecord = new Map<string, number>(); // the best angle at RANDOM_PROBE, per kind of random start
  for (let r = 0; r < restarts; r++) {
    const elapsed = performance.now() - start;
    if (r > 0 && start + elapsed + elapsed / r > deadline) break;
    if (r - found > Math.max(patience, 2 * found)) break;
    ran++;
    const hop: boolean = best !== null && r % 2 === 1;
    const random = schedule.random[(r >> 1) % schedule.random.length];
    const move = schedule.hops[(r >> 1) % schedule.hops.length];
    const x: Float64Array = hop ? hopStart(move, best!.x, m, d, prng) : randomStart(random, m, d, prng);
    let abandon = false;
    for (let p = Math.min(hop ? move.exponent : random.exponent, P_MAX); p <= P_MAX && !abandon; p *= 2) {
      f_p.exponent = p;
      descend(x, f_p, p < P_MAX ? 150 : 400, deadline);
      const checkRandom = !hop && p === RANDOM_PROBE, checkBest = best !== null && p === PROBE;
      if (!checkRandom && !checkBest) continue;
      const angle = minAngle({ rows: m, cols: d, data: x }).angle;
      if (checkRandom) {
        const record = randomRecord.get(random.kind) ?? 0;
        abandon = angle < record * (1 - PROBE_MARGIN);
        randomRecord.set(random.kind, Math.max(record, angle));
      }
      if (checkBest) abandon ||= angle < best!.angle.angle * (1 - PROBE_MARGIN);
    }
    const report = (degrees: number) =>
      options.onProgress?.({
        restart: r,
        degrees,
        best: best!.angle.degrees,
        elapsedMs: performance.now() - start,
      });
    if (abandon) {
      report(NaN);
      continue;
    }
    let cur = minAngle({ rows: m, cols: d, data: x });
    const late = performance.now() >= deadline; // a descent cut short by the deadline: kept only if it is the first
    if (late && best) break;
    if (!late && (!best || Math.sin(cur.angle / 2) * Math.exp(reach) > Math.sin(best.angle.angle / 2))) {
      const polished = polish(x, m, d, cur.angle, deadline);
      if (polished) {
        x.set(polished.x);
        cur = polished.angle;
      }
    }
    if (best && cur.angle > best.angle.angle * (1 + GAIN)) found = r;
    if (!best || cur.degrees > best.angle.degrees) best = { x: x.slice(), angle: cur };
    report(cur.degrees);
    if (late) break;
  }
  const final = stationarise(best!.x, m, d, { until: start + budget, angle: best!.angle });
  return {
    points: matrix(m, d, final.x),
    degrees: final.angle.degrees,
    deltaMin: final.angle.deltaMin,
    imbalance: final.imbalance,
    restarts: ran,
  };
}
