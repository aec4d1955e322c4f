import assert from "node:assert/strict";
import {
  bipolar,
  dropout,
  equidistant,
  flipSigns,
  gaussianNoise,
  loadMnist,
  maskHalf,
  maskRandom,
  parseIdx,
  sphere,
} from "../../lib/data/mod.ts";
import { dot, fromRows, norm, row } from "../../lib/linalg/matrix.ts";
import { createPrng, sampleIndices } from "../../lib/linalg/prng.ts";
import { assertClose } from "../helpers.ts";

Deno.test("MNIST loads 60000 + 10000 digits in [0, 1] with the known first labels", () => {
  const train = loadMnist({ split: "train", count: 3 });
  assert.deepEqual(Array.from(train.labels), [5, 0, 4]);
  assert.ok(train.images.data.every((v) => v >= 0 && v <= 1));
  const last = loadMnist({ split: "test", offset: 9999, count: 1 });
  assert.equal(last.images.rows, 1);
  assert.throws(() => loadMnist({ split: "test", offset: 9999, count: 2 }), /offset\+count ≤ 10000/);
});

Deno.test("MNIST reports a missing folder and corrupt files clearly", () => {
  Deno.env.set("HOPFIELD_MNIST_DIR", "/nonexistent");
  try {
    assert.throws(() => loadMnist({ count: 1 }), /missing.*deno install/);
  } finally {
    Deno.env.delete("HOPFIELD_MNIST_DIR");
  }
  assert.throws(
    () => parseIdx(new Uint8Array([0, 0, 9, 1, 0, 0, 0, 1, 0]), [1], "x"),
    /bad magic number: 00000901/,
  );
  assert.throws(
    () => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 0]), [3], "x"),
    /expected 11 bytes, found 9/,
  );
  assert.throws(
    () => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 0, 0]), [3], "x"),
    /dimension 0 is 2, expected 3/,
  );
});

Deno.test("the same seed gives the same numbers; the generator is roughly uniform and normal", () => {
  const a = createPrng(123), b = createPrng(123);
  const xs = Array.from({ length: 20000 }, () => a.next());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b.next()));
  assertClose(xs.reduce((s, x) => s + x, 0) / xs.length, 0.5, 0.01, "mean of uniform");
  const g = Array.from({ length: 20000 }, () => a.normal());
  assertClose(g.reduce((s, x) => s + x * x, 0) / g.length, 1, 0.03, "variance of normal");
  assert.equal(new Set(sampleIndices(10, 10, a)).size, 10);
  assert.throws(() => createPrng(1.5), /seed=1.5/);
});

Deno.test("synthetic sets have the stated norms, values and cosines", () => {
  const prng = createPrng(1);
  const S = sphere(10, 7, { radius: 3, prng });
  for (let i = 0; i < 10; i++) assertClose(norm(row(S, i)), 3, 1e-12);
  assert.ok(bipolar(4, 9, { prng }).data.every((v) => Math.abs(v) === 1));
  for (const [n, cosine, dim] of [[5, undefined, 4], [4, 0, 6], [6, 0.3, 6], [3, -0.5, 2]] as const) {
    const X = equidistant(n, { cosine, radius: 2, dim });
    const c = cosine ?? -1 / (n - 1);
    assert.equal(X.cols, dim);
    for (let i = 0; i < n; i++) {
      assertClose(norm(row(X, i)), 2, 1e-12);
      for (let j = 0; j < i; j++) assertClose(dot(row(X, i), row(X, j)) / 4, c, 1e-12);
    }
  }
  assert.throws(() => equidistant(4, { cosine: -0.5 }), /cosine=-0.5/);
  assert.throws(() => equidistant(4, { cosine: 0, dim: 3 }), /dim=3/);
  assert.throws(() => sphere(2, 2, { radius: 0, prng }), /radius=0/);
});

Deno.test("corruptions change what they say and nothing else", () => {
  const prng = createPrng(2);
  const X = fromRows([[1, 2, 3, 4, 5, 6, 7, 8]]);
  assert.equal(maskRandom(X, { fraction: 0.25, prng }).data.filter((v) => v === 0).length, 2);
  assert.deepEqual(Array.from(maskHalf(X, { height: 2, width: 4, side: "right" }).data), [
    1,
    2,
    0,
    0,
    5,
    6,
    0,
    0,
  ]);
  assert.deepEqual(Array.from(X.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  const noisy = gaussianNoise(X, { sigma: 0.1, prng });
  assert.ok(noisy.data.some((v, k) => v !== X.data[k]));
  const ones = fromRows([new Array(10000).fill(1)]);
  assertClose(
    dropout(ones, { rate: 0.3, prng }).data.reduce((a, b) => a + b, 0) / 10000,
    1,
    0.03,
    "dropout keeps the mean",
  );
  assert.equal(
    flipSigns(fromRows([new Array(10).fill(1)]), { fraction: 0.3, prng }).data.filter((v) => v === -1).length,
    3,
  );
  assert.throws(() => dropout(X, { rate: 1, prng }), /rate=1/);
  assert.throws(() => maskHalf(X, { height: 3, width: 3 }), /3\*3 != 8/);
});
