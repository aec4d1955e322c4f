// Snapshot tests of notebook 08's figures (small data; the notebook calls the same run and figure functions).
import assert from "node:assert/strict";
import {
  bitPatternFigure,
  bitPatternVerdict,
  headClassFigure,
  headClassVerdict,
  mnistBagsFigure,
  mnistBagsVerdict,
  runBitPattern,
  runHeadClasses,
  runMnistBags,
} from "../../lib/experiments/mod.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("layers_bit_pattern figure matches its snapshot; every model learns above chance on its training bags", async () => {
  const data = runBitPattern({
    bags: 96,
    instances: 6,
    signals: 4,
    bits: 6,
    epochs: 12,
    batch: 16,
    lr: 1e-2,
    seed: 1,
  });
  assert.equal(data.models.length, 3);
  for (const m of data.models) {
    assert.equal(m.curves.validAccuracy.length, 12);
    assert.ok(
      m.curves.trainLoss.at(-1)! < m.curves.trainLoss[0],
      `${m.kind}: training loss ${m.curves.trainLoss}`,
    );
  }
  assert.match(bitPatternVerdict(data), /HopfieldPooling: validation accuracy/);
  assert.equal(
    JSON.stringify(runBitPattern({ ...data.params })),
    JSON.stringify(data),
    "same seed, same curves",
  );
  await assertSvgSnapshot("layers_bit_pattern", bitPatternFigure(data).svg);
});

Deno.test("layers_mnist_bags figure matches its snapshot; every model's AUC is a probability", async () => {
  const data = runMnistBags({
    trainBags: 20,
    testBags: 20,
    epochs: 1,
    batch: 5,
    lr: 1e-3,
    seeds: [1],
    dataSeed: 5,
    embedding: 8,
    attention: 4,
    hidden: 4,
  });
  assert.equal(data.runs.length, 6);
  assert.ok(data.runs.every((r) => r.auc >= 0 && r.auc <= 1));
  assert.match(mnistBagsVerdict(data), /HopfieldPooling \(softmax\) (matches or beats|stays below)/);
  await assertSvgSnapshot("layers_mnist_bags", mnistBagsFigure(data).svg);
});

Deno.test("layers_head_classes figure matches its snapshot; every head is classed at every epoch", async () => {
  const data = runHeadClasses({
    trainBags: 20,
    testBags: 20,
    epochs: 2,
    batch: 5,
    lr: 1e-2,
    seeds: [1],
    dataSeed: 5,
    embedding: 8,
    attention: 4,
    hidden: 4,
  });
  assert.equal(data.rows.length, 3 * 4);
  assert.ok(
    data.rows.every((r) => r.fraction > 0 && r.fraction <= 1 && ["I", "II", "III", "IV"].includes(r.cls)),
  );
  assert.match(headClassVerdict(data), /^Before training: head 1 I/);
  await assertSvgSnapshot("layers_head_classes", headClassFigure(data).svg);
});
