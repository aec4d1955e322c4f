// Snapshot tests of notebook 03's figures (small data; the notebook calls the same figure functions).
import { cpuBackend } from "../../lib/backend/cpu.ts";
import assert from "node:assert/strict";
import {
  bifurcationFigure,
  cobwebFigure,
  fullIterationFigure,
  mnistPhaseFigure,
  runBifurcation,
  runCobweb,
  runFullIteration,
  runMnistPhase,
  runThresholdScaling,
  thresholdScalingFigure,
} from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("phase_cobweb figure matches its snapshot", async () => {
  const data = runCobweb({ n: 5, ks: [3, 4.5, 6], starts: [0.05, 0.9], steps: 5 });
  await assertSvgSnapshot("phase_cobweb", cobwebFigure(data).svg);
});

Deno.test("phase_bifurcation figure matches its snapshot", async () => {
  await assertSvgSnapshot(
    "phase_bifurcation",
    bifurcationFigure(runBifurcation({ n: 5, kMax: 8, points: 40 })).svg,
  );
});

Deno.test("phase_thresholds figure matches its snapshot", async () => {
  const data = runThresholdScaling({ ns: [2, 3, 5, 10, 100, 1000] });
  await assertSvgSnapshot("phase_thresholds", thresholdScalingFigure(data).svg);
});

Deno.test("phase_full_iteration figure matches its snapshot; the full update stays on the reduced map", async () => {
  const data = runFullIteration({
    n: 5,
    d: 7,
    K: 4.5,
    starts: [0.3, 0.9],
    steps: 6,
    betas: [2, 3, 4, 5],
    maxSteps: 5000,
    seed: 1,
  });
  assert.ok(data.maxGap < 1e-12, `maxGap=${data.maxGap}`);
  await assertSvgSnapshot("phase_full_iteration", fullIterationFigure(data).svg);
});

Deno.test("phase_mnist figure matches its snapshot", async () => {
  const data = await runMnistPhase({
    ns: [6, 12],
    normalisations: ["unit norm", "unit norm, then centred"],
    betas: [1, 30, 1000],
    maxSteps: 50,
    backend: cpuBackend,
  });
  assert.equal(data.rows.length, 12);
  assert.ok(data.rows.every((r) => r.divergence >= 0 && r.minima >= 1));
  await assertSvgSnapshot("phase_mnist", mnistPhaseFigure(data).svg);
});
