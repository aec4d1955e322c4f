/**
 * Backends for the retrieval step `P = map(β·Q·Xᵀ)`, `out = P·X`: `cpu` (the Float64 TypeScript reference) and
 * `blas` (the system CBLAS through FFI, f32 or f64). `auto` picks `blas` when a library loads, else `cpu`;
 * `HOPFIELD_BACKEND` overrides. Problems are processed in blocks of queries so that the score block stays
 * small (a 60000-pattern score row is 240 KB in f32).
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import { applyScaled, type MapOptions, mapSpec } from "../maps/mod.ts";
import { updateInto } from "../hopfield/update.ts";
import { blasError, loadBlas } from "./blas.ts";

export { blasError, loadBlas } from "./blas.ts";

/** Backend names accepted by `selectBackend()`. */
export const BACKENDS = ["auto", "cpu", "blas"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** One retrieval step on a batch, and where it ran. */
export interface Backend {
  /** `cpu` or `blas`. */
  name: "cpu" | "blas";
  /** Float precision of the arithmetic. */
  precision: "f64" | "f32";
  /**
   * One update for every query: `P = map(β Q Xᵀ)` (B × N) and `out = P X` (B × d).
   * Shapes: patterns N × d, queries B × d.
   */
  step(patterns: Matrix, queries: Matrix, options: MapOptions): { states: Matrix; probabilities: Matrix };
}

const QUERY_BLOCK = 64;

/** The Float64 TypeScript reference (the source of truth). */
export const cpuBackend: Backend = {
  name: "cpu",
  precision: "f64",
  step(patterns, queries, options) {
    const spec = mapSpec(options);
    const n = patterns.rows, d = patterns.cols, b = queries.rows;
    const probabilities = matrix(b, n), states = matrix(b, d);
    for (let q = 0; q < b; q++) {
      updateInto(
        patterns,
        queries.data.subarray(q * d, (q + 1) * d),
        spec,
        states.data.subarray(q * d, (q + 1) * d),
        probabilities.data.subarray(q * n, (q + 1) * n),
      );
    }
    return { states, probabilities };
  },
};

/** A `blas` backend in the given precision, or `null` if no CBLAS library loads. */
export function blasBackend(precision: "f32" | "f64" = "f32"): Backend | null {
  const blas = loadBlas();
  if (!blas) return null;
  const Arr = precision === "f32" ? Float32Array : Float64Array;
  // Pattern conversions are cached per Matrix so that repeated steps do not re-convert 60000 × 784 values.
  const converted = new WeakMap<Float64Array, Float32Array | Float64Array>();
  const asArr = (m: Matrix) => {
    if (precision === "f64") return m.data;
    let c = converted.get(m.data);
    if (!c) converted.set(m.data, c = new Arr(m.data));
    return c;
  };
  return {
    name: "blas",
    precision,
    step(patterns, queries, options) {
      const spec = mapSpec(options);
      const n = patterns.rows, d = patterns.cols, b = queries.rows;
      const X = asArr(patterns);
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
      return { states, probabilities };
    },
  };
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

let warned = false;

/**
 * Picks a backend: the `name` given, else `HOPFIELD_BACKEND`, else `auto` (blas if a CBLAS library loads, else
 * cpu, saying so once on stderr).
 *
 * @example
 * ```ts
 * import { selectBackend } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(selectBackend("cpu").name, "cpu");
 * assert.throws(() => selectBackend("gpu" as "cpu"), /backend=gpu/);
 * ```
 */
export function selectBackend(name?: BackendName, precision: "f32" | "f64" = "f32"): Backend {
  const chosen = name ?? (Deno.env.get("HOPFIELD_BACKEND") as BackendName | undefined) ?? "auto";
  if (!(BACKENDS as readonly string[]).includes(chosen)) {
    throw new RangeError(
      `Cannot select backend: backend must be one of ${BACKENDS.join(", ")}: backend=${chosen}`,
    );
  }
  if (chosen === "cpu") return cpuBackend;
  const blas = blasBackend(precision);
  if (blas) return blas;
  if (chosen === "blas") {
    throw new Error(`Cannot select backend: no CBLAS library loads (${blasError()}); set HOPFIELD_BLAS`);
  }
  if (!warned) {
    console.error(`[backend] no CBLAS library loads; using the cpu backend (${blasError()})`);
    warned = true;
  }
  return cpuBackend;
}
