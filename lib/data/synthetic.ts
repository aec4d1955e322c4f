/**
 * Synthetic pattern sets: uniform on a sphere, bipolar ±1, and equidistant sets (regular simplex and kin).
 *
 * @module
 */
import { dot, type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";

function checkCount(name: string, v: number, min: number, action: string): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`Cannot ${action}: ${name} must be an integer ≥ ${min}: ${name}=${v}`);
  }
}

/**
 * N points drawn uniformly on the sphere of radius r in ℝᵈ (normalised Gaussians, Muller 1959).
 *
 * @example
 * ```ts
 * import { sphere } from "./synthetic.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { norm, row } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = sphere(5, 3, { radius: 2, prng: createPrng(1) });
 * assert.ok(Math.abs(norm(row(X, 0)) - 2) < 1e-12);
 * ```
 */
export function sphere(n: number, d: number, options: { radius?: number; prng: Prng }): Matrix {
  checkCount("n", n, 1, "sample sphere");
  checkCount("d", d, 1, "sample sphere");
  const radius = options.radius ?? 1;
  if (!(radius > 0) || !Number.isFinite(radius)) {
    throw new RangeError(`Cannot sample sphere: radius must be a positive finite number: radius=${radius}`);
  }
  const out = matrix(n, d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = options.prng.normal();
      out.data[i * d + k] = v;
      s += v * v;
    }
    const f = radius / Math.sqrt(s);
    for (let k = 0; k < d; k++) out.data[i * d + k] *= f;
  }
  return out;
}

/**
 * N random bipolar patterns in {−1, +1}ᵈ, each entry ±1 with probability ½.
 *
 * @example
 * ```ts
 * import { bipolar } from "./synthetic.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * assert.ok(bipolar(3, 4, { prng: createPrng(2) }).data.every((v) => v === 1 || v === -1));
 * ```
 */
export function bipolar(n: number, d: number, options: { prng: Prng }): Matrix {
  checkCount("n", n, 1, "sample bipolar patterns");
  checkCount("d", d, 1, "sample bipolar patterns");
  const out = matrix(n, d);
  for (let k = 0; k < out.data.length; k++) out.data[k] = options.prng.next() < 0.5 ? -1 : 1;
  return out;
}

/**
 * N equidistant patterns of norm r with pairwise cosine c (Gram matrix `r²[(1−c)I + c 11ᵀ]`), feasible for
 * `c ≥ −1/(N−1)`. Built as `xᵢ = a eᵢ + b 1` in ℝᴺ with `a = r√(1−c)` and `b = (−a + r√(1+(N−1)c))/N`.
 * The default `c = −1/(N−1)` is the centred regular simplex, which fits in `d = N−1` dimensions (rotated by a
 * Householder reflection that sends 1/√N to the last axis); other cosines need `d ≥ N`. Extra dimensions are 0.
 *
 * @example
 * ```ts
 * import { equidistant } from "./synthetic.ts";
 * import { dot, row } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = equidistant(4); // regular tetrahedron in ℝ³
 * assert.equal(X.cols, 3);
 * assert.ok(Math.abs(dot(row(X, 0), row(X, 1)) + 1 / 3) < 1e-12);
 * ```
 */
export function equidistant(
  n: number,
  options: { cosine?: number; radius?: number; dim?: number } = {},
): Matrix {
  const action = "build equidistant patterns";
  checkCount("n", n, 2, action);
  const simplexCos = -1 / (n - 1);
  const c = options.cosine ?? simplexCos, r = options.radius ?? 1;
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new RangeError(`Cannot ${action}: radius must be positive: radius=${r}`);
  }
  if (!(c >= simplexCos - 1e-12 && c <= 1) || Number.isNaN(c)) {
    throw new RangeError(
      `Cannot ${action}: cosine must be in [−1/(N−1), 1] = [${simplexCos}, 1]: cosine=${c}`,
    );
  }
  const centred = Math.abs(c - simplexCos) <= 1e-12;
  const minDim = centred ? n - 1 : n;
  const d = options.dim ?? minDim;
  if (!Number.isInteger(d) || d < minDim) {
    throw new RangeError(
      `Cannot ${action}: dim must be an integer ≥ ${minDim} for N=${n}, cosine=${c}: dim=${d}`,
    );
  }
  const a = r * Math.sqrt(1 - c);
  const b = (-a + r * Math.sqrt(Math.max(0, 1 + (n - 1) * c))) / n;
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) full[i * n + k] = (i === k ? a : 0) + b;
  if (centred) {
    // Householder H = I − 2vvᵀ/vᵀv with v = 1/√N − e_N maps 1/√N to e_N; centred rows then have last entry 0.
    const v = new Float64Array(n).fill(1 / Math.sqrt(n));
    v[n - 1] -= 1;
    const vv = v.reduce((s, x) => s + x * x, 0);
    for (let i = 0; i < n; i++) {
      const x = full.subarray(i * n, (i + 1) * n);
      let proj = 0;
      for (let k = 0; k < n; k++) proj += v[k] * x[k];
      for (let k = 0; k < n; k++) x[k] -= (2 * proj * v[k]) / vv;
    }
  }
  const out = matrix(n, d);
  const keep = Math.min(minDim, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < keep; k++) out.data[i * d + k] = full[i * n + k];
  return out;
}

/**
 * The rows of m rotated by a random orthogonal map of ℝᵈ (a product of d Householder reflections with Gaussian
 * normals from `prng`), so that nothing is axis-aligned. Shapes: N × d → N × d.
 *
 * @example
 * ```ts
 * import { equidistant, rotateRows } from "./synthetic.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { dot, row } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = rotateRows(equidistant(3, { dim: 4 }), { prng: createPrng(1) });
 * assert.ok(Math.abs(dot(row(X, 0), row(X, 1)) + 0.5) < 1e-14); // angles are kept
 * ```
 */
export function rotateRows(m: Matrix, options: { prng: Prng }): Matrix {
  const d = m.cols, out = matrix(m.rows, d, m.data.slice());
  for (let r = 0; r < d; r++) {
    const v = Array.from({ length: d }, () => options.prng.normal()), vv = dot(v, v);
    for (let i = 0; i < m.rows; i++) {
      const x = out.data.subarray(i * d, (i + 1) * d), proj = dot(x, v);
      for (let k = 0; k < d; k++) x[k] -= (2 * proj * v[k]) / vv;
    }
  }
  return out;
}

/**
 * The first N rows of the Sylvester–Hadamard matrix of order d (d a power of 2): mutually orthogonal ±1 rows.
 *
 * @example
 * ```ts
 * import { hadamardRows } from "./synthetic.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(hadamardRows(2, 4).data), [1, 1, 1, 1, 1, -1, 1, -1]);
 * ```
 */
export function hadamardRows(n: number, d: number): Matrix {
  if ((d & (d - 1)) !== 0 || d < 1 || !(n >= 1 && n <= d)) {
    throw new RangeError(`Cannot build Hadamard rows: need d a power of 2 and 1 ≤ N ≤ d: N=${n}, d=${d}`);
  }
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let bits = i & j, parity = 0;
      while (bits) [parity, bits] = [parity ^ (bits & 1), bits >> 1];
      data[i * d + j] = parity ? -1 : 1;
    }
  }
  return { rows: n, cols: d, data };
}
