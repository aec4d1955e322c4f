// Leave-one-out self-attention and the general product on every backend against direct Float64 computations.
import assert from "node:assert/strict";
import { blasBackend, cpuBackend, webgpuBackend } from "../../lib/backend/mod.ts";
import type { Backend } from "../../lib/backend/types.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { fromRows, matmul, type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { transposeTiled } from "../../lib/backend/matmul.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { assertAllClose, assertClose } from "../helpers.ts";

const backends: [string, Backend | null][] = [
  ["cpu", cpuBackend],
  ["blas f64", blasBackend("f64")],
  ["blas f32", blasBackend("f32")],
  ["webgpu", await webgpuBackend({ allowFallback: true })],
];

/** lse and out by the definition, one row at a time. */
function reference(U: Matrix, beta: number, V: Matrix = U): { lse: Float64Array; states: Matrix } {
  const n = U.rows, d = U.cols, dv = V.cols, lse = new Float64Array(n), states = matrix(n, dv);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: n }, (_, j) => {
      let v = 0;
      for (let k = 0; k < d; k++) v += U.data[i * d + k] * U.data[j * d + k];
      return beta * v;
    });
    const top = Math.max(...s.filter((_, j) => j !== i));
    let l = 0;
    s.forEach((v, j) => j !== i && (l += Math.exp(v - top)));
    lse[i] = top + Math.log(l);
    s.forEach((v, j) => {
      if (j === i) return;
      for (let k = 0; k < dv; k++) states.data[i * dv + k] += (Math.exp(v - top) / l) * V.data[j * dv + k];
    });
  }
  return { lse, states };
}

Deno.test("leave-one-out attention on every backend matches its definition (N = 2, 3, 300; β up to 50)", async () => {
  const prng = createPrng(50);
  for (const [n, d, beta] of [[2, 3, 1], [3, 2, 4], [300, 7, 4], [300, 7, 50]] as const) {
    const U = sphere(n, d, { prng }), want = reference(U, beta);
    for (const [name, backend] of backends) {
      assert.ok(backend, `${name} is missing`);
      const got = await backend.leaveOneOutAttention(U, beta);
      const tol = backend.precision === "f64" ? 1e-11 : 2e-4 * Math.max(1, beta / 4);
      assertAllClose(got.lse, want.lse, tol * 10, `${name} lse n=${n} β=${beta}`);
      assertAllClose(got.states.data, want.states.data, tol, `${name} out n=${n} β=${beta}`);
    }
  }
});

Deno.test("leave-one-out attention with separate values (5 wide) on every backend matches its definition", async () => {
  const prng = createPrng(53), U = sphere(90, 6, { prng }), V = sphere(90, 5, { radius: 2, prng });
  const want = reference(U, 3, V);
  for (const [name, backend] of backends) {
    const got = await backend!.leaveOneOutAttention(U, 3, V);
    const tol = backend!.precision === "f64" ? 1e-11 : 3e-4;
    assert.equal(got.states.cols, 5, name);
    assertAllClose(got.lse, want.lse, tol * 10, `${name} lse`);
    assertAllClose(got.states.data, want.states.data, tol, `${name} out`);
    await assert.rejects(
      () => backend!.leaveOneOutAttention(U, 3, sphere(89, 5, { prng })),
      /values=89, U=90/,
      name,
    );
  }
});

Deno.test("blas f32 leave-one-out across several row blocks and column chunks agrees with blas f64", async () => {
  const U = sphere(4700, 3, { prng: createPrng(51) }); // 19 row blocks of 256; chunks of 4096 columns
  const f32 = await blasBackend("f32")!.leaveOneOutAttention(U, 4);
  const f64 = await blasBackend("f64")!.leaveOneOutAttention(U, 4);
  assertAllClose(f32.lse, f64.lse, 1e-4, "lse");
  assertAllClose(f32.states.data, f64.states.data, 1e-4, "out");
  // The row's own entry is left out: with two identical rows each sees only the other.
  const twins = await blasBackend("f32")!.leaveOneOutAttention(fromRows([[1, 0], [1, 0], [0, 1]]), 100);
  assertClose(twins.states.data[0], 1, 1e-6);
  assertClose(twins.lse[0], 100, 1e-4);
});

Deno.test("leave-one-out attention refuses one row and a bad β on every backend", async () => {
  for (const [name, backend] of backends) {
    await assert.rejects(() => backend!.leaveOneOutAttention(fromRows([[1, 0]]), 1), /rows=1/, name);
    await assert.rejects(() => backend!.leaveOneOutAttention(fromRows([[1, 0], [0, 1]]), 0), /beta=0/, name);
  }
});

Deno.test("matmul on every backend: all four transpose combinations against the Float64 product, shapes named", async () => {
  const prng = createPrng(52);
  const A = sphere(13, 21, { prng }), B = sphere(21, 17, { prng });
  const At = transposeTiled(A), Bt = transposeTiled(B);
  const want = matmul(A, B);
  for (const [name, backend] of backends) {
    const tol = backend!.precision === "f64" ? 1e-13 : 1e-5;
    for (
      const [a, b, transposeA, transposeB] of [[A, B, false, false], [At, B, true, false], [
        A,
        Bt,
        false,
        true,
      ], [At, Bt, true, true]] as const
    ) {
      const c = await backend!.matmul(a, b, { transposeA, transposeB });
      assert.equal(c.data instanceof Float32Array, backend!.precision === "f32", `${name}: precision`);
      assert.deepEqual([c.rows, c.cols], [13, 17]);
      assertAllClose(c.data, want.data, tol, `${name} transposeA=${transposeA} transposeB=${transposeB}`);
    }
    await assert.rejects(() => backend!.matmul(A, A), /\(13 × 21\) and op\(B\) \(13 × 21\)/, name);
  }
});

Deno.test("matmul on every backend sees an operand changed in place since the last call", async () => {
  const A = fromRows([[1, 2], [3, 4]]), B = fromRows([[1, 0], [0, 1]]);
  for (const [name, backend] of backends) {
    await backend!.matmul(A, B);
    A.data[0] = 10;
    const c = await backend!.matmul(A, B);
    assert.equal(c.data[0], 10, `${name}: the first product's operand was reused`);
    A.data[0] = 1;
  }
});
