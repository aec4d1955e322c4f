// Snapshot tests of notebook 04's figures (small data; the notebook calls the same run and figure functions).
import assert from "node:assert/strict";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import {
  runUhopEpochs,
  runUhopLandscape,
  runUhopNoise,
  runUhopRetrieval,
  uhopEpochsFigure,
  uhopLandscapeFigure,
  uhopNoiseFigure,
  uhopRetrievalFigure,
  uhopSeparationFigure,
} from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("uhop_retrieval and uhop_separation figures match their snapshots", async () => {
  const data = await runUhopRetrieval({
    datasets: ["mnist", "synthetic"],
    ms: [4, 8],
    seeds: [1, 2],
    beta: 1,
    dropout: 0.5,
    stageOne: { epochs: 3, loss: "max" },
    backend: cpuBackend,
  });
  assert.equal(data.rows.length, 2 * 2 * 9);
  assert.equal(data.separation.length, 2 * 2 * 2);
  assert.ok(data.rows.every((r) => Number.isFinite(r.mean) && r.std >= 0));
  await assertSvgSnapshot("uhop_retrieval", uhopRetrievalFigure(data).svg);
  await assertSvgSnapshot("uhop_separation", uhopSeparationFigure(data).svg);
});

Deno.test("uhop_noise and uhop_epochs figures match their snapshots", async () => {
  const noise = await runUhopNoise({
    dataset: "mnist",
    m: 6,
    sigmas: [0, 0.5, 2],
    seeds: [1],
    beta: 1,
    stageOne: { epochs: 2, loss: "max" },
    backend: cpuBackend,
  });
  assert.equal(noise.rows.length, 3 * 9);
  await assertSvgSnapshot("uhop_noise", uhopNoiseFigure(noise).svg);
  const epochs = await runUhopEpochs({
    dataset: "mnist",
    m: 6,
    epochs: [0, 1, 3],
    seeds: [1, 2],
    beta: 1,
    dropout: 0.5,
    stageOne: { loss: "max" },
    backend: cpuBackend,
  });
  assert.deepEqual(epochs.deltaMin.map((r) => r.epoch), [0, 1, 3]);
  await assertSvgSnapshot("uhop_epochs", uhopEpochsFigure(epochs).svg);
});

Deno.test("uhop_landscape figure matches its snapshot (four memories at ±10°, ±30°)", async () => {
  const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
  const data = await runUhopLandscape({
    patterns: [deg(-30), deg(-10), deg(10), deg(30)],
    beta: 10,
    grid: 12,
    extent: 1.5,
    starts: [[1.2, 1.2]],
    stageOne: { epochs: 100, loss: "max", lr: 0.1 },
    seed: 1,
  });
  assert.equal(data.panels[0].minima.length, 1, "Φ = id: the four memories share one minimum at β = 10");
  assert.ok(data.panels[1].deltaMin > data.panels[0].deltaMin, "Stage I spreads the directions");
  await assertSvgSnapshot("uhop_landscape", uhopLandscapeFigure(data).svg);
});
