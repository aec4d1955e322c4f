import assert from "node:assert/strict";
import { cpuBackend } from "../../lib/backend/cpu.ts";
import { blasBackend } from "../../lib/backend/mod.ts";
import {
  clampedSquaredErrors,
  sphericalNoise,
  trialSeed,
  UHOP_METHODS,
  uhopMemories,
  uhopStep,
} from "../../lib/experiments/mod.ts";
import { gaussianFeatureMap } from "../../lib/kernel/feature_map.ts";
import { kernelUpdate } from "../../lib/kernel/update.ts";
import { update } from "../../lib/hopfield/update.ts";
import { fromRows, row } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { separate } from "../../lib/maps/separate.ts";
import { assertAllClose, assertClose } from "../helpers.ts";

const X = uhopMemories("synthetic", 12, 3), Q = uhopMemories("synthetic", 4, 4);
const beta = 0.05; // synthetic scores are ~100: keep the maps away from one-hot so the methods differ

Deno.test("uhopStep: the MHN and U-Hop methods are update() and kernelUpdate() with their maps, on any backend", async () => {
  const map = gaussianFeatureMap(100, 100, { prng: createPrng(5), scale: 0.1 });
  const kinds = { softmax: "softmax", sparsemax: "sparsemax", "1.5-entmax": "entmax15" } as const;
  for (const [suffix, kind] of Object.entries(kinds)) {
    for (const backend of [cpuBackend, blasBackend("f64")!]) {
      const mhn = await uhopStep(`MHN ${suffix}` as "MHN softmax", X, Q, { backend, beta });
      const uhop = await uhopStep(`U-Hop ${suffix}` as "U-Hop softmax", X, Q, { backend, beta, map });
      for (let q = 0; q < Q.rows; q++) {
        assertAllClose(row(mhn, q), update(X, row(Q, q), { beta, map: kind }).state, 1e-10, `MHN ${kind}`);
        assertAllClose(row(uhop, q), kernelUpdate(map, X, row(Q, q), { beta, map: kind }).state, 1e-10, kind);
      }
    }
  }
  await assert.rejects(
    () => uhopStep("U-Hop softmax", X, Q, { backend: cpuBackend, beta }),
    /needs Stage I's/,
  );
});

Deno.test("uhopStep: poly-10, Manhattan and L2 follow their definitions; the distance sign is the option's", async () => {
  const M = fromRows([[0, 0.5], [1, 0.2], [0.3, 0.9]]), q = fromRows([[0.2, 0.4]]);
  const poly = await uhopStep("poly-10", M, q, { backend: cpuBackend, beta: 2 });
  const s = [0.2 * 0 + 0.4 * 0.5, 0.2 + 0.08, 0.06 + 0.36].map((v) => 2 * v ** 10);
  assertAllClose(row(poly, 0), [s[1] + 0.3 * s[2], 0.5 * s[0] + 0.2 * s[1] + 0.9 * s[2]], 1e-15, "poly-10");
  const l1 = [0.2 + 0.1, 0.8 + 0.2, 0.1 + 0.5],
    l2 = [Math.hypot(0.2, 0.1), Math.hypot(0.8, 0.2), Math.hypot(0.1, 0.5)];
  for (const [method, dist] of [["Manhattan", l1], ["L2", l2]] as const) {
    for (const [sign, f] of [["negative", -1], ["positive", 1]] as const) {
      const got = await uhopStep(method, M, q, { backend: cpuBackend, beta: 3, distanceSign: sign });
      const p = separate(dist.map((v) => f * v), { beta: 3 });
      assertAllClose(
        row(got, 0),
        [p[1] + 0.3 * p[2], 0.5 * p[0] + 0.2 * p[1] + 0.9 * p[2]],
        1e-12,
        `${method} ${sign}`,
      );
    }
  }
  // @ts-expect-error: an unknown method is refused
  await assert.rejects(() => uhopStep("cosine", M, q, { backend: cpuBackend, beta: 1 }), /method=cosine/);
  assert.equal(UHOP_METHODS.length, 9);
});

Deno.test("protocol pieces: clamped error, spherical noise of norm σ, memories, trial seeds", () => {
  const e = clampedSquaredErrors(fromRows([[0.5, 1.5, -1]]), fromRows([[0, 2, 0.5]]));
  assertClose(e[0], 0.25 + 0 + 0.25, 1e-15);
  const base = fromRows([[0.5, 0.5, 0.5, 0.5]]);
  const n = sphericalNoise(base, 0.2, createPrng(1));
  assertClose(Math.hypot(...row(n, 0).map((v, k) => v - base.data[k])), 0.2, 1e-12);
  assert.ok(sphericalNoise(fromRows([[0, 1]]), 5, createPrng(2)).data.every((v) => v >= 0 && v <= 1));
  assert.throws(() => sphericalNoise(base, -1, createPrng(1)), /sigma=-1/);
  const digits = uhopMemories("mnist", 5, 7);
  assert.equal(digits.cols, 784);
  assert.ok(digits.data.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(uhopMemories("mnist", 5, 7), digits);
  assert.throws(() => uhopMemories("mnist", 1, 7), /M=1/);
  // @ts-expect-error: an unknown dataset is refused
  assert.throws(() => uhopMemories("cifar", 5, 7), /dataset=cifar/);
  const seeds = new Set<number>();
  for (const d of ["mnist", "synthetic"] as const) {
    for (const m of [10, 20, 30, 50, 100, 200, 500]) {
      for (let s = 1; s <= 10; s++) seeds.add(trialSeed(d, m, s));
    }
  }
  assert.equal(seeds.size, 140);
});
