/**
 * Rotation groups of S² and random starts that one of them leaves invariant.
 *
 * Many of the best codes known in d = 3 are symmetric (the best M = 128 code we found is invariant under the
 * three half-turns of D₂). A start built from orbits of a group G has only about M/|G| free points, so a search
 * that draws some of its starts this way samples the symmetric funnels far more often than uniform starts do;
 * the descent itself is unconstrained (see `optimiseCode` in optimise.ts).
 *
 * Groups are named as in Schoenflies notation, rotations only: `Cn` (cyclic, order n, axis z), `Dn` (dihedral,
 * order 2n: Cn plus a half-turn about x), `T` (tetrahedral, 12), `O` (octahedral, 24), `I` (icosahedral, 60).
 * A point on a rotation axis (a pole) has an orbit smaller than |G|; a G-invariant code of M points is a union
 * of whole orbits, each pole orbit used at most once.
 *
 * @module
 */
import { distance, dot, fromRows, matmul, type Matrix, row } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import { sphere } from "../data/synthetic.ts";

/** A rotation of R³: a 3 × 3 matrix. */
export type Rotation = Matrix;

/** A finite rotation group of S². */
export interface PointGroup {
  /** The name it was built from (`C2`, `D3`, `T`, …). */
  name: string;
  /** All elements, the identity first. */
  elements: Rotation[];
  /** The orbits of the poles of its rotation axes: each a list of unit vectors (length |G| / stabiliser). */
  poleOrbits: number[][][];
}

/** Rotation by `angle` about `axis` (Rodrigues). */
function rotation(axis: readonly number[], angle: number): Rotation {
  const n = Math.hypot(...axis), [x, y, z] = axis.map((v) => v / n), c = Math.cos(angle), s = Math.sin(angle);
  const t = 1 - c;
  return fromRows([
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ]);
}

/**
 * The image `R v` of a vector under a rotation: `(R v)_i = Σ_j R_ij v_j`.
 *
 * @example
 * ```ts
 * import { pointGroup, rotate } from "./symmetry.ts";
 * import assert from "node:assert/strict";
 * const [, quarter] = pointGroup("C4").elements; // a quarter-turn about z
 * assert.deepEqual(rotate(quarter, [1, 0, 0]).map((v) => Math.round(v * 1e12) / 1e12), [0, 1, 0]);
 * ```
 */
export function rotate(r: Rotation, v: ArrayLike<number>): number[] {
  return [0, 1, 2].map((i) => dot(row(r, i), v));
}

const near = (a: ArrayLike<number>, b: ArrayLike<number>) => distance(a, b) < 1e-9;

/** The unit axis of a rotation other than the identity. */
function axisOf({ data: r }: Rotation): number[] {
  let axis = [r[7] - r[5], r[2] - r[6], r[3] - r[1]]; // 2 sin θ · axis
  if (Math.hypot(...axis) < 1e-6) {
    // A half-turn: R + I = 2 a aᵀ; its largest column is a multiple of a.
    const columns = [0, 1, 2].map((j) => [0, 1, 2].map((i) => r[i * 3 + j] + (i === j ? 1 : 0)));
    axis = columns.reduce((a, b) => (Math.hypot(...b) > Math.hypot(...a) ? b : a));
  }
  const n = Math.hypot(...axis);
  return axis.map((v) => v / n);
}

/**
 * The rotation group named `name` (see the module notes), with its elements and pole orbits.
 *
 * Generators: Cn a turn 2π/n about z; Dn adds a half-turn about x; T a half-turn about z and a third-turn about
 * (1, 1, 1); O a quarter-turn about z and the same third-turn; I a fifth-turn about (0, 1, φ) and the same
 * third-turn (φ the golden ratio). The elements are the closure under composition.
 *
 * @example
 * ```ts
 * import { pointGroup } from "./symmetry.ts";
 * import assert from "node:assert/strict";
 * const t = pointGroup("T");
 * assert.equal(t.elements.length, 12);
 * assert.deepEqual(t.poleOrbits.map((o) => o.length).sort((a, b) => a - b), [4, 4, 6]);
 * assert.throws(() => pointGroup("X2"), /group=X2/);
 * ```
 */
export function pointGroup(name: string): PointGroup {
  const match = /^([CD])([1-9]\d*)$|^([TOI])$/.exec(name);
  if (!match) {
    throw new RangeError(`Cannot build a point group: expected Cn, Dn (n ≥ 1), T, O or I: group=${name}`);
  }
  const third = rotation([1, 1, 1], (2 * Math.PI) / 3), phi = (1 + Math.sqrt(5)) / 2;
  const n = Number(match[2]);
  const generators: Rotation[] = match[1] === "C"
    ? [rotation([0, 0, 1], (2 * Math.PI) / n)]
    : match[1] === "D"
    ? [rotation([0, 0, 1], (2 * Math.PI) / n), rotation([1, 0, 0], Math.PI)]
    : match[3] === "T"
    ? [rotation([0, 0, 1], Math.PI), third]
    : match[3] === "O"
    ? [rotation([0, 0, 1], Math.PI / 2), third]
    : [rotation([0, 1, phi], (2 * Math.PI) / 5), third];
  const elements: Rotation[] = [fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]])];
  for (let i = 0; i < elements.length; i++) {
    for (const g of generators) {
      const h = matmul(elements[i], g);
      if (!elements.some((e) => near(e.data, h.data))) elements.push(h);
    }
  }
  const poles: number[][] = [];
  for (const r of elements.slice(1)) {
    const a = axisOf(r);
    for (const p of [a, a.map((v) => -v)]) if (!poles.some((q) => near(q, p))) poles.push(p);
  }
  const poleOrbits: number[][][] = [], placed: number[][] = [];
  for (const p of poles) {
    if (placed.some((q) => near(q, p))) continue;
    const orbit: number[][] = [];
    for (const r of elements) {
      const q = rotate(r, p);
      if (!orbit.some((o) => near(o, q))) orbit.push(q);
    }
    placed.push(...orbit);
    poleOrbits.push(orbit);
  }
  return { name, elements, poleOrbits };
}

/** The sets of pole orbits that leave a multiple of |G| points for whole generic orbits, M points in all. */
function layouts(group: PointGroup, m: number): number[][][][] {
  const out: number[][][][] = [], orbits = group.poleOrbits, g = group.elements.length;
  for (let mask = 0; mask < 1 << orbits.length; mask++) {
    const chosen = orbits.filter((_, i) => (mask >> i) & 1), size = chosen.reduce((s, o) => s + o.length, 0);
    if (size <= m && (m - size) % g === 0) out.push(chosen);
  }
  return out;
}

/** A kind of symmetric start: a group, and how many points of its orbits are removed (see {@link symmetricStart}). */
export interface StartGroup {
  /** As given: `G` or `G+k`. */
  name: string;
  /** The point group. */
  group: PointGroup;
  /** Points removed from a code of M + vacancies points. */
  vacancies: number;
}

/**
 * Parses a kind of symmetric start: a group name (see {@link pointGroup}), optionally followed by `+k`, k ≥ 1:
 * start from a code of M + k points invariant under the group and remove k of them.
 *
 * @example
 * ```ts
 * import { startGroup } from "./symmetry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(startGroup("T+1").vacancies, 1);
 * assert.equal(startGroup("C2").vacancies, 0);
 * assert.throws(() => startGroup("T+0"), /group=T\+0/);
 * ```
 */
export function startGroup(name: string): StartGroup {
  const match = /^(.*?)(?:\+([1-9]\d*))?$/.exec(name)!;
  if (name.includes("+") && match[2] === undefined) {
    throw new RangeError(
      `Cannot build a symmetric start: expected a group name, then optionally +k, k ≥ 1: group=${name}`,
    );
  }
  return { name, group: pointGroup(match[1]), vacancies: Number(match[2] ?? 0) };
}

/**
 * True when some union of whole orbits of `group` has exactly M points (each pole orbit used at most once).
 *
 * @example
 * ```ts
 * import { admits, pointGroup } from "./symmetry.ts";
 * import assert from "node:assert/strict";
 * assert.ok(admits(pointGroup("D2"), 128)); // 32 generic orbits of 4
 * assert.ok(!admits(pointGroup("D3"), 130)); // orbits of 6, 2, 3, 3 never sum to 130
 * ```
 */
export function admits(group: PointGroup, m: number): boolean {
  return layouts(group, m).length > 0;
}

/**
 * A random code of M points on S² invariant under `group`: a layout of pole orbits is drawn uniformly among
 * those that fit (see {@link admits}), and the other points come in whole orbits `{R u : R ∈ G}` of
 * uniformly random points u. Rows of the M × 3 result (row-major) are unit vectors; the order is orbit by
 * orbit. Throws if no union of orbits has M points. With `vacancies: k` it is such a code of M + k points with
 * k of them, drawn uniformly, removed: a start near a symmetric code for an M that the group does not admit
 * (T and D₂ have orbits of even size only, so for odd M they give `vacancies: 1` starts).
 *
 * @example
 * ```ts
 * import { pointGroup, symmetricStart } from "./symmetry.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { minAngle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * const x = symmetricStart(pointGroup("I"), 12, createPrng(1)); // the 12 poles of the 5-fold axes
 * assert.ok(Math.abs(minAngle({ rows: 12, cols: 3, data: x }).degrees - 63.4349488) < 1e-6);
 * assert.throws(() => symmetricStart(pointGroup("D3"), 130, createPrng(1)), /M=130/);
 * assert.equal(symmetricStart(pointGroup("T"), 11, createPrng(1), { vacancies: 1 }).length, 33); // 12 − 1
 * ```
 */
export function symmetricStart(
  group: PointGroup,
  m: number,
  prng: Prng,
  options: { vacancies?: number } = {},
): Float64Array {
  const vacancies = options.vacancies ?? 0;
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`Cannot build a symmetric start: M must be a positive integer: M=${m}`);
  }
  if (!Number.isInteger(vacancies) || vacancies < 0) {
    throw new RangeError(
      `Cannot build a symmetric start: vacancies must be a non-negative integer: vacancies=${vacancies}`,
    );
  }
  if (vacancies === 0) return orbitStart(group, m, prng);
  // M + k points from orbits, then k of them (drawn uniformly) removed.
  const full = orbitStart(group, m + vacancies, prng),
    keep = Array.from({ length: m + vacancies }, (_, i) => i);
  for (let v = 0; v < vacancies; v++) keep.splice(prng.int(keep.length), 1);
  const x = new Float64Array(m * 3);
  keep.forEach((i, k) => x.set(full.subarray(3 * i, 3 * i + 3), 3 * k));
  return x;
}

/** {@link symmetricStart} without vacancies. */
function orbitStart(group: PointGroup, m: number, prng: Prng): Float64Array {
  const options = layouts(group, m);
  if (options.length === 0) {
    throw new RangeError(
      `Cannot build a symmetric start: no union of ${group.name} orbits has M=${m} points`,
    );
  }
  const chosen = options[prng.int(options.length)], x = new Float64Array(m * 3);
  let k = 0;
  for (const orbit of chosen) for (const q of orbit) x.set(q, 3 * k++);
  const generic = (m - k) / group.elements.length;
  if (generic > 0) {
    const u = sphere(generic, 3, { prng }).data;
    for (let s = 0; s < generic; s++) {
      for (const r of group.elements) x.set(rotate(r, u.subarray(3 * s, 3 * s + 3)), 3 * k++);
    }
  }
  return x;
}
