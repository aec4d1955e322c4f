import assert from "node:assert/strict";
import { identityFeatureMap, separateMemories, separationLoss } from "../../lib/kernel/mod.ts";
import { blasBackend } from "../../lib/backend/mod.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { matrix } from "../../lib/linalg/matrix.ts";
import { matrixRank } from "../../lib/linalg/rank.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { assertClose } from "../helpers.ts";

/** Memories crowded into a cone: 30 unit vectors within about 25° of one axis in R^5. */
function crowded(seed: number) {
  const prng = createPrng(seed), X = sphere(30, 5, { radius: 0.4, prng });
  for (let i = 0; i < 30; i++) X.data[i * 5] += 1;
  return X;
}

Deno.test("Stage I raises Δ_min of the normalised features, for both losses, full batch and minibatches, SGD and Adam", async () => {
  const X = crowded(1);
  for (
    const options of [
      { loss: "average" as const, epochs: 10 },
      { loss: "max" as const, epochs: 40, lr: 0.5 },
      { loss: "average" as const, epochs: 10, batchSize: 8 },
      { loss: "average" as const, epochs: 40, optimiser: "adam" as const, lr: 0.05 },
    ]
  ) {
    const r = await separateMemories(X, { prng: createPrng(2), ...options });
    const what = JSON.stringify(options);
    assert.equal(r.loss.length, options.epochs + 1, what);
    assert.equal(r.deltaMin.length, options.epochs + 1, what);
    assert.ok(
      r.deltaMin.at(-1)! > 2 * r.deltaMin[0],
      `${what}: Δ_min ${r.deltaMin[0]} → ${r.deltaMin.at(-1)}`,
    );
    assert.ok(r.loss.at(-1)! < r.loss[0], `${what}: loss ${r.loss[0]} → ${r.loss.at(-1)}`);
    // The history's last entry is the returned map's own loss.
    assertClose((await separationLoss(r.map, X, { loss: options.loss })).loss, r.loss.at(-1)!, 1e-12, what);
  }
});

Deno.test("Stage I on memories sharing a direction shrinks W along it until W is singular, and says so", async () => {
  // σ_min of W falls about a thousandfold every 10 epochs here (the memories all lie near e₁).
  const X = crowded(1);
  const short = await separateMemories(X, { prng: createPrng(2), epochs: 20, loss: "average" });
  assert.ok(matrixRank(short.map.weights) === 5);
  await assert.rejects(
    () => separateMemories(X, { prng: createPrng(2), epochs: 60, loss: "average" }),
    /after 60 epochs W is numerically singular.*have rank 4/s,
  );
});

Deno.test("Stage I: the same seed gives the same map; the backend changes only rounding", async () => {
  const X = crowded(3);
  const a = await separateMemories(X, { prng: createPrng(4), epochs: 5 });
  const b = await separateMemories(X, { prng: createPrng(4), epochs: 5 });
  assert.deepEqual(a, b);
  const c = await separateMemories(X, { prng: createPrng(4), epochs: 5, backend: blasBackend("f64")! });
  c.loss.forEach((v, i) => assertClose(v, a.loss[i], 1e-9, `loss ${i}`));
});

Deno.test("Stage I reports every optimiser step: epochs × batches per epoch", async () => {
  const seen: string[] = [];
  await separateMemories(crowded(9), {
    prng: createPrng(1),
    epochs: 2,
    batchSize: 8, // 30 memories: batches of 8, 8, 8, 6
    onStep: ({ epoch, step, steps }) => seen.push(`${epoch}:${step}/${steps}`),
  });
  assert.deepEqual(seen, ["1:1/8", "1:2/8", "1:3/8", "1:4/8", "2:5/8", "2:6/8", "2:7/8", "2:8/8"]);
});

Deno.test("Stage I options: first-half training, a bias, init; contradictions and bad values are named", async () => {
  const X = crowded(5);
  const half = await separateMemories(X, {
    prng: createPrng(6),
    epochs: 3,
    trainOn: "first-half",
    bias: true,
  });
  assert.ok(half.map.bias);
  assertClose(
    (await separationLoss(half.map, matrixRows(X, 15), { loss: "max" })).loss,
    half.loss[3],
    1e-12,
    "trained on 15",
  );
  const start = identityFeatureMap(5);
  const fromInit = await separateMemories(X, { prng: createPrng(6), epochs: 0, init: start });
  assert.deepEqual(fromInit.map, start);
  const prng = createPrng(7);
  await assert.rejects(() => separateMemories(X, { prng, epochs: -1 }), /epochs=-1/);
  await assert.rejects(() => separateMemories(X, { prng, batchSize: 1 }), /batchSize=1/);
  await assert.rejects(
    () => separateMemories(X, { prng, init: start, bias: true }),
    /bias=true contradicts init/,
  );
  await assert.rejects(() => separateMemories(X, { prng, init: start, featureDim: 9 }), /featureDim=9/);
  // @ts-expect-error: unknown optimiser
  await assert.rejects(() => separateMemories(X, { prng, optimiser: "lbfgs" }), /optimiser=lbfgs/);
  // @ts-expect-error: unknown subset
  await assert.rejects(() => separateMemories(X, { prng, trainOn: "odd" }), /trainOn=odd/);
  await assert.rejects(
    () => separateMemories(matrix(3, 2), { prng, trainOn: "first-half" }),
    /first-half of M=3/,
  );
});

function matrixRows(X: ReturnType<typeof crowded>, n: number) {
  return { rows: n, cols: X.cols, data: X.data.slice(0, n * X.cols) };
}
