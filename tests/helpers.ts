/** Shared test helpers: tolerant comparisons and SVG snapshots. */
import assert from "node:assert/strict";
import { type Matrix, matrix } from "../lib/linalg/matrix.ts";
import { createPrng } from "../lib/linalg/prng.ts";

/** Asserts |actual − expected| ≤ tol (absolute), naming both values. */
export function assertClose(actual: number, expected: number, tol: number, what = "value"): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: expected ${expected} ± ${tol}, got ${actual} (off by ${Math.abs(actual - expected)})`,
  );
}

/** Asserts two arrays agree entry-wise within tol. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = "array",
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assertClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

/** A = BᵀB + εI for a seeded random n × n B: symmetric positive definite, its condition growing as ε falls. */
export function randomSpd(n: number, eps: number, seed: number): Matrix {
  const prng = createPrng(seed), B = Float64Array.from({ length: n * n }, () => prng.normal());
  const A = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? eps : 0;
      for (let k = 0; k < n; k++) s += B[k * n + i] * B[k * n + j];
      A.data[i * n + j] = s;
    }
  }
  return A;
}

const SNAPSHOTS = new URL("./plot/__snapshots__/", import.meta.url).pathname;

/**
 * Compares an SVG with `tests/plot/__snapshots__/NAME.svg` (or another extension: interactive figures are
 * `.html`); with `UPDATE_SNAPSHOTS=1` it (re)writes the file. A missing snapshot is a failure, not a silent pass.
 */
export async function assertSvgSnapshot(name: string, svg: string, extension = "svg"): Promise<void> {
  const path = `${SNAPSHOTS}${name}.${extension}`;
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(SNAPSHOTS, { recursive: true });
    await Deno.writeTextFile(path, svg + "\n");
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(path);
  } catch {
    throw new Error(`Snapshot ${path} is missing: run UPDATE_SNAPSHOTS=1 deno test -A tests/plot/`);
  }
  assert.equal(
    svg + "\n",
    expected,
    `figure ${name} differs from its snapshot (UPDATE_SNAPSHOTS=1 to accept)`,
  );
}
