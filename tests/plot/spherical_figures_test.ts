// Snapshot tests of notebook 06's figures (small data; the notebook calls the same figure functions).
import assert from "node:assert/strict";
import {
  codeSizeBoundsFigure,
  codeViewFigure,
  khmCapacityFigure,
  rowsOf,
  runCodeSizeBounds,
  runKhmCapacity,
  runTammes,
  separationBoundFigure,
  tammesFigure,
} from "../../lib/experiments/mod.ts";
import { icosahedron } from "../../lib/spherical/constructions.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("tammes_angles and separation_bound figures match their snapshots", async () => {
  const data = runTammes({ d: 3, ms: [4, 5, 6, 12], restarts: 4, timeBudgetMs: 10_000, seed: 1 });
  assert.ok(Math.abs(data.rows[3].degrees - 63.4349488229) < 1e-8, "M = 12 is the icosahedron");
  await assertSvgSnapshot("tammes_angles", tammesFigure(data).svg);
  await assertSvgSnapshot("separation_bound", separationBoundFigure(data).svg);
});

Deno.test("code_size_bounds and khm_capacity figures match their snapshots", async () => {
  await assertSvgSnapshot(
    "code_size_bounds",
    codeSizeBoundsFigure(runCodeSizeBounds({ dims: [3, 8, 16, 24], anglesDeg: [45, 60] })).svg,
  );
  await assertSvgSnapshot(
    "khm_capacity",
    khmCapacityFigure(runKhmCapacity({ Ds: [4, 16, 32, 64], deltas: [0.3, 0.5] })).svg,
  );
});

Deno.test("code_view figure matches its snapshot (the icosahedron: 30 contact edges)", async () => {
  const fig = codeViewFigure(rowsOf(icosahedron()), { title: "The icosahedron" });
  const links = [...fig.svg.matchAll(/aria-label="link"[^]*?<\/g>/g)].map((g) =>
    (g[0].match(/<path/g) ?? []).length
  );
  assert.equal(links.reduce((a, b) => a + b, 0), 30);
  await assertSvgSnapshot("code_view", fig.svg);
});
