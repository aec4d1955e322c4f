/**
 * The low-rank polynomial kernel of Hu et al. 2024 ("On Computational Limits of Modern Hopfield Models", §3.4 of
 * the shared notes, following Alman & Song 2023): `exp(⟨q, k⟩) ≈ Σ_{i≤g} ⟨q, k⟩^i / i! = ⟨U(q), U(k)⟩` with
 * the degree-g Taylor features `U(x)_α = x^α / √(α!)` over all multi-indices |α| ≤ g.
 *
 * Why Taylor rather than Aggarwal–Alman's or a Chebyshev polynomial: its error is explicit and provable
 * (`|Σ_{i≤g} x^i/i! − eˣ| ≤ e^{|x|}|x|^{g+1}/(g+1)!`), the same features serve queries and keys, and on the
 * entries where fast retrieval is possible at all (|⟨q, k⟩| ≲ 1) the degrees it needs are 2–6, where a
 * Chebyshev fit would save about one degree; the optimal polynomials are known only up to constants.
 * Symmetric monomials instead of the tensor powers `x^{⊗i}` give the same kernel with rank
 * `C(d + g, g)` instead of `Σ_i d^i`.
 *
 * @module
 */
import type { DenseMatrix, Matrix } from "../linalg/matrix.ts";
import { matrix } from "../linalg/matrix.ts";

/**
 * The rank r(g, d) of the degree-g features in d dimensions: the number of monomials of degree ≤ g,
 * `C(d + g, g)`. (Alman & Song's bound `C(2(g + d), 2g)` counts the same construction less tightly.)
 *
 * @example
 * ```ts
 * import { taylorRank } from "./taylor.ts";
 * import assert from "node:assert/strict";
 * assert.equal(taylorRank(2, 16), 153); // 1 + 16 + 136
 * ```
 */
export function taylorRank(degree: number, d: number): number {
  checkDegree(degree, "compute the Taylor rank");
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`Cannot compute the Taylor rank: d must be a positive integer: d=${d}`);
  }
  let r = 1;
  for (let i = 1; i <= degree; i++) r = (r * (d + i)) / i;
  return Math.round(r);
}

/**
 * The relative error bound of the degree-g Taylor kernel on inner products |x| ≤ R:
 * `sup |p_g(x) − eˣ| / eˣ ≤ e^{2R} R^{g+1} / (g+1)!` (Lagrange remainder, divided by the smallest eˣ = e^{−R}).
 *
 * @example
 * ```ts
 * import { taylorErrorBound } from "./taylor.ts";
 * import assert from "node:assert/strict";
 * assert.ok(taylorErrorBound(2, 0.25) < 5e-3);
 * ```
 */
export function taylorErrorBound(degree: number, radius: number): number {
  checkDegree(degree, "bound the Taylor error");
  checkRadius(radius, "bound the Taylor error");
  let term = Math.exp(2 * radius);
  for (let i = 1; i <= degree + 1; i++) term *= radius / i;
  return term;
}

/**
 * The smallest degree g whose {@link taylorErrorBound} on |⟨q, k⟩| ≤ R is at most ε; with `even` (default
 * true) the smallest even one, whose polynomial is positive on the whole line, so the normaliser `D̃` can never
 * vanish. With entries bounded by B after the source's scaling `A = exp(QKᵀ/d)`, R = B².
 *
 * @example
 * ```ts
 * import { taylorDegree } from "./taylor.ts";
 * import assert from "node:assert/strict";
 * assert.equal(taylorDegree(1e-2, 0.25), 2);
 * assert.equal(taylorDegree(1e-6, 1), 10);
 * ```
 */
export function taylorDegree(eps: number, radius: number, options: { even?: boolean } = {}): number {
  const action = "choose the Taylor degree";
  if (!(eps > 0 && eps < 1)) throw new RangeError(`Cannot ${action}: eps must be in (0, 1): eps=${eps}`);
  checkRadius(radius, action);
  const step = options.even ?? true ? 2 : 1;
  for (let g = step; g <= 200; g += step) if (taylorErrorBound(g, radius) <= eps) return g;
  throw new RangeError(`Cannot ${action}: no degree up to 200 reaches eps=${eps} at radius=${radius}`);
}

/** The monomials of degree ≤ g in graded order, each as its parent monomial times `x_var · factor`. */
interface Monomials {
  parent: Int32Array;
  variable: Int32Array;
  factor: Float64Array;
}

const monomialCache = new Map<string, Monomials>();

/** Builds (and caches) the recurrence `U_α+e_j = U_α · x_j / √(α_j + 1)` over nondecreasing index sequences. */
function monomials(degree: number, d: number): Monomials {
  const key = `${degree},${d}`;
  const hit = monomialCache.get(key);
  if (hit) return hit;
  const r = taylorRank(degree, d);
  const parent = new Int32Array(r), variable = new Int32Array(r), factor = new Float64Array(r);
  const last = new Int32Array(r), lastCount = new Int32Array(r);
  let start = 0, end = 1, k = 1; // monomial 0 is the constant 1
  for (let i = 1; i <= degree; i++) {
    for (let p = start; p < end; p++) {
      for (let j = i === 1 ? 0 : last[p]; j < d; j++) {
        const count = i > 1 && j === last[p] ? lastCount[p] + 1 : 1;
        parent[k] = p, variable[k] = j, factor[k] = 1 / Math.sqrt(count);
        last[k] = j, lastCount[k] = count;
        k++;
      }
    }
    start = end, end = k;
  }
  const m = { parent, variable, factor };
  monomialCache.set(key, m);
  return m;
}

/**
 * The degree-g Taylor features of the rows of X scaled by √scale: `U(√s·x)`, so that
 * `⟨U(√s q), U(√s k)⟩ = Σ_{i≤g} (s⟨q, k⟩)^i / i!` (use s = β for the Hopfield kernel `exp(β⟨q, k⟩)`).
 * O(rows · r) after the monomial table.
 *
 * Shapes: X n × d → n × C(d + g, g).
 *
 * @example
 * ```ts
 * import { taylorFeatures } from "./taylor.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const U = taylorFeatures(fromRows([[0.3, -0.2], [0.1, 0.4]]), 6);
 * let k = 0;
 * for (let j = 0; j < U.cols; j++) k += U.data[j] * U.data[U.cols + j];
 * assert.ok(Math.abs(k - Math.exp(0.3 * 0.1 - 0.2 * 0.4)) < 1e-7);
 * ```
 */
export function taylorFeatures(X: DenseMatrix, degree: number, scale = 1): Matrix {
  checkDegree(degree, "make Taylor features");
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot make Taylor features: scale must be finite and > 0: scale=${scale}`);
  }
  const n = X.rows, d = X.cols, { parent, variable, factor } = monomials(degree, d), r = parent.length;
  const out = matrix(n, r), s = Math.sqrt(scale), x = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[j] = s * X.data[i * d + j];
    const o = i * r;
    out.data[o] = 1;
    for (let k = 1; k < r; k++) out.data[o + k] = out.data[o + parent[k]] * x[variable[k]] * factor[k];
  }
  return out;
}

function checkDegree(degree: number, action: string): void {
  if (!Number.isInteger(degree) || degree < 0 || degree > 200) {
    throw new RangeError(`Cannot ${action}: degree must be an integer from 0 to 200: degree=${degree}`);
  }
}

function checkRadius(radius: number, action: string): void {
  if (!(radius >= 0) || !Number.isFinite(radius)) {
    throw new RangeError(`Cannot ${action}: radius must be finite and ≥ 0: radius=${radius}`);
  }
}
