/**
 * Backends for the retrieval step `P = map(β·Q·Xᵀ)`, `out = P·X` (or keys and values: `map(β·Q·Kᵀ)·V`): `cpu` (the Float64 TypeScript reference),
 * `blas` (the system CBLAS through FFI, f32 or f64, with a fused streaming-softmax path) and `webgpu` (WGSL
 * kernels). `selectBackend()` chooses one once per process; `retrieveOn()` runs retrieval on it.
 *
 * @module
 */
export * from "./types.ts";
export { memoryParts } from "./memory.ts";
export { cpuBackend } from "./cpu.ts";
export { blasBackend } from "./blas_backend.ts";
export { type Blas, blasError, loadBlas } from "./blas.ts";
export { webgpuBackend, type WebgpuOptions } from "./webgpu_backend.ts";
export { type Dispatch, GpuContext, type GpuLimits, type Kernel } from "./gpu_context.ts";
export { GpuRetrieval } from "./gpu_retrieval.ts";
export { backendLabel, backendName, selectBackend } from "./select.ts";
export { retrieveOn, type RetrieveOnOptions } from "./retrieve.ts";
export { nearestRows } from "./nearest.ts";
export { BENCH_SIZES, type BenchResult, runBench } from "./bench.ts";
