// Public functions check their inputs the way retrieve() does: NaN or ill-shaped input is a RangeError naming
// the entry, never a NaN result.
import assert from "node:assert/strict";
import * as hop from "../../lib/mod.ts";

Deno.test("public functions refuse a NaN entry with the entry named, instead of returning NaN", () => {
  const bad = hop.fromRows([[1, 0], [0, NaN]]), good = hop.fromRows([[1, 0], [0, 1]]);
  const prng = hop.createPrng(1);
  const calls: [string, () => unknown][] = [
    ["separation", () => hop.separation(bad)],
    ["meanSeparation", () => hop.meanSeparation(bad)],
    ["globalThreshold", () => hop.globalThreshold(bad)],
    ["normalisedDivergence", () => hop.normalisedDivergence(good, bad)],
    ["distinctStates", () => hop.distinctStates(bad, 1e-3)],
    ["unitRows", () => hop.unitRows(bad)],
    ["matmul", () => hop.matmul(bad, good)],
    ["matmulT", () => hop.matmulT(good, bad)],
    ["gaussianNoise", () => hop.gaussianNoise(bad, { sigma: 1, prng })],
    ["maskRandom", () => hop.maskRandom(bad, { fraction: 0.5, prng })],
    ["maskHalf", () => hop.maskHalf(bad, { height: 1, width: 2 })],
    ["dropout", () => hop.dropout(bad, { rate: 0.5, prng })],
    ["energy", () => hop.energy(bad, [1, 0], { beta: 1 })],
    ["retrieve", () => hop.retrieve(bad, good, { beta: 1 })],
  ];
  for (const [name, call] of calls) {
    assert.throws(call, (e: Error) => e instanceof RangeError && /\[1\]\[1\]=NaN/.test(e.message), name);
  }
  const vectors: [string, () => unknown][] = [
    ["sizeAbove", () => hop.sizeAbove([0.5, NaN])],
    ["sizeForMass", () => hop.sizeForMass([0.5, NaN])],
    ["tsallisEntropy", () => hop.tsallisEntropy([0.5, NaN], 2)],
    ["logSumExp", () => hop.logSumExp([1, NaN])],
    ["separate", () => hop.separate([1, NaN])],
  ];
  for (const [name, call] of vectors) assert.throws(call, /\[1\]=NaN/, name);
  assert.throws(() => hop.reducedMap(NaN, 1, 3), /m=NaN/);
  assert.throws(() => hop.reducedMap(0.5, -1, 3), /K=-1/);
  const W = hop.hebbianWeights(hop.bipolar(2, 4, { prng }));
  assert.throws(() => hop.classicalRetrieve(W, [1, NaN, 1, 1]), /query\[1\]=NaN/);
  assert.throws(
    () => hop.checkMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }, "X", "go"),
    /length=3/,
  );
});
