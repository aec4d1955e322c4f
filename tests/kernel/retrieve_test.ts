import assert from "node:assert/strict";
import { blasBackend, cpuBackend, webgpuBackend } from "../../lib/backend/mod.ts";
import { retrieveOn } from "../../lib/backend/retrieve.ts";
import type { Backend } from "../../lib/backend/types.ts";
import {
  gaussianFeatureMap,
  identityFeatureMap,
  kernelEnergy,
  kernelRetrieveOn,
  kernelUpdate,
  linearFeatureMap,
} from "../../lib/kernel/mod.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { row } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { assertAllClose } from "../helpers.ts";

const backends: [string, Backend | null][] = [
  ["cpu", cpuBackend],
  ["blas f64", blasBackend("f64")],
  ["blas f32", blasBackend("f32")],
  ["webgpu", await webgpuBackend({ allowFallback: true })],
];

Deno.test("kernel retrieval with W = I is the modern Hopfield retrieval on every backend (states, probabilities, steps)", async () => {
  const prng = createPrng(40);
  const X = sphere(50, 8, { radius: 2, prng }), Q = sphere(12, 8, { radius: 2, prng });
  const phi = identityFeatureMap(8);
  for (const [name, backend] of backends) {
    assert.ok(backend, `${name} is missing`);
    for (const map of ["softmax", "sparsemax"] as const) {
      for (const trajectory of [true, false]) {
        const options = { backend, beta: 4, map, maxSteps: 6, eps: 1e-6, trajectory };
        const plain = await retrieveOn(X, Q, options), kernel = await kernelRetrieveOn(phi, X, Q, options);
        const what = `${name} ${map} trajectory=${trajectory}`;
        assert.deepEqual(kernel.states, plain.states, what);
        assert.deepEqual(kernel.probabilities, plain.probabilities, what);
        assert.deepEqual(kernel.steps, plain.steps, what);
        // Energies: the kernel's on the host in f64; webgpu computes softmax energies on the device in f32.
        kernel.trajectories.forEach((t, q) =>
          assertAllClose(
            t.energy,
            plain.trajectories[q].energy,
            backend.precision === "f64" ? 1e-12 : 1e-4,
            what,
          )
        );
      }
    }
  }
});

Deno.test("kernel retrieval with a random W and a bias follows kernelUpdate on every backend, energy never rising", async () => {
  const prng = createPrng(41);
  const X = sphere(30, 5, { prng }), Q = sphere(6, 5, { prng });
  const base = gaussianFeatureMap(5, 7, { prng, scale: 0.5 });
  const phi = linearFeatureMap(base.weights, { bias: Array.from({ length: 7 }, () => prng.normal()) });
  for (const [name, backend] of backends) {
    const r = await kernelRetrieveOn(phi, X, Q, { backend: backend!, beta: 2, maxSteps: 4, eps: 0 });
    for (let q = 0; q < Q.rows; q++) {
      let x = row(Q, q);
      for (let t = 0; t < 4; t++) x = kernelUpdate(phi, X, x, { beta: 2 }).state;
      const tol = backend!.precision === "f64" ? 1e-12 : 1e-4;
      assertAllClose(r.states.data.subarray(q * 5, (q + 1) * 5), x, tol, `${name} query ${q}`);
      assertAllClose([r.trajectories[q].energy[4]], [kernelEnergy(phi, X, x, { beta: 2 })], tol, name);
      const e = r.trajectories[q].energy;
      e.slice(1).forEach((v, t) => assert.ok(v <= e[t] + 1e-4, `${name}: energy rose at step ${t + 1}`));
    }
  }
});
