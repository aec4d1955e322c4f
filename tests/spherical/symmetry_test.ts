import assert from "node:assert/strict";
import { distance, dot } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { minAngle } from "../../lib/spherical/angles.ts";
import { optimiseCode } from "../../lib/spherical/optimise.ts";
import { startSchedule } from "../../lib/spherical/schedule.ts";
import { admits, pointGroup, rotate, symmetricStart } from "../../lib/spherical/symmetry.ts";
import { assertClose } from "../helpers.ts";

const DEG = Math.PI / 180;
const ORDERS: [string, number, number[]][] = [
  // name, |G|, pole-orbit sizes (sorted); each pole's orbit size times its stabiliser's order is |G|.
  ["C1", 1, []],
  ["C2", 2, [1, 1]],
  ["C5", 5, [1, 1]],
  ["D2", 4, [2, 2, 2]],
  ["D3", 6, [2, 3, 3]],
  ["D6", 12, [2, 6, 6]],
  ["T", 12, [4, 4, 6]],
  ["O", 24, [6, 8, 12]],
  ["I", 60, [12, 20, 30]],
];

/** Largest distance from a rotated point of x to its nearest point of x, over all rotations of the group. */
function invarianceError(name: string, x: Float64Array): number {
  const m = x.length / 3;
  let worst = 0;
  for (const r of pointGroup(name).elements) {
    for (let i = 0; i < m; i++) {
      const y = rotate(r, x.subarray(3 * i, 3 * i + 3));
      let nearest = Infinity;
      for (let j = 0; j < m; j++) {
        nearest = Math.min(nearest, distance(y, x.subarray(3 * j, 3 * j + 3)));
      }
      worst = Math.max(worst, nearest);
    }
  }
  return worst;
}

Deno.test("point groups: orders, pole orbits, rotations closed under composition", () => {
  for (const [name, order, orbits] of ORDERS) {
    const g = pointGroup(name);
    assert.equal(g.elements.length, order, name);
    assert.deepEqual(g.poleOrbits.map((o) => o.length).sort((a, b) => a - b), orbits, name);
    for (const r of g.elements) {
      // Orthogonal with determinant +1: the images of the basis are orthonormal and right-handed.
      const [a, b, c] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]].map((e) => rotate(r, e));
      const cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
      for (let i = 0; i < 3; i++) assertClose(cross[i], c[i], 1e-12, `${name}: a × b = c`);
      for (const [u, v, want] of [[a, a, 1], [b, b, 1], [a, b, 0]] as const) {
        assertClose(dot(u, v), want, 1e-12, name);
      }
    }
    // Closed: for all a, b the composite a∘b (its images of the basis) is an element.
    const images = (f: (v: number[]) => number[]) => [[1, 0, 0], [0, 1, 0], [0, 0, 1]].flatMap(f);
    const all = g.elements.map((r) => images((v) => rotate(r, v)));
    for (const a of g.elements) {
      for (const b of g.elements) {
        const ab = images((v) => rotate(a, rotate(b, v)));
        assert.ok(all.some((e) => e.every((v, i) => Math.abs(v - ab[i]) < 1e-9)), `${name}: closed`);
      }
    }
    // Every pole is fixed by some rotation other than the identity.
    for (const p of g.poleOrbits.flat()) {
      const fixed = g.elements.slice(1).some((r) => distance(rotate(r, p), p) < 1e-12);
      assert.ok(fixed, `${name}: pole ${p}`);
    }
  }
  assert.throws(() => pointGroup("D0"), /group=D0/);
  assert.throws(() => pointGroup("S4"), /group=S4/);
});

Deno.test("symmetric starts: invariant unit codes of M points, seeded, and the Platonic codes from pole orbits", () => {
  for (
    const [name, m] of [["C2", 101], ["D2", 128], ["D3", 102], ["T", 100], ["O", 62], ["I", 132]] as const
  ) {
    const x = symmetricStart(pointGroup(name), m, createPrng(7));
    assert.equal(x.length, 3 * m);
    for (let i = 0; i < m; i++) {
      assertClose(
        Math.hypot(...x.subarray(3 * i, 3 * i + 3)),
        1,
        1e-12,
        `${name} row ${i}`,
      );
    }
    assert.ok(invarianceError(name, x) < 1e-12, `${name}, M=${m}`);
    assert.deepEqual(symmetricStart(pointGroup(name), m, createPrng(7)), x);
  }
  // The only M-point unions of orbits: the tetrahedron (T, 4), octahedron and cube (O, 6 and 8), icosahedron (I, 12).
  const angleOf = (name: string, m: number) =>
    minAngle({ rows: m, cols: 3, data: symmetricStart(pointGroup(name), m, createPrng(1)) }).degrees;
  assertClose(angleOf("T", 4), Math.acos(-1 / 3) / DEG, 1e-9, "tetrahedron");
  assertClose(angleOf("O", 6), 90, 1e-9, "octahedron");
  assertClose(angleOf("O", 8), Math.acos(1 / 3) / DEG, 1e-9, "cube");
  assertClose(angleOf("I", 12), Math.atan(2) / DEG, 1e-9, "icosahedron");
  assert.ok(admits(pointGroup("D3"), 128) && !admits(pointGroup("D3"), 130) && !admits(pointGroup("I"), 13));
  assert.throws(() => symmetricStart(pointGroup("D3"), 130, createPrng(1)), /D3 orbits has M=130/);
  assert.throws(() => symmetricStart(pointGroup("C2"), 0, createPrng(1)), /M=0/);
  // With vacancies: the start of M + k points from the same draws, with k of its rows removed.
  const full = symmetricStart(pointGroup("T"), 100, createPrng(3));
  const part = symmetricStart(pointGroup("T"), 99, createPrng(3), { vacancies: 1 });
  const rows = (x: Float64Array) =>
    Array.from({ length: x.length / 3 }, (_, i) => x.subarray(3 * i, 3 * i + 3).join());
  assert.equal(part.length, 3 * 99);
  assert.ok(rows(part).every((r) => rows(full).includes(r)));
  assert.throws(() => symmetricStart(pointGroup("T"), 99, createPrng(1)), /T orbits has M=99/);
  assert.throws(() => symmetricStart(pointGroup("T"), 99, createPrng(1), { vacancies: -1 }), /vacancies=-1/);
});

Deno.test("the start schedule: symmetric kinds for even, odd and odd M ≡ 1 mod 6 in d = 3, uniform elsewhere", () => {
  const kinds = (d: number, m: number) => {
    const { random } = startSchedule(d, m);
    return [...new Set(random.map((r) => r.kind))].join(" ");
  };
  const cycle = (d: number, m: number, n: number) =>
    startSchedule(d, m).random.slice(0, n).map((r) => r.kind);
  assert.deepEqual(cycle(3, 16, 6), ["uniform", "C2", "uniform", "D2", "uniform", "T"]);
  assert.deepEqual(cycle(3, 29, 9), ["uniform", "C2", "T+1", "uniform", "D3", "C3", "uniform", "D2+1", "D3"]);
  assert.deepEqual(cycle(3, 31, 6), ["uniform", "C2", "T+1", "uniform", "C3", "D2+1"]); // 31 ≡ 1 mod 6: no D₃
  assert.equal(kinds(3, 2), "uniform C2 D2"); // T has no union of orbits of 2 points
  assert.equal(kinds(4, 24), "uniform");
  // Exponents cycle by random start, independently of the kinds: every kind meets every exponent.
  for (const [d, m] of [[3, 16], [3, 29], [3, 31], [5, 16]]) {
    const { random } = startSchedule(d, m);
    const ks = new Set(random.map((r) => r.kind)), ps = new Set(random.map((r) => r.exponent));
    for (const k of ks) {
      assert.deepEqual(
        new Set(random.filter((r) => r.kind === k).map((r) => r.exponent)),
        ps,
        `${d}, ${m}, ${k}`,
      );
    }
  }
  assert.deepEqual([...new Set(startSchedule(3, 12).random.map((r) => r.exponent))], [16, 32, 64]);
  assert.deepEqual([...new Set(startSchedule(4, 12).random.map((r) => r.exponent))], [8, 16, 32, 64, 128]);
  // Hops: jiggle and relocation in turn, each pair of hops at one exponent and σ.
  const { hops } = startSchedule(3, 12);
  assert.deepEqual(hops.slice(0, 4), [
    { move: "jiggle", sigma: 0.04, exponent: 256 },
    { move: "relocate", sigma: 0, exponent: 256 },
    { move: "jiggle", sigma: 0.02, exponent: 256 },
    { move: "relocate", sigma: 0, exponent: 256 },
  ]);
  assert.deepEqual(new Set(hops.map((h) => h.exponent)), new Set([256, 512, 1024]));
  assert.equal(optimiseCode(4, 8, { restarts: 4 }).degrees.toFixed(6), "90.000000");
});
