// U-Hop+ (Hu et al. 2024): the tempered separation losses and Algorithm 1.
import assert from "node:assert/strict";
import { identityFeatureMap, separateMemories, separationLoss } from "../../lib/kernel/mod.ts";
import { fromRows, type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { assertClose } from "../helpers.ts";

const tetrahedron = fromRows([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]);

Deno.test("U-Hop+ losses: closed forms on orthonormal sets, an antipodal pair and the regular tetrahedron (τ = 0.1)", async () => {
  const cases: [string, Matrix, number, number][] = [
    // [name, memories, log-sum-exp = the common cosine, cross-entropy = log(1 + (M−1) e^{(c−1)/τ})]
    ["3 orthonormal", fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 0, Math.log1p(2 * Math.exp(-10))],
    ["antipodal pair", fromRows([[2], [-3]]), -1, Math.log1p(Math.exp(-20))],
    ["tetrahedron", tetrahedron, -1 / 3, Math.log1p(3 * Math.exp(-40 / 3))],
  ];
  for (const [name, X, lse, ce] of cases) {
    const phi = identityFeatureMap(X.cols);
    assertClose(
      (await separationLoss(phi, X, { loss: "log-sum-exp", tau: 0.1 })).loss,
      lse,
      1e-12,
      `${name} lse`,
    );
    assertClose(
      (await separationLoss(phi, X, { loss: "cross-entropy", tau: 0.1 })).loss,
      ce,
      1e-15,
      `${name} ce`,
    );
  }
  // The values the shared notes derived from the official code's avg_separate.
  const ce = async (X: Matrix) =>
    (await separationLoss(identityFeatureMap(X.cols), X, { loss: "cross-entropy" })).loss;
  assertClose(await ce(fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]])), 9.0796e-5, 1e-9);
  assertClose(await ce(fromRows([[1], [-1]])), 2.0612e-9, 1e-13);
  assertClose(await ce(tetrahedron), 4.8588e-6, 1e-10);
});

Deno.test("U-Hop+ losses: t and tau each apply to their own losses; tau must be positive", async () => {
  const X = tetrahedron, phi = identityFeatureMap(3);
  await assert.rejects(() => separationLoss(phi, X, { loss: "log-sum-exp", t: 2 }), /t applies.*t=2/);
  await assert.rejects(() => separationLoss(phi, X, { loss: "average", tau: 0.1 }), /tau applies.*tau=0.1/);
  await assert.rejects(() => separationLoss(phi, X, { loss: "cross-entropy", tau: 0 }), /tau=0/);
  await assert.rejects(
    () => separateMemories(X, { prng: createPrng(1), loss: "max", tau: 0.1 }),
    /tau applies to the tempered losses/,
  );
});

/** M Gaussian inputs in ℝᵈ (general position with probability 1). */
function inputs(m: number, d: number, prng: ReturnType<typeof createPrng>): Matrix {
  const X = matrix(m, d);
  for (let k = 0; k < X.data.length; k++) X.data[k] = prng.normal();
  return X;
}

Deno.test("U-Hop+ reaches the regular simplex (M ≤ D_Φ + 1) and the cross-polytope (M = 2D_Φ, d ≥ M) from most random starts", async () => {
  // Measured here: from 10 random starts the simplex is reached in 9, 8 and 5 of 10 for M = 3, 4, 5 (D_Φ = M − 1);
  // the other starts stop at Δ ≈ 1, an orthogonal/antipodal arrangement: the features are points of an affine
  // image, and reaching the simplex from there would take a feature through the origin, where its direction is
  // undefined. The cross-polytope was reached from every start.
  const runs: [number, number, number, number, number][] = [
    // [M, D_Φ, d, Δ_min of the optimal code, starts (of 10) that must reach it]
    [3, 2, 2, 1.5, 8],
    [4, 3, 3, 4 / 3, 7],
    [5, 4, 4, 1.25, 5],
    [6, 3, 6, 1, 10],
    [8, 4, 8, 1, 10],
  ];
  for (const [M, D, d, best, need] of runs) {
    const ends: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const prng = createPrng(seed * 31 + M);
      const r = await separateMemories(inputs(M, d, prng), {
        prng,
        loss: "log-sum-exp",
        tau: 0.02,
        optimiser: "adam",
        lr: 0.05,
        schedule: "cosine",
        epochs: 3000,
        bias: true,
        featureDim: D,
        requireFullRank: false,
        initScale: Math.sqrt(2 / d),
      });
      assert.ok(r.deltaMin[0] < best - 0.1, `M = ${M}, seed ${seed}: the start is not already optimal`);
      ends.push(r.deltaMin.at(-1)!);
    }
    const reached = ends.filter((v) => Math.abs(v - best) < 1e-3).length;
    const what = `M = ${M}, D_Φ = ${D}, d = ${d}: final Δ_min ${ends.map((v) => v.toFixed(4)).join(", ")}`;
    assert.ok(reached >= need, `${what}: ${reached} of 10 reached ${best.toFixed(4)}`);
    assert.ok(ends.every((v) => v > 0.99), `${what}: a start ended below the orthogonal arrangement`);
  }
});

Deno.test("U-Hop+: a τ schedule over epochs, and projectNorm keeps ‖(W, b)‖ while leaving every loss unchanged", async () => {
  const X = inputs(6, 3, createPrng(7));
  const seen: number[] = [];
  const r = await separateMemories(X, {
    prng: createPrng(2),
    loss: "log-sum-exp",
    tau: (epoch) => {
      seen.push(epoch);
      return 0.2 * 0.9 ** epoch;
    },
    optimiser: "adam",
    lr: 0.05,
    epochs: 50,
    bias: true,
    projectNorm: true,
  });
  assert.ok(
    seen.includes(0) && seen.includes(49) && !seen.includes(50),
    `τ asked for epochs ${Math.min(...seen)}…${Math.max(...seen)}`,
  );
  assert.ok(r.deltaMin.at(-1)! > r.deltaMin[0]);
  // Rescaling (W, b) changes no loss: the features' directions are all the losses see.
  const scaled = {
    ...r.map,
    weights: { ...r.map.weights, data: r.map.weights.data.map((v) => 3 * v) },
    bias: r.map.bias!.map((v) => 3 * v),
  };
  for (const loss of ["log-sum-exp", "cross-entropy", "average", "max"] as const) {
    assertClose(
      (await separationLoss(scaled, X, { loss })).loss,
      (await separationLoss(r.map, X, { loss })).loss,
      1e-12,
      loss,
    );
  }
});
