/**
 * Speed of the spherical-code optimiser and of its dense solves: `deno bench -A tests/bench/spherical_bench.ts`.
 * The optimiser runs are bounded by restarts, not time, so each iteration does the same work.
 */
import { createPrng } from "../../lib/linalg/prng.ts";
import { solve, solveSpd } from "../../lib/linalg/solve.ts";
import { optimiseCode } from "../../lib/spherical/optimise.ts";
import { contactStresses } from "../../lib/spherical/stresses.ts";
import { randomSpd } from "../helpers.ts";

// A random SPD matrix of the size of a polish's largest JJᵀ at M = 128 (about 250 contacts, one row each).
const n = 250,
  A = randomSpd(n, 1, 3),
  prng = createPrng(4),
  b = Float64Array.from({ length: n }, () => prng.normal());

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

// The certificate of a polished M = 130 code (about 270 contacts: an NNLS on a 391 × 270 system), cold.
const code130 = optimiseCode(3, 130, { seed: 1, restarts: 4, timeBudgetMs: 1e9 }).points;
Deno.bench("contactStresses d=3 M=130", { group: "stresses" }, () => {
  contactStresses(code130);
});
