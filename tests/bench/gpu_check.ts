/**
 * The GPU check's measurements (see `.ci/gpu-check`): the adapter, then `hop bench` at S1 and S2 on `webgpu` and on
 * `blas`, one JSON line each. Imports nothing from npm, so it runs on a machine with the Deno binary alone.
 *
 * Usage: deno run -A tests/bench/gpu_check.ts [repeat] [size …] (default: 7 S1 S2)
 *
 * @module
 */
import { runBench } from "../../lib/backend/bench.ts";
import { backendLabel, selectBackend } from "../../lib/backend/select.ts";

const repeat = Number(Deno.args[0] ?? 7);
const sizes = (Deno.args.length > 1 ? Deno.args.slice(1) : ["S1", "S2"]) as ("S0" | "S1" | "S2")[];
const webgpu = await selectBackend("webgpu");
const blas = await selectBackend("blas");
console.log(JSON.stringify({ webgpu: backendLabel(webgpu), blas: backendLabel(blas) }));
for (const size of sizes) {
  for (const backend of [webgpu, blas]) {
    console.log(
      JSON.stringify({ ...(await runBench(backend, { size, repeat })), device: backend.description }),
    );
  }
}
