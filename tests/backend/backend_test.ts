import assert from "node:assert/strict";
import { blasBackend, cpuBackend, selectBackend } from "../../lib/backend/mod.ts";
import { mapSpec } from "../../lib/maps/spec.ts";
import { OnlineSoftmax } from "../../lib/backend/online_softmax.ts";
import { BENCH_SIZES, runBench } from "../../lib/backend/bench.ts";
import { backendName } from "../../lib/backend/select.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { update } from "../../lib/hopfield/update.ts";
import { matmulT, row, selectRows } from "../../lib/linalg/matrix.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { retrieveOn } from "../../lib/backend/retrieve.ts";
import { nearestRows } from "../../lib/backend/nearest.ts";
import { gaussianNoise } from "../../lib/data/corrupt.ts";
import { assertAllClose, assertClose } from "../helpers.ts";

// CI installs libopenblas0-pthread, so the blas backend must load there: a missing library fails, not skips.
const blas32 = blasBackend("f32"), blas64 = blasBackend("f64");

Deno.test("the cpu backend's step equals update() row by row", async () => {
  const prng = createPrng(1);
  const X = sphere(30, 7, { radius: 2, prng }), Q = sphere(5, 7, { radius: 2, prng });
  const s = await cpuBackend.step(X, Q, mapSpec({ beta: 1.5 }));
  for (let q = 0; q < 5; q++) {
    assertAllClose(
      s.states.data.subarray(q * 7, (q + 1) * 7),
      update(X, row(Q, q), { beta: 1.5 }).state,
      1e-14,
    );
  }
});

Deno.test("the blas backend agrees with cpu: f64 to 1e-12, f32 to 1e-4 relative, across query blocks and maps", async () => {
  assert.ok(blas32 && blas64, "no CBLAS library loads (install libopenblas0-pthread or set HOPFIELD_BLAS)");
  const prng = createPrng(2);
  const X = sphere(300, 33, { radius: 3, prng }), Q = sphere(150, 33, { radius: 3, prng }); // 150 > one 64-query block
  for (
    const options of [{ beta: 2 }, { beta: 5, kind: "sparsemax" as const }, {
      beta: 3,
      kind: "entmax15" as const,
    }, { beta: 1e4 }].map(mapSpec)
  ) {
    const ref = await cpuBackend.step(X, Q, options);
    assertAllClose(
      (await blas64!.step(X, Q, options)).states.data,
      ref.states.data,
      1e-12,
      `f64 ${JSON.stringify(options)}`,
    );
    assertAllClose(
      (await blas32!.step(X, Q, options)).states.data,
      ref.states.data,
      1e-4 * 3,
      `f32 ${JSON.stringify(options)}`,
    );
  }
});

Deno.test("blas sparse maps mix few-memory rows from their support alone, and whole blocks by gemm otherwise", async () => {
  const prng = createPrng(12);
  const X = sphere(2000, 24, { radius: 3, prng }),
    Q = gaussianNoise(selectRows(X, [3, 99, 1500, 7]), { sigma: 0.05, prng });
  for (const kind of ["sparsemax", "entmax15"] as const) {
    // β = 8: supports of a few memories (the support path); β = 0.002: supports of hundreds (the gemm path).
    for (const beta of [8, 0.002]) {
      const spec = mapSpec({ kind, beta }), ref = await cpuBackend.step(X, Q, spec);
      const support = Array.from(
        { length: 4 },
        (_, q) => ref.probabilities!.data.subarray(q * 2000, (q + 1) * 2000).filter((p) => p > 0).length,
      );
      assert.ok(
        beta === 8 ? Math.max(...support) <= 31 : Math.min(...support) > 31,
        `${kind} β ${beta}: supports ${support}`,
      );
      assertAllClose(
        (await blas64!.step(X, Q, spec)).states.data,
        ref.states.data,
        1e-12,
        `f64 ${kind} β ${beta}`,
      );
      assertAllClose(
        (await blas32!.step(X, Q, spec)).states.data,
        ref.states.data,
        3e-4,
        `f32 ${kind} β ${beta}`,
      );
    }
  }
});

Deno.test("selectBackend() honours HOPFIELD_BACKEND, never auto-picks a fallback adapter, rejects unknown names", async () => {
  Deno.env.set("HOPFIELD_BACKEND", "cpu");
  try {
    assert.equal((await selectBackend()).name, "cpu");
    Deno.env.set("HOPFIELD_BACKEND", "bogus");
    await assert.rejects(() => selectBackend(), /HOPFIELD_BACKEND must be one of .*: HOPFIELD_BACKEND=bogus/);
    assert.throws(() => backendName("gpu", { source: "--backend" }), /--backend=gpu/);
  } finally {
    Deno.env.delete("HOPFIELD_BACKEND");
  }
  assert.equal((await selectBackend("blas")).name, "blas");
  assert.equal((await selectBackend("webgpu")).name, "webgpu"); // lavapipe, when named
  // This machine's only adapter is a software fallback, so auto must pass it over for blas.
  assert.equal((await selectBackend("auto")).name, "blas");
  await assert.rejects(() => selectBackend("gpu" as "cpu"), /backend=gpu/);
});

Deno.test("selectBackend() creates each backend once per process and hands the same object back", async () => {
  const [a, b] = await Promise.all([selectBackend("blas"), selectBackend("blas")]);
  assert.equal(a, b);
  assert.equal(await selectBackend("webgpu"), await selectBackend("webgpu"));
  assert.notEqual(await selectBackend("blas", "f64"), a);
  assert.equal((await selectBackend("blas", "f64")).precision, "f64");
});

Deno.test("runBench() times the backend it is given and states the FLOP rate of its median and its error", async () => {
  const blas = await selectBackend("blas");
  const r = await runBench(blas, { size: "S0", repeat: 3 });
  assert.equal(r.backend, "blas-f32");
  const { d, m, b } = BENCH_SIZES.S0;
  assertClose(r.gflops, (4 * b * m * d) / (r.median_ms * 1e6), 1e-9 * r.gflops, "gflops from the median");
  assert.ok(r.max_rel_err < 1e-5 && r.max_rel_err > 0, `f32 against f64: ${r.max_rel_err}`);
  assert.equal((await runBench(cpuBackend, { size: "S0", repeat: 1 })).max_rel_err, 0);
  await assert.rejects(() => runBench(blas, { size: "S9" as "S0" }), /size=S9/);
  await assert.rejects(() => runBench(blas, { size: "S0", repeat: 0 }), /repeat=0/);
});

Deno.test("the fused f32 softmax step agrees with cpu over many pattern chunks and query blocks", async () => {
  assert.ok(blas32, "no CBLAS library loads");
  const prng = createPrng(3);
  // N = 5003 spans several 4096-pattern chunks and ends on a chunk whose width is not a multiple of 4;
  // B = 300 spans two 256-query blocks.
  // d = 7 leaves a tail of 3 columns beside the kernel's 4 lanes when it rescales and normalises output rows.
  for (const d of [24, 7]) {
    const X = sphere(5003, d, { radius: 2, prng }), Q = sphere(300, d, { radius: 2, prng });
    for (const beta of [0.5, 3, 200]) {
      const ref = await cpuBackend.step(X, Q, mapSpec({ beta }));
      const fused = await blas32!.step(X, Q, mapSpec({ beta }), { probabilities: false });
      assert.equal(fused.probabilities, undefined);
      assertAllClose(fused.states.data, ref.states.data, 1e-4 * 2, `d=${d} beta=${beta}`);
    }
  }
});

Deno.test("a step writes its states into the caller's matrix (into) on every backend, and refuses a wrong one", async () => {
  const prng = createPrng(8);
  const X = sphere(40, 6, { radius: 2, prng }), Q = sphere(5, 6, { radius: 2, prng });
  const ref = await cpuBackend.step(X, Q, mapSpec({ beta: 2 }));
  const cases = [
    [cpuBackend, Float64Array],
    [blas32!, Float32Array],
    [blasBackend("f64")!, Float64Array],
  ] as const;
  for (const [backend, Arr] of cases) {
    for (const probabilities of [true, false]) {
      const into = { rows: 5, cols: 6, data: new Arr(30) };
      const r = await backend.step(X, Q, mapSpec({ beta: 2 }), { probabilities, into });
      assert.equal(r.states, into, `${backend.name}-${backend.precision}: the states are the given matrix`);
      assertAllClose(into.data, ref.states.data, 1e-4, `${backend.name}-${backend.precision}`);
      await assert.rejects(
        () => backend.step(X, Q, mapSpec({ beta: 2 }), { probabilities, into: { ...into, rows: 4 } }),
        /into must be 5 × 6.*into=4×6/,
      );
      const other = Arr === Float32Array ? Float64Array : Float32Array;
      await assert.rejects(
        () =>
          backend.step(X, Q, mapSpec({ beta: 2 }), { probabilities, into: { ...into, data: new other(30) } }),
        /into must hold/,
      );
    }
  }
  await assert.rejects(
    () => blas32!.step(X, Q, mapSpec({ beta: 2 }), { probabilities: false, into: Q as never }),
    /into must hold Float32Array|must not be the queries/,
  );
});

Deno.test("the online softmax kernel: peaked rows, −∞ entries, a row of −∞ then finite, rescaling across passes; close", async () => {
  const sm = new OnlineSoftmax(2); // two threads even on a one-core machine
  const rows = 20, stride = 8;
  let block = sm.reserve(rows, stride);
  block.max.fill(-Infinity);
  block.norm.fill(0);
  const first = [
    [0, 1, 2, 3, -Infinity, -Infinity, -Infinity, -Infinity],
    [1000, 0, -Infinity, 0, 0, 0, 0, 0], // peaked: exp(−1000β) underflows to 0
    new Array(8).fill(-Infinity), // nothing finite yet
  ];
  for (let r = 0; r < rows; r++) block.scores.set(first[r % 3], r * stride);
  sm.run(rows, stride, 1);
  block = sm.reserve(rows, stride);
  for (let r = 0; r < rows; r++) block.scores.set([5, 5, 5, 5, 5, 5, 5, 5], r * stride);
  sm.run(rows, stride, 1);
  // Compare ℓ·exp(m) with the sum of exp over both passes, computed in f64.
  for (let r = 0; r < rows; r++) {
    const all = [...first[r % 3], ...new Array(8).fill(5)];
    const top = Math.max(...all);
    const want = all.reduce((s, v) => s + Math.exp(v - top), 0);
    assert.equal(block.max[r], top, `row ${r} max`);
    assert.ok(Math.abs(block.norm[r] - want) <= 1e-6 * want, `row ${r}: ℓ=${block.norm[r]} want ${want}`);
  }
  assert.throws(() => sm.reserve(1, 6), /stride=6/);
  await sm.close();
  await sm.close(); // idempotent
  assert.throws(() => sm.run(rows, stride, 1), /run the softmax kernel: this OnlineSoftmax was closed/);
  assert.throws(() => sm.reserve(rows, stride), /was closed/);
  // The process-wide instance is renewed once closed.
  const shared = OnlineSoftmax.shared();
  assert.equal(OnlineSoftmax.shared(), shared);
  await shared.close();
  assert.notEqual(OnlineSoftmax.shared(), shared);
  OnlineSoftmax.shared().reserve(1, 4);
});

Deno.test("the embedded WebAssembly binary matches its .wat source", async () => {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../lib/backend/wasm/build.ts", import.meta.url).pathname, "--check"],
  }).output();
  assert.equal(code, 0, "run deno run -A lib/backend/wasm/build.ts");
});

Deno.test("retrieveOn() on cpu is retrieve() to the bit; blas and webgpu follow the same loop within f32 tolerance", async () => {
  const prng = createPrng(5);
  const X = sphere(40, 9, { radius: 2, prng }), Q = sphere(12, 9, { radius: 2, prng });
  for (const options of [{ beta: 3 }, { beta: 2, map: "sparsemax" as const, maxSteps: 7 }]) {
    const ref = retrieve(X, Q, options);
    const cpu = await retrieveOn(X, Q, { ...options, backend: cpuBackend });
    assert.deepEqual(cpu.states.data, ref.states.data);
    assert.deepEqual(cpu.probabilities.data, ref.probabilities.data);
    assert.deepEqual([cpu.steps, cpu.converged, cpu.trajectories], [
      ref.steps,
      ref.converged,
      ref.trajectories,
    ]);
    for (const name of ["blas", "webgpu"] as const) {
      const backend = await selectBackend(name);
      for (const trajectory of [true, false]) {
        const r = await retrieveOn(X, Q, { ...options, backend, trajectory, eps: 1e-5 });
        assertAllClose(r.states.data, ref.states.data, 1e-3, `${name} states, trajectory ${trajectory}`);
        assertAllClose(r.probabilities.data, ref.probabilities.data, 1e-3, `${name} probabilities`);
        assert.equal(r.trajectories.length, trajectory ? 12 : 0);
      }
    }
  }
  await assert.rejects(
    () => retrieveOn(X, Q, { beta: 1, backend: "cpu" as unknown as typeof cpuBackend }),
    /options.backend must be a backend from selectBackend\(\): backend=cpu/,
  );
});

Deno.test("every backend's scores are Q·Xᵀ, and nearestRows() finds the nearest pattern on each", async () => {
  const prng = createPrng(6);
  const X = sphere(300, 16, { radius: 3, prng });
  const Q = gaussianNoise(selectRows(X, [5, 17, 250, 0, 299]), { sigma: 0.05, prng });
  const ref = matmulT(Q, X);
  for (const name of ["cpu", "blas", "webgpu"] as const) {
    const backend = await selectBackend(name);
    const s = await backend.scores(X, Q);
    assert.deepEqual([s.rows, s.cols], [5, 300]);
    assertAllClose(s.data, ref.data, name === "cpu" ? 1e-12 : 1e-4, `${name} scores`);
    assert.deepEqual(Array.from(await nearestRows(backend, X, Q)), [5, 17, 250, 0, 299], name);
  }
  await assert.rejects(() => nearestRows(cpuBackend, X, sphere(1, 3, { prng })), /query=3, patterns=16/);
});

Deno.test("backend.solve: LAPACK on blas agrees with the TypeScript LU, and a singular system is refused", async () => {
  const prng = createPrng(8);
  for (const n of [1, 7, 120]) {
    const A = { rows: n, cols: n, data: new Float64Array(n * n).map(() => prng.normal()) };
    const b = Float64Array.from({ length: n }, () => prng.normal());
    const ref = cpuBackend.solve(A, b);
    assertAllClose((await selectBackend("blas")).solve(A, b), ref, 1e-9, `n=${n}`);
  }
  const singular = { rows: 2, cols: 2, data: Float64Array.of(1, 2, 2, 4) };
  assert.throws(() => blas64!.solve(singular, [1, 1]), /singular/);
  assert.throws(() => blas64!.solve({ rows: 2, cols: 3, data: new Float64Array(6) }, [1, 1]), /A=2×3/);
});
