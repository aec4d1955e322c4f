/**
 * Angles between points on the sphere, computed stably.
 *
 * `acos(x·y)` loses half the digits near 0° and 180°; the chord form `2 asin(‖x − y‖/2)` is exact at 180° but
 * ill-conditioned there; Kahan's formula `θ = 2 atan2(‖x‖y‖ − y‖x‖‖, ‖x‖y‖ + y‖x‖‖)` is accurate at every angle
 * (W. Kahan, "How futile are mindless assessments of roundoff", 2006, §12). The minimal angle of a code is found
 * by the smallest chord (monotone in the angle), then measured with Kahan's formula.
 *
 * @module
 */
import type { Matrix } from "../linalg/matrix.ts";
import { loadBlas } from "../backend/blas.ts";

/**
 * The angle between x and y (radians, in [0, π]) by Kahan's formula; neither may be the zero vector.
 *
 * @example
 * ```ts
 * import { angle } from "./angles.ts";
 * import assert from "node:assert/strict";
 * assert.equal(angle([1, 0, 0], [-1, 0, 0]), Math.PI); // exactly 180°
 * assert.ok(Math.abs(angle([1, 0], [1, 1e-9]) - 1e-9) < 1e-24);
 * ```
 */
export function angle(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) {
    throw new RangeError(`Cannot measure an angle: lengths differ: ${x.length} vs ${y.length}`);
  }
  let nx = 0, ny = 0;
  for (let k = 0; k < x.length; k++) [nx, ny] = [nx + x[k] * x[k], ny + y[k] * y[k]];
  nx = Math.sqrt(nx);
  ny = Math.sqrt(ny);
  if (!(nx > 0 && ny > 0)) throw new RangeError("Cannot measure an angle: a vector is zero");
  let a = 0, b = 0;
  for (let k = 0; k < x.length; k++) {
    const u = x[k] * ny, v = y[k] * nx;
    a += (u - v) ** 2;
    b += (u + v) ** 2;
  }
  return 2 * Math.atan2(Math.sqrt(a), Math.sqrt(b));
}

/** The minimal angle of a code and where it occurs. */
export interface MinAngle {
  /** Smallest pairwise angle, radians. */
  angle: number;
  /** The same in degrees. */
  degrees: number;
  /** `Δ_min = 1 − cos θ_min = ½ min ‖xᵢ − xⱼ‖²` for unit vectors (Hu et al. 2024's minimal separation). */
  deltaMin: number;
  /** A pair (i < j) attaining it. */
  pair: [number, number];
}

/**
 * The minimal pairwise angle of M points (rows, normalised to unit length first), in O(M²d). For M ≥ 2048 the
 * Gram matrix comes from the system BLAS when one loads; the closest candidates are then re-measured exactly.
 *
 * @example
 * ```ts
 * import { minAngle } from "./angles.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const square = fromRows([[1, 0], [0, 1], [-1, 0], [0, -1]]);
 * assert.equal(minAngle(square).degrees, 90);
 * assert.equal(minAngle(fromRows([[0, 0, 1], [0, 0, -1]])).degrees, 180);
 * ```
 */
export function minAngle(points: Matrix): MinAngle {
  const m = points.rows, d = points.cols;
  if (m < 2) throw new RangeError(`Cannot measure the minimal angle: need at least 2 points: M=${m}`);
  const unit = normaliseRows(points);
  const candidates: [number, number][] = [];
  const blas = m >= 2048 ? loadBlas() : null;
  if (blas) {
    // Largest cosines from one dgemm per block of rows; every pair within 1e-9 of the best is re-measured.
    const block = 512, G = new Float64Array(block * m);
    let best = -Infinity;
    const near: [number, number, number][] = [];
    for (let i0 = 0; i0 < m; i0 += block) {
      const rows = Math.min(block, m - i0);
      blas.gemmNT(unit.subarray(i0 * d, (i0 + rows) * d), unit, G.subarray(0, rows * m), rows, m, d);
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        for (let j = i + 1; j < m; j++) {
          const c = G[r * m + j];
          if (c > best - 1e-9) {
            if (c > best) best = c;
            near.push([c, i, j]);
          }
        }
      }
    }
    for (const [c, i, j] of near) if (c >= best - 1e-9) candidates.push([i, j]);
  } else {
    let best = Infinity;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        let sq = 0;
        for (let k = 0; k < d; k++) sq += (unit[i * d + k] - unit[j * d + k]) ** 2;
        if (sq < best * (1 + 1e-12)) {
          if (sq < best) best = sq;
          candidates.push([i, j]);
        }
      }
    }
  }
  let result: MinAngle | undefined;
  for (const [i, j] of candidates) {
    const a = angle(unit.subarray(i * d, (i + 1) * d), unit.subarray(j * d, (j + 1) * d));
    if (!result || a < result.angle) {
      const half = Math.sin(a / 2);
      result = { angle: a, degrees: (a * 180) / Math.PI, deltaMin: 2 * half * half, pair: [i, j] };
    }
  }
  return result!;
}

/**
 * The squared chords `‖xᵢ − xⱼ‖²` of every pair of rows (M × d, as given: not normalised), in the order
 * (0, 1), (0, 2), …, (0, M−1), (1, 2), …: pair (i, j), i < j, at index `i·M − i(i+1)/2 + j − i − 1`. O(M²d).
 *
 * @example
 * ```ts
 * import { squaredChords } from "./angles.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(squaredChords(fromRows([[1, 0], [0, 1], [-1, 0]]))), [2, 4, 2]);
 * ```
 */
export function squaredChords(points: Matrix): Float64Array {
  const { rows: m, cols: d, data: x } = points, sq = new Float64Array((m * (m - 1)) / 2);
  for (let i = 0, k = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, k++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
      sq[k] = s;
    }
  }
  return sq;
}

/**
 * Rows scaled to unit length (a zero row is an error).
 *
 * @example
 * ```ts
 * import { normaliseRows } from "./angles.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(Math.hypot(...normaliseRows(fromRows([[3, 4]]))) - 1) < 1e-15);
 * ```
 */
export function normaliseRows(points: Matrix): Float64Array {
  const d = points.cols, out = points.data.slice();
  for (let i = 0; i < points.rows; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += out[i * d + k] ** 2;
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new RangeError(`Cannot normalise points: row ${i} must be finite and non-zero: |row|²=${s}`);
    }
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) out[i * d + k] *= inv;
  }
  return out;
}
