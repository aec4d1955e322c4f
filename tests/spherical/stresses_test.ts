import assert from "node:assert/strict";
import fc from "fast-check";
import { fromRows, matrix } from "../../lib/linalg/matrix.ts";
import { minAngle } from "../../lib/spherical/angles.ts";
import { cell24, crossPolytope, icosahedron, simplex, snubCube } from "../../lib/spherical/constructions.ts";
import { optimiseCode } from "../../lib/spherical/optimise.ts";
import { stationarise } from "../../lib/spherical/polish.ts";
import { contactStresses } from "../../lib/spherical/stresses.ts";
import { assertClose } from "../helpers.ts";

Deno.test("contactStresses: optimal exact codes balance, with non-negative stresses summing to 1", () => {
  const codes = { simplex5: simplex(5), cross5: crossPolytope(5), icosahedron: icosahedron() };
  const more = { snubCube: snubCube(), cell24: cell24() };
  for (const [name, code] of Object.entries({ ...codes, ...more })) {
    const s = contactStresses(code);
    assert.ok(s.imbalance < 1e-14, `${name}: imbalance ${s.imbalance}`);
    assert.ok(s.stresses.every((l) => l >= 0), name);
    assertClose(s.stresses.reduce((a, l) => a + l, 0), 1, 1e-14, name);
    assert.deepEqual(s.rattlers, [], name);
  }
  assert.equal(contactStresses(cell24()).contacts.length, 96); // 24 points, 8 neighbours each at 60°
});

Deno.test("contactStresses: two points at angle θ have one contact and imbalance 2√2·sin θ, 0 for antipodes", () => {
  // The lone contact's tangential gradient is 2(cos θ·xᵢ − xⱼ) at i (norm 2 sin θ) and its mirror at j.
  fc.assert(
    fc.property(fc.double({ min: 0.05, max: Math.PI - 0.05, noNaN: true }), (theta) => {
      const s = contactStresses(fromRows([[1, 0, 0], [Math.cos(theta), Math.sin(theta), 0]]));
      assert.deepEqual(s.contacts, [[0, 1]]);
      assertClose(s.imbalance, 2 * Math.SQRT2 * Math.sin(theta), 1e-13);
    }),
    { seed: 4 },
  );
  assert.ok(contactStresses(fromRows([[0, 0, 1], [0, 0, -1]])).imbalance < 1e-15);
});

Deno.test("stationarise: three equal-sided points on a small circle climb to the great circle (120°)", () => {
  // All three chords are equal, so the polish has nothing to do, yet the code is not a first-order optimum:
  // the net force at each point pulls it towards the equator. The optimum is a smooth maximum over the family
  // of equal-sided triangles (flat to second order), so rounding locates it only to ~1e-8 in position.
  const x = matrix(3, 3), colatitude = Math.PI / 3;
  for (let i = 0; i < 3; i++) {
    const phi = (2 * Math.PI * i) / 3;
    x.data.set([
      Math.sin(colatitude) * Math.cos(phi),
      Math.sin(colatitude) * Math.sin(phi),
      Math.cos(colatitude),
    ], 3 * i);
  }
  assert.ok(contactStresses(x).imbalance > 0.1);
  const out = stationarise(x.data, 3, 3);
  assertClose(out.angle.degrees, 120, 1e-9);
  assert.ok(out.imbalance! < 1e-6, `imbalance ${out.imbalance}`);
  // Out of steps or out of time, it returns where it stands: the start itself when no step may begin.
  const start = minAngle(x).degrees, one = stationarise(x.data, 3, 3, { steps: 1 });
  assert.ok(one.angle.degrees > start && one.angle.degrees < out.angle.degrees && one.imbalance! > 1e-6);
  const none = stationarise(x.data, 3, 3, { steps: 0 });
  assert.deepEqual(none.x, x.data);
  assertClose(none.imbalance!, contactStresses(x).imbalance, 1e-15);
  // Past its time before the first step, it does not even measure the stresses (O(contacts³) at large M).
  const late = stationarise(x.data, 3, 3, { until: 0 });
  assert.deepEqual([late.x, late.imbalance], [x.data, undefined]);
});

Deno.test("optimiseCode returns a balanced code: M = 23 past the contact sets of the polish", () => {
  // The polish alone ends at 43.7099626° here, a code whose contacts (one too many, two too few) do not
  // balance; the final stage reaches the first-order optimum.
  const code = optimiseCode(3, 23, { restarts: 16 });
  assert.ok(code.imbalance! < 1e-13, `imbalance ${code.imbalance}`);
  assert.ok(code.degrees > 43.70996420, `M=23: ${code.degrees}`);
  assertClose(contactStresses(code.points).imbalance, code.imbalance!, 1e-15);
  assertClose(minAngle(code.points).degrees, code.degrees, 1e-12);
});

Deno.test("contactStresses: rejects too few points and a bad tolerance by name", () => {
  assert.throws(() => contactStresses(fromRows([[1, 0, 0]])), /M=1/);
  assert.throws(() => contactStresses(icosahedron(), { tolerance: -1 }), /tolerance=-1/);
  assert.throws(() => contactStresses(icosahedron(), { tolerance: 1 }), /tolerance=1/);
});
