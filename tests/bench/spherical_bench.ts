/**
 * Speed of the spherical-code optimiser and of its dense solves: `deno bench -A tests/bench/spherical_bench.ts`.
 * The optimiser runs are bounded by restarts, not time, so each iteration does the same work.
 */
import { matrix } from "../../lib/linalg/matrix.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { solve, solveSpd } from "../../lib/linalg/solve.ts";
import { optimiseCode } from "../../lib/spherical/optimise.ts";

// A random SPD matrix of the size of a polish's JJᵀ at M = 128 (about 250 contacts + 128 norm rows).
const n = 380, prng = createPrng(3), B = Float64Array.from({ length: n * n }, () => prng.normal());
const A = matrix(n, n), b = Float64Array.from({ length: n }, () => prng.normal());
for (let i = 0; i < n; i++) {
  for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += B[k * n + i] * B[k * n + j];
    A.data[i * n + j] = s;
  }
}

Deno.bench(`solve, Gaussian elimination (n=${n})`, { group: "solve" }, () => {
  solve(A, b);
});
Deno.bench(`solveSpd, Cholesky (n=${n})`, { group: "solve", baseline: true }, () => {
  solveSpd(A, b);
});

Deno.bench("optimiseCode d=3 M=30, 40 restarts", { group: "tammes" }, () => {
  optimiseCode(3, 30, { seed: 1, restarts: 40, timeBudgetMs: 1e9 });
});
Deno.bench("optimiseCode d=3 M=128, 40 restarts", { group: "tammes" }, () => {
  optimiseCode(3, 128, { seed: 1, restarts: 40, timeBudgetMs: 1e9 });
});
