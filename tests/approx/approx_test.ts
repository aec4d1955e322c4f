// Low-rank retrieval (Hu et al. 2024, computational limits): Taylor and random features, the retrieval mode.
import assert from "node:assert/strict";
import {
  aggarwalAlmanDegree,
  approximationOf,
  drawRandomFeatures,
  lowRankAttention,
  lowRankMemory,
  normBoundary,
  predictedCost,
  randomFeatures,
  randomFeatureVariance,
  taylorDegree,
  taylorErrorBound,
  taylorFeatures,
  taylorRank,
} from "../../lib/approx/mod.ts";
import { boundedEntries } from "../../lib/approx/bench.ts";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import { retrieveOn } from "../../lib/backend/retrieve.ts";
import { selectBackend } from "../../lib/backend/select.ts";
import { fromRows } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { assertClose } from "../helpers.ts";

Deno.test("Taylor features: rank C(d+g, g), and ⟨U(q), U(k)⟩ = exp(⟨q, k⟩) within the predicted error", () => {
  assert.equal(taylorRank(2, 2), 6);
  assert.equal(taylorRank(3, 16), 969);
  for (const [d, B] of [[4, 0.6], [8, 0.4], [16, 0.3]] as const) {
    const Q = boundedEntries(20, d, B, d), K = boundedEntries(30, d, B, d + 100);
    for (let g = 1; g <= 6; g++) {
      const UQ = taylorFeatures(Q, g), UK = taylorFeatures(K, g), r = UQ.cols;
      assert.equal(r, taylorRank(g, d));
      let R = 0, worst = 0;
      for (let i = 0; i < 20; i++) {
        for (let j = 0; j < 30; j++) {
          let x = 0, u = 0;
          for (let a = 0; a < d; a++) x += Q.data[i * d + a] * K.data[j * d + a];
          for (let k = 0; k < r; k++) u += UQ.data[i * r + k] * UK.data[j * r + k];
          R = Math.max(R, Math.abs(x));
          worst = Math.max(worst, Math.abs(u - Math.exp(x)) / Math.exp(x));
        }
      }
      const bound = taylorErrorBound(g, R);
      assert.ok(worst <= bound, `d = ${d}, g = ${g}: error ${worst} above the bound ${bound}`);
      // The bound is not vacuous: the largest inner product sits at a fair fraction of it.
      if (g <= 3) assert.ok(worst > bound / 200, `d = ${d}, g = ${g}: error ${worst} far below ${bound}`);
    }
  }
  assert.equal(taylorDegree(1e-2, 0.25), 2);
  assert.ok(taylorErrorBound(taylorDegree(1e-8, 2), 2) <= 1e-8);
  assert.throws(() => taylorFeatures(fromRows([[1]]), 2.5), /degree=2.5/);
  assert.throws(() => taylorDegree(0, 1), /eps=0/);
});

Deno.test("low-rank retrieval converges to exact retrieval as the degree grows (multi-step, cpu f64)", async () => {
  const X = boundedEntries(40, 6, 0.5, 1), Q = boundedEntries(10, 6, 0.5, 2);
  const options = { beta: 2, maxSteps: 3, eps: 0, trajectory: false, backend: cpuBackend };
  const exact = await retrieveOn(X, Q, options);
  const errors: number[] = [];
  for (const degree of [2, 4, 6, 8, 10]) {
    const r = await retrieveOn(X, Q, { ...options, method: "polynomial", degree });
    assert.equal(r.rank, taylorRank(degree, 6));
    let e = 0;
    r.states.data.forEach((v, k) => e = Math.max(e, Math.abs(v - exact.states.data[k])));
    errors.push(e);
    let p = 0;
    for (let j = 0; j < 40; j++) p += r.probabilities.data[j];
    assertClose(p, 1, 1e-12, `degree ${degree}: probabilities sum`);
  }
  for (let i = 1; i < errors.length; i++) assert.ok(errors[i] < errors[i - 1], `errors ${errors}`);
  assert.ok(errors.at(-1)! < 1e-7, `degree 10: ${errors.at(-1)}`);
  assert.ok(errors[0] > 1e-4, `degree 2 is an approximation: ${errors[0]}`);
});

Deno.test("positive random features are unbiased within their stated variance", () => {
  const q = [0.4, -0.3, 0.2], k = [0.1, 0.5, -0.2], R = 16, seeds = 400;
  const truth = Math.exp(q[0] * k[0] + q[1] * k[1] + q[2] * k[2]);
  let sum = 0, sq = 0;
  for (let s = 0; s < seeds; s++) {
    const U = randomFeatures(fromRows([q, k]), drawRandomFeatures(3, R, createPrng(s)));
    let est = 0;
    for (let i = 0; i < R; i++) est += U.data[i] * U.data[R + i];
    sum += est, sq += est * est;
  }
  const mean = sum / seeds, sampleVar = sq / seeds - mean * mean, variance = randomFeatureVariance(q, k, R);
  assert.ok(Math.abs(mean - truth) < 4 * Math.sqrt(variance / seeds), `mean ${mean}, truth ${truth}`);
  assert.ok(
    sampleVar > variance / 2 && sampleVar < variance * 2,
    `variance ${sampleVar} against ${variance}`,
  );
});

Deno.test("random-feature retrieval: close to exact with many features, the same on every backend", async () => {
  const X = boundedEntries(200, 8, 0.3, 3), Q = boundedEntries(20, 8, 0.3, 4);
  const options = { beta: 1, maxSteps: 1, trajectory: false };
  const exact = await retrieveOn(X, Q, { ...options, backend: cpuBackend });
  const blas = await selectBackend("blas");
  let prev: Float64Array | null = null;
  for (const backend of [cpuBackend, blas]) {
    const r = await retrieveOn(X, Q, {
      ...options,
      backend,
      method: "random-features",
      features: 4096,
      seed: 7,
    });
    assert.equal(r.rank, 4096);
    let e = 0;
    r.states.data.forEach((v, k) => e = Math.max(e, Math.abs(v - exact.states.data[k])));
    assert.ok(e < 0.02, `${backend.name}: error ${e}`);
    if (prev) r.states.data.forEach((v, k) => assertClose(v, prev![k], 1e-4, `${backend.name} state ${k}`));
    prev = r.states.data as Float64Array;
  }
});

Deno.test("the retrieval method: flags of another method, maps other than softmax, odd degrees that go negative", async () => {
  const X = fromRows([[1, 0], [0, 1]]), Q = fromRows([[0.5, 0.2]]);
  const run = (o: Record<string, unknown>) => retrieveOn(X, Q, { beta: 1, backend: cpuBackend, ...o });
  await assert.rejects(
    () => run({ degree: 2 }),
    /degree applies to method polynomial: method=exact, degree=2/,
  );
  await assert.rejects(
    () => run({ method: "polynomial", degree: 2, seed: 1 }),
    /seed applies to method random-features/,
  );
  await assert.rejects(() => run({ method: "polynomial" }), /needs a degree.*degree=undefined/);
  await assert.rejects(() => run({ method: "random-features" }), /features=undefined/);
  await assert.rejects(() => run({ method: "chebyshev" }), /method=chebyshev/);
  await assert.rejects(
    () => run({ method: "polynomial", degree: 2, map: "sparsemax" }),
    /map must be softmax: map=sparsemax/,
  );
  // exp(−3) ≈ 1 − 3 < 0 at degree 1: the normaliser goes negative and the error says why.
  const far = fromRows([[-3, 0], [-3, 0.1]]);
  await assert.rejects(
    () =>
      retrieveOn(far, fromRows([[1, 0]]), { beta: 1, backend: cpuBackend, method: "polynomial", degree: 1 }),
    /query 0 has normaliser.*use an even degree/,
  );
  assert.deepEqual(approximationOf({ method: "random-features", features: 8 }), {
    method: "random-features",
    features: 8,
    seed: 0,
  });
});

Deno.test("low-rank attention never needs the L × M matrix: the summary is r × (d_v + 1)", async () => {
  const K = boundedEntries(5000, 4, 0.5, 5);
  const mem = await lowRankMemory(K, K, { method: "polynomial", degree: 2 }, 1, cpuBackend);
  assert.deepEqual([mem.summary.rows, mem.summary.cols], [15, 5]);
  const z = await lowRankAttention(mem, boundedEntries(3, 4, 0.5, 6), cpuBackend);
  assert.equal(z.probabilities, undefined);
  assert.deepEqual([z.states.rows, z.states.cols], [3, 4]);
});

Deno.test("the theory as functions: B*(τ), Aggarwal–Alman's degree, predicted costs", () => {
  assertClose(normBoundary(65536), Math.sqrt(Math.log(65536)), 1e-15);
  assertClose(normBoundary(65536, { constant: 0.5 }), 0.5 * Math.sqrt(Math.log(65536)), 1e-15);
  assert.throws(() => normBoundary(1), /tau=1/);
  assert.equal(aggarwalAlmanDegree(0.1, 3), 9); // ln 10 < e·3: B² alone
  const c = predictedCost({ L: 65536, M: 65536, d: 16, rank: 153 });
  assertClose(c.exact, 2 * 65536 * 65536 * 32, 0);
  assert.ok(c.exact / c.lowRank > 100);
});
