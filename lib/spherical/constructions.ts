/**
 * Exact spherical codes built from coordinates: the regular simplex, the cross-polytope, the icosahedron, the
 * snub cube, the 24-cell and the E8 root system. Rows are unit vectors.
 *
 * @module
 */
import { fromRows, type Matrix } from "../linalg/matrix.ts";
import { normaliseRows } from "./angles.ts";

function unit(rows: number[][]): Matrix {
  const m = fromRows(rows);
  return { ...m, data: normaliseRows(m) };
}

function checkDim(d: number, min: number, what: string): void {
  if (!Number.isInteger(d) || d < min) {
    throw new RangeError(`Cannot build the ${what}: d must be an integer ≥ ${min}: d=${d}`);
  }
}

/**
 * The regular simplex: d + 1 unit vectors in ℝᵈ with pairwise inner product −1/d (the optimal code for
 * M ≤ d + 1, Rankin 1955).
 *
 * @example
 * ```ts
 * import { simplex } from "./constructions.ts";
 * import { minAngle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(minAngle(simplex(3)).degrees - 109.47122063449069) < 1e-12);
 * ```
 */
export function simplex(d: number): Matrix {
  checkDim(d, 1, "simplex");
  // Centre the standard basis of ℝ^{d+1}, then express it in an orthonormal basis of the hyperplane Σ = 0.
  const n = d + 1;
  const basis: number[][] = [];
  for (let k = 1; k <= d; k++) {
    // Helmert basis: (1, …, 1, −k, 0, …)/√(k(k+1))
    const v = new Array(n).fill(0);
    for (let i = 0; i < k; i++) v[i] = 1;
    v[k] = -k;
    const s = Math.sqrt(k * (k + 1));
    basis.push(v.map((x) => x / s));
  }
  const rows = Array.from({ length: n }, (_, i) => basis.map((b) => b[i] - b.reduce((a, x) => a + x, 0) / n));
  return unit(rows);
}

/**
 * The cross-polytope: ±eᵢ, 2d points at 90° (optimal for d + 2 ≤ M ≤ 2d).
 *
 * @example
 * ```ts
 * import { crossPolytope } from "./constructions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(crossPolytope(4).rows, 8);
 * ```
 */
export function crossPolytope(d: number): Matrix {
  checkDim(d, 1, "cross-polytope");
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) {
    for (const s of [1, -1]) {
      const v = new Array(d).fill(0);
      v[i] = s;
      rows.push(v);
    }
  }
  return unit(rows);
}

/**
 * The icosahedron: cyclic permutations of (0, ±1, ±φ), 12 points at arctan 2 = 63.4349…°, the optimal 12-point
 * code in ℝ³ (and the Levenshtein bound is attained).
 *
 * @example
 * ```ts
 * import { icosahedron } from "./constructions.ts";
 * import { minAngle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(minAngle(icosahedron()).angle - Math.atan(2)) < 1e-15);
 * ```
 */
export function icosahedron(): Matrix {
  const phi = (1 + Math.sqrt(5)) / 2, rows: number[][] = [];
  for (const a of [1, -1]) {
    for (const b of [phi, -phi]) rows.push([0, a, b], [a, b, 0], [b, 0, a]);
  }
  return unit(rows);
}

/**
 * The snub cube: the even permutations of (±1, ±1/t, ±t) with an even number of plus signs and the odd permutations
 * with an odd number, t the tribonacci constant (t³ = t² + t + 1). 24 points, each with 5 nearest neighbours at
 * `θ = 2 asin √((2 − t)/(3 − t)) = 43.6907671…°` (from the circumradius of the unit-edge snub cube,
 * R² = (3 − t)/(4(2 − t))): the optimal 24-point code in ℝ³ (Robinson 1961). One of its two mirror images.
 *
 * @example
 * ```ts
 * import { snubCube } from "./constructions.ts";
 * import { minAngle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(minAngle(snubCube()).degrees - 43.6907671) < 1e-7);
 * ```
 */
export function snubCube(): Matrix {
  const t = (1 + Math.cbrt(19 + 3 * Math.sqrt(33)) + Math.cbrt(19 - 3 * Math.sqrt(33))) / 3;
  const base = [1, 1 / t, t], rows: number[][] = [];
  // [permutations, parity of the number of plus signs]: even permutations with even, odd with odd.
  const perms: [number[][], number][] = [
    [[[0, 1, 2], [1, 2, 0], [2, 0, 1]], 0],
    [[[0, 2, 1], [2, 1, 0], [1, 0, 2]], 1],
  ];
  for (const [group, parity] of perms) {
    for (const p of group) {
      for (let signs = 0; signs < 8; signs++) {
        const s = [0, 1, 2].map((k) => (signs & (1 << k) ? -1 : 1));
        if (s.filter((v) => v > 0).length % 2 === parity) rows.push(p.map((q, k) => s[k] * base[q]));
      }
    }
  }
  return unit(rows);
}

/** The 24-cell: permutations of (±1, ±1, 0, 0), 24 points in ℝ⁴ at 60° (the optimal 24-point code). */
export function cell24(): Matrix {
  return unit(roots(4));
}

/** Vectors with two entries ±1 and the rest 0 (the D_n roots). */
function roots(n: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const a of [1, -1]) {
        for (const b of [1, -1]) {
          const v = new Array(n).fill(0);
          v[i] = a;
          v[j] = b;
          rows.push(v);
        }
      }
    }
  }
  return rows;
}

/**
 * The 240 roots of E8: the 112 vectors of D8 and the 128 vectors (±½)⁸ with an even number of minus signs;
 * minimal angle 60° (the kissing configuration of E8, which attains the Levenshtein bound).
 *
 * @example
 * ```ts
 * import { e8Roots } from "./constructions.ts";
 * import { minAngle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * const e8 = e8Roots();
 * assert.equal(e8.rows, 240);
 * assert.ok(Math.abs(minAngle(e8).degrees - 60) < 1e-12);
 * ```
 */
export function e8Roots(): Matrix {
  const rows = roots(8);
  for (let mask = 0; mask < 256; mask++) {
    let minus = 0;
    for (let b = 0; b < 8; b++) if (mask & (1 << b)) minus++;
    if (minus % 2 === 0) rows.push(Array.from({ length: 8 }, (_, b) => (mask & (1 << b) ? -0.5 : 0.5)));
  }
  return unit(rows);
}
