// deno bench -A tests/: the retrieval step on each backend (S0), the fused step on S2, and a full retrieve()
// on the cpu reference.
import { blasBackend, cpuBackend } from "../../lib/backend/mod.ts";
import { sphere } from "../../lib/data/synthetic.ts";
import { retrieve } from "../../lib/hopfield/retrieve.ts";
import { createPrng } from "../../lib/linalg/prng.ts";
import { mapSpec } from "../../lib/maps/spec.ts";

const prng = createPrng(1);
const X = sphere(256, 64, { radius: 1, prng }), Q = sphere(256, 64, { radius: 1, prng });
const X2 = sphere(4096, 64, { radius: 1, prng }), Q2 = sphere(4096, 64, { radius: 1, prng });
const blas = blasBackend("f32");
if (!blas) throw new Error("no CBLAS library loads (install libopenblas0-pthread or set HOPFIELD_BLAS)");

Deno.bench("step S0 (d=64, M=256, B=256), cpu f64", { group: "S0" }, async () => {
  await cpuBackend.step(X, Q, mapSpec({ beta: 8 }));
});
Deno.bench("step S0, blas f32 with probabilities", { group: "S0", baseline: true }, async () => {
  await blas.step(X, Q, mapSpec({ beta: 8 }));
});
Deno.bench("step S0, blas f32 fused (no probabilities)", { group: "S0" }, async () => {
  await blas.step(X, Q, mapSpec({ beta: 8 }), { probabilities: false });
});
Deno.bench("step S2 (d=64, M=4096, B=4096), blas f32 with probabilities", { group: "S2" }, async () => {
  await blas.step(X2, Q2, mapSpec({ beta: 1 }));
});
Deno.bench("step S2, blas f32 fused", { group: "S2", baseline: true }, async () => {
  await blas.step(X2, Q2, mapSpec({ beta: 1 }), { probabilities: false });
});
Deno.bench("retrieve() 256 queries to convergence, cpu f64", () => {
  retrieve(X, Q, { beta: 8, trajectory: false });
});
