import assert from "node:assert/strict";
import fc from "fast-check";
import { energy, jacobian, retrieve, update } from "../../lib/hopfield/mod.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { distance, fromRows, matrix, maxRowNorm, row } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { lse } from "../../lib/maps/mod.ts";
import { oneStepErrorBound, separation } from "../../lib/theory/separation.ts";
import { assertAllClose, assertClose } from "../helpers.ts";

const X = fromRows([[1, 0.2], [-0.8, 0.6], [0.1, -1], [0.7, 0.8]]);

Deno.test("energy() equals Ramsauer's Eq. 2 with all its constants", () => {
  const beta = 1.7, xi = [0.3, -0.4];
  const M = maxRowNorm(X);
  const scores = [0, 1, 2, 3].map((i) => row(X, i)[0] * xi[0] + row(X, i)[1] * xi[1]);
  const expected = -lse(beta, scores) + 0.5 * (xi[0] ** 2 + xi[1] ** 2) + Math.log(4) / beta + 0.5 * M * M;
  assertClose(energy(X, xi, { beta }), expected, 1e-14);
});

Deno.test("energy() is non-negative and at most 2M² on the patterns' simplex (Lemma A1)", () => {
  const prng = createPrng(11);
  const P = sphere(6, 5, { radius: 2, prng });
  for (let t = 0; t < 200; t++) {
    const w = Array.from({ length: 6 }, () => prng.next()), s = w.reduce((a, b) => a + b, 0);
    const xi = new Float64Array(5);
    w.forEach((wi, i) => row(P, i).forEach((v, k) => (xi[k] += (wi / s) * v)));
    const e = energy(P, xi, { beta: 0.1 + 5 * prng.next() });
    assert.ok(e >= -1e-12 && e <= 2 * 4 + 1e-12, `E=${e}`);
  }
});

Deno.test("energy never increases along a retrieval trajectory, for every map", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.double({ min: 0.05, max: 20, noNaN: true }),
      (seed, beta) => {
        const prng = createPrng(seed);
        const P = sphere(8, 4, { radius: 1.5, prng });
        const Q = sphere(3, 4, { radius: 2, prng });
        for (const map of ["softmax", "sparsemax", "entmax15"] as const) {
          const r = retrieve(P, Q, { beta, map, maxSteps: 40 });
          for (const t of r.trajectories) {
            for (let s = 1; s < t.energy.length; s++) {
              if (t.energy[s] > t.energy[s - 1] + 1e-10) return false;
            }
          }
        }
        return true;
      },
    ),
    { seed: 5, numRuns: 60 },
  );
});

Deno.test("one update from a query near a well-separated pattern lands within Theorem 5's bound", () => {
  const prng = createPrng(7);
  const P = sphere(10, 16, { radius: 3, prng });
  const delta = separation(P), M = maxRowNorm(P);
  for (const beta of [0.5, 1, 2, 4]) {
    for (let i = 0; i < P.rows; i++) {
      const xi = row(P, i);
      const query = Array.from(xi, (v) => v + 0.1 * prng.normal() / 4);
      const fixed = retrieve(P, fromRows([Array.from(xi)]), { beta, maxSteps: 500, eps: 1e-14 });
      const r = Math.max(distance(query, xi), distance(row(fixed.states, 0), xi));
      const err = distance(update(P, query, { beta }).state, xi);
      assert.ok(err <= oneStepErrorBound({ beta, n: P.rows, separation: delta[i], radius: r, maxNorm: M }));
    }
  }
});

Deno.test("retrieve() with beta = 1e6 returns finite states equal to the best-matching pattern", () => {
  const r = retrieve(X, fromRows([[0.9, 0.1], [0.2, -0.9]]), { beta: 1e6 });
  assert.ok(
    r.states.data.every(Number.isFinite) && r.trajectories.every((t) => t.energy.every(Number.isFinite)),
  );
  assertAllClose(row(r.states, 0), [1, 0.2], 1e-12);
  assertAllClose(row(r.states, 1), [0.1, -1], 1e-12);
});

Deno.test("retrieve() applies exactly maxSteps updates and stops early once ‖Δξ‖ ≤ eps", () => {
  const q = fromRows([[0.2, 0.1]]);
  const one = retrieve(X, q, { beta: 2, maxSteps: 1 });
  assert.equal(one.steps[0], 1);
  assertAllClose(row(one.states, 0), update(X, [0.2, 0.1], { beta: 2 }).state, 0);
  const many = retrieve(X, q, { beta: 2, maxSteps: 1000, eps: 1e-10 });
  assert.ok(many.converged[0] && many.steps[0] < 1000);
  assert.ok(many.trajectories[0].delta.at(-1)! <= 1e-10);
  assert.equal(many.trajectories[0].energy.length, many.steps[0] + 1);
});

Deno.test("retrieve() on seeded data matches its regression values (cross-checked with numpy)", () => {
  const prng = createPrng(2024);
  const P = sphere(5, 3, { radius: 1, prng }), Q = sphere(2, 3, { radius: 1, prng });
  const r = retrieve(P, Q, { beta: 3, eps: 1e-12 });
  // numpy, same patterns, same rule: 52 and 45 steps to (0.00967048, 0.5888723, 0.6265374), a metastable state.
  assert.deepEqual(r.steps, [52, 45]);
  assertAllClose(row(r.states, 0), [0.009670483, 0.5888722975, 0.6265373973], 1e-9);
  assertAllClose(row(r.states, 1), row(r.states, 0), 1e-12);
});

Deno.test("the Jacobian β X(diag p − ppᵀ)Xᵀ matches finite differences, for every map", () => {
  const prng = createPrng(9);
  const P = sphere(6, 4, { radius: 1.2, prng });
  const xi = [0.2, -0.1, 0.3, 0.05], h = 1e-6;
  for (const map of ["softmax", "entmax15", "sparsemax"] as const) {
    const J = jacobian(P, xi, { beta: 2.5, map });
    for (let k = 0; k < 4; k++) {
      const plus = xi.slice(), minus = xi.slice();
      plus[k] += h;
      minus[k] -= h;
      const fp = update(P, plus, { beta: 2.5, map }).state, fm = update(P, minus, { beta: 2.5, map }).state;
      for (let a = 0; a < 4; a++) {
        assertClose(J.data[a * 4 + k], (fp[a] - fm[a]) / (2 * h), 1e-6, `${map} J[${a}][${k}]`);
      }
    }
  }
});

Deno.test("retrieve() rejects NaN patterns, bad beta, bad steps and mismatched dimensions by name", () => {
  const q = fromRows([[0.1, 0.2]]);
  assert.throws(
    () => retrieve(fromRows([[1, NaN]]), q, { beta: 1 }),
    /patterns must be finite: patterns\[0\]\[1\]=NaN/,
  );
  assert.throws(
    () => retrieve(X, q, { beta: -1 }),
    /Cannot retrieve: beta must be a positive finite number: beta=-1/,
  );
  assert.throws(() => retrieve(X, q, { beta: 0 }), /beta=0/);
  assert.throws(
    () => retrieve(X, fromRows([[1, 2, 3]]), { beta: 1 }),
    /query length must equal pattern dimension: query=3, patterns=2/,
  );
  assert.throws(() => retrieve(X, q, { beta: 1, maxSteps: 0 }), /maxSteps=0/);
  assert.throws(() => retrieve(X, q, { beta: 1, eps: -1 }), /eps=-1/);
  assert.throws(() => retrieve(matrix(0, 2), q, { beta: 1 }), /non-empty/);
  assert.throws(() => retrieve(X, fromRows([[Infinity, 0]]), { beta: 1 }), /queries must be finite/);
});

Deno.test("update(), energy() and retrieve() stay exact and finite when β·score overflows (β = 1e300)", () => {
  const X = fromRows([[2e5, 0], [0, 1e5]]), q = [1e5, 1e5]; // scores 2e10 and 1e10
  assert.deepEqual(Array.from(update(X, q, { beta: 1e300 }).state), [2e5, 0]);
  assert.deepEqual(Array.from(update(X, q, { beta: 1e300, map: "entmax15" }).state), [2e5, 0]);
  const e = energy(X, q, { beta: 1e300 });
  assert.ok(Number.isFinite(e), `energy ${e}`);
  const r = retrieve(X, fromRows([q]), { beta: 1e300 });
  assert.ok(r.trajectories[0].energy.every(Number.isFinite));
  assert.deepEqual(Array.from(r.states.data), [2e5, 0]);
});
