import assert from "node:assert/strict";
import fc from "fast-check";
import {
  entmax,
  entmax15,
  logSumExp,
  mapSpec,
  separate,
  separateRows,
  softmax,
  sparsemax,
  tsallisEntropy,
} from "../../lib/maps/mod.ts";
import { fromRows } from "../../lib/linalg/matrix.ts";
import { assertAllClose, assertClose } from "../helpers.ts";

const z = [-2, 0, 0.5];
const scores = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 12 });
const maps = [
  ["softmax", (v: number[]) => softmax(v)],
  ["sparsemax", (v: number[]) => sparsemax(v)],
  ["entmax15", (v: number[]) => entmax15(v)],
  ["entmax(1.3)", (v: number[]) => entmax(v, 1.3)],
  ["entmax(3)", (v: number[]) => entmax(v, 3)],
] as const;

Deno.test("maps reproduce the entmax reference example z = (-2, 0, 0.5)", () => {
  assertAllClose(softmax(z), [0.0486, 0.3592, 0.5922], 1e-4, "softmax");
  assert.deepEqual(Array.from(sparsemax(z)), [0, 0.25, 0.75]);
  assertAllClose(entmax15(z), [0, 0.3260, 0.6740], 1e-4, "entmax15");
  assertAllClose(entmax(z, 1.5), entmax15(z), 1e-12, "entmax(1.5) vs entmax15");
});

Deno.test("every map lands on the simplex", () => {
  for (const [, f] of maps) {
    fc.assert(
      fc.property(scores, (v) => {
        const p = f(v);
        const sum = p.reduce((a, b) => a + b, 0);
        return p.every((x) => x >= 0 && x <= 1) && Math.abs(sum - 1) <= 1e-9;
      }),
      { seed: 1, numRuns: 200 },
    );
  }
});

Deno.test("every map is permutation-equivariant", () => {
  for (const [, f] of maps) {
    fc.assert(
      fc.property(scores, fc.integer({ min: 0, max: 1000 }), (v, k) => {
        const perm = v.map((_, i) => i).sort((a, b) => ((a * 7919 + k) % 13) - ((b * 7919 + k) % 13));
        const p = f(v), q = f(perm.map((i) => v[i]));
        return perm.every((i, j) => Math.abs(q[j] - p[i]) <= 1e-9);
      }),
      { seed: 2, numRuns: 100 },
    );
  }
});

Deno.test("entmax with alpha → 1 approaches softmax and alpha = 2 equals sparsemax", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 8 }),
      (v) => {
        const s = softmax(v), e = entmax(v, 1.0001), sp = sparsemax(v), e2 = entmax(v, 2);
        return v.every((_, i) => Math.abs(s[i] - e[i]) <= 1e-3 && Math.abs(sp[i] - e2[i]) <= 1e-9);
      },
    ),
    { seed: 3, numRuns: 200 },
  );
});

Deno.test("maps stay finite on peaked and -Infinity scores", () => {
  for (const [, f] of maps) {
    assertAllClose(f([1e300, -1e300, 0]), [1, 0, 0], 1e-12, "peaked");
    assertAllClose(f([-Infinity, 0, -Infinity]), [0, 1, 0], 1e-12, "-inf entries");
    assertAllClose(f([Infinity, 1, Infinity]), [0.5, 0, 0.5], 1e-12, "+inf entries");
  }
  assertClose(logSumExp([1000, 1000]), 1000 + Math.LN2, 1e-9);
});

Deno.test("maps reject NaN, empty and all -Infinity scores with a message naming the problem", () => {
  for (const [, f] of maps) {
    assert.throws(() => f([0, NaN]), /scores\[1\]=NaN/);
    assert.throws(() => f([]), /non-empty/);
    assert.throws(() => f([-Infinity, -Infinity]), /greater than -Infinity/);
  }
  assert.throws(() => entmax([1, 2], 1), /alpha=1/);
  assert.throws(() => mapSpec({ beta: -1 }), /beta=-1/);
  assert.throws(() => mapSpec({ kind: "softmax", alpha: 1.5 }), /alpha applies only/);
  assert.throws(() => mapSpec({ kind: "bogus" as "softmax" }), /kind=bogus/);
});

Deno.test("separate() scales by beta and separateRows() maps each row", () => {
  assertAllClose(separate([0, 1], { beta: 2 }), softmax([0, 2]), 1e-15);
  const p = separateRows(fromRows([[0, 1], [2, 2]]), { kind: "entmax", alpha: 1.7 });
  assertAllClose(p.data.subarray(2), [0.5, 0.5], 1e-12);
});

Deno.test("Tsallis entropy of the uniform distribution has its closed form", () => {
  for (const alpha of [1, 1.5, 2, 3]) {
    const n = 7, u = new Array(n).fill(1 / n);
    const expected = alpha === 1 ? Math.log(n) : (1 - n ** (1 - alpha)) / (alpha * (alpha - 1));
    assertClose(tsallisEntropy(u, alpha), expected, 1e-14, `alpha=${alpha}`);
  }
});

Deno.test("every map of β·scores is finite and sums to 1 for any finite scores and any β > 0, 1e300 included", () => {
  const anyScores = fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true }), {
    minLength: 1,
    maxLength: 10,
  });
  const beta = fc.oneof(
    fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
    fc.constantFrom(1e300, 1, 1e-300),
  );
  for (const kind of ["softmax", "sparsemax", "entmax15"] as const) {
    fc.assert(
      fc.property(anyScores, beta, (v, b) => {
        const p = separate(v, { kind, beta: b });
        const sum = p.reduce((a, x) => a + x, 0);
        return p.every((x) => Number.isFinite(x) && x >= 0) && Math.abs(sum - 1) <= 1e-9;
      }),
      { seed: 26, numRuns: 300 },
    );
  }
  // β·score overflow makes no false tie: the shift by the maximum comes before the product.
  assert.deepEqual(Array.from(separate([2e10, 1e10], { beta: 1e300 })), [1, 0]);
  assert.deepEqual(Array.from(separate([2e10, 1e10], { kind: "sparsemax", beta: 1e300 })), [1, 0]);
  assert.deepEqual(Array.from(separate([-1e308, 1e308], { beta: 1e300 })), [0, 1]);
});

Deno.test("entmax tends to softmax as α → 1 (within (α − 1)·spread, and to rounding at α = 1 + 2⁻⁵²)", () => {
  fc.assert(
    fc.property(scores, fc.integer({ min: 6, max: 52 }), (v, k) => {
      const alpha = 1 + 2 ** -k, p = entmax(v, alpha), q = softmax(v);
      const spread = Math.max(...v) - Math.min(...v);
      const tol = 2 ** -k * (1 + spread) ** 2 * 4 + 1e-13;
      return p.every((x, i) => Math.abs(x - q[i]) <= tol);
    }),
    { seed: 27, numRuns: 300 },
  );
  assertAllClose(entmax([0.3, -1, 2, 1.5], 1 + 2 ** -52), softmax([0.3, -1, 2, 1.5]), 1e-14, "α = 1 + 2⁻⁵²");
  // and far from 1 it stays a distribution
  const p = entmax([0.3, -1, 2, 1.5], 1e9);
  assert.ok(p.every(Number.isFinite) && Math.abs(p.reduce((a, x) => a + x, 0) - 1) < 1e-12);
});

Deno.test("tsallisEntropy refuses α below 1 and NaN or negative probabilities, naming the value", () => {
  assert.throws(() => tsallisEntropy([0.5, 0.5], 0), /alpha=0/);
  assert.throws(() => tsallisEntropy([0.5, NaN], 2), /p\[1\]=NaN/);
  assert.throws(() => tsallisEntropy([1.5, -0.5], 2), /p\[1\]=-0.5/);
});
