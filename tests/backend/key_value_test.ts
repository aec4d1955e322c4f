// Key/value memories on every backend against a direct Float64 computation: scores against the keys, output
// from the values (attention; kernelized memories). WebGPU runs on lavapipe in CI.
import assert from "node:assert/strict";
import { blasBackend, cpuBackend, webgpuBackend } from "../../lib/backend/mod.ts";
import type { Backend } from "../../lib/backend/types.ts";
import { GpuContext } from "../../lib/backend/gpu_context.ts";
import { GpuRetrieval } from "../../lib/backend/gpu_retrieval.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { separate } from "../../lib/maps/separate.ts";
import { type MapSpec, mapSpec } from "../../lib/maps/spec.ts";
import { assertAllClose } from "../helpers.ts";

const gpu = await webgpuBackend({ allowFallback: true });
const backends: [string, Backend | null][] = [
  ["cpu", cpuBackend],
  ["blas f64", blasBackend("f64")],
  ["blas f32", blasBackend("f32")],
  ["webgpu", gpu],
];

/** `Vᵀ map(β K q)` row by row, in Float64. */
function reference(K: Matrix, V: Matrix, Q: Matrix, spec: MapSpec): Matrix {
  const out = matrix(Q.rows, V.cols);
  for (let q = 0; q < Q.rows; q++) {
    const s = Float64Array.from({ length: K.rows }, (_, i) => {
      let v = 0;
      for (let k = 0; k < K.cols; k++) v += K.data[i * K.cols + k] * Q.data[q * Q.cols + k];
      return v;
    });
    const p = separate(s, spec);
    for (let i = 0; i < K.rows; i++) {
      for (let k = 0; k < V.cols; k++) out.data[q * V.cols + k] += p[i] * V.data[i * V.cols + k];
    }
  }
  return out;
}

Deno.test("every backend steps a key/value memory (keys 9 wide, values 5 wide) like the Float64 reference, fused path included", async () => {
  const prng = createPrng(31);
  const K = sphere(70, 9, { radius: 2, prng }), V = sphere(70, 5, { radius: 3, prng });
  const Q = sphere(20, 9, { radius: 2, prng });
  for (
    const spec of [
      mapSpec({ beta: 2 }),
      mapSpec({ kind: "sparsemax", beta: 4 }),
      mapSpec({ kind: "entmax15" }),
    ]
  ) {
    const want = reference(K, V, Q, spec);
    for (const [name, backend] of backends) {
      assert.ok(backend, `${name} is missing (CI installs OpenBLAS and Mesa)`);
      const tol = backend.precision === "f64" ? 1e-12 : 3e-4;
      for (const probabilities of [true, false]) {
        const r = await backend.step({ keys: K, values: V }, Q, spec, { probabilities });
        assert.equal(r.states.cols, 5);
        assertAllClose(r.states.data, want.data, tol, `${name} ${spec.kind} probabilities=${probabilities}`);
      }
    }
  }
});

Deno.test("iterate on a key/value memory: equal widths run, unequal widths are refused on every backend", async () => {
  const prng = createPrng(32);
  const K = sphere(40, 6, { prng }), V = sphere(40, 6, { radius: 1.5, prng }), Q = sphere(7, 6, { prng });
  const spec = mapSpec({ beta: 3 });
  let want = Q;
  for (let t = 0; t < 3; t++) want = reference(K, V, want, spec);
  for (const [name, backend] of backends) {
    const r = await backend!.iterate({ keys: K, values: V }, Q, spec, 3, { probabilities: false });
    assertAllClose(r.states.data, want.data, backend!.precision === "f64" ? 1e-12 : 3e-4, name);
    await assert.rejects(
      () => backend!.iterate({ keys: K, values: sphere(40, 4, { prng }) }, Q, spec, 2),
      /values=4, keys=6/,
      name,
    );
    await assert.rejects(
      () => backend!.step({ keys: K, values: sphere(39, 6, { prng }) }, Q, spec),
      /keys=40, values=39/,
      name,
    );
    await assert.rejects(
      () => backend!.step({ keys: K, values: V }, sphere(2, 5, { prng }), spec),
      /queries=5, keys=6/,
    );
  }
});

Deno.test("webgpu: keys and values wider than one binding are chunked alike", async () => {
  const tiny = await GpuContext.create({ allowFallback: true, limits: { maxBindingBytes: 4096 } });
  assert.ok(tiny);
  const prng = createPrng(33);
  // Keys 8 wide (128 rows per binding), values 12 wide (85 rows): 300 rows → chunks of 85 for both.
  const K = sphere(300, 8, { radius: 2, prng }),
    V = sphere(300, 12, { prng }),
    Q = sphere(5, 8, { radius: 2, prng });
  const spec = mapSpec({ beta: 2 });
  const r = await new GpuRetrieval(tiny).iterate(K, V, Q, spec, 1);
  assertAllClose(r.states.data, reference(K, V, Q, spec).data, 3e-4);
});
