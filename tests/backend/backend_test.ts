import assert from "node:assert/strict";
import { blasBackend, cpuBackend, selectBackend } from "../../lib/backend/mod.ts";
import { runBench } from "../../lib/backend/bench.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { update } from "../../lib/hopfield/update.ts";
import { row } from "../../lib/linalg/matrix.ts";
import { assertAllClose } from "../helpers.ts";

// CI installs libopenblas0-pthread, so the blas backend must load there: a missing library fails, not skips.
const blas32 = blasBackend("f32"), blas64 = blasBackend("f64");

Deno.test("the cpu backend's step equals update() row by row", () => {
  const prng = createPrng(1);
  const X = sphere(30, 7, { radius: 2, prng }), Q = sphere(5, 7, { radius: 2, prng });
  const s = cpuBackend.step(X, Q, { beta: 1.5 });
  for (let q = 0; q < 5; q++) {
    assertAllClose(row(s.states, q), update(X, row(Q, q), { beta: 1.5 }).state, 1e-14);
  }
});

Deno.test("the blas backend agrees with cpu: f64 to 1e-12, f32 to 1e-4 relative, across query blocks and maps", () => {
  assert.ok(blas32 && blas64, "no CBLAS library loads (install libopenblas0-pthread or set HOPFIELD_BLAS)");
  const prng = createPrng(2);
  const X = sphere(300, 33, { radius: 3, prng }), Q = sphere(150, 33, { radius: 3, prng }); // 150 > one 64-query block
  for (
    const options of [{ beta: 2 }, { beta: 5, kind: "sparsemax" as const }, {
      beta: 3,
      kind: "entmax15" as const,
    }, { beta: 1e4 }]
  ) {
    const ref = cpuBackend.step(X, Q, options);
    assertAllClose(
      blas64!.step(X, Q, options).states.data,
      ref.states.data,
      1e-12,
      `f64 ${JSON.stringify(options)}`,
    );
    assertAllClose(
      blas32!.step(X, Q, options).states.data,
      ref.states.data,
      1e-4 * 3,
      `f32 ${JSON.stringify(options)}`,
    );
  }
});

Deno.test("selectBackend() honours HOPFIELD_BACKEND and rejects unknown names", () => {
  Deno.env.set("HOPFIELD_BACKEND", "cpu");
  try {
    assert.equal(selectBackend().name, "cpu");
  } finally {
    Deno.env.delete("HOPFIELD_BACKEND");
  }
  assert.equal(selectBackend("blas").name, "blas");
  assert.throws(() => selectBackend("webgpu" as "cpu"), /backend=webgpu/);
});

Deno.test("runBench() reports a positive throughput and a small error against cpu", () => {
  const r = runBench({ size: "S0", backend: "blas", repeat: 1 });
  assert.equal(r.backend, "blas-f32");
  assert.ok(r.gflops > 0 && r.max_rel_err < 1e-5);
  assert.throws(() => runBench({ size: "S9" as "S0" }), /size=S9/);
});
