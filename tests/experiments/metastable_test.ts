import assert from "node:assert/strict";
import { blasBackend, cpuBackend } from "../../lib/backend/mod.ts";
import {
  metastableCsv,
  metastableSizes,
  metastableTable,
  sizeDistribution,
  SUPPORT_BINS,
} from "../../lib/experiments/mod.ts";
import { sizeAbove } from "../../lib/hopfield/fixed_points.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { gaussianFeatureMap } from "../../lib/kernel/feature_map.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { createPrng } from "../../lib/linalg/prng.ts";

Deno.test("metastable sizes are the supports of retrieve()'s last probabilities, in blocks of queries, on any backend", async () => {
  const prng = createPrng(60), X = sphere(40, 6, { prng }), Q = sphere(300, 6, { prng }); // 300 > one block
  for (const map of ["softmax", "sparsemax", "entmax15"] as const) {
    const r = retrieve(X, Q, { beta: 4, map, maxSteps: 5, eps: 0, trajectory: false });
    const threshold = map === "softmax" ? 0.01 : 0;
    const want = Array.from(
      { length: Q.rows },
      (_, q) => sizeAbove(r.probabilities.data.subarray(q * 40, (q + 1) * 40), threshold),
    );
    for (const backend of [cpuBackend, blasBackend("f64")!]) {
      const got = await metastableSizes(X, Q, { map, beta: 4, steps: 5, backend });
      assert.deepEqual(Array.from(got), want, `${map} on ${backend.description}`);
    }
  }
});

Deno.test("metastable table: every column sums to 1, with and without a feature map; the CSV has one row per bin", async () => {
  const prng = createPrng(61), X = sphere(30, 5, { prng }), Q = sphere(20, 5, { prng });
  const featureMap = gaussianFeatureMap(5, 3, { prng, requireFullRank: false });
  const t = await metastableTable(X, Q, {
    maps: ["softmax", "sparsemax"],
    beta: 2,
    steps: 5,
    backend: cpuBackend,
    featureMap,
  });
  assert.deepEqual(t.map((c) => [c.map, c.uhopPlus]), [["softmax", false], ["softmax", true], [
    "sparsemax",
    false,
  ], ["sparsemax", true]]);
  for (const c of t) assert.ok(Math.abs(c.fractions.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const csv = metastableCsv(t).trim().split("\n");
  assert.equal(csv.length, 1 + SUPPORT_BINS.length);
  assert.equal(csv[0], "size,softmax,softmax + U-Hop+,sparsemax,sparsemax + U-Hop+");
  assert.throws(() => sizeDistribution([]), /no sizes/);
  assert.throws(() => sizeDistribution([1, -1]), /sizes\[1\]=-1/);
});
