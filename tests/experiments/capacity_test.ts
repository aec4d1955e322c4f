import { cpuBackend } from "../../lib/backend/cpu.ts";
import assert from "node:assert/strict";
import {
  type CapacityProtocol,
  capacitySearch,
  largestPassing,
  retrievalRate,
} from "../../lib/experiments/capacity.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("largestPassing() finds a known threshold in O(log n) evaluations", async () => {
  for (const threshold of [1, 2, 37, 511, 512, 999]) {
    let calls = 0;
    const found = await largestPassing((n) => Promise.resolve((calls++, n <= threshold)), 1, 1000);
    assert.equal(found, threshold);
    assert.ok(calls <= 2 * Math.ceil(Math.log2(1000)) + 1, `calls=${calls}`);
  }
  assert.equal(await largestPassing(() => Promise.resolve(false), 3, 10), 2);
  await assert.rejects(() => largestPassing(() => Promise.resolve(true), 0, 10), /lo=0/);
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
  for (const n of ns) forward.push(await retrievalRate({ ...p, trials: 3 }, n));
  const backward: number[] = [];
  for (const n of [...ns].reverse()) backward.unshift(await retrievalRate({ ...p, trials: 3 }, n));
  assert.deepEqual(backward, forward);
  assert.ok(forward.some((r) => r > 0 && r < 1), `some rate strictly between 0 and 1: ${forward}`);
  // and a different seed draws different pattern sets, so the rates near capacity move
  const other: number[] = [];
  for (const n of ns) other.push(await retrievalRate({ ...p, trials: 3, seed: 10 }, n));
  assert.notDeepEqual(other, forward);
  await assert.rejects(() => retrievalRate({ ...p, distribution: "sphere" }, 3), /distribution=sphere/);
  await assert.rejects(
    () => retrievalRate({ ...p, model: { kind: "modern", beta: 1 }, distribution: "sphere" }, 3),
    /criterion bits needs ±1 patterns/,
  );
  await assert.rejects(() => retrievalRate({ ...p, distribution: "mnist" }, 3), /d=40/);
  await assert.rejects(() => retrievalRate({ ...p, successProbability: 0 }, 3), /successProbability=0/);
  await assert.rejects(() => retrievalRate(p, 0), /N=0/);
});
