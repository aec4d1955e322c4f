// Snapshot tests of notebook 02's figures (small data; the notebook calls the same figure functions).
import { cpuBackend } from "../../lib/backend/cpu.ts";
import assert from "node:assert/strict";
import {
  capacityVsDimensionFigure,
  modernCapacityFigure,
  runCapacityVsDimension,
  runModernCapacity,
} from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("capacity_vs_dimension figure matches its snapshot", async () => {
  const data = await runCapacityVsDimension({
    dims: {
      classical: [20, 40],
      power3: [8, 12],
      power4: [8, 10],
      exponential: [8, 10],
      modern: [6, 16],
      "modern-stored": [12, 16],
    },
    nMax: 64,
    trials: 1,
    queries: 10,
    sets: 5,
    seed: 1,
    backend: cpuBackend,
    storedBackend: cpuBackend,
  });
  assert.equal(data.measured.length, 12);
  for (const m of data.measured) assert.ok(m.low <= m.capacity && m.capacity <= m.high, JSON.stringify(m));
  assert.equal(data.classicalRatios.length, 2);
  assert.ok(
    data.theory.some((t) => t.curve.startsWith("Theorem 3")),
    "Theorem 3 is drawn beside its own event where it applies (d = 16)",
  );
  await assertSvgSnapshot("capacity_vs_dimension", capacityVsDimensionFigure(data).svg);
});

Deno.test("capacity_modern figure matches its snapshot", async () => {
  const data = await runModernCapacity({
    d: 8,
    betas: [0.1, 1],
    Ks: [1, 3],
    nMax: 64,
    trials: 1,
    queries: 10,
    seed: 1,
    backend: cpuBackend,
  });
  // β = 1, K = 3 appears in both sweeps: the same protocol, so the same capacity.
  const both = data.rows.filter((r) => r.beta === 1 && r.K === 3);
  assert.equal(both.length, 2);
  assert.equal(both[0].capacity, both[1].capacity);
  await assertSvgSnapshot("capacity_modern", modernCapacityFigure(data).svg);
});
