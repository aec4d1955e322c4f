/**
 * Backends for the retrieval step `P = map(β·Q·Xᵀ)`, `out = P·X`: `cpu` (the Float64 TypeScript reference),
 * `blas` (the system CBLAS through FFI, f32 or f64, with a fused streaming-softmax path) and `webgpu` (WGSL
 * kernels). `auto` picks a real GPU, else `blas` when a library loads, else `cpu`; `HOPFIELD_BACKEND` and the
 * `name` argument override.
 *
 * @module
 */
import { type Matrix, matrix, maxRowNorm } from "../linalg/matrix.ts";
import { applyScaled, type MapOptions, mapSpec } from "../maps/mod.ts";
import { updateInto } from "../hopfield/update.ts";
import { energyUnchecked } from "../hopfield/energy.ts";
import type { Backend, DenseMatrix, StepOutput, StepResult } from "./types.ts";
import { GpuContext, type GpuLimits, GpuRetrieval } from "./webgpu.ts";
import { type Blas, blasError, type FloatArray, loadBlas } from "./blas.ts";
import { OnlineSoftmax } from "./online_softmax.ts";

export { blasError, loadBlas } from "./blas.ts";
export type { Backend, DenseMatrix, StepOutput, StepResult } from "./types.ts";
export { GpuContext, GpuRetrieval } from "./webgpu.ts";

/** Backend names accepted by `selectBackend()`. */
export const BACKENDS = ["auto", "cpu", "blas", "webgpu"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** `steps` calls of a synchronous step function, feeding each output back in. */
function iterateSteps(
  step: (X: DenseMatrix, Q: DenseMatrix, o: MapOptions, out?: StepOutput) => StepResult,
  patterns: DenseMatrix,
  queries: DenseMatrix,
  options: MapOptions,
  steps: number,
  output: StepOutput = {},
): StepResult {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot iterate: steps must be a positive integer: steps=${steps}`);
  }
  let r: StepResult = { states: queries as Matrix };
  for (let t = 0; t < steps; t++) {
    r = step(patterns, r.states, options, t === steps - 1 ? output : { probabilities: false });
  }
  return r;
}

/**
 * Energies on the host (Float64) for every row of `states`: softmax's `−lse(β, Xᵀξ) + ½ξᵀξ + β⁻¹ ln N + ½M²`
 * by default, or the Fenchel–Young energy of the map in `options`.
 */
export function hostEnergies(patterns: DenseMatrix, states: DenseMatrix, options: MapOptions): Float64Array {
  const spec = mapSpec(options);
  const X = patterns as Matrix, maxNorm = maxRowNorm(X);
  return Float64Array.from(
    { length: states.rows },
    (_, q) => energyUnchecked(X, states.data.subarray(q * states.cols, (q + 1) * states.cols), spec, maxNorm),
  );
}

const QUERY_BLOCK = 64;

/** The Float64 TypeScript reference (the source of truth). */
export const cpuBackend: Backend = {
  name: "cpu",
  precision: "f64",
  description: "TypeScript, Float64",
  step: (X, Q, options, output) => Promise.resolve(cpuStep(X, Q, options, output)),
  iterate: (X, Q, options, steps, output) =>
    Promise.resolve(iterateSteps(cpuStep, X, Q, options, steps, output)),
  energies: (X, states, options) => Promise.resolve(hostEnergies(X, states, options)),
};

function cpuStep(
  patterns: DenseMatrix,
  queries: DenseMatrix,
  options: MapOptions,
  output: StepOutput = {},
): StepResult {
  const spec = mapSpec(options);
  const n = patterns.rows, d = patterns.cols, b = queries.rows;
  const probabilities = matrix(b, n), states = matrix(b, d);
  for (let q = 0; q < b; q++) {
    updateInto(
      patterns as Matrix, // reads only; an f32 pattern matrix is computed on in f64
      queries.data.subarray(q * d, (q + 1) * d),
      spec,
      states.data.subarray(q * d, (q + 1) * d),
      probabilities.data.subarray(q * n, (q + 1) * n),
    );
  }
  return output.probabilities === false ? { states } : { states, probabilities };
}

/** A `blas` backend in the given precision, or `null` if no CBLAS library loads. */
export function blasBackend(precision: "f32" | "f64" = "f32"): Backend | null {
  const blas = loadBlas();
  if (!blas) return null;
  const Arr = precision === "f32" ? Float32Array : Float64Array;
  // Pattern conversions are cached per array so that repeated steps do not re-convert 60000 × 784 values
  // (so a Float64 pattern array must not be modified in place after its first use here).
  const converted = new WeakMap<FloatArray, FloatArray>();
  const asArr = (m: DenseMatrix): FloatArray => {
    if (m.data instanceof Arr) return m.data;
    let c = converted.get(m.data);
    if (!c) converted.set(m.data, c = new Arr(m.data));
    return c;
  };
  const step = (
    patterns: DenseMatrix,
    queries: DenseMatrix,
    options: MapOptions,
    output: StepOutput = {},
  ) => {
    const spec = mapSpec(options);
    const X = asArr(patterns);
    if (spec.kind === "softmax" && precision === "f32" && output.probabilities === false) {
      return { states: fusedSoftmaxStep(blas, X as Float32Array, patterns.rows, queries, spec.beta) };
    }
    const n = patterns.rows, d = patterns.cols, b = queries.rows;
    const probabilities = matrix(b, n), states = matrix(b, d);
    const block = Math.min(QUERY_BLOCK, b);
    const scores = new Arr(block * n), out = new Arr(block * d), row = new Float64Array(n);
    for (let q0 = 0; q0 < b; q0 += block) {
      const m = Math.min(block, b - q0);
      const Q = new Arr(queries.data.subarray(q0 * d, (q0 + m) * d));
      blas.gemmNT(Q, X, scores, m, n, d);
      for (let r = 0; r < m; r++) {
        const srow = scores.subarray(r * n, (r + 1) * n);
        const prow = probabilities.data.subarray((q0 + r) * n, (q0 + r + 1) * n);
        if (spec.kind === "softmax") {
          softmaxInPlace(srow, spec.beta, prow);
        } else {
          for (let i = 0; i < n; i++) row[i] = spec.beta * srow[i];
          applyScaled(row, spec, prow);
          srow.set(prow);
        }
      }
      blas.gemmNN(scores, X, out, m, d, n);
      for (let k = 0; k < m * d; k++) states.data[q0 * d + k] = out[k];
    }
    return output.probabilities === false ? { states } : { states, probabilities };
  };
  return {
    name: "blas",
    precision,
    description: `${blas.library}, ${precision}`,
    step: (X, Q, options, output) => Promise.resolve(step(X, Q, options, output)),
    iterate: (X, Q, options, steps, output) =>
      Promise.resolve(iterateSteps(step, X, Q, options, steps, output)),
    energies: (X, states, options) => Promise.resolve(hostEnergies(X, states, options)),
  };
}

/**
 * A `webgpu` backend on the first adapter, or `null` when there is none (or only a software fallback adapter
 * and `allowFallback` is not set).
 */
export async function webgpuBackend(
  options: { allowFallback?: boolean; limits?: Partial<GpuLimits> } = {},
): Promise<Backend | null> {
  const gpu = await GpuContext.create(options);
  if (!gpu) return null;
  const run = new GpuRetrieval(gpu);
  return {
    name: "webgpu",
    precision: "f32",
    description: `${gpu.description}${gpu.fallback ? " (software fallback adapter)" : ""}`,
    step: (X, Q, o, output = {}) => run.iterate(X, Q, o, 1, output.probabilities !== false),
    iterate: (X, Q, o, steps, output = {}) => run.iterate(X, Q, o, steps, output.probabilities !== false),
    energies: (X, states, o) => run.energies(X, states, o),
  };
}

/**
 * Query rows per block, and score entries per block of the fused step (4 MB in f32: it stays in L3 while it
 * is mapped and multiplied; measured best on S1 and S2 among 1–8 MB).
 */
const FUSED_QUERIES = 256, FUSED_BLOCK = 1 << 20;

/**
 * The fused softmax step in f32: for each block of queries and each chunk of patterns, `S = Q·Xcᵀ` (sgemm),
 * the online softmax of `β·S` in place (WebAssembly SIMD on every core), rescale the output rows by `α`, then
 * `O += S·Xc` (sgemm); finally `out = O / ℓ`. No B × N matrix is ever stored.
 */
function fusedSoftmaxStep(
  blas: Blas,
  X: Float32Array,
  n: number,
  queries: DenseMatrix,
  beta: number,
): Matrix {
  const d = queries.cols, b = queries.rows;
  const states = matrix(b, d);
  const sm = OnlineSoftmax.shared();
  const qb = Math.min(FUSED_QUERIES, b), nc = Math.min(Math.max(512, Math.floor(FUSED_BLOCK / qb)), n);
  const Q = new Float32Array(qb * d), O = new Float32Array(qb * d);
  for (let q0 = 0; q0 < b; q0 += qb) {
    const m = Math.min(qb, b - q0);
    Q.set(queries.data.subarray(q0 * d, (q0 + m) * d));
    O.fill(0);
    let block = sm.reserve(m, Math.ceil(nc / 4) * 4);
    block.max.fill(-Infinity);
    block.norm.fill(0);
    for (let j0 = 0; j0 < n; j0 += nc) {
      const w = Math.min(nc, n - j0), stride = Math.ceil(w / 4) * 4;
      block = sm.reserve(m, stride);
      if (stride !== w) {
        for (let r = 0; r < m; r++) block.scores.fill(-Infinity, r * stride + w, (r + 1) * stride);
      }
      const Xc = X.subarray(j0 * d, (j0 + w) * d);
      blas.gemm(true, m, w, d, Q, d, Xc, d, 0, block.scores, stride);
      sm.run(m, stride, beta);
      const alpha = block.alpha;
      for (let r = 0; r < m; r++) {
        const a = alpha[r];
        if (a !== 1) { for (let k = r * d; k < (r + 1) * d; k++) O[k] *= a; }
      }
      blas.gemm(false, m, d, w, block.scores, stride, Xc, d, 1, O, d);
    }
    for (let r = 0; r < m; r++) {
      const norm = block.norm[r];
      if (!(norm > 0)) {
        throw new RangeError(
          `Cannot apply softmax: scores must be finite: query ${q0 + r} has no finite score`,
        );
      }
      for (let k = 0; k < d; k++) states.data[(q0 + r) * d + k] = O[r * d + k] / norm;
    }
  }
  return states;
}

/** Fused max-shifted softmax of `β·s`, in place on `s`, also written to `p` (Float64). */
function softmaxInPlace(s: Float32Array | Float64Array, beta: number, p: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < s.length; i++) if (s[i] > max) max = s[i];
  if (!Number.isFinite(max)) throw new RangeError(`Cannot apply softmax: scores must be finite: max=${max}`);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const e = Math.exp(beta * (s[i] - max));
    p[i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = 0; i < s.length; i++) s[i] = p[i] *= inv;
}

/**
 * `name (description)`, the line the notebooks and `hop retrieve` print for the backend used.
 *
 * @example
 * ```ts
 * import { backendLabel, cpuBackend } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(backendLabel(cpuBackend), "cpu (TypeScript, Float64)");
 * ```
 */
export function backendLabel(backend: Backend): string {
  return `${backend.name} (${backend.description})`;
}

let warned = false;

/**
 * Picks a backend: the `name` given, else `HOPFIELD_BACKEND`, else `auto` — a real GPU adapter if present
 * (never a software fallback such as lavapipe), else `blas` if a CBLAS library loads, else `cpu`, saying once
 * on stderr when it falls back to `cpu`. Naming `webgpu` accepts a fallback adapter (for tests on lavapipe).
 *
 * @example
 * ```ts
 * import { selectBackend } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal((await selectBackend("cpu")).name, "cpu");
 * await assert.rejects(() => selectBackend("gpu" as "cpu"), /backend=gpu/);
 * ```
 */
export async function selectBackend(name?: BackendName, precision: "f32" | "f64" = "f32"): Promise<Backend> {
  const chosen = name ?? (Deno.env.get("HOPFIELD_BACKEND") as BackendName | undefined) ?? "auto";
  if (!(BACKENDS as readonly string[]).includes(chosen)) {
    throw new RangeError(
      `Cannot select backend: backend must be one of ${BACKENDS.join(", ")}: backend=${chosen}`,
    );
  }
  if (chosen === "cpu") return cpuBackend;
  if (chosen === "webgpu" || chosen === "auto") {
    const gpu = await webgpuBackend({ allowFallback: chosen === "webgpu" });
    if (gpu) return gpu;
    if (chosen === "webgpu") throw new Error("Cannot select backend: no WebGPU adapter (backend=webgpu)");
  }
  const blas = blasBackend(precision);
  if (blas) return blas;
  if (chosen === "blas") {
    throw new Error(`Cannot select backend: no CBLAS library loads (${blasError()}); set HOPFIELD_BLAS`);
  }
  if (!warned) {
    console.error(
      `[backend] no GPU adapter and no CBLAS library loads; using the cpu backend (${blasError()})`,
    );
    warned = true;
  }
  return cpuBackend;
}
