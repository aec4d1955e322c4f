import { cpuBackend } from "../../lib/backend/cpu.ts";
import assert from "node:assert/strict";
import { type CapacityProtocol, capacitySearch, retrievalEstimate } from "../../lib/experiments/capacity.ts";
import { rateEstimate, wilsonInterval } from "../../lib/experiments/rate_estimate.ts";
import { thresholdSearch } from "../../lib/experiments/threshold_search.ts";
import { createPrng } from "../../lib/linalg/prng.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("thresholdSearch() finds a known crossing of a noisy success curve and brackets it with its interval", async () => {
  // A smooth curve through 0.9 at N* = 300, sampled with binomial noise (seeded), 400 samples per N.
  const curve = (n: number) => 1 / (1 + Math.exp((n - 300) / 40) / 9); // = 0.9 at n = 300
  const widths: Record<number, number[]> = { 1: [], 8: [] };
  for (const seed of [1, 2, 3, 4]) {
    for (const maxEffort of [1, 8]) {
      const prng = createPrng(seed);
      const estimate = (n: number, effort: number) => {
        let k = 0;
        for (let s = 0; s < 400 * effort; s++) if (prng.next() < curve(n)) k++;
        return Promise.resolve(rateEstimate(n, k, 400 * effort));
      };
      const r = await thresholdSearch(estimate, 0.9, { nMax: 100000, maxEffort });
      assert.ok(r.low <= r.capacity && r.capacity <= r.high, `${r.low} ≤ ${r.capacity} ≤ ${r.high}`);
      assert.ok(r.low <= 300 && 300 <= r.high + 1, `the true crossing 300 lies in [${r.low}, ${r.high}]`);
      assert.ok(r.monotone && !r.censored);
      // The bracket's ends are sure: the interval of the rate at low lies above 0.9, at high + 1 below it.
      const at = (n: number) => r.evaluations.find((e) => e.n === n)!;
      assert.ok(at(r.low).low >= 0.9 && at(r.high + 1).high < 0.9);
      widths[maxEffort].push(r.high / r.low);
    }
  }
  // Refining the ends tightens the bracket to within the ladder's spacing (×0.8 below, ×1.25 above).
  for (const w of widths[8]) assert.ok(w < 1.25 * 1.25, `high / low = ${w}`);
  assert.ok(widths[8].every((w, i) => w <= widths[1][i]), JSON.stringify(widths));
  assert.ok(widths[8].some((w, i) => w < widths[1][i] / 1.2), JSON.stringify(widths));
  // A curve that rises again above its first failure is flagged, not trusted blindly.
  const bumpy = (n: number) =>
    Promise.resolve(rateEstimate(n, n <= 20 || (n >= 38 && n <= 48) ? 400 : 0, 400));
  assert.equal((await thresholdSearch(bumpy, 0.9, { nMax: 1000 })).monotone, false);
  await assert.rejects(() => thresholdSearch(bumpy, 0.9, { nMin: 0, nMax: 10 }), /nMin=0/);
  await assert.rejects(() => thresholdSearch(bumpy, 1.5, { nMax: 10 }), /threshold=1.5/);
  await assert.rejects(() => thresholdSearch(bumpy, 0.9, { nMax: 10, maxEffort: 3 }), /maxEffort=3/);
});

Deno.test("wilsonInterval() matches the closed form and stays in [0, 1]", () => {
  const { low, high } = wilsonInterval(45, 50);
  assert.ok(Math.abs(low - 0.7864) < 1e-4 && Math.abs(high - 0.9565) < 1e-4, `${low} ${high}`);
  assert.deepEqual([wilsonInterval(0, 10).low, wilsonInterval(10, 10).high], [0, 1]);
  assert.throws(() => wilsonInterval(11, 10), /successes=11/);
});

Deno.test("capacitySearch() recovers a closed-form capacity: one update of the modern network on orthogonal patterns", async () => {
  // N mutually orthogonal ±1 rows (norm √d); one update from x₁ gives p₁ = e^{βd}/(e^{βd} + N − 1), and
  // ‖ξ − x₁‖ / ‖x₁‖ = (1 − p₁)·√(N/(N−1)). The capacity is the largest N whose error is ≤ eps.
  const d = 16, beta = 0.2, eps = 0.3;
  const err = (n: number) => n === 1 ? 0 : ((n - 1) / (Math.exp(beta * d) + n - 1)) * Math.sqrt(n / (n - 1));
  let expected = 0;
  for (let n = 1; n <= d; n++) if (err(n) <= eps) expected = n;
  assert.equal(expected, 10);
  const protocol: CapacityProtocol = {
    model: { kind: "modern", beta },
    distribution: "hadamard",
    d,
    corruption: { kind: "none" },
    criterion: { kind: "relative", eps },
    maxSteps: 1,
    seed: 1,
    backend: cpuBackend,
  };
  const r = await capacitySearch(protocol, { nMax: d });
  assert.equal(r.capacity, expected);
  assert.equal(r.censored, false);
  assert.deepEqual(r.evaluations.map((e) => e.rate).filter((x) => x !== 0 && x !== 1), []);
  assert.deepEqual([r.low, r.high, r.monotone], [expected, expected, true]); // an exact curve: a sharp answer
});

Deno.test("retrievalEstimate() measures Theorem 3's event: every pattern a fixed point near it, reached from its sphere", async () => {
  // Orthogonal ±1 rows, norm M = 4: at β = 1 the separation βΔ = 16 leaves each fixed point e^{-16}-close to its
  // pattern, so every set is stored; at β = 0.01 the one fixed point is near the mean of the patterns, none stored.
  const p = (beta: number): CapacityProtocol => ({
    model: { kind: "modern", beta },
    distribution: "hadamard",
    d: 16,
    corruption: { kind: "none" },
    criterion: { kind: "stored", probes: 3 },
    samples: 5,
    seed: 4,
    backend: cpuBackend,
  });
  const stored = await retrievalEstimate(p(1), 8);
  assert.deepEqual([stored.rate, stored.samples], [1, 5]); // a sample is a pattern set
  assert.equal((await retrievalEstimate(p(0.01), 8)).rate, 0);
  await assert.rejects(
    () => retrievalEstimate({ ...p(1), model: { kind: "classical" } }, 8),
    /stored criterion is Theorem 3's.*model=classical/,
  );
  await assert.rejects(
    () => retrievalEstimate({ ...p(1), criterion: { kind: "stored", probes: 0 } }, 8),
    /probes=0/,
  );
  await assert.rejects(
    () => retrievalEstimate({ ...p(1), backend: { ...cpuBackend, precision: "f32" } }, 8),
    /below f32 resolution.*precision=f32/,
  );
});

Deno.test("the capacity protocol is deterministic and rejects inconsistent settings", async () => {
  const p: CapacityProtocol = {
    model: { kind: "classical" },
    distribution: "bipolar",
    d: 40,
    corruption: { kind: "flip", fraction: 0.1 },
    criterion: { kind: "bits", fraction: 0.02 },
    seed: 9,
  };
  // The rate at N depends only on (seed, N, trial), not on which N were evaluated before or in what order.
  const ns = [4, 6, 8, 10, 12];
  const forward: number[] = [];
  for (const n of ns) forward.push((await retrievalEstimate({ ...p, trials: 3 }, n)).rate);
  const backward: number[] = [];
  for (const n of [...ns].reverse()) backward.unshift((await retrievalEstimate({ ...p, trials: 3 }, n)).rate);
  assert.deepEqual(backward, forward);
  assert.ok(forward.some((r) => r > 0 && r < 1), `some rate strictly between 0 and 1: ${forward}`);
  // and a different seed draws different pattern sets, so the rates near capacity move
  const other: number[] = [];
  for (const n of ns) other.push((await retrievalEstimate({ ...p, trials: 3, seed: 10 }, n)).rate);
  assert.notDeepEqual(other, forward);
  // A refined rate in the search is the rate of the larger sample, as if measured at once.
  const search = await capacitySearch({ ...p, trials: 2 }, { nMax: 64, maxEffort: 4 });
  for (const e of search.evaluations) {
    const effort = e.samples / (await retrievalEstimate({ ...p, trials: 2 }, e.n)).samples;
    assert.deepEqual(await retrievalEstimate({ ...p, trials: 2 }, e.n, effort), e);
  }
  assert.ok(search.evaluations.some((e) => e.samples > 2 * Math.min(e.n, 50)), "some rate was refined");
  await assert.rejects(() => retrievalEstimate({ ...p, distribution: "sphere" }, 3), /distribution=sphere/);
  await assert.rejects(
    () => retrievalEstimate({ ...p, model: { kind: "modern", beta: 1 }, distribution: "sphere" }, 3),
    /criterion bits needs ±1 patterns/,
  );
  await assert.rejects(() => retrievalEstimate({ ...p, distribution: "mnist" }, 3), /d=40/);
  await assert.rejects(() => retrievalEstimate({ ...p, successProbability: 0 }, 3), /successProbability=0/);
  await assert.rejects(() => retrievalEstimate(p, 0), /N=0/);
});
