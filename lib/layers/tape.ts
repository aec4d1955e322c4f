/**
 * A small reverse-mode tape over dense Float64 matrices: the gradients of the Hopfield layers. Each operation
 * computes its value at once and records how to send its output's gradient back to its inputs; `backward` walks
 * the record in reverse. Written here because tfjs was measured at about 2 GFLOP/s for a 512² matmul in Deno (its
 * wasm backend), some 70× below the BLAS path, and the layers need only a dozen operations.
 *
 * Every operation's gradient is checked against finite differences in `tests/layers/`.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Blas } from "../backend/blas.ts";
import { entmax, entmax15, sparsemax } from "../maps/mod.ts";

/** A value on the tape: a matrix, and its gradient once `backward` has run (null for constants). */
export interface Node {
  /** The value, rows × cols. */
  readonly value: Matrix;
  /** ∂loss/∂value, filled by `backward` (null when nothing it depends on needs a gradient). */
  grad: Float64Array | null;
  /** Whether a gradient flows to this node. */
  readonly needsGrad: boolean;
}

/** Row-wise maps a layer can separate with: the workbench's maps, α-entmax as `{ alpha }` (α > 1). */
export type RowMap = "softmax" | "sparsemax" | "entmax15" | { alpha: number };

/**
 * The tape: operations append nodes; `backward(loss)` fills the gradients of everything the 1 × 1 loss depends
 * on.
 *
 * @example
 * ```ts
 * import { Tape } from "./tape.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const t = new Tape();
 * const w = t.param(fromRows([[2, 3]])), x = t.constant(fromRows([[1], [4]]));
 * t.backward(t.sum(t.matmul(w, x))); // loss = 2·1 + 3·4
 * assert.deepEqual(Array.from(w.grad!), [1, 4]);
 * ```
 */
export class Tape {
  #backs: (() => void)[] = [];
  #blas: Blas | null;

  /**
   * With `blas` (from `loadBlas()`, chosen once at the edge), products of at least 2¹⁵ multiply-adds and their
   * gradients run as Float64 `dgemm`; the rest, and everything without it, in TypeScript.
   */
  constructor(options: { blas?: Blas | null } = {}) {
    this.#blas = options.blas ?? null;
  }

  /** A leaf that receives a gradient (a parameter or an input whose gradient is wanted). */
  param(value: Matrix): Node {
    return { value, grad: null, needsGrad: true };
  }

  /** A leaf without gradient. */
  constant(value: Matrix): Node {
    return { value, grad: null, needsGrad: false };
  }

  /** Runs the record backwards from a 1 × 1 loss (its gradient seeded with 1). */
  backward(loss: Node): void {
    if (loss.value.data.length !== 1) {
      throw new RangeError(
        `Cannot run backward: the loss must be 1 × 1: ${loss.value.rows} × ${loss.value.cols}`,
      );
    }
    loss.grad = Float64Array.of(1);
    for (let i = this.#backs.length - 1; i >= 0; i--) this.#backs[i]();
    this.#backs = [];
  }

  #node(value: Matrix, inputs: Node[], back: (g: Float64Array) => void): Node {
    const needsGrad = inputs.some((n) => n.needsGrad);
    const out: Node = { value, grad: null, needsGrad };
    if (needsGrad) this.#backs.push(() => out.grad && back(out.grad));
    return out;
  }

  /** `C = A·B`, or `A·Bᵀ` with `transposeB`. */
  matmul(a: Node, b: Node, options: { transposeB?: boolean } = {}): Node {
    const tb = options.transposeB ?? false, A = a.value, B = b.value;
    const m = A.rows, k = A.cols, n = tb ? B.rows : B.cols;
    if ((tb ? B.cols : B.rows) !== k) {
      throw new RangeError(
        `Cannot multiply: ${m} × ${k} by ${tb ? `(${B.rows} × ${B.cols})ᵀ` : `${B.rows} × ${B.cols}`}`,
      );
    }
    const C = matrix(m, n), blas = m * n * k >= 1 << 15 ? this.#blas : null;
    if (blas) {
      blas.gemmGeneral(false, tb, m, n, k, A.data, k, B.data, tb ? k : n, 0, C.data, n);
      return this.#node(C, [a, b], (g) => {
        // ∂A = g·op(B)ᵀ; ∂B = Aᵀ·g (or gᵀ·A when B was transposed), accumulated (beta = 1).
        if (a.needsGrad) blas.gemmGeneral(false, !tb, m, k, n, g, n, B.data, tb ? k : n, 1, accumulate(a), k);
        if (b.needsGrad) {
          if (tb) blas.gemmGeneral(true, false, n, k, m, g, n, A.data, k, 1, accumulate(b), k);
          else blas.gemmGeneral(true, false, k, n, m, A.data, k, g, n, 1, accumulate(b), n);
        }
      });
    }
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const av = A.data[i * k + p];
        if (av === 0) continue;
        if (tb) { for (let j = 0; j < n; j++) C.data[i * n + j] += av * B.data[j * k + p]; }
        else for (let j = 0; j < n; j++) C.data[i * n + j] += av * B.data[p * n + j];
      }
    }
    return this.#node(C, [a, b], (g) => {
      if (a.needsGrad) {
        const ga = accumulate(a);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const gv = g[i * n + j];
            if (gv === 0) continue;
            if (tb) { for (let p = 0; p < k; p++) ga[i * k + p] += gv * B.data[j * k + p]; }
            else for (let p = 0; p < k; p++) ga[i * k + p] += gv * B.data[p * n + j];
          }
        }
      }
      if (b.needsGrad) {
        const gb = accumulate(b);
        for (let i = 0; i < m; i++) {
          for (let p = 0; p < k; p++) {
            const av = A.data[i * k + p];
            if (av === 0) continue;
            if (tb) { for (let j = 0; j < n; j++) gb[j * k + p] += av * g[i * n + j]; }
            else for (let j = 0; j < n; j++) gb[p * n + j] += av * g[i * n + j];
          }
        }
      }
    });
  }

  /** `A + 1·bᵀ`: a 1 × cols bias added to every row. */
  addRow(a: Node, bias: Node): Node {
    const A = a.value, n = A.cols;
    if (bias.value.data.length !== n) {
      throw new RangeError(`Cannot add a bias: ${bias.value.data.length} entries for ${n} columns`);
    }
    const C = matrix(A.rows, n);
    for (let k = 0; k < C.data.length; k++) C.data[k] = A.data[k] + bias.value.data[k % n];
    return this.#node(C, [a, bias], (g) => {
      if (a.needsGrad) addInto(accumulate(a), g);
      if (bias.needsGrad) {
        const gb = accumulate(bias);
        for (let k = 0; k < g.length; k++) gb[k % n] += g[k];
      }
    });
  }

  /** `A + B` (same shapes). */
  add(a: Node, b: Node): Node {
    sameShape(a, b, "add");
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = a.value.data[k] + b.value.data[k];
    return this.#node(C, [a, b], (g) => {
      if (a.needsGrad) addInto(accumulate(a), g);
      if (b.needsGrad) addInto(accumulate(b), g);
    });
  }

  /** `A ⊙ B` entrywise (a dropout mask, a gate). */
  mul(a: Node, b: Node): Node {
    sameShape(a, b, "multiply entrywise");
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = a.value.data[k] * b.value.data[k];
    return this.#node(C, [a, b], (g) => {
      if (a.needsGrad) {
        const ga = accumulate(a);
        for (let k = 0; k < g.length; k++) ga[k] += g[k] * b.value.data[k];
      }
      if (b.needsGrad) {
        const gb = accumulate(b);
        for (let k = 0; k < g.length; k++) gb[k] += g[k] * a.value.data[k];
      }
    });
  }

  /** `s·A`. */
  scale(a: Node, s: number): Node {
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = s * a.value.data[k];
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < g.length; k++) ga[k] += s * g[k];
    });
  }

  /** `max(A, 0)`. */
  relu(a: Node): Node {
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = Math.max(0, a.value.data[k]);
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < g.length; k++) if (a.value.data[k] > 0) ga[k] += g[k];
    });
  }

  /** `tanh(A)`. */
  tanh(a: Node): Node {
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = Math.tanh(a.value.data[k]);
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < g.length; k++) ga[k] += g[k] * (1 - C.data[k] ** 2);
    });
  }

  /** The logistic `σ(A)`. */
  sigmoid(a: Node): Node {
    const C = matrix(a.value.rows, a.value.cols);
    for (let k = 0; k < C.data.length; k++) C.data[k] = 1 / (1 + Math.exp(-a.value.data[k]));
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < g.length; k++) ga[k] += g[k] * C.data[k] * (1 - C.data[k]);
    });
  }

  /** Columns `[c0, c1)`. */
  sliceCols(a: Node, c0: number, c1: number): Node {
    const A = a.value, w = c1 - c0;
    if (!(c0 >= 0 && c1 <= A.cols && w > 0)) {
      throw new RangeError(`Cannot slice columns ${c0}…${c1} of ${A.rows} × ${A.cols}`);
    }
    const C = matrix(A.rows, w);
    for (let i = 0; i < A.rows; i++) {
      for (let j = 0; j < w; j++) C.data[i * w + j] = A.data[i * A.cols + c0 + j];
    }
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let i = 0; i < A.rows; i++) for (let j = 0; j < w; j++) ga[i * A.cols + c0 + j] += g[i * w + j];
    });
  }

  /** Rows `[r0, r1)`. */
  sliceRows(a: Node, r0: number, r1: number): Node {
    const A = a.value, n = A.cols;
    if (!(r0 >= 0 && r1 <= A.rows && r1 > r0)) {
      throw new RangeError(`Cannot slice rows ${r0}…${r1} of ${A.rows} × ${A.cols}`);
    }
    const C = matrix(r1 - r0, n, A.data.slice(r0 * n, r1 * n));
    return this.#node(C, [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < g.length; k++) ga[r0 * n + k] += g[k];
    });
  }

  /** The matrices side by side (same rows). */
  concatCols(parts: Node[]): Node {
    const rows = parts[0].value.rows, widths = parts.map((p) => p.value.cols);
    if (parts.some((p) => p.value.rows !== rows)) {
      throw new RangeError("Cannot concatenate columns: rows differ");
    }
    const n = widths.reduce((a, b) => a + b, 0), C = matrix(rows, n);
    let c0 = 0;
    for (const p of parts) {
      const w = p.value.cols;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < w; j++) C.data[i * n + c0 + j] = p.value.data[i * w + j];
      }
      c0 += w;
    }
    return this.#node(C, parts, (g) => {
      let c = 0;
      for (const p of parts) {
        const w = p.value.cols;
        if (p.needsGrad) {
          const gp = accumulate(p);
          for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) gp[i * w + j] += g[i * n + c + j];
        }
        c += w;
      }
    });
  }

  /** The matrices stacked (same columns). */
  concatRows(parts: Node[]): Node {
    const cols = parts[0].value.cols;
    if (parts.some((p) => p.value.cols !== cols)) throw new RangeError("Cannot stack rows: columns differ");
    const rows = parts.reduce((a, p) => a + p.value.rows, 0), C = matrix(rows, cols);
    let o = 0;
    for (const p of parts) C.data.set(p.value.data, o), o += p.value.data.length;
    return this.#node(C, parts, (g) => {
      let q = 0;
      for (const p of parts) {
        if (p.needsGrad) addInto(accumulate(p), g.subarray(q, q + p.value.data.length));
        q += p.value.data.length;
      }
    });
  }

  /**
   * LayerNorm of each row over its columns: `(x − mean) / √(var + eps)`, then `⊙ γ + b` when given (biased
   * variance, as `torch.nn.LayerNorm`).
   */
  layerNorm(a: Node, eps: number, gamma?: Node, beta?: Node): Node {
    const A = a.value, n = A.cols, rows = A.rows, C = matrix(rows, n), xhat = new Float64Array(A.data.length);
    const inv = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let mean = 0, v = 0;
      for (let j = 0; j < n; j++) mean += A.data[i * n + j];
      mean /= n;
      for (let j = 0; j < n; j++) v += (A.data[i * n + j] - mean) ** 2;
      inv[i] = 1 / Math.sqrt(v / n + eps);
      for (let j = 0; j < n; j++) {
        const h = xhat[i * n + j] = (A.data[i * n + j] - mean) * inv[i];
        C.data[i * n + j] = gamma ? h * gamma.value.data[j] + (beta ? beta.value.data[j] : 0) : h;
      }
    }
    const inputs = [a, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
    return this.#node(C, inputs, (g) => {
      if (gamma?.needsGrad) {
        const gg = accumulate(gamma);
        for (let k = 0; k < g.length; k++) gg[k % n] += g[k] * xhat[k];
      }
      if (beta?.needsGrad) {
        const gb = accumulate(beta);
        for (let k = 0; k < g.length; k++) gb[k % n] += g[k];
      }
      if (!a.needsGrad) return;
      const ga = accumulate(a);
      for (let i = 0; i < rows; i++) {
        // dx = inv/n · (n·dĥ − Σdĥ − ĥ·Σ(dĥ·ĥ)), with dĥ = g ⊙ γ.
        let s1 = 0, s2 = 0;
        for (let j = 0; j < n; j++) {
          const dh = g[i * n + j] * (gamma ? gamma.value.data[j] : 1);
          s1 += dh, s2 += dh * xhat[i * n + j];
        }
        for (let j = 0; j < n; j++) {
          const dh = g[i * n + j] * (gamma ? gamma.value.data[j] : 1);
          ga[i * n + j] += (inv[i] / n) * (n * dh - s1 - xhat[i * n + j] * s2);
        }
      }
    });
  }

  /**
   * The map of each row (softmax, sparsemax, 1.5-entmax or α-entmax), with an optional additive mask (−∞ entries
   * are left out). Backward uses each map's Jacobian: softmax `p ⊙ (g − ⟨g, p⟩)`; α-entmax
   * `s ⊙ (g − ⟨g, s⟩/Σs)` with `s = p^{2−α}` on the support (Peters et al. 2019): sparsemax (α = 2) subtracts the
   * support's mean, 1.5-entmax has `s = √p`.
   */
  rowMap(a: Node, map: RowMap, mask?: Float64Array): Node {
    const A = a.value, n = A.cols, rows = A.rows, P = matrix(rows, n), z = new Float64Array(n);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) z[j] = A.data[i * n + j] + (mask ? mask[i * n + j] : 0);
      const out = P.data.subarray(i * n, (i + 1) * n);
      if (map === "softmax") {
        let m = -Infinity, s = 0;
        for (let j = 0; j < n; j++) m = Math.max(m, z[j]);
        if (m === -Infinity) throw new RangeError(`Cannot apply softmax: row ${i} is fully masked`);
        for (let j = 0; j < n; j++) s += out[j] = Math.exp(z[j] - m);
        for (let j = 0; j < n; j++) out[j] /= s;
      } else if (map === "sparsemax") sparsemax(z, out);
      else if (map === "entmax15") entmax15(z, out);
      else entmax(z, map.alpha, out);
    }
    return this.#node(P, [a], (g) => {
      const ga = accumulate(a);
      for (let i = 0; i < rows; i++) {
        const p = P.data.subarray(i * n, (i + 1) * n), gi = g.subarray(i * n, (i + 1) * n);
        if (map === "softmax") {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += gi[j] * p[j];
          for (let j = 0; j < n; j++) ga[i * n + j] += p[j] * (gi[j] - dot);
        } else {
          // s = p^{2−α} on the support: 1 for sparsemax (α = 2), √p for 1.5-entmax.
          const power = map === "sparsemax" ? 0 : map === "entmax15" ? 0.5 : 2 - map.alpha;
          let num = 0, den = 0;
          for (let j = 0; j < n; j++) {
            if (p[j] <= 0) continue;
            const s = p[j] ** power;
            num += gi[j] * s, den += s;
          }
          for (let j = 0; j < n; j++) {
            if (p[j] <= 0) continue;
            ga[i * n + j] += p[j] ** power * (gi[j] - num / den);
          }
        }
      }
    });
  }

  /** Each row divided by its Euclidean norm (rows of zeros are an error). */
  normalizeRows(a: Node): Node {
    const A = a.value, n = A.cols, U = matrix(A.rows, n), norms = new Float64Array(A.rows);
    for (let i = 0; i < A.rows; i++) {
      let sq = 0;
      for (let j = 0; j < n; j++) sq += A.data[i * n + j] ** 2;
      const r = norms[i] = Math.sqrt(sq);
      if (!(r > 0)) throw new RangeError(`Cannot normalise rows: row ${i} is zero`);
      for (let j = 0; j < n; j++) U.data[i * n + j] = A.data[i * n + j] / r;
    }
    return this.#node(U, [a], (g) => {
      const ga = accumulate(a);
      for (let i = 0; i < A.rows; i++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += U.data[i * n + j] * g[i * n + j];
        for (let j = 0; j < n; j++) ga[i * n + j] += (g[i * n + j] - U.data[i * n + j] * dot) / norms[i];
      }
    });
  }

  /**
   * U-Hop+'s tempered separation loss of a square matrix of cosines C (M × M, M ≥ 2):
   * `τ·log(mean_{μ≠ν} exp(C_μν/τ))`, 1 × 1 — as τ → 0 the largest off-diagonal cosine (Hu et al. 2024, Alg. 1).
   */
  offDiagonalLse(c: Node, tau: number): Node {
    const C = c.value, M = C.rows;
    if (C.cols !== M || M < 2) {
      throw new RangeError(
        `Cannot take the separation loss: need a square matrix with M ≥ 2: ${C.rows} × ${C.cols}`,
      );
    }
    if (!(tau > 0)) throw new RangeError(`Cannot take the separation loss: tau must be > 0: tau=${tau}`);
    let m = -Infinity;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) if (i !== j) m = Math.max(m, C.data[i * M + j] / tau);
    }
    const w = new Float64Array(M * M);
    let sum = 0;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) if (i !== j) sum += w[i * M + j] = Math.exp(C.data[i * M + j] / tau - m);
    }
    const value = tau * (m + Math.log(sum / (M * (M - 1))));
    return this.#node(matrix(1, 1, Float64Array.of(value)), [c], (g) => {
      const gc = accumulate(c);
      for (let k = 0; k < w.length; k++) gc[k] += (g[0] * w[k]) / sum;
    });
  }

  /** The sum of all entries, 1 × 1. */
  sum(a: Node): Node {
    let s = 0;
    for (let k = 0; k < a.value.data.length; k++) s += a.value.data[k];
    return this.#node(matrix(1, 1, Float64Array.of(s)), [a], (g) => {
      const ga = accumulate(a);
      for (let k = 0; k < ga.length; k++) ga[k] += g[0];
    });
  }

  /**
   * Binary cross-entropy of logits z (n × 1) against labels y ∈ {0, 1}, averaged:
   * `mean(max(z, 0) − z·y + log(1 + e^{−|z|}))` (the stable form of `torch.nn.BCEWithLogitsLoss`).
   */
  bceWithLogits(z: Node, labels: ArrayLike<number>): Node {
    const Z = z.value.data, n = Z.length;
    if (labels.length !== n) {
      throw new RangeError(`Cannot compute BCE: ${labels.length} labels for ${n} logits`);
    }
    let s = 0;
    for (let k = 0; k < n; k++) {
      s += Math.max(Z[k], 0) - Z[k] * labels[k] + Math.log1p(Math.exp(-Math.abs(Z[k])));
    }
    return this.#node(matrix(1, 1, Float64Array.of(s / n)), [z], (g) => {
      const gz = accumulate(z);
      for (let k = 0; k < n; k++) gz[k] += (g[0] * (1 / (1 + Math.exp(-Z[k])) - labels[k])) / n;
    });
  }

  /** Cross-entropy of each row's logits against its class index, averaged (`torch.nn.CrossEntropyLoss`). */
  crossEntropy(z: Node, classes: ArrayLike<number>): Node {
    const Z = z.value, n = Z.cols, rows = Z.rows, P = new Float64Array(Z.data.length);
    if (classes.length !== rows) {
      throw new RangeError(`Cannot compute cross-entropy: ${classes.length} labels for ${rows} rows`);
    }
    let s = 0;
    for (let i = 0; i < rows; i++) {
      let m = -Infinity, sum = 0;
      for (let j = 0; j < n; j++) m = Math.max(m, Z.data[i * n + j]);
      for (let j = 0; j < n; j++) sum += P[i * n + j] = Math.exp(Z.data[i * n + j] - m);
      for (let j = 0; j < n; j++) P[i * n + j] /= sum;
      s -= Math.log(P[i * n + classes[i]]);
    }
    return this.#node(matrix(1, 1, Float64Array.of(s / rows)), [z], (g) => {
      const gz = accumulate(z);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < n; j++) {
          gz[i * n + j] += (g[0] * (P[i * n + j] - (j === classes[i] ? 1 : 0))) / rows;
        }
      }
    });
  }
}

function accumulate(n: Node): Float64Array {
  return n.grad ??= new Float64Array(n.value.data.length);
}

function addInto(a: Float64Array, b: ArrayLike<number>): void {
  for (let k = 0; k < a.length; k++) a[k] += b[k];
}

function sameShape(a: Node, b: Node, action: string): void {
  if (a.value.rows !== b.value.rows || a.value.cols !== b.value.cols) {
    throw new RangeError(
      `Cannot ${action}: ${a.value.rows} × ${a.value.cols} and ${b.value.rows} × ${b.value.cols}`,
    );
  }
}
