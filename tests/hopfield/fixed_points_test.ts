import assert from "node:assert/strict";
import fc from "fast-check";
import { classifyFixedPoint, headClass, sizeAbove, sizeForMass } from "../../lib/hopfield/fixed_points.ts";
import { attention } from "../../lib/hopfield/attention.ts";
import { runAttentionIdentity } from "../../lib/experiments/attention_identity.ts";
import { fromRows } from "../../lib/linalg/matrix.ts";

Deno.test("fixed-point sizes count entries above 0.01 and the fewest entries reaching 90% mass", () => {
  const p = [0.6, 0.25, 0.1, 0.04, 0.005, 0.005];
  assert.equal(sizeAbove(p), 4);
  assert.equal(sizeForMass(p), 3);
  assert.equal(sizeForMass([0.9, 0.1]), 1);
  assert.equal(sizeAbove(new Array(200).fill(1 / 200)), 0);
  assert.throws(() => sizeForMass(p, 0), /mass=0/);
});

Deno.test("the 90%-mass size never exceeds the support and grows with the mass", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }),
      (w) => {
        const s = w.reduce((a, b) => a + b, 0);
        if (s === 0) return true;
        const p = w.map((v) => v / s);
        const support = p.filter((v) => v > 0).length;
        return sizeForMass(p, 0.5) <= sizeForMass(p, 0.9) && sizeForMass(p, 0.9) <= Math.max(1, support);
      },
    ),
    { seed: 4, numRuns: 200 },
  );
});

Deno.test("fixed points and heads are classified by Ramsauer's thresholds", () => {
  assert.deepEqual([1, 2, 50, 51].map((k) => classifyFixedPoint(k, 100)), [
    "single",
    "metastable",
    "metastable",
    "global",
  ]);
  assert.deepEqual([257, 256, 65, 64, 17, 16].map((k) => headClass(k, 512)), [
    "I",
    "II",
    "II",
    "III",
    "III",
    "IV",
  ]);
  assert.throws(() => classifyFixedPoint(0, 10), /size=0/);
});

Deno.test("attention equals the Hopfield update of projected states (Eq. 10) to rounding", () => {
  const { maxAbsDiff } = runAttentionIdentity({ s: 6, n: 9, dr: 5, dy: 7, dk: 4, dv: 3, seed: 1 });
  assert.ok(maxAbsDiff < 1e-14, `max diff ${maxAbsDiff}`);
  assert.throws(
    () => attention(fromRows([[1, 2]]), fromRows([[1, 2, 3]]), fromRows([[1]])),
    /Q.cols=2, K.cols=3/,
  );
});
