/**
 * The system CBLAS (`cblas_sgemm` / `cblas_dgemm`) through `Deno.dlopen`, for the `blas` backend.
 * The library is `HOPFIELD_BLAS` if set, else the first of `libopenblas.so.0`, `libblas.so.3`,
 * Accelerate (macOS) and MKL that loads. OpenBLAS's thread count is set to the core count.
 *
 * @module
 */
import type { FloatArray } from "../linalg/matrix.ts";

const CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112;

/** `cblas_?gemm(order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)` in precision `t`. */
function gemmSignature<T extends "f32" | "f64">(t: T) {
  return {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      t,
      "buffer",
      "i32",
      "buffer",
      "i32",
      t,
      "buffer",
      "i32",
    ],
    result: "void",
  } as const;
}

const SYMBOLS = { cblas_sgemm: gemmSignature("f32"), cblas_dgemm: gemmSignature("f64") } as const;

const CANDIDATES = [
  "libopenblas.so.0",
  "libopenblas.so",
  "libblas.so.3",
  "/System/Library/Frameworks/Accelerate.framework/Accelerate",
  "libmkl_rt.so",
];

/** A loaded CBLAS library. */
export interface Blas {
  /** The path or name it was loaded from. */
  library: string;
  /**
   * `C ← A·op(B) + beta·C` (row-major; `op(B) = Bᵀ` when `transB`): A is m × k with row stride `lda`, op(B) is
   * k × n, C is m × n with row stride `ldc`. All three arrays must share one precision.
   */
  gemm(
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: FloatArray,
    lda: number,
    b: FloatArray,
    ldb: number,
    beta: number,
    c: FloatArray,
    ldc: number,
  ): void;
  /** `C ← op(A)·op(B) + beta·C` (row-major), with either operand transposed; strides as for `gemm`. */
  gemmGeneral(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: FloatArray,
    lda: number,
    b: FloatArray,
    ldb: number,
    beta: number,
    c: FloatArray,
    ldc: number,
  ): void;
  /** `C = A·Bᵀ` (f32 or f64, row-major): A is m × k, B is n × k, C is m × n. */
  gemmNT(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /** `C = A·B` (row-major): A is m × k, B is k × n, C is m × n. */
  gemmNN(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /** `C = Aᵀ·B` (row-major): A is k × m, B is k × n, C is m × n. */
  gemmTN(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
  /**
   * Solves `A x = b` (A n × n row-major Float64, b length n) by LAPACK's LU with partial pivoting (`dgetrf`,
   * `dgetrs`), or `null` when the library has no LAPACK. Throws when A is singular.
   */
  solve: ((A: Float64Array, b: ArrayLike<number>, n: number) => Float64Array) | null;
}

const LAPACK = {
  dgetrf_: { parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"], result: "void" },
  dgetrs_: {
    parameters: [
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "usize",
    ],
    result: "void",
  },
} as const;

/**
 * `A x = b` through LAPACK's Fortran interface. LAPACK reads the row-major A as its transpose, so `dgetrf`
 * factorises Aᵀ and `dgetrs` with trans = 'T' solves (Aᵀ)ᵀ x = b. The last argument is the hidden length of the
 * character argument (gfortran's convention; ignored by C implementations such as OpenBLAS's).
 */
function lapackSolve(
  lib: Deno.DynamicLibrary<typeof LAPACK>,
  threads: ((n: number) => void) | null,
): NonNullable<Blas["solve"]> {
  return (A, b, n) => {
    const a = A.slice(), x = Float64Array.from(b), ipiv = new Int32Array(Math.max(1, n));
    const N = Int32Array.of(n), one = Int32Array.of(1), info = new Int32Array(1);
    // One BLAS thread for the LU: OpenBLAS's parallel dgetrf killed the Deno Jupyter kernel from n ≈ 100 (not
    // `deno run`), most likely a stack that is too small there for its per-thread buffers.
    threads?.(1);
    try {
      lib.symbols.dgetrf_(N, N, a, N, ipiv, info);
    } finally {
      threads?.(navigator.hardwareConcurrency || 1);
    }
    if (info[0] > 0) throw new RangeError(`Cannot solve: A is singular (column ${info[0] - 1})`);
    if (info[0] < 0) throw new Error(`Cannot solve: dgetrf rejected argument ${-info[0]}`);
    lib.symbols.dgetrs_(new TextEncoder().encode("T"), N, one, a, N, ipiv, x, N, info, 1n);
    if (info[0] !== 0) throw new Error(`Cannot solve: dgetrs rejected argument ${-info[0]}`);
    return x;
  };
}

let cached: Blas | null | undefined;

/** Loads the CBLAS library once; returns `null` when none loads (the reason is in `blasError()`). */
export function loadBlas(): Blas | null {
  if (cached !== undefined) return cached;
  const names = Deno.env.get("HOPFIELD_BLAS") ? [Deno.env.get("HOPFIELD_BLAS")!] : CANDIDATES;
  const errors: string[] = [];
  for (const library of names) {
    let lib;
    try {
      lib = Deno.dlopen(library, SYMBOLS);
    } catch (e) {
      errors.push(`${library}: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    let threads: ((n: number) => void) | null = null;
    try {
      const openblas = Deno.dlopen(library, {
        openblas_set_num_threads: { parameters: ["i32"], result: "void" },
      });
      threads = (n) => openblas.symbols.openblas_set_num_threads(n);
      threads(navigator.hardwareConcurrency || 1);
    } catch { /* not OpenBLAS: the library manages its threads */ }
    const s = lib.symbols;
    const general = (
      transA: boolean,
      transB: boolean,
      m: number,
      n: number,
      k: number,
      a: FloatArray,
      lda: number,
      b: FloatArray,
      ldb: number,
      beta: number,
      c: FloatArray,
      ldc: number,
    ) => {
      const ta = transA ? CBLAS_TRANS : CBLAS_NO_TRANS, tb = transB ? CBLAS_TRANS : CBLAS_NO_TRANS;
      if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) {
        s.cblas_sgemm(CBLAS_ROW_MAJOR, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
      } else if (a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array) {
        s.cblas_dgemm(CBLAS_ROW_MAJOR, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
      } else {
        throw new TypeError(
          "Cannot multiply with BLAS: A, B and C must all be Float32Array or all Float64Array",
        );
      }
    };
    const gemm: Blas["gemm"] = (transB, m, n, k, a, lda, b, ldb, beta, c, ldc) =>
      general(false, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
    let solve: Blas["solve"] = null;
    try {
      solve = lapackSolve(Deno.dlopen(library, LAPACK), threads);
    } catch { /* no LAPACK in this library */ }
    cached = {
      library,
      gemm,
      gemmGeneral: general,
      solve,
      gemmNT: (a, b, c, m, n, k) => gemm(true, m, n, k, a, k, b, k, 0, c, n),
      gemmNN: (a, b, c, m, n, k) => gemm(false, m, n, k, a, k, b, n, 0, c, n),
      gemmTN: (a, b, c, m, n, k) => general(true, false, m, n, k, a, m, b, n, 0, c, n),
    };
    return cached;
  }
  lastError = errors.join("; ");
  cached = null;
  return null;
}

let lastError = "";

/** Why no BLAS library loaded (empty if one did or none was tried). */
export function blasError(): string {
  return lastError;
}
