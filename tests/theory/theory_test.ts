import assert from "node:assert/strict";
import fc from "fast-check";
import { dimensionForCapacity, lambertW0, lambertWm1, OMEGA, storageBound } from "../../lib/theory/mod.ts";
import {
  fixedPointErrorBound,
  isWellSeparated,
  separation,
  spread,
  wellSeparatedThreshold,
} from "../../lib/theory/separation.ts";
import { equidistant } from "../../lib/data/synthetic.ts";
import { fromRows } from "../../lib/linalg/matrix.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { assertClose } from "../helpers.ts";

Deno.test("storageBound() reproduces the paper's example constants (Theorem 3, Corollary A1)", () => {
  const a = storageBound({ beta: 1, K: 3, d: 20, p: 0.001 });
  assert.equal(a.c.toFixed(4), "3.1546");
  assert.equal(a.c_corollary.toFixed(4), "3.1444");
  assertClose(a.a + Math.log(a.b), 1.2733, 1e-4);
  assert.ok(a.valid && a.n_lower > 7.4 && a.n_lower < 7.42);
  const b = storageBound({ beta: 1, K: 1, d: 75, p: 0.001 });
  assert.ok(b.c >= 1.3718 && b.c < 1.3719 + 5e-5); // the paper prints 1.3718 (truncated); it is 1.37188
  assert.equal(b.c_corollary.toFixed(4), "1.2585");
  assertClose(b.a + Math.log(b.b), -0.9409, 1e-4);
});

Deno.test("storageBound()'s c solves a·c + c·ln c = b, and Theorem A6 inverts it", () => {
  fc.assert(
    fc.property(fc.double({ min: 0.2, max: 5, noNaN: true }), fc.integer({ min: 3, max: 200 }), (K, d) => {
      const s = storageBound({ beta: 1, K, d, p: 0.01 });
      const residual = s.a * s.c + s.c * Math.log(s.c) - s.b;
      if (Math.abs(residual) > 1e-9 * s.b) return false;
      if (s.c_corollary > s.c * (1 + 1e-12)) return false; // Corollary A1 is a lower bound on c
      if (!s.valid) return true; // Theorem A6 inverts the theorem where it applies
      const roots = [dimensionForCapacity({ beta: 1, K, c: s.c, p: 0.01 })];
      try {
        roots.push(dimensionForCapacity({ beta: 1, K, c: s.c, p: 0.01, branch: 0 }));
      } catch { /* a > 0: one root only */ }
      return roots.some((r) => Math.abs(r - d) < 1e-6 * d);
    }),
    { seed: 8, numRuns: 200 },
  );
});

Deno.test("Lambert W satisfies w·eʷ = x on both branches", () => {
  assertClose(lambertW0(1), OMEGA, 1e-15);
  assertClose(lambertW0(-1 / Math.E), -1, 1e-7);
  for (const x of [-0.3, -0.01, 0.5, 10, 1e10]) {
    assertClose(lambertW0(x) * Math.exp(lambertW0(x)), x, 1e-12 * Math.max(1, Math.abs(x)));
  }
  for (const x of [-0.36, -0.2, -1e-5]) {
    const w = lambertWm1(x);
    assert.ok(w <= -1);
    assertClose(w * Math.exp(w), x, 1e-14);
  }
  assert.throws(() => lambertW0(-1), /x=-1/);
});

Deno.test("storageBound() names bad arguments", () => {
  assert.throws(() => storageBound({ beta: -1, K: 1, d: 5, p: 0.1 }), /beta=-1/);
  assert.throws(() => storageBound({ beta: 1, K: 1, d: 1.5, p: 0.1 }), /d=1.5/);
  assert.throws(() => storageBound({ beta: 1, K: 1, d: 5, p: 2 }), /p=2/);
});

Deno.test("separation is ½ min distance² for equal norms, and the simplex has Δ = N/(N−1)", () => {
  const X = equidistant(5);
  for (const d of separation(X)) assertClose(d, 5 / 4, 1e-12);
  assert.deepEqual(Array.from(separation(fromRows([[2, 0], [0, 1]]))), [4, 1]);
  assertClose(spread(X), 1, 1e-12);
});

Deno.test("a well-separated pattern has a fixed point within Theorem 5's distance", () => {
  const X = equidistant(4, { radius: 3 });
  const beta = 2;
  assert.ok(isWellSeparated(X, { beta }).every(Boolean));
  assert.ok(wellSeparatedThreshold({ beta, n: 4, maxNorm: 3 }) <= separation(X)[0]);
  const r = retrieve(X, fromRows([Array.from(X.data.subarray(0, 3))]), { beta, maxSteps: 1000, eps: 1e-15 });
  let dist = 0;
  for (let k = 0; k < 3; k++) dist += (r.states.data[k] - X.data[k]) ** 2;
  assert.ok(
    Math.sqrt(dist) <= fixedPointErrorBound({ beta, n: 4, separation: separation(X)[0], maxNorm: 3 }),
  );
});
