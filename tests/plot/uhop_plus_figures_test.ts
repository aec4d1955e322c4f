// Snapshot tests of notebook 05's figures (small data; the notebook calls the same run and figure functions).
import assert from "node:assert/strict";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import { metastableTableFigure, runMetastableTable } from "../../lib/experiments/mod.ts";
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
