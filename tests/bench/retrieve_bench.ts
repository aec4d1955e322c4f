// deno bench -A tests/: the retrieval step on each backend (S0), and a full retrieve() on the cpu reference.
import { cpuBackend, selectBackend } from "../../lib/backend/mod.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { createPrng } from "../../lib/linalg/prng.ts";

const prng = createPrng(1);
const X = sphere(256, 64, { radius: 1, prng }), Q = sphere(256, 64, { radius: 1, prng });
const blas = selectBackend("auto");

Deno.bench("step S0 (d=64, M=256, B=256), cpu f64", { group: "step" }, () => {
  cpuBackend.step(X, Q, { beta: 8 });
});
Deno.bench(
  `step S0 (d=64, M=256, B=256), ${blas.name} ${blas.precision}`,
  { group: "step", baseline: true },
  () => {
    blas.step(X, Q, { beta: 8 });
  },
);
Deno.bench("retrieve() 256 queries to convergence, cpu f64", () => {
  retrieve(X, Q, { beta: 8, trajectory: false });
});
