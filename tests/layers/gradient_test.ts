// Every gradient of the Hopfield layers against central finite differences, through multi-step updates.
import assert from "node:assert/strict";
import {
  bagClassifier,
  Hopfield,
  HopfieldLayer,
  type HopfieldLayerOptions,
  HopfieldPooling,
  milClassifier,
  type Node,
  PARAMETER_NAMES,
  type RowMap,
  Tape,
  trainBags,
} from "../../lib/layers/mod.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { identityFeatureMap, linearFeatureMap } from "../../lib/kernel/feature_map.ts";
import { type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";

function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const prng = createPrng(seed), m = matrix(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = scale * prng.normal();
  return m;
}

/**
 * Checks ∂loss/∂x for every entry of every matrix in `targets` against (f(x+h) − f(x−h)) / 2h, where `run`
 * rebuilds the loss on a fresh tape from the current values.
 */
function checkGradients(
  targets: Record<string, Matrix>,
  run: (tape: Tape, nodes: Record<string, Node>) => Node,
  tol = 1e-6,
): void {
  const tape = new Tape(), nodes: Record<string, Node> = {};
  for (const [name, m] of Object.entries(targets)) nodes[name] = tape.param(m);
  tape.backward(run(tape, nodes));
  const value = () => {
    const t = new Tape(), n: Record<string, Node> = {};
    for (const [name, m] of Object.entries(targets)) n[name] = t.constant(m);
    return run(t, n).value.data[0];
  };
  for (const [name, m] of Object.entries(targets)) {
    const g = nodes[name].grad;
    assert.ok(g, `${name}: no gradient`);
    for (let k = 0; k < m.data.length; k++) {
      const x = m.data[k], h = 1e-6 * Math.max(1, Math.abs(x));
      m.data[k] = x + h;
      const up = value();
      m.data[k] = x - h;
      const down = value();
      m.data[k] = x;
      const fd = (up - down) / (2 * h);
      assert.ok(
        Math.abs(fd - g[k]) <= tol * Math.max(1, Math.abs(fd)),
        `${name}[${k}]: analytic ${g[k]}, finite difference ${fd}`,
      );
    }
  }
}

Deno.test("tape operations: gradients match finite differences", () => {
  const A = randomMatrix(3, 4, 1),
    B = randomMatrix(4, 2, 2),
    C = randomMatrix(2, 4, 3),
    w = randomMatrix(4, 2, 4);
  const gamma = randomMatrix(1, 4, 5), beta = randomMatrix(1, 4, 6), bias = randomMatrix(1, 2, 7);
  checkGradients({ A, B, C, w, gamma, beta, bias }, (t, n) => {
    const ab = t.addRow(t.matmul(n.A, n.B), n.bias);
    const ac = t.matmul(n.A, n.C, { transposeB: true });
    const ln = t.layerNorm(n.A, 1e-5, n.gamma, n.beta);
    const joined = t.concatCols([t.tanh(ab), t.sigmoid(ac), t.sliceCols(ln, 1, 3)]);
    const stacked = t.concatRows([
      t.sliceRows(joined, 0, 2),
      t.relu(t.scale(t.sliceRows(joined, 1, 3), 1.5)),
    ]);
    return t.sum(t.mul(t.matmul(stacked, t.constant(randomMatrix(6, 2, 8))), n.w));
  });
  const K = randomMatrix(5, 3, 13);
  checkGradients({ K }, (t, n) => {
    const u = t.normalizeRows(n.K);
    return t.add(
      t.offDiagonalLse(t.matmul(u, u, { transposeB: true }), 0.2),
      t.sum(t.mul(u, t.constant(randomMatrix(5, 3, 14)))),
    );
  });
  const z = randomMatrix(4, 1, 9), Z = randomMatrix(3, 5, 10);
  checkGradients(
    { z, Z },
    (t, n) => t.add(t.bceWithLogits(n.z, [1, 0, 0, 1]), t.crossEntropy(n.Z, [0, 4, 2])),
  );
  for (const map of ["softmax", "sparsemax", "entmax15", { alpha: 1.3 }, { alpha: 3 }] as RowMap[]) {
    const S = randomMatrix(3, 6, 11, 2), W = randomMatrix(3, 6, 12);
    checkGradients({ S }, (t, n) => t.sum(t.mul(t.rowMap(n.S, map), t.constant(W))));
  }
});

const FULL: HopfieldLayerOptions = {
  inputSize: 4,
  hiddenSize: 3,
  patternSize: 2,
  outputSize: 3,
  numHeads: 2,
  updateStepsMax: 2,
  updateStepsEps: 1e-12,
  normalizeHopfieldSpace: true,
  normalizeHopfieldSpaceAffine: true,
  addZeroAssociation: true,
  storedPatternSize: 5,
  patternProjectionSize: 3,
  associationActivation: "tanh",
  dropout: 0.3,
};

Deno.test("Hopfield: gradients of every parameter and input through two updates, with every option on", () => {
  for (const separation of ["softmax", "entmax15", { alpha: 1.7 }] as RowMap[]) {
    const layer = new Hopfield({ ...FULL, separation }, createPrng(1));
    // Parameters drawn away from their initial values (biases 0 and γ = 1 would hide mistakes).
    for (const name of PARAMETER_NAMES) {
      const p = layer.params[name];
      if (p) p.data.set(randomMatrix(p.rows, p.cols, 50 + PARAMETER_NAMES.indexOf(name), 0.5).data);
    }
    const Y = randomMatrix(5, 5, 20),
      R = randomMatrix(3, 4, 21),
      V = randomMatrix(5, 3, 22),
      W = randomMatrix(3, 3, 23);
    const targets: Record<string, Matrix> = { Y, R, V };
    for (const name of PARAMETER_NAMES) if (layer.params[name]) targets[name] = layer.params[name]!;
    checkGradients(targets, (tape, n) => {
      const leaves: Record<string, Node> = {};
      for (const name of PARAMETER_NAMES) if (n[name]) leaves[name] = n[name];
      const r = layer.forward(tape, [{ stored: n.Y, state: n.R, projection: n.V }], {
        training: true,
        prng: createPrng(9),
      }, leaves);
      return tape.sum(tape.mul(r.outputs[0], tape.constant(W)));
    }, 2e-6);
  }
});

Deno.test("HopfieldPooling and HopfieldLayer: gradients of the pooling, lookup and target weights", () => {
  const pool = new HopfieldPooling({
    inputSize: 4,
    quantity: 2,
    numHeads: 2,
    updateStepsMax: 1,
    updateStepsEps: 1e-12,
  }, createPrng(2));
  const X = randomMatrix(6, 4, 30), W = randomMatrix(1, 8, 31);
  checkGradients({ X, P: pool.poolingWeights }, (tape, n) => {
    const leaves = { hopfield: pool.hopfield.leaves(tape), pooling: n.P };
    return tape.sum(tape.mul(pool.forward(tape, [n.X], {}, leaves).outputs[0], tape.constant(W)));
  });
  const lookup = new HopfieldLayer(
    { inputSize: 4, quantity: 5, lookupWeightsAsSeparated: true, scaling: 3 },
    createPrng(3),
  );
  const Q = randomMatrix(3, 4, 32), U = randomMatrix(3, 4, 33);
  checkGradients({ Q, K: lookup.lookupWeights, T: lookup.targetWeights! }, (tape, n) => {
    const leaves = { hopfield: lookup.hopfield.leaves(tape), lookup: n.K, target: n.T };
    return tape.sum(tape.mul(lookup.forward(tape, [n.Q], {}, leaves).outputs[0], tape.constant(U)));
  });
});

const STATIC: HopfieldLayerOptions = {
  inputSize: 6,
  hiddenSize: 6,
  storedPatternAsStatic: true,
  statePatternAsStatic: true,
  patternProjectionAsStatic: true,
  normalizeStoredPattern: false,
  normalizeStatePattern: false,
  normalizePatternProjection: false,
  disableOutProjection: true,
};

Deno.test("static layer with normalisation off: one update is retrieve() with maxSteps 1; n updates are n + 1 steps", () => {
  const Y = randomMatrix(8, 6, 40), R = randomMatrix(3, 6, 41);
  for (const [updates, beta] of [[0, 1], [0, 0.3], [3, 0.5]]) {
    const layer = new Hopfield(
      { ...STATIC, scaling: beta, updateStepsMax: updates, updateStepsEps: 1e-300 },
      createPrng(1),
    );
    assert.equal(layer.options.staticExecution, true);
    const out = layer.forward(new Tape(), [{ stored: Y, state: R, projection: Y }]).outputs[0].value;
    const ref = retrieve(Y, R, { beta, maxSteps: updates + 1, eps: 0, trajectory: false });
    out.data.forEach((v, k) =>
      assert.ok(Math.abs(v - ref.states.data[k]) < 1e-12, `updates ${updates}, β ${beta}: ${k}`)
    );
  }
  // The default β of static execution is 1 (hflayers); otherwise 1/√d_h.
  assert.equal(new Hopfield(STATIC, createPrng(1)).options.scaling, 1);
  assert.equal(new Hopfield({ inputSize: 8, numHeads: 2 }, createPrng(1)).options.scaling, 0.5);
});

Deno.test("hflayers' stopping rule: a head stops once max over the batch of ‖ξ_t − ξ_{t−1}‖_F ≤ eps", () => {
  const Y = randomMatrix(8, 6, 42, 2), R = randomMatrix(2, 6, 43, 2);
  const run = (eps: number) =>
    new Hopfield({ ...STATIC, scaling: 1, updateStepsMax: 50, updateStepsEps: eps }, createPrng(1))
      .forward(new Tape(), [{ stored: Y, state: R, projection: Y }]).outputs[0].value;
  // With a loose eps the head stops early: the output is then that of some k + 1 steps of retrieve().
  const loose = run(1e-2), tight = run(1e-300);
  const steps = Array.from(
    { length: 51 },
    (_, k) => retrieve(Y, R, { beta: 1, maxSteps: k + 1, eps: 0, trajectory: false }).states,
  );
  const match = (m: Matrix) =>
    steps.findIndex((s) => s.data.every((v, k) => Math.abs(v - m.data[k]) < 1e-12));
  assert.ok(
    match(loose) >= 0 && match(loose) < match(tight),
    `loose stops after ${match(loose)}, tight after ${match(tight)}`,
  );
});

Deno.test("options: hflayers' defects are refused with the reason", () => {
  assert.throws(
    () => new Hopfield({ inputSize: 4, scaling: [1, 2] as unknown as number }, createPrng(1)),
    /per-head tensor/,
  );
  assert.throws(
    () => new Hopfield({ inputSize: 4, associationActivation: "gelu" as "relu" }, createPrng(1)),
    /ignores unknown names/,
  );
  assert.throws(() => new Hopfield({ inputSize: 5, numHeads: 2 }, createPrng(1)), /inputSize=5, numHeads=2/);
  assert.throws(() => new Hopfield({ inputSize: 4, dropout: 1 }, createPrng(1)), /dropout=1/);
  assert.throws(() => new Hopfield({ inputSize: 4, separation: { alpha: 1 } }, createPrng(1)), /1 < α ≤ 100/);
  assert.throws(
    () =>
      new Hopfield({ inputSize: 4, dropout: 0.5 }, createPrng(1)).forward(new Tape(), [{
        stored: matrix(2, 4),
        state: matrix(1, 4),
        projection: matrix(2, 4),
      }], { training: true }),
    /needs a prng/,
  );
  assert.throws(
    () =>
      new Hopfield({ inputSize: 4 }, createPrng(1)).forward(new Tape(), [{
        stored: matrix(2, 3),
        state: matrix(1, 4),
        projection: matrix(2, 4),
      }]),
    /stored patterns of element 0 must have 4 columns/,
  );
});

Deno.test("MIL models: gradients of every parameter of the U-Hop+ pooling, its separation loss included", () => {
  const prng = createPrng(4);
  const model = milClassifier("hopfield-pooling-uhop-plus", {
    inputSize: 5,
    embedding: 4,
    attention: 3,
    hopfield: { hiddenSize: 3, updateStepsMax: 1, updateStepsEps: 1e-12 },
    uhopPlus: { tau: 0.3, weight: 0.7 },
  }, prng);
  const bags = [randomMatrix(4, 5, 60), randomMatrix(3, 5, 61), randomMatrix(1, 5, 62)];
  const targets: Record<string, Matrix> = {};
  model.parameters.forEach((m, i) => targets[`p${i}`] = m);
  checkGradients(targets, (tape, n) => {
    const z = model.logits(tape, model.parameters.map((_, i) => n[`p${i}`]), bags, { training: false, prng });
    return tape.add(tape.bceWithLogits(z, [1, 0, 1]), model.auxiliaryLoss!(tape)!);
  }, 2e-6);
});

Deno.test("a kernel feature map on the heads' space: Φ = id changes nothing; gradients with a random affine Φ", () => {
  const base: HopfieldLayerOptions = {
    inputSize: 4,
    hiddenSize: 3,
    numHeads: 2,
    updateStepsMax: 2,
    updateStepsEps: 1e-12,
  };
  const Y = randomMatrix(5, 4, 70), R = randomMatrix(3, 4, 71), W = randomMatrix(3, 4, 72);
  const plain = new Hopfield(base, createPrng(5)),
    mapped = new Hopfield({ ...base, featureMap: identityFeatureMap(3) }, createPrng(5));
  const run = (h: Hopfield) =>
    h.forward(new Tape(), [{ stored: Y, state: R, projection: Y }]).outputs[0].value.data;
  const a = run(plain), b = run(mapped);
  a.forEach((v, k) => assert.ok(Math.abs(v - b[k]) < 1e-12, `entry ${k}`));
  const phi = linearFeatureMap(randomMatrix(5, 3, 73), {
    bias: randomMatrix(1, 5, 74).data,
    requireFullRank: false,
  });
  const layer = new Hopfield({ ...base, featureMap: phi }, createPrng(6));
  for (const name of PARAMETER_NAMES) {
    const p = layer.params[name];
    if (p) p.data.set(randomMatrix(p.rows, p.cols, 80 + PARAMETER_NAMES.indexOf(name), 0.5).data);
  }
  const targets: Record<string, Matrix> = { Y, R };
  for (const name of PARAMETER_NAMES) if (layer.params[name]) targets[name] = layer.params[name]!;
  checkGradients(targets, (tape, n) => {
    const leaves: Record<string, Node> = {};
    for (const name of PARAMETER_NAMES) if (n[name]) leaves[name] = n[name];
    const r = layer.forward(tape, [{ stored: n.Y, state: n.R, projection: n.Y }], {}, leaves);
    return tape.sum(tape.mul(r.outputs[0], tape.constant(W)));
  }, 2e-6);
  assert.throws(
    () => new Hopfield({ ...base, featureMap: identityFeatureMap(4) }, createPrng(1)),
    /featureMap.inputDim=4/,
  );
});

Deno.test("trainBags: a cosine schedule takes the rate to 0 by the last step; the curves have one entry per epoch", () => {
  const prng = createPrng(9);
  const bags = Array.from({ length: 8 }, (_, i) => randomMatrix(3, 4, 90 + i)),
    labels = bags.map((_, i) => i % 2);
  const model = bagClassifier("HopfieldPooling", { inputSize: 4 }, { instances: 3 }, prng);
  const before = model.parameters.map((p) => p.data.slice());
  const c = trainBags(model, { bags, labels }, { bags, labels }, {
    epochs: 3,
    batch: 4,
    lr: 0.05,
    clip: 1,
    prng,
    schedule: "cosine",
  });
  assert.equal(c.validLoss.length, 3);
  assert.ok(
    model.parameters.some((p, i) => p.data.some((v, k) => v !== before[i][k])),
    "the parameters moved",
  );
  assert.throws(
    () =>
      trainBags(model, { bags, labels }, { bags, labels }, { epochs: 0, batch: 4, lr: 0.05, clip: 1, prng }),
    /epochs=0/,
  );
});
