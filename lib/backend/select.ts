/**
 * Choosing a backend, once per process: a name (or `HOPFIELD_BACKEND`, read here and nowhere else) resolves to
 * a backend object that is created on first use and then reused, so its GPU context, pipeline cache, buffer
 * pools and conversion caches live across calls.
 *
 * @module
 */
import { blasError } from "./blas.ts";
import { blasBackend } from "./blas_backend.ts";
import { cpuBackend } from "./cpu.ts";
import { type Backend, type BackendName, BACKENDS } from "./types.ts";
import { webgpuBackend } from "./webgpu_backend.ts";

/**
 * The backend name to use: `explicit` when given (a flag or an option), else `HOPFIELD_BACKEND`, else
 * `fallback`. An unknown name is an error that says where it came from.
 *
 * @example
 * ```ts
 * import { backendName } from "./select.ts";
 * import assert from "node:assert/strict";
 * assert.equal(backendName("blas"), "blas");
 * assert.throws(() => backendName("gpu", { source: "--backend" }), /--backend=gpu/);
 * ```
 */
export function backendName(
  explicit?: string,
  options: { fallback?: BackendName; source?: string } = {},
): BackendName {
  const fromEnv = explicit === undefined ? Deno.env.get("HOPFIELD_BACKEND") : undefined;
  const name = explicit ?? fromEnv ?? options.fallback ?? "auto";
  if (!(BACKENDS as readonly string[]).includes(name)) {
    const source = explicit === undefined ? "HOPFIELD_BACKEND" : options.source ?? "backend";
    throw new RangeError(
      `Cannot select backend: ${source} must be one of ${BACKENDS.join(", ")}: ${source}=${name}`,
    );
  }
  return name as BackendName;
}

const chosen = new Map<string, Promise<Backend>>();
let warned = false;

/**
 * The backend for a name (default: `HOPFIELD_BACKEND`, else `auto`), created once per process and precision and
 * then reused. `auto` is a real GPU adapter if present (never a software fallback such as lavapipe), else `blas`
 * if a CBLAS library loads, else `cpu`, saying once on stderr when it falls back to `cpu`. Naming `webgpu` accepts
 * a fallback adapter (for tests on lavapipe). WebGPU has no f64: with `precision` f64, `auto` skips it and
 * `webgpu` is an error.
 *
 * @example
 * ```ts
 * import { selectBackend } from "./select.ts";
 * import assert from "node:assert/strict";
 * const cpu = await selectBackend("cpu");
 * assert.equal(cpu.name, "cpu");
 * assert.equal(await selectBackend("cpu"), cpu); // the same object every time
 * await assert.rejects(() => selectBackend("gpu" as "cpu"), /backend=gpu/);
 * ```
 */
export function selectBackend(name?: BackendName, precision: "f32" | "f64" = "f32"): Promise<Backend> {
  let resolved: BackendName;
  try {
    resolved = backendName(name);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = `${resolved}:${precision}`;
  let backend = chosen.get(key);
  if (!backend) {
    backend = create(resolved, precision);
    chosen.set(key, backend);
    backend.catch(() => chosen.delete(key));
  }
  return backend;
}

async function create(name: BackendName, precision: "f32" | "f64"): Promise<Backend> {
  if (name === "cpu") return cpuBackend;
  if (name === "webgpu" && precision === "f64") {
    throw new RangeError(
      "Cannot select backend: WebGPU computes in f32 only (backend=webgpu, precision=f64)",
    );
  }
  if (name === "auto" && precision === "f64") return blasBackend("f64") ?? fallBack();
  if (name === "webgpu" || name === "auto") {
    const gpu = await webgpuBackend({ allowFallback: name === "webgpu" });
    if (gpu) return gpu;
    if (name === "webgpu") throw new Error("Cannot select backend: no WebGPU adapter (backend=webgpu)");
  }
  const blas = blasBackend(precision);
  if (blas) return blas;
  if (name === "blas") {
    throw new Error(`Cannot select backend: no CBLAS library loads (${blasError()}); set HOPFIELD_BLAS`);
  }
  return fallBack();
}

function fallBack(): Backend {
  if (!warned) {
    console.error(
      `[backend] no GPU adapter and no CBLAS library loads; using the cpu backend (${blasError()})`,
    );
    warned = true;
  }
  return cpuBackend;
}

/**
 * `name (description)`, the line the notebooks and `hop retrieve` print for the backend used.
 *
 * @example
 * ```ts
 * import { backendLabel } from "./select.ts";
 * import { cpuBackend } from "./cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(backendLabel(cpuBackend), "cpu (TypeScript, Float64)");
 * ```
 */
export function backendLabel(backend: Backend): string {
  return `${backend.name} (${backend.description})`;
}
