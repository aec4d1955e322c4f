// WebGPU against the cpu reference. CI installs mesa-vulkan-drivers, so an adapter (lavapipe) must exist there:
// a missing adapter fails these tests rather than skipping them. Sizes stay small: lavapipe is slow.
import assert from "node:assert/strict";
import { cpuBackend, selectBackend, webgpuBackend } from "../../lib/backend/mod.ts";
import { GpuContext } from "../../lib/backend/gpu_context.ts";
import { GpuRetrieval } from "../../lib/backend/gpu_retrieval.ts";
import { mapSpec } from "../../lib/maps/spec.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { fromRows } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { separate } from "../../lib/maps/mod.ts";
import { assertAllClose } from "../helpers.ts";

const TOL = 1e-4; // f32 on the device against the Float64 reference, relative to the largest entry
const gpu = await webgpuBackend({ allowFallback: true });
// A context with a 4 KiB binding limit: 300 patterns of 8 floats split into 3 chunks, 3 queries per block.
const tinyContext = await GpuContext.create({ allowFallback: true, limits: { maxBindingBytes: 4096 } });

function problem(seed: number, n: number, b: number, d: number) {
  const prng = createPrng(seed);
  return { X: sphere(n, d, { radius: 2, prng }), Q: sphere(b, d, { radius: 2, prng }) };
}

Deno.test("a WebGPU adapter exists (CI: mesa-vulkan-drivers)", () => {
  assert.ok(gpu, "no WebGPU adapter: install mesa-vulkan-drivers");
  assert.equal(gpu.name, "webgpu");
});

Deno.test("on Linux wgpu is kept to Vulkan: libEGL (whose exit-time destructor corrupted the heap) never loads", () => {
  if (Deno.build.os !== "linux") return;
  const chosen = Deno.env.get("DENO_WEBGPU_BACKEND");
  assert.ok(chosen, "GpuContext.create must set DENO_WEBGPU_BACKEND when it is unset");
  if (chosen !== "vulkan") return; // the user asked for another backend
  assert.doesNotMatch(Deno.readTextFileSync("/proc/self/maps"), /libEGL|libGLdispatch/);
});

Deno.test("the XDG_RUNTIME_DIR made for Mesa when it is unset is removed at exit", async () => {
  const code = `import { GpuContext } from ${
    JSON.stringify(new URL("../../lib/backend/gpu_context.ts", import.meta.url).href)
  };
    await GpuContext.create({ allowFallback: true });
    console.log(Deno.env.get("XDG_RUNTIME_DIR"));`;
  const env = { ...Deno.env.toObject() };
  delete env.XDG_RUNTIME_DIR;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], env, clearEnv: true }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const dir = new TextDecoder().decode(out.stdout).trim();
  assert.match(dir, /xdg-/);
  assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
});

Deno.test("webgpu step agrees with cpu for softmax, sparsemax, entmax15 and entmax(1.3)", async () => {
  const { X, Q } = problem(1, 70, 21, 12);
  for (
    const o of [
      { beta: 1.5 },
      { beta: 40 },
      { beta: 3, kind: "sparsemax" as const },
      { beta: 3, kind: "entmax15" as const },
      { beta: 3, kind: "entmax" as const, alpha: 1.3 },
    ]
  ) {
    const ref = await cpuBackend.step(X, Q, mapSpec(o));
    const got = await gpu!.step(X, Q, mapSpec(o));
    assertAllClose(got.states.data, ref.states.data, TOL * 4, `states ${JSON.stringify(o)}`);
    assertAllClose(
      got.probabilities!.data,
      ref.probabilities!.data,
      TOL * 4,
      `probabilities ${JSON.stringify(o)}`,
    );
  }
});

Deno.test("webgpu row maps: peaked rows and −∞ entries give exact zeros", async () => {
  const run = new GpuRetrieval((await GpuContext.create({ allowFallback: true }))!);
  const rows = [[0, 1, -Infinity, 2], [1000, 0, 0, -Infinity], [0.5, 0.5, 0.5, 0.5]];
  for (const kind of ["softmax", "sparsemax", "entmax15"] as const) {
    const p = await run.mapRows(fromRows(rows), mapSpec({ kind, beta: 1 }));
    rows.forEach((r, i) => {
      const want = separate(r.map((v) => (Number.isFinite(v) ? v : -1e30)), { kind, beta: 1 });
      assertAllClose(p.data.subarray(i * 4, i * 4 + 4), want, TOL, `${kind} row ${i}`);
    });
    assert.equal(p.data[2], 0, `${kind}: −∞ gives exactly 0`);
    assert.equal(p.data[7], 0, `${kind}: −∞ gives exactly 0`);
    assert.equal(p.data[5], 0, `${kind}: a peaked row gives exactly 0 elsewhere`);
  }
});

Deno.test("webgpu splits problems larger than the binding limit into pattern chunks and query blocks", async () => {
  assert.ok(tinyContext);
  assert.equal(tinyContext.limits.maxBindingBytes, 4096);
  const run = new GpuRetrieval(tinyContext);
  const { X, Q } = problem(2, 300, 10, 8);
  const ref = await cpuBackend.step(X, Q, mapSpec({ beta: 2 }));
  const got = await run.iterate(X, X, Q, mapSpec({ beta: 2 }), 1, true);
  assertAllClose(got.states.data, ref.states.data, TOL, "states");
  assertAllClose(got.probabilities!.data, ref.probabilities!.data, TOL, "probabilities");
});

Deno.test("webgpu fused multi-step retrieval (one submit, no readback between steps) agrees with cpu", async () => {
  const { X, Q } = problem(3, 50, 9, 10);
  for (const o of [{ beta: 4 }, { beta: 6, kind: "sparsemax" as const }].map(mapSpec)) {
    const ref = await cpuBackend.iterate(X, Q, o, 6);
    const got = await gpu!.iterate(X, Q, o, 6);
    assertAllClose(got.states.data, ref.states.data, TOL * 4, JSON.stringify(o));
    const chunked = await new GpuRetrieval(tinyContext!).iterate(X, X, Q, o, 6);
    assertAllClose(chunked.states.data, ref.states.data, TOL * 4, `chunked ${JSON.stringify(o)}`);
  }
});

Deno.test("webgpu energies on a grid of states agree with the Float64 energy", async () => {
  const { X } = problem(4, 40, 1, 2);
  const grid = fromRows(
    Array.from({ length: 49 }, (_, i) => [(i % 7) / 2 - 1.5, Math.floor(i / 7) / 2 - 1.5]),
  );
  const ref = await cpuBackend.energies(X, grid, mapSpec({ beta: 3 }));
  const got = await gpu!.energies(X, grid, mapSpec({ beta: 3 }));
  assertAllClose(got, ref, TOL * 10);
  const chunked = await new GpuRetrieval(tinyContext!).energies(X, grid, 3);
  assertAllClose(chunked, ref, TOL * 10);
});

Deno.test("f32 backends match the reference or refuse naming the f32 range: huge norms, huge β, α far from 1", async () => {
  const blas = await selectBackend("blas");
  const cases = [
    { X: fromRows([[1e20, 0], [0, 1e20]]), Q: fromRows([[1e20, 1]]), spec: mapSpec({ beta: 1 }) },
    { X: fromRows([[1, 0], [0, 1]]), Q: fromRows([[0.9, 0.1]]), spec: mapSpec({ beta: 1e300 }) },
    {
      X: fromRows([[1, 0], [0, 1]]),
      Q: fromRows([[0.9, 0.1]]),
      spec: mapSpec({ beta: 3, kind: "entmax", alpha: 1e9 }),
    },
    { X: fromRows([[1, 0], [0, 1]]), Q: fromRows([[0.9, 0.1]]), spec: mapSpec({ beta: 1e30 }) },
  ];
  for (const { X, Q, spec } of cases) {
    const ref = await cpuBackend.step(X, Q, spec);
    for (const backend of [gpu!, blas]) {
      for (const probabilities of [true, false]) {
        try {
          const got = await backend.step(X, Q, spec, { probabilities });
          assert.ok(got.states.data.every(Number.isFinite), `${backend.name}: finite states`);
          const scale = Math.max(...ref.states.data.map(Math.abs));
          assertAllClose(got.states.data, ref.states.data, TOL * 4 * scale, `${backend.name} ${spec.beta}`);
        } catch (e) {
          assert.match(
            (e as Error).message,
            /f32 range ±3\.4e38/,
            `${backend.name}: ${(e as Error).message}`,
          );
        }
      }
    }
  }
  // The first and second cases must be refused (they cannot be computed in f32).
  await assert.rejects(() => gpu!.step(cases[0].X, cases[0].Q, cases[0].spec), /scores can reach/);
  await assert.rejects(() => blas.step(cases[1].X, cases[1].Q, cases[1].spec), /beta=1e\+300/);
});

Deno.test("webgpu: transient operands go back to the pool (a loop of matmuls on fresh arrays creates no new buffers)", async () => {
  const ctx = await GpuContext.create({ allowFallback: true });
  assert.ok(ctx);
  const run = new GpuRetrieval(ctx), device = ctx.device as { createBuffer: GPUDevice["createBuffer"] };
  const create = device.createBuffer.bind(ctx.device);
  let created = 0;
  device.createBuffer = (d: GPUBufferDescriptor) => {
    created++;
    return create(d);
  };
  const Q = sphere(3, 8, { prng: createPrng(9) }), fixed = sphere(40, 8, { prng: createPrng(10) });
  const perCall = async (call: (i: number) => Promise<unknown>) => {
    await call(0);
    await call(1); // warm: the pool holds what one call needs
    const before = created;
    for (let i = 2; i < 6; i++) await call(i);
    return (created - before) / 4;
  };
  // A cached operand creates only the per-submit buffers (uniforms, staging); a fresh operand each call, passed as
  // transient, must create no more than that.
  const cached = await perCall(() => run.scores(fixed, Q));
  const fresh = await perCall((i) => {
    const P = sphere(40, 8, { prng: createPrng(20 + i) });
    return run.transient(P, () => run.scores(P, Q));
  });
  assert.equal(
    fresh,
    cached,
    `buffers created per call: ${fresh} with fresh transient operands, ${cached} cached`,
  );
});
