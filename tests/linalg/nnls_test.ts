import assert from "node:assert/strict";
import fc from "fast-check";
import { fromRows, type Matrix, matrix } from "../../lib/linalg/matrix.ts";
import { nnls } from "../../lib/linalg/nnls.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { solve } from "../../lib/linalg/solve.ts";
import { assertAllClose } from "../helpers.ts";

/** w = Aᵀ(b − A x), the negative gradient of ½‖A x − b‖². */
function gradient(A: Matrix, b: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const w = new Float64Array(A.cols);
  for (let r = 0; r < A.rows; r++) {
    let res = b[r];
    for (let j = 0; j < A.cols; j++) res -= A.data[r * A.cols + j] * x[j];
    for (let j = 0; j < A.cols; j++) w[j] += A.data[r * A.cols + j] * res;
  }
  return w;
}

/** ‖A x − b‖₂. */
function residual(A: Matrix, b: number[], x: Float64Array): number {
  let s = 0;
  for (let r = 0; r < A.rows; r++) {
    let v = -b[r];
    for (let j = 0; j < A.cols; j++) v += A.data[r * A.cols + j] * x[j];
    s += v * v;
  }
  return Math.sqrt(s);
}

/** A (rows × cols) and b with standard normal entries from `seed`. */
function gaussianProblem(rows: number, cols: number, seed: number): { A: Matrix; b: number[] } {
  const prng = createPrng(seed);
  const A = matrix(rows, cols), b = Array.from({ length: rows }, () => prng.normal());
  for (let k = 0; k < A.data.length; k++) A.data[k] = prng.normal();
  return { A, b };
}

Deno.test("nnls: the answer meets the KKT conditions (x ≥ 0, w ≤ 0 at x = 0, w = 0 at x > 0) on random problems", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 1e6 }),
      (rows, cols, seed) => {
        const { A, b } = gaussianProblem(rows, cols, seed);
        const x = nnls(A, b), w = gradient(A, b, x);
        const scale = 1e-9 * (1 + Math.max(...x.map(Math.abs))) * rows;
        for (let j = 0; j < cols; j++) {
          assert.ok(x[j] >= 0, `x[${j}] = ${x[j]}`);
          assert.ok(w[j] <= scale, `w[${j}] = ${w[j]} > 0 (x[${j}] = ${x[j]})`);
          if (x[j] > 0) assert.ok(Math.abs(w[j]) <= scale, `w[${j}] = ${w[j]} at x[${j}] = ${x[j]} > 0`);
        }
      },
    ),
    { numRuns: 80, seed: 6 },
  );
});

Deno.test("nnls: equals the unconstrained solution when that is non-negative, and clips a worked example", () => {
  const A = fromRows([[2, 1], [1, 3], [0, 1]]), b = [3, 5, 1];
  // Normal equations (5 5; 5 11) x = (11 19): x = (1.0333…, 1.1666…) > 0.
  assertAllClose(nnls(A, b), solve(fromRows([[5, 5], [5, 11]]), [11, 19]), 1e-12);
  // b = (1, −1): the unconstrained x = (0.8, −0.6) is negative in x₂, so x₂ = 0 and x₁ = (Aᵀb)₁/(AᵀA)₁₁ = 1/5.
  assertAllClose(nnls(fromRows([[2, 1], [1, 3]]), [1, -1]), [0.2, 0], 1e-15);
  // All gradients non-positive at 0: x = 0.
  assert.deepEqual(Array.from(nnls(fromRows([[1, 0], [0, 1]]), [-1, -2])), [0, 0]);
});

Deno.test("nnls: a rank-deficient A (repeated column) still reaches the least residual", () => {
  const A = fromRows([[1, 1, 0], [1, 1, 0], [0, 0, 1]]), b = [2, 2, -1];
  const x = nnls(A, b);
  assert.ok(x.every((v) => v >= 0));
  assertAllClose([x[0] + x[1], x[2]], [2, 0], 1e-10);
  // A zero column, even in a warm start, stays at zero.
  assert.deepEqual(Array.from(nnls(fromRows([[0, 1]]), [1], { start: [0] })), [0, 1]);
});

Deno.test("nnls: a warm start, right or wrong, reaches the same residual as a cold one", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 25 }),
      fc.integer({ min: 1, max: 25 }),
      fc.integer({ min: 1, max: 1e6 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      (rows, cols, seed, picks) => {
        const { A, b } = gaussianProblem(rows, cols, seed);
        const cold = nnls(A, b), support = [...cold.keys()].filter((j) => cold[j] > 0);
        const arbitrary = [...new Set(picks.map((p) => p % cols))];
        for (const start of [support, arbitrary]) {
          const warm = nnls(A, b, { start });
          assert.ok(warm.every((v) => v >= 0));
          const [r0, r1] = [residual(A, b, cold), residual(A, b, warm)];
          assert.ok(Math.abs(r0 - r1) <= 1e-10 * (1 + r0), `residual ${r1} vs ${r0} from [${start}]`);
        }
      },
    ),
    { numRuns: 80, seed: 7 },
  );
});

Deno.test("nnls: cases that once failed: a blocked variable left a hair above zero; dependent warm columns", () => {
  // Warm from {1}: the step that stops x₁ at zero left it at 5.6e-17, and each later step shrank it by 1e-16
  // instead of moving the others, ending at residual 1.905 instead of the optimum's 1.874.
  let { A, b } = gaussianProblem(4, 4, 358759);
  assertAllClose(nnls(A, b, { start: [1] }), nnls(A, b), 1e-12);
  assertAllClose(nnls(A, b), [2.217208480661757, 0, 1.316974537991621, 0], 1e-12);
  // One row and two warm columns: their normal equations are singular. A ridge gave residual 7.9e-10; refusing
  // the dependent column gives the exact fit.
  ({ A, b } = gaussianProblem(1, 8, 417516));
  assert.ok(residual(A, b, nnls(A, b, { start: [4, 7] })) < 1e-14);
});

Deno.test("nnls: rejects misshapen or non-finite input and bad options by name", () => {
  assert.throws(() => nnls(matrix(2, 3), [1]), /A=2×3, b=1/);
  assert.throws(() => nnls(fromRows([[NaN]]), [1]), /must be finite/);
  assert.throws(() => nnls(fromRows([[1]]), [Infinity]), /must be finite/);
  assert.throws(() => nnls(fromRows([[1]]), [1], { maxIterations: 0 }), /maxIterations=0/);
  assert.throws(() => nnls(fromRows([[1, 2]]), [1], { start: [2] }), /start has 2/);
});
