// Snapshot tests of notebook 05's figures (small data; the notebook calls the same run and figure functions).
import assert from "node:assert/strict";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import {
  metastableTableFigure,
  runMetastableTable,
  runUhopPlusBasins,
  runUhopPlusCurves,
  runUhopPlusLandscape,
  uhopPlusBasinsFigure,
  uhopPlusCurvesFigure,
  uhopPlusLandscapeFigure,
} from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("metastable_table figure matches its snapshot (synthetic protocol, 40 queries)", async () => {
  const data = await runMetastableTable({
    dataset: "synthetic",
    memories: 10,
    queries: 40,
    beta: 1,
    steps: 20,
    featureDim: 5,
    uhopPlus: { epochs: 20, lr: 1, tau: 0.1 },
    seed: 42,
  }, cpuBackend);
  assert.equal(data.columns.length, 6);
  for (const c of data.columns) assert.ok(Math.abs(c.fractions.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(data.deltaMin.after > data.deltaMin.before);
  await assertSvgSnapshot("metastable_table_synthetic", metastableTableFigure(data).svg);
});

Deno.test("uhop_plus_curves figure matches its snapshot (M = 8, 12 in D_Φ = 3; the code optimiser capped by restarts)", async () => {
  const data = await runUhopPlusCurves({
    ms: [8, 12],
    d: 16,
    featureDim: 3,
    epochs: 40,
    lr: 0.05,
    tau: 0.05,
    codeBudgetMs: 60_000,
    codeRestarts: 3,
    seed: 1,
    backend: cpuBackend,
  });
  for (const c of data.curves) {
    assert.equal(c.loss.length, 41);
    assert.ok(c.deltaMin.at(-1)! > c.deltaMin[0] && c.deltaMin.at(-1)! <= c.optimal + 1e-9, `M = ${c.m}`);
  }
  assert.ok(Math.abs(data.curves[1].optimalDegrees - 63.4349488) < 1e-6, "M = 12 on S²: the icosahedron");
  await assertSvgSnapshot("uhop_plus_curves", uhopPlusCurvesFigure(data).svg);
});

const deg = (a: number, r = 1) => [r * Math.cos((a * Math.PI) / 180), r * Math.sin((a * Math.PI) / 180)];

Deno.test("uhop_plus_basins and uhop_plus_landscape figures match their snapshots", async () => {
  const basins = await runUhopPlusBasins({
    patterns: [deg(0), deg(20), deg(40), deg(60, 0.8), deg(90, 1.1)],
    beta: 20,
    steps: 5,
    grid: 20,
    extent: 1.6,
    iterations: [0, 1, 5],
    training: { optimiser: "adam", lr: 0.1, tau: 1 },
    tolerance: 0.1,
    seed: 1,
  });
  assert.deepEqual(basins.panels.map((p) => p.iterations), [0, 1, 5]);
  assert.ok(basins.panels.every((p) => p.reached.length === 400 && p.reached.every((k) => k >= -1 && k < 5)));
  await assertSvgSnapshot("uhop_plus_basins", uhopPlusBasinsFigure(basins).svg);
  const land = await runUhopPlusLandscape({
    patterns: [deg(0), deg(20), deg(40), deg(60)],
    beta: 5,
    grid: 12,
    extent: 1.6,
    iterations: [0, 2],
    maps: ["softmax", "sparsemax"],
    training: { optimiser: "sgd", lr: 0.1, tau: 1 },
    seed: 1,
  });
  assert.equal(land.panels.length, 4);
  await assertSvgSnapshot("uhop_plus_landscape_4", uhopPlusLandscapeFigure(land).svg);
});
