import assert from "node:assert/strict";
import fc from "fast-check";
import {
  features,
  gaussianFeatureMap,
  identityFeatureMap,
  kernelEnergy,
  kernelSeparation,
  kernelUpdate,
  linearFeatureMap,
  separationLoss,
} from "../../lib/kernel/mod.ts";
import { update } from "../../lib/hopfield/update.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { fromRows, type Matrix, matrix, row } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { MAP_KINDS } from "../../lib/maps/spec.ts";
import { assertAllClose, assertClose } from "../helpers.ts";
import { blasBackend, webgpuBackend } from "../../lib/backend/mod.ts";

const maps = MAP_KINDS.map((map) => ({ map, alpha: map === "entmax" ? 1.3 : undefined }));

Deno.test("kernel: with Φ = id the kernelized update is the modern Hopfield update, bit for bit, for every map", () => {
  const prng = createPrng(5), X = sphere(12, 6, { prng }), phi = identityFeatureMap(6);
  for (const m of maps) {
    for (let q = 0; q < 4; q++) {
      const x = row(sphere(1, 6, { prng }), 0);
      const plain = update(X, x, { beta: 3, ...m }), kernel = kernelUpdate(phi, X, x, { beta: 3, ...m });
      assert.deepEqual(kernel, plain, m.map);
    }
  }
});

Deno.test("kernel: the kernelized energy never increases along the kernelized update (random full-rank W, every map, with and without bias)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom(...maps),
      fc.boolean(),
      fc.double({ min: 0.1, max: 20, noNaN: true }),
      (seed, n, d, extra, m, withBias, beta) => {
        const prng = createPrng(seed), X = sphere(n, d, { prng });
        const base = gaussianFeatureMap(d, d + extra, { prng });
        const phi = withBias
          ? linearFeatureMap(base.weights, { bias: Array.from({ length: d + extra }, () => prng.normal()) })
          : base;
        let x = row(sphere(1, d, { radius: 1.5, prng }), 0);
        let e = kernelEnergy(phi, X, x, { beta, ...m });
        for (let t = 0; t < 6; t++) {
          x = kernelUpdate(phi, X, x, { beta, ...m }).state;
          const next = kernelEnergy(phi, X, x, { beta, ...m });
          assert.ok(next <= e + 1e-9 * (1 + Math.abs(e)), `${m.map}: energy rose from ${e} to ${next}`);
          e = next;
        }
      },
    ),
    { numRuns: 150, seed: 28 },
  );
});

Deno.test("kernel: Δ^Φ is the separation of the features", () => {
  const phi = linearFeatureMap(fromRows([[1, 1], [0, 2], [1, 0]]));
  const X = fromRows([[1, 0], [0, 1], [1, 1]]);
  const F = features(phi, X); // rows (1,0,1), (1,2,0), (2,2,1)
  assert.deepEqual(Array.from(F.data), [1, 0, 1, 1, 2, 0, 2, 2, 1]);
  // K = [[2, 1, 3], [1, 5, 6], [3, 6, 9]]: Δ = 2 − 3, 5 − 6, 9 − 6.
  const s = kernelSeparation(phi, X);
  assert.deepEqual(Array.from(s.each), [-1, -1, 3]);
  assert.equal(s.min, -1);
});

Deno.test("kernel: a rank-deficient W is refused with its rank; so are bad biases", () => {
  assert.throws(() => linearFeatureMap(fromRows([[1, 2, 3], [2, 4, 6], [1, 1, 1]])), /have rank 2/);
  assert.throws(() => linearFeatureMap(fromRows([[1, 0, 0], [0, 1, 0]])), /rank d = 3.*rank 2/);
  assert.throws(() => linearFeatureMap(fromRows([[1, 0], [0, 1]]), { bias: [1] }), /bias=1, rows=2/);
  assert.throws(() => linearFeatureMap(fromRows([[1, 0], [0, 1]]), { bias: [1, NaN] }), /bias\[1\]=NaN/);
  assert.throws(() => features(identityFeatureMap(2), fromRows([[1, 2, 3]])), /cols=3, d=2/);
});

/** The regular simplex: M unit vectors with every pairwise cosine −1/(M−1) (centred basis vectors). */
function simplex(M: number): Matrix {
  const X = matrix(M, M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) X.data[i * M + j] = (i === j ? 1 : 0) - 1 / M;
  return X;
}

Deno.test("separation loss: closed forms on the regular simplex (−2t·M/(M−1)) and on orthonormal sets (−2t)", async () => {
  for (const loss of ["average", "max"] as const) {
    for (const t of [0.5, 2, 7]) {
      for (const M of [2, 3, 5, 9]) {
        const value = (await separationLoss(identityFeatureMap(M), simplex(M), { loss, t })).loss;
        assertClose(value, (-2 * t * M) / (M - 1), 1e-12, `${loss} simplex M=${M} t=${t}`);
      }
      const Q = randomOrthonormal(6, createPrng(3)); // Φ(e_i) = Q e_i: an orthonormal set of features
      assertClose(
        (await separationLoss(linearFeatureMap(Q), identityMatrix(6), { loss, t })).loss,
        -2 * t,
        1e-12,
        `${loss} orthonormal t=${t}`,
      );
    }
  }
});

Deno.test("separation loss: all four gradients match central finite differences in W and b", async () => {
  const prng = createPrng(8);
  const X = sphere(9, 4, { prng });
  const base = gaussianFeatureMap(4, 5, { prng });
  const bias = Array.from({ length: 5 }, () => 0.3 * prng.normal());
  const phi = linearFeatureMap(base.weights, { bias });
  for (const loss of ["average", "max", "log-sum-exp", "cross-entropy"] as const) {
    const at = async (W: Float64Array, b: ArrayLike<number>) =>
      (await separationLoss(linearFeatureMap({ rows: 5, cols: 4, data: W }, { bias: b }), X, { loss }))
        .loss;
    const g = await separationLoss(phi, X, { loss });
    const h = 1e-6, W = phi.weights.data;
    for (let k = 0; k < W.length; k++) {
      const up = Float64Array.from(W), down = Float64Array.from(W);
      up[k] += h;
      down[k] -= h;
      assertClose(
        g.weights.data[k],
        (await at(up, bias) - await at(down, bias)) / (2 * h),
        1e-6,
        `${loss} ∂L/∂W[${k}]`,
      );
    }
    for (let r = 0; r < 5; r++) {
      const up = bias.slice(), down = bias.slice();
      up[r] += h;
      down[r] -= h;
      assertClose(g.bias![r], (await at(W, up) - await at(W, down)) / (2 * h), 1e-6, `${loss} ∂L/∂b[${r}]`);
    }
  }
  assert.equal((await separationLoss(identityFeatureMap(2), fromRows([[1, 0], [0, 1]]))).bias, null);
});

Deno.test("separation loss: every backend gives the reference's loss and gradient (f64 to 1e-10, f32 to 1e-4)", async () => {
  const prng = createPrng(9);
  const X = sphere(120, 6, { prng }), phi = gaussianFeatureMap(6, 9, { prng });
  for (const loss of ["average", "max", "log-sum-exp", "cross-entropy"] as const) {
    const ref = await separationLoss(phi, X, { loss });
    for (
      const backend of [blasBackend("f64"), blasBackend("f32"), await webgpuBackend({ allowFallback: true })]
    ) {
      assert.ok(backend);
      const got = await separationLoss(phi, X, { loss, backend });
      const tol = backend.precision === "f64" ? 1e-10 : 1e-4;
      assertClose(got.loss, ref.loss, tol, `${backend.description} ${loss}`);
      const scale = Math.max(...ref.weights.data.map(Math.abs));
      assertAllClose(
        got.weights.data.map((v) => v / scale),
        ref.weights.data.map((v) => v / scale),
        tol,
        loss,
      );
    }
  }
});

Deno.test("separation loss: large t stays finite, bad options are named", async () => {
  const X = sphere(30, 5, { prng: createPrng(2) });
  const v = await separationLoss(identityFeatureMap(5), X, { t: 1e4 });
  assert.ok(Number.isFinite(v.loss));
  assert.ok(v.weights.data.every(Number.isFinite));
  // At large t the average loss tends to the max loss.
  const hard = (await separationLoss(identityFeatureMap(5), X, { loss: "max", t: 1e4 })).loss;
  assertClose(v.loss, hard, 1e-2 * Math.abs(hard), "average → max as t grows");
  await assert.rejects(() => separationLoss(identityFeatureMap(5), X, { t: 0 }), /t=0/);
  // @ts-expect-error: an unknown loss is refused
  await assert.rejects(() => separationLoss(identityFeatureMap(5), X, { loss: "mean" }), /loss=mean/);
  await assert.rejects(() => separationLoss(identityFeatureMap(5), fromRows([[1, 0, 0, 0, 0]])), /M=1/);
  await assert.rejects(
    () => separationLoss(identityFeatureMap(2), fromRows([[1, 0], [0, 0]])),
    /‖Φ\(patterns\[1\]\)‖=0/,
  );
});

function identityMatrix(n: number): Matrix {
  return identityFeatureMap(n).weights as Matrix;
}

/** A random orthogonal n × n matrix (Gram–Schmidt on Gaussian rows). */
function randomOrthonormal(n: number, prng: ReturnType<typeof createPrng>): Matrix {
  const Q = matrix(n, n);
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: n }, () => prng.normal());
    for (let j = 0; j < i; j++) {
      let p = 0;
      for (let k = 0; k < n; k++) p += v[k] * Q.data[j * n + k];
      for (let k = 0; k < n; k++) v[k] -= p * Q.data[j * n + k];
    }
    const s = Math.hypot(...v);
    for (let k = 0; k < n; k++) Q.data[i * n + k] = v[k] / s;
  }
  return Q;
}
