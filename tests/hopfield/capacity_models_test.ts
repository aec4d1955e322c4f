import assert from "node:assert/strict";
import fc from "fast-check";
import {
  classicalEnergy,
  classicalRetrieve,
  classicalUpdate,
  hebbianRetrieve,
  hebbianWeights,
} from "../../lib/hopfield/classical.ts";
import { denseEnergy, denseRetrieve, denseUpdate, type Interaction } from "../../lib/hopfield/dense.ts";
import { bipolar } from "../../lib/data/synthetic.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { row } from "../../lib/linalg/matrix.ts";
import { assertClose } from "../helpers.ts";

const seeds = fc.integer({ min: 1, max: 1_000_000 });

Deno.test("classical: the asynchronous update never increases E = −½ sᵀWs", () => {
  fc.assert(
    fc.property(seeds, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 5, max: 60 }), (seed, n, d) => {
      const prng = createPrng(seed);
      const W = hebbianWeights(bipolar(n, d, { prng }));
      const s = Float64Array.from(row(bipolar(1, d, { prng }), 0));
      let e = classicalEnergy(W, s);
      for (let sweep = 0; sweep < 5; sweep++) {
        classicalUpdate(W, s, { prng });
        const next = classicalEnergy(W, s);
        assert.ok(next <= e + 1e-12, `energy rose from ${e} to ${next}`);
        e = next;
      }
    }),
    { numRuns: 60, seed: 11 },
  );
});

Deno.test("classical: one stored pattern is a fixed point and attracts a query with 20% flipped bits (sync and async)", () => {
  const prng = createPrng(3);
  const X = bipolar(1, 50, { prng }), W = hebbianWeights(X);
  const q = Float64Array.from(row(X, 0)).map((v, i) => (i % 5 === 0 ? -v : v));
  for (const mode of ["sync", "async"] as const) {
    const r = classicalRetrieve(W, q, { mode, prng });
    assert.ok(r.converged);
    assert.deepEqual(Array.from(r.state), Array.from(row(X, 0)), mode);
  }
  assert.throws(
    () => hebbianWeights({ rows: 1, cols: 2, data: new Float64Array([1, 0.5]) }),
    /patterns\[1\]=0.5/,
  );
});

Deno.test("classical: retrieval from the overlaps takes the same path as retrieval through W (d = 64, exact in f64)", () => {
  // With d a power of two every entry of W and every field is exact in f64, so both forms must agree bit for bit,
  // ties (zero fields) included.
  fc.assert(
    fc.property(seeds, fc.integer({ min: 1, max: 40 }), fc.constantFrom("sync", "async"), (seed, n, mode) => {
      const d = 64, X = bipolar(n, d, { prng: createPrng(seed) }), W = hebbianWeights(X);
      const q = Float64Array.from(row(X, 0)).map((v, i) => (i % 4 === 0 ? -v : v));
      const viaW = classicalRetrieve(W, q, { mode, prng: createPrng(seed + 1), maxSweeps: 20 });
      const viaOverlaps = hebbianRetrieve(X, q, { mode, prng: createPrng(seed + 1), maxSweeps: 20 });
      assert.deepEqual(viaOverlaps, viaW);
    }),
    { numRuns: 80, seed: 12 },
  );
  assert.throws(() => hebbianRetrieve(bipolar(2, 4, { prng: createPrng(1) }), [1, 1, 1]), /query=3, d=4/);
});

const interactions: Interaction[] = [
  { kind: "power", n: 2 },
  { kind: "power", n: 3 },
  { kind: "power", n: 4 },
  { kind: "exp" },
];

Deno.test("dense: every interaction's energy never increases under its update", () => {
  for (const f of interactions) {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 4, max: 40 }), (seed, n, d) => {
        const prng = createPrng(seed);
        const X = bipolar(n, d, { prng });
        const s = Float64Array.from(row(bipolar(1, d, { prng }), 0));
        let e = denseEnergy(X, s, f);
        for (let sweep = 0; sweep < 4; sweep++) {
          denseUpdate(X, s, f, { prng });
          const next = denseEnergy(X, s, f);
          assert.ok(next <= e + 1e-9 * Math.abs(e), `${JSON.stringify(f)}: energy rose from ${e} to ${next}`);
          e = next;
        }
      }),
      { numRuns: 30, seed: 12 },
    );
  }
});

Deno.test("dense with F = x² is the classical network: E = 2d·E_classical − N·d", () => {
  const prng = createPrng(4);
  const X = bipolar(7, 20, { prng }), W = hebbianWeights(X);
  const s = row(bipolar(1, 20, { prng }), 0);
  assertClose(denseEnergy(X, s, { kind: "power", n: 2 }), 2 * 20 * classicalEnergy(W, s) - 7 * 20, 1e-9);
});

Deno.test("dense exp: retrieval stays exact where e^{xᵀs} overflows (d = 1000)", () => {
  const prng = createPrng(5);
  const X = bipolar(20, 1000, { prng });
  const q = Float64Array.from(row(X, 3)).map((v, i) => (i % 4 === 0 ? -v : v)); // 25% flipped
  const r = denseRetrieve(X, q, { kind: "exp" }, { prng });
  assert.deepEqual(Array.from(r.state), Array.from(row(X, 3)));
  assert.throws(() => denseEnergy(X, q, { kind: "power", n: 1 }), /n=1/);
});
