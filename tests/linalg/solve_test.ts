import assert from "node:assert/strict";
import fc from "fast-check";
import { fromRows, matrix } from "../../lib/linalg/matrix.ts";
import { solve, solveSpd } from "../../lib/linalg/solve.ts";
import { assertAllClose, randomSpd } from "../helpers.ts";

Deno.test("solveSpd: A x = b to rounding for SPD A, and agrees with Gaussian elimination", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
      const A = randomSpd(n, 1, seed), b = Array.from({ length: n }, (_, i) => Math.sin(i + seed));
      const x = solveSpd(A, b);
      const Ax = Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += A.data[i * n + j] * x[j];
        return s;
      });
      const scale = Math.max(...A.data.map(Math.abs)) * Math.max(...x.map(Math.abs));
      assertAllClose(Ax, b, 1e-12 * scale * n, "A x");
      assertAllClose(x, solve(A, b), 1e-9 * Math.max(...x.map(Math.abs)), "x");
    }),
    { numRuns: 60, seed: 9 },
  );
});

Deno.test("solveSpd: reads only the lower triangle; rejects indefinite and misshapen input by name", () => {
  const A = fromRows([[4, 99], [2, 3]]); // the upper 99 is ignored
  assertAllClose(solveSpd(A, [2, 5]), [-0.5, 2], 1e-15);
  assert.throws(() => solveSpd(fromRows([[1, 2], [2, 1]]), [1, 1]), /not positive definite \(pivot 1/);
  assert.throws(() => solveSpd(fromRows([[0, 0], [0, 1]]), [1, 1]), /not positive definite \(pivot 0/);
  assert.throws(() => solveSpd(fromRows([[1, 0], [0, NaN]]), [1, 1]), /not positive definite/);
  assert.throws(() => solveSpd(matrix(2, 3), [1, 1]), /A=2×3, b=2/);
  assert.throws(() => solveSpd(matrix(2, 2), [1]), /A=2×2, b=1/);
});
