/**
 * The Hopfield layer of Ramsauer et al. 2020 (§3, "Hopfield layers"), with hopfield-layers' (hflayers) semantics:
 * stored patterns Y, state patterns R and pattern projections V (batch-first, B × S × ·, B × L × ·), each
 * optionally LayerNorm'd and projected per head; β·q against the keys; the update `q ← β·ξk` repeated while a
 * head is still moving (hflayers' rule: at most `updateStepsMax` more times, and only while
 * `max_b ‖ξ_t − ξ_{t−1}‖_F > updateStepsEps`); then `o = ξ v`, the heads side by side, the out-projection.
 *
 * Every operation runs on a `Tape`, so every parameter and input gets its gradient through all the updates.
 *
 * @module
 */
import { type Matrix, matrix } from "../linalg/matrix.ts";
import type { Prng } from "../linalg/prng.ts";
import type { Node, Tape } from "./tape.ts";
import { type HopfieldLayerOptions, type ResolvedOptions, resolveOptions } from "./options.ts";

/** The layer's parameters (null where an option removes them). Weights are out × in, as in PyTorch. */
export interface HopfieldParameters {
  /** q projection, H·d_h × inputSize. */
  qWeight: Matrix | null;
  /** k projection, H·d_h × storedPatternSize. */
  kWeight: Matrix | null;
  /** v projection, H·d_p × its input width. */
  vWeight: Matrix | null;
  /** q bias, 1 × H·d_h. */
  qBias: Matrix | null;
  /** k bias, 1 × H·d_h. */
  kBias: Matrix | null;
  /** v bias, 1 × H·d_p. */
  vBias: Matrix | null;
  /** Out-projection, outputSize × H·d_p. */
  outWeight: Matrix | null;
  /** Out-projection bias. */
  outBias: Matrix | null;
  /** LayerNorm γ of the stored patterns. */
  storedNormWeight: Matrix | null;
  /** LayerNorm β of the stored patterns. */
  storedNormBias: Matrix | null;
  /** LayerNorm γ of the state patterns. */
  stateNormWeight: Matrix | null;
  /** LayerNorm β of the state patterns. */
  stateNormBias: Matrix | null;
  /** LayerNorm γ of the projections. */
  projectionNormWeight: Matrix | null;
  /** LayerNorm β of the projections. */
  projectionNormBias: Matrix | null;
  /** Hopfield-space LayerNorm γ (shared by q and k), 1 × d_h. */
  hopfieldNormWeight: Matrix | null;
  /** Hopfield-space LayerNorm β. */
  hopfieldNormBias: Matrix | null;
}

/** The names of {@link HopfieldParameters}. */
export const PARAMETER_NAMES = [
  "qWeight",
  "kWeight",
  "vWeight",
  "qBias",
  "kBias",
  "vBias",
  "outWeight",
  "outBias",
  "storedNormWeight",
  "storedNormBias",
  "stateNormWeight",
  "stateNormBias",
  "projectionNormWeight",
  "projectionNormBias",
  "hopfieldNormWeight",
  "hopfieldNormBias",
] as const satisfies readonly (keyof HopfieldParameters)[];

/** One batch element's inputs: stored patterns S × kdim, state patterns L × inputSize, projection S × vdim. */
export interface Association {
  /** Stored patterns, S × storedPatternSize. */
  stored: Matrix;
  /** State patterns, L × inputSize. */
  state: Matrix;
  /** Pattern projections, S × patternProjectionSize. */
  projection: Matrix;
}

/** Options of a forward pass. */
export interface ForwardOptions {
  /** Dropout on (default false: evaluation). */
  training?: boolean;
  /** The dropout masks' generator (required when training with dropout > 0). */
  prng?: Prng;
  /** Added to every head's scores, L × S (−Infinity leaves a pair out). */
  associationMask?: Float64Array;
  /** Per batch element, stored patterns to leave out (true = padding), length S each. */
  storedPatternPaddingMask?: boolean[][];
}

/** What a forward pass gives. */
export interface ForwardResult {
  /** Per batch element, L × outputSize. */
  outputs: Node[];
  /** ξ per batch element and head, L × S (S + 1 with a zero association), before dropout. */
  association: Matrix[][];
}

/**
 * A Hopfield layer: options resolved once, parameters initialised as hflayers does (projections N(0, 0.02²),
 * biases 0, LayerNorms γ = 1, β = 0), or loaded.
 *
 * @example
 * ```ts
 * import { Hopfield } from "./hopfield.ts";
 * import { Tape } from "./tape.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const layer = new Hopfield({ inputSize: 2 }, createPrng(1));
 * const X = fromRows([[1, 0], [0, 1], [1, 1]]);
 * const r = layer.forward(new Tape(), [{ stored: X, state: X, projection: X }]);
 * assert.deepEqual([r.outputs[0].value.rows, r.outputs[0].value.cols], [3, 2]);
 * ```
 */
export class Hopfield {
  /** The resolved options. */
  readonly options: ResolvedOptions;
  /** The parameters (replace entries to load weights). */
  readonly params: HopfieldParameters;

  /** Resolves the options and draws the parameters from `prng`. */
  constructor(options: HopfieldLayerOptions, prng: Prng) {
    const o = this.options = resolveOptions(options);
    const H = o.numHeads, dh = o.hiddenSize, dp = o.patternSize;
    const normal = (rows: number, cols: number) => {
      const m = matrix(rows, cols);
      for (let k = 0; k < m.data.length; k++) m.data[k] = 0.02 * prng.normal();
      return m;
    };
    const fill = (n: number, v: number) => matrix(1, n, new Float64Array(n).fill(v));
    const vIn = o.patternProjectionAsConnected && !o.storedPatternAsStatic ? H * dh : o.patternProjectionSize;
    this.params = {
      qWeight: o.statePatternAsStatic ? null : normal(H * dh, o.inputSize),
      kWeight: o.storedPatternAsStatic ? null : normal(H * dh, o.storedPatternSize),
      vWeight: o.patternProjectionAsStatic ? null : normal(H * dp, vIn),
      qBias: o.inputBias && !o.statePatternAsStatic ? fill(H * dh, 0) : null,
      kBias: o.inputBias && !o.storedPatternAsStatic ? fill(H * dh, 0) : null,
      vBias: o.inputBias && !o.patternProjectionAsStatic ? fill(H * dp, 0) : null,
      outWeight: o.disableOutProjection ? null : normal(o.outputSize, H * dp),
      outBias: o.disableOutProjection || !o.inputBias ? null : fill(o.outputSize, 0),
      storedNormWeight: o.normalizeStoredPattern && o.normalizeStoredPatternAffine
        ? fill(o.storedPatternSize, 1)
        : null,
      storedNormBias: o.normalizeStoredPattern && o.normalizeStoredPatternAffine
        ? fill(o.storedPatternSize, 0)
        : null,
      stateNormWeight: o.normalizeStatePattern && o.normalizeStatePatternAffine ? fill(o.inputSize, 1) : null,
      stateNormBias: o.normalizeStatePattern && o.normalizeStatePatternAffine ? fill(o.inputSize, 0) : null,
      projectionNormWeight: o.normalizePatternProjection && o.normalizePatternProjectionAffine
        ? fill(o.patternProjectionSize, 1)
        : null,
      projectionNormBias: o.normalizePatternProjection && o.normalizePatternProjectionAffine
        ? fill(o.patternProjectionSize, 0)
        : null,
      hopfieldNormWeight: o.normalizeHopfieldSpaceAffine ? fill(dh, 1) : null,
      hopfieldNormBias: o.normalizeHopfieldSpaceAffine ? fill(dh, 0) : null,
    };
  }

  /** The parameters present (not null), in the order of {@link PARAMETER_NAMES}: a flat list for an optimiser. */
  parameterList(): Matrix[] {
    return PARAMETER_NAMES.flatMap((n) => this.params[n] ?? []);
  }

  /** The nodes of {@link parameterList}'s matrices, read from `nodes` starting at `offset`, keyed by name. */
  leavesFrom(nodes: Node[], offset = 0): Partial<Record<keyof HopfieldParameters, Node>> {
    const names = PARAMETER_NAMES.filter((n) => this.params[n] !== null);
    return Object.fromEntries(names.map((n, i) => [n, nodes[offset + i]]));
  }

  /** The parameters as tape leaves (for a forward pass whose gradients are wanted). */
  leaves(tape: Tape): Partial<Record<keyof HopfieldParameters, Node>> {
    const out: Partial<Record<keyof HopfieldParameters, Node>> = {};
    for (const name of PARAMETER_NAMES) {
      const p = this.params[name];
      if (p) out[name] = tape.param(p);
    }
    return out;
  }

  /**
   * The forward pass of a batch: `inputs[b]` one element's stored, state and projection patterns (as tape nodes
   * or matrices). `leaves` are the parameters' nodes (from {@link leaves}; made fresh when omitted).
   */
  forward(
    tape: Tape,
    inputs: { stored: Matrix | Node; state: Matrix | Node; projection: Matrix | Node }[],
    options: ForwardOptions = {},
    leaves: Partial<Record<keyof HopfieldParameters, Node>> = this.leaves(tape),
  ): ForwardResult {
    const o = this.options, H = o.numHeads, dh = o.hiddenSize, dp = o.patternSize, beta = o.scaling;
    const node = (x: Matrix | Node) => ("value" in x ? x : tape.constant(x));
    const B = inputs.length;
    if (B === 0) throw new RangeError("Cannot run the layer: the batch is empty");
    if (options.training && o.dropout > 0 && !options.prng) {
      throw new RangeError(`Cannot run the layer: training with dropout=${o.dropout} needs a prng`);
    }
    // Per element: projected q (L × H·dh), k (S × H·dh), v (S × H·dp).
    const kCache = new Map<object, Node>(), vCache = new Map<object, Node>();
    // A kernel feature map Φ(x) = Wx + b on the heads' space (U-Hop): fixed, so its W and b are constants.
    const fm = o.featureMap;
    const phi = fm
      ? { W: tape.constant(fm.weights), b: fm.bias ? tape.constant(matrix(1, fm.featureDim, fm.bias)) : null }
      : null;
    const features = (x: Node) => {
      const y = tape.matmul(x, phi!.W, { transposeB: true });
      return phi!.b ? tape.addRow(y, phi!.b) : y;
    };
    const projected = inputs.map((input, b) => {
      const Y = node(input.stored), R = node(input.state), V = node(input.projection);
      this.#checkWidths(Y, R, V, b);
      if (Y.value.rows !== V.value.rows) {
        throw new RangeError(
          `Cannot run the layer: stored patterns and projections differ in count at element ${b}: ${Y.value.rows} and ${V.value.rows}`,
        );
      }
      const linear = (x: Node, w?: Node, bias?: Node) => {
        const y = tape.matmul(x, w!, { transposeB: true });
        return bias ? tape.addRow(y, bias) : y;
      };
      const repeat = (x: Node) => (H === 1 ? x : tape.concatCols(Array.from({ length: H }, () => x)));
      // Stored patterns and projections shared by the batch (a lookup layer's memories) are projected once.
      const cached = (key: Matrix | Node, cache: Map<object, Node>, make: () => Node) => {
        let n = cache.get(key);
        if (!n) cache.set(key, n = make());
        return n;
      };
      const k = cached(input.stored, kCache, () => {
        const Yn = o.normalizeStoredPattern
          ? tape.layerNorm(Y, o.normalizeStoredPatternEps, leaves.storedNormWeight, leaves.storedNormBias)
          : Y;
        return o.storedPatternAsStatic ? repeat(Yn) : linear(Yn, leaves.kWeight, leaves.kBias);
      });
      const Rn = o.normalizeStatePattern
        ? tape.layerNorm(R, o.normalizeStatePatternEps, leaves.stateNormWeight, leaves.stateNormBias)
        : R;
      const v = cached(input.projection, vCache, () => {
        const Vn = o.normalizePatternProjection
          ? tape.layerNorm(
            V,
            o.normalizePatternProjectionEps,
            leaves.projectionNormWeight,
            leaves.projectionNormBias,
          )
          : V;
        if (o.patternProjectionAsConnected && !o.storedPatternAsStatic) {
          const vk = linear(Vn, leaves.kWeight, leaves.kBias);
          return o.patternProjectionAsStatic ? vk : linear(vk, leaves.vWeight, leaves.vBias);
        }
        return o.patternProjectionAsStatic ? repeat(Vn) : linear(Vn, leaves.vWeight, leaves.vBias);
      });
      const q = o.statePatternAsStatic ? repeat(Rn) : linear(Rn, leaves.qWeight, leaves.qBias);
      return { q, k, v };
    });
    const association: Matrix[][] = Array.from({ length: B }, () => []);
    const headOutputs: Node[][] = Array.from({ length: B }, () => []);
    for (let h = 0; h < H; h++) {
      const khCache = new Map<object, Node>(),
        vhCache = new Map<object, Node>(),
        kfCache = new Map<object, Node>();
      const heads = projected.map(({ q, k, v }, b) => {
        let qh = tape.sliceCols(q, h * dh, (h + 1) * dh);
        if (o.normalizeHopfieldSpace) {
          qh = tape.layerNorm(
            qh,
            o.normalizeHopfieldSpaceEps,
            leaves.hopfieldNormWeight,
            leaves.hopfieldNormBias,
          );
        }
        let kh = khCache.get(k);
        if (!kh) {
          kh = tape.sliceCols(k, h * dh, (h + 1) * dh);
          if (o.normalizeHopfieldSpace) {
            kh = tape.layerNorm(
              kh,
              o.normalizeHopfieldSpaceEps,
              leaves.hopfieldNormWeight,
              leaves.hopfieldNormBias,
            );
          }
          if (o.addZeroAssociation) kh = tape.concatRows([kh, tape.constant(matrix(1, dh))]);
          khCache.set(k, kh);
        }
        let vh = vhCache.get(v);
        if (!vh) {
          vh = tape.sliceCols(v, h * dp, (h + 1) * dp);
          if (o.addZeroAssociation) vh = tape.concatRows([vh, tape.constant(matrix(1, dp))]);
          vhCache.set(v, vh);
        }
        let kf = kfCache.get(kh);
        if (!kf) kfCache.set(kh, kf = phi ? features(kh) : kh);
        return { qh, kh, kf, vh, mask: this.#mask(qh.value.rows, kh.value.rows, b, options) };
      });
      // β·⟨q, k⟩, or β·⟨Φ(q), Φ(k)⟩ with a kernel feature map.
      const scores = (state: Node, kf: Node) =>
        phi
          ? tape.scale(tape.matmul(features(state), kf, { transposeB: true }), beta)
          : tape.matmul(tape.scale(state, beta), kf, { transposeB: true });
      // Iterate while the head moves: hflayers' rule, one decision per head for the whole batch.
      let xi = heads.map(({ qh, kf, mask }) => tape.rowMap(scores(qh, kf), o.separation, mask));
      for (let t = 0; t < o.updateStepsMax; t++) {
        const next = heads.map(({ kh, kf, mask }, b) =>
          tape.rowMap(scores(tape.matmul(xi[b], kh), kf), o.separation, mask)
        );
        let change = 0;
        next.forEach((x, b) => {
          let sq = 0;
          for (let k = 0; k < x.value.data.length; k++) sq += (x.value.data[k] - xi[b].value.data[k]) ** 2;
          change = Math.max(change, Math.sqrt(sq));
        });
        xi = next;
        if (!(change > o.updateStepsEps)) break;
      }
      heads.forEach(({ vh }, b) => {
        association[b].push(xi[b].value);
        let x = xi[b];
        if (options.training && o.dropout > 0) {
          const keep = matrix(x.value.rows, x.value.cols);
          for (let k = 0; k < keep.data.length; k++) {
            keep.data[k] = options.prng!.next() < o.dropout ? 0 : 1 / (1 - o.dropout);
          }
          x = tape.mul(x, tape.constant(keep));
        }
        headOutputs[b].push(tape.matmul(x, vh));
      });
    }
    const outputs = headOutputs.map((hs) => {
      let out = H === 1 ? hs[0] : tape.concatCols(hs);
      if (!o.disableOutProjection) {
        out = tape.matmul(out, leaves.outWeight!, { transposeB: true });
        if (leaves.outBias) out = tape.addRow(out, leaves.outBias);
      }
      const a = o.associationActivation;
      return a === "relu"
        ? tape.relu(out)
        : a === "tanh"
        ? tape.tanh(out)
        : a === "sigmoid"
        ? tape.sigmoid(out)
        : out;
    });
    return { outputs, association };
  }

  #checkWidths(Y: Node, R: Node, V: Node, b: number): void {
    const o = this.options;
    const want: [string, Node, number][] = [
      ["stored", Y, o.storedPatternAsStatic ? o.hiddenSize : o.storedPatternSize],
      ["state", R, o.statePatternAsStatic ? o.hiddenSize : o.inputSize],
      [
        "projection",
        V,
        o.patternProjectionAsStatic && !o.patternProjectionAsConnected
          ? o.patternSize
          : o.patternProjectionSize,
      ],
    ];
    for (const [name, n, cols] of want) {
      if (n.value.cols !== cols) {
        throw new RangeError(
          `Cannot run the layer: ${name} patterns of element ${b} must have ${cols} columns: ${n.value.rows} × ${n.value.cols}`,
        );
      }
    }
  }

  #mask(L: number, S: number, b: number, options: ForwardOptions): Float64Array | undefined {
    const o = this.options, zero = o.addZeroAssociation ? 1 : 0, n = S;
    const pad = options.storedPatternPaddingMask?.[b];
    if (!options.associationMask && !pad) return undefined;
    const m = new Float64Array(L * n);
    if (options.associationMask) {
      const base = n - zero;
      if (options.associationMask.length !== L * base) {
        throw new RangeError(
          `Cannot run the layer: associationMask must be L × S = ${L} × ${base}: length=${options.associationMask.length}`,
        );
      }
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < base; j++) m[i * n + j] = options.associationMask[i * base + j];
      }
    }
    if (pad) {
      if (pad.length !== n - zero) {
        throw new RangeError(
          `Cannot run the layer: storedPatternPaddingMask[${b}] must have S = ${
            n - zero
          } entries: length=${pad.length}`,
        );
      }
      for (let j = 0; j < pad.length; j++) {
        if (pad[j]) {
          for (let i = 0; i < L; i++) m[i * n + j] = -Infinity;
        }
      }
    }
    return m;
  }
}
