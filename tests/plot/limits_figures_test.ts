// Snapshot tests of notebook 07's figures (small data; the notebook calls the same run and figure functions).
import assert from "node:assert/strict";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import {
  limitsErrorFigure,
  limitsErrorVerdict,
  limitsQualityFigure,
  limitsQualityVerdict,
  limitsScalingFigure,
  limitsScalingVerdict,
  logLogSlope,
  runLimitsError,
  runLimitsQuality,
  runLimitsScaling,
} from "../../lib/experiments/mod.ts";
import type { LimitsScalingData } from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("limits_error figure matches its snapshot; the polynomial's error grows with B", async () => {
  const data = await runLimitsError({
    taus: [64, 256],
    bounds: [0.25, 0.5, 1, 2, 3],
    gamma: 0.75,
    boundaryConstant: 1,
    failAt: 1e-2,
    seed: 1,
    backend: cpuBackend,
  });
  for (const tau of [64, 256]) {
    const e = data.points.filter((p) => p.tau === tau).map((p) => p.polynomial);
    assert.ok(e[0] < 1e-3 && e.at(-1)! > 1e-2, `τ = ${tau}: ${e}`);
    for (let i = 1; i < e.length; i++) assert.ok(e[i] >= e[i - 1], `τ = ${tau}: ${e}`);
  }
  assert.equal(data.thresholds.length, 4);
  assert.match(limitsErrorVerdict(data), /polynomial: τ = 64: passes 0.01 at B = /);
  await assertSvgSnapshot("limits_error", limitsErrorFigure(data).svg);
});

Deno.test("limits_scaling: slopes and crossover from measured times; the figure from fixed times matches its snapshot", async () => {
  assert.ok(Math.abs(logLogSlope([1, 2, 4, 8], [3, 12, 48, 192]) - 2) < 1e-12);
  const run = await runLimitsScaling({
    taus: [256, 512],
    d: 8,
    B: 0.5,
    eps: 1e-2,
    repeat: 1,
    seed: 1,
    backend: cpuBackend,
  });
  assert.equal(run.rows.length, 2);
  assert.ok(run.rows.every((r) => r.exact > 0 && r.polynomial > 0 && r.error < 1e-2));
  // Times made up for the snapshot: exact ∝ τ², low rank ∝ τ, crossing between τ = 2048 and 4096.
  const taus = [1024, 2048, 4096, 8192];
  const fixed: LimitsScalingData = {
    rows: taus.map((tau) => ({
      tau,
      exact: 4 * (tau / 1024) ** 2,
      polynomial: 10 * (tau / 1024),
      randomFeatures: 30 * (tau / 1024),
      error: 1e-4,
    })),
    degree: 2,
    rank: 153,
    slopes: { exact: 2, polynomial: 1, randomFeatures: 1 },
    crossover: 2560,
    params: { taus, d: 16, B: 0.5, eps: 1e-2, repeat: 3, seed: 1, backend: "blas-f32" },
  };
  assert.match(limitsScalingVerdict(fixed), /exact 2.00, polynomial 1.00.*τ ≈ 2560/);
  await assertSvgSnapshot("limits_scaling", limitsScalingFigure(fixed).svg);
});

Deno.test("limits_quality figure matches its snapshot; at small s the approximations store what exact retrieval stores", async () => {
  const data = await runLimitsQuality({
    exponents: [0.5, 8],
    degree: 4,
    nMax: 16,
    queries: 10,
    trials: 1,
    steps: 5,
    seed: 3,
    mnistExponents: [],
    mnistFeatures: 64,
    backend: cpuBackend,
  });
  assert.equal(data.points.length, 6);
  const at = (s: number, m: string) => data.points.find((p) => p.s === s && p.method === m)!.capacity;
  assert.equal(at(0.5, "polynomial"), at(0.5, "exact"));
  assert.match(limitsQualityVerdict(data), /random patterns: s = 0.5: exact/);
  await assertSvgSnapshot("limits_quality", limitsQualityFigure(data).svg);
});
