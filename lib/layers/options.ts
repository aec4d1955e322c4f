/**
 * The options of the Hopfield layers, with hflayers' names and defaults (hopfield-layers `Hopfield.__init__`,
 * commit f56f929; `../data/sources/hopfield_layers.md`), checked once. Where hflayers is wrong the option is
 * refused with the reason: a per-head β tensor (laid out across features there), `concat_bias_pattern` (no
 * effect there), an unknown activation name (silently ignored there), `batch_first: false` (arrays here are
 * batch-first), and an unbounded `update_steps_max` (a head that never converges loops forever there).
 *
 * @module
 */
import type { RowMap } from "./tape.ts";
import type { LinearFeatureMap } from "../kernel/feature_map.ts";

/** Options of `Hopfield` (camelCase of hflayers' argument names; `fromHflayersOptions` maps snake_case). */
export interface HopfieldLayerOptions {
  /** Depth of the state pattern (hflayers `input_size`). */
  inputSize: number;
  /** Per-head association dimension d_h (default inputSize / numHeads, which must divide). */
  hiddenSize?: number;
  /** Output size (default inputSize). */
  outputSize?: number;
  /** Per-head value dimension d_p (default d_h). */
  patternSize?: number;
  /** Heads (default 1). */
  numHeads?: number;
  /** β (default 1/√d_h; 1 in static execution). A number: one β for every head. */
  scaling?: number;
  /** Updates after the first (default 0: exactly one softmax, i.e. attention). */
  updateStepsMax?: number;
  /** A head stops once `max_b ‖ξ_t − ξ_{t−1}‖_F ≤ eps` (default 1e-4). */
  updateStepsEps?: number;
  /** LayerNorm on the stored patterns (default true), with affine parameters (default true) and eps (1e-5). */
  normalizeStoredPattern?: boolean;
  /** Affine parameters of that LayerNorm (default true). */
  normalizeStoredPatternAffine?: boolean;
  /** Its eps (default 1e-5). */
  normalizeStoredPatternEps?: number;
  /** LayerNorm on the state patterns (default true), affine (true), eps (1e-5). */
  normalizeStatePattern?: boolean;
  /** Affine parameters of that LayerNorm (default true). */
  normalizeStatePatternAffine?: boolean;
  /** Its eps (default 1e-5). */
  normalizeStatePatternEps?: number;
  /** LayerNorm on the pattern projection (default true), affine (true), eps (1e-5). */
  normalizePatternProjection?: boolean;
  /** Affine parameters of that LayerNorm (default true). */
  normalizePatternProjectionAffine?: boolean;
  /** Its eps (default 1e-5). */
  normalizePatternProjectionEps?: number;
  /** LayerNorm over d_h of the projected q and k, first step only (default false), shared affine (false), eps. */
  normalizeHopfieldSpace?: boolean;
  /** Shared affine parameters of that LayerNorm (default false). */
  normalizeHopfieldSpaceAffine?: boolean;
  /** Its eps (default 1e-5). */
  normalizeHopfieldSpaceEps?: number;
  /** Use the input as is, repeated per head, instead of projecting it (default false each). */
  storedPatternAsStatic?: boolean;
  /** The same for the state patterns. */
  statePatternAsStatic?: boolean;
  /** The same for the projections. */
  patternProjectionAsStatic?: boolean;
  /** The projection input goes through the key projection first: `v = W_v(W_k V + b_k) + b_v` (default false). */
  patternProjectionAsConnected?: boolean;
  /** Widths of the stored-pattern and projection inputs (default inputSize). */
  storedPatternSize?: number;
  /** Width of the projection input (default inputSize). */
  patternProjectionSize?: number;
  /** Applied to the output: `relu`, `tanh`, `sigmoid` (default none). */
  associationActivation?: "relu" | "tanh" | "sigmoid";
  /** Dropout probability on the association matrix in training (default 0). */
  dropout?: number;
  /** Biases of the in- and out-projections (default true). */
  inputBias?: boolean;
  /** Append a zero key and value (default false). */
  addZeroAssociation?: boolean;
  /** No out-projection (default false). */
  disableOutProjection?: boolean;
  /** The row map (default softmax; this workbench adds sparsemax, 1.5-entmax and α-entmax as `{ alpha }`). */
  separation?: RowMap;
  /**
   * A kernel feature map Φ on the heads' space (inputDim = d_h; U-Hop's, e.g. from `separateMemories`): the
   * scores become `β·⟨Φ(q), Φ(k)⟩` at every update, the states still move in the heads' space. Fixed (no
   * gradient); TypeScript only, not an hflayers option.
   */
  featureMap?: LinearFeatureMap;
}

/** Every option resolved. */
export type ResolvedOptions = Required<Omit<HopfieldLayerOptions, "associationActivation" | "featureMap">> & {
  /** The kernel feature map, or null. */
  featureMap: LinearFeatureMap | null;
  associationActivation: "relu" | "tanh" | "sigmoid" | null;
  /** hflayers' static execution (all inputs static, no out-projection): the default β is then 1. */
  staticExecution: boolean;
};

const SNAKE: Record<string, keyof HopfieldLayerOptions> = {};
const KEYS: (keyof HopfieldLayerOptions)[] = [
  "inputSize",
  "hiddenSize",
  "outputSize",
  "patternSize",
  "numHeads",
  "scaling",
  "updateStepsMax",
  "updateStepsEps",
  "normalizeStoredPattern",
  "normalizeStoredPatternAffine",
  "normalizeStoredPatternEps",
  "normalizeStatePattern",
  "normalizeStatePatternAffine",
  "normalizeStatePatternEps",
  "normalizePatternProjection",
  "normalizePatternProjectionAffine",
  "normalizePatternProjectionEps",
  "normalizeHopfieldSpace",
  "normalizeHopfieldSpaceAffine",
  "normalizeHopfieldSpaceEps",
  "storedPatternAsStatic",
  "statePatternAsStatic",
  "patternProjectionAsStatic",
  "patternProjectionAsConnected",
  "storedPatternSize",
  "patternProjectionSize",
  "associationActivation",
  "dropout",
  "inputBias",
  "addZeroAssociation",
  "disableOutProjection",
  "separation",
];
for (const k of KEYS) SNAKE[k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())] = k;

/** Options that only the pooling and lookup wrappers take. */
export const WRAPPER_KEYS = [
  "quantity",
  "trainable",
  "lookup_weights_as_separated",
  "lookup_targets_as_trainable",
];

/**
 * hflayers' constructor arguments (snake_case, as a Python user writes them) → options. Unknown names, and the
 * arguments whose hflayers behaviour is wrong, are errors naming the argument.
 *
 * @example
 * ```ts
 * import { fromHflayersOptions } from "./options.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fromHflayersOptions({ input_size: 8, num_heads: 2 }), { inputSize: 8, numHeads: 2 });
 * assert.throws(() => fromHflayersOptions({ input_size: 8, concat_bias_pattern: true }), /concat_bias_pattern/);
 * ```
 */
export function fromHflayersOptions(
  args: Record<string, unknown>,
  extra: string[] = [],
): HopfieldLayerOptions {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    if (extra.includes(name)) continue;
    if (name === "concat_bias_pattern") {
      if (value === false) continue;
      throw new RangeError(
        `Cannot make the layer: concat_bias_pattern has no effect in hflayers (its condition is never true), so it is not offered: concat_bias_pattern=${value}`,
      );
    }
    if (name === "batch_first") {
      if (value === true) continue;
      throw new RangeError(`Cannot make the layer: arrays here are batch-first: batch_first=${value}`);
    }
    const key = SNAKE[name];
    if (!key) throw new RangeError(`Cannot make the layer: unknown option ${name}`);
    out[key] = value;
  }
  return out as unknown as HopfieldLayerOptions;
}

/** Checks and fills in every option (hflayers' defaults). */
export function resolveOptions(o: HopfieldLayerOptions): ResolvedOptions {
  const action = "make the layer";
  const int = (name: string, v: unknown, min: number) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > 1e6) {
      throw new RangeError(`Cannot ${action}: ${name} must be an integer from ${min} to 1e6: ${name}=${v}`);
    }
    return v;
  };
  const pos = (name: string, v: unknown) => {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(`Cannot ${action}: ${name} must be a finite number > 0: ${name}=${v}`);
    }
    return v;
  };
  const bool = (name: string, v: unknown, fallback: boolean) => {
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") {
      throw new RangeError(`Cannot ${action}: ${name} must be true or false: ${name}=${v}`);
    }
    return v;
  };
  const inputSize = int("inputSize", o.inputSize, 1), numHeads = int("numHeads", o.numHeads ?? 1, 1);
  if (o.hiddenSize === undefined && inputSize % numHeads !== 0) {
    throw new RangeError(
      `Cannot ${action}: inputSize must divide into numHeads without hiddenSize: inputSize=${inputSize}, numHeads=${numHeads}`,
    );
  }
  const hiddenSize = int("hiddenSize", o.hiddenSize ?? inputSize / numHeads, 1);
  const patternSize = int("patternSize", o.patternSize ?? hiddenSize, 1);
  const scalingGiven = o.scaling;
  if (scalingGiven !== undefined && typeof scalingGiven !== "number") {
    throw new RangeError(
      `Cannot ${action}: scaling must be one number for every head (hflayers lays a per-head tensor out across features, mixing the heads' βs): scaling=${
        JSON.stringify(scalingGiven)
      }`,
    );
  }
  const activation = o.associationActivation ?? null;
  if (activation !== null && !["relu", "tanh", "sigmoid"].includes(activation)) {
    throw new RangeError(
      `Cannot ${action}: associationActivation must be relu, tanh or sigmoid (hflayers ignores unknown names): associationActivation=${activation}`,
    );
  }
  const updateStepsMax = o.updateStepsMax === undefined ? 0 : o.updateStepsMax;
  if (updateStepsMax === null) {
    throw new RangeError(
      `Cannot ${action}: updateStepsMax must be a number (unbounded iteration loops forever on a head that does not converge): updateStepsMax=null`,
    );
  }
  const dropout = o.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`Cannot ${action}: dropout must be in [0, 1): dropout=${dropout}`);
  }
  const separation = o.separation ?? "softmax";
  const alphaOk = typeof separation === "object" && separation !== null &&
    typeof separation.alpha === "number" && separation.alpha > 1 && separation.alpha <= 100;
  if (!alphaOk && !["softmax", "sparsemax", "entmax15"].includes(separation as string)) {
    throw new RangeError(
      `Cannot ${action}: separation must be softmax, sparsemax, entmax15 or { alpha } with 1 < α ≤ 100: separation=${
        JSON.stringify(separation)
      }`,
    );
  }
  const r = {
    inputSize,
    hiddenSize,
    outputSize: int("outputSize", o.outputSize ?? inputSize, 1),
    patternSize,
    numHeads,
    updateStepsMax: int("updateStepsMax", updateStepsMax, 0),
    updateStepsEps: pos("updateStepsEps", o.updateStepsEps ?? 1e-4),
    normalizeStoredPattern: bool("normalizeStoredPattern", o.normalizeStoredPattern, true),
    normalizeStoredPatternAffine: bool("normalizeStoredPatternAffine", o.normalizeStoredPatternAffine, true),
    normalizeStoredPatternEps: pos("normalizeStoredPatternEps", o.normalizeStoredPatternEps ?? 1e-5),
    normalizeStatePattern: bool("normalizeStatePattern", o.normalizeStatePattern, true),
    normalizeStatePatternAffine: bool("normalizeStatePatternAffine", o.normalizeStatePatternAffine, true),
    normalizeStatePatternEps: pos("normalizeStatePatternEps", o.normalizeStatePatternEps ?? 1e-5),
    normalizePatternProjection: bool("normalizePatternProjection", o.normalizePatternProjection, true),
    normalizePatternProjectionAffine: bool(
      "normalizePatternProjectionAffine",
      o.normalizePatternProjectionAffine,
      true,
    ),
    normalizePatternProjectionEps: pos(
      "normalizePatternProjectionEps",
      o.normalizePatternProjectionEps ?? 1e-5,
    ),
    normalizeHopfieldSpace: bool("normalizeHopfieldSpace", o.normalizeHopfieldSpace, false),
    normalizeHopfieldSpaceAffine: bool("normalizeHopfieldSpaceAffine", o.normalizeHopfieldSpaceAffine, false),
    normalizeHopfieldSpaceEps: pos("normalizeHopfieldSpaceEps", o.normalizeHopfieldSpaceEps ?? 1e-5),
    storedPatternAsStatic: bool("storedPatternAsStatic", o.storedPatternAsStatic, false),
    statePatternAsStatic: bool("statePatternAsStatic", o.statePatternAsStatic, false),
    patternProjectionAsStatic: bool("patternProjectionAsStatic", o.patternProjectionAsStatic, false),
    patternProjectionAsConnected: bool("patternProjectionAsConnected", o.patternProjectionAsConnected, false),
    storedPatternSize: int("storedPatternSize", o.storedPatternSize ?? inputSize, 1),
    patternProjectionSize: int("patternProjectionSize", o.patternProjectionSize ?? inputSize, 1),
    associationActivation: activation,
    dropout,
    inputBias: bool("inputBias", o.inputBias, true),
    addZeroAssociation: bool("addZeroAssociation", o.addZeroAssociation, false),
    disableOutProjection: bool("disableOutProjection", o.disableOutProjection, false),
    separation,
    scaling: 0,
    staticExecution: false,
    featureMap: o.featureMap ?? null,
  };
  if (r.featureMap && r.featureMap.inputDim !== hiddenSize) {
    throw new RangeError(
      `Cannot ${action}: featureMap must map the heads' d_h = ${hiddenSize}: featureMap.inputDim=${r.featureMap.inputDim}`,
    );
  }
  if (r.normalizeHopfieldSpaceAffine && !r.normalizeHopfieldSpace) {
    throw new RangeError(`Cannot ${action}: normalizeHopfieldSpaceAffine needs normalizeHopfieldSpace`);
  }
  // hflayers' static execution: every projection static, none connected, no input LayerNorm affine, no out-projection.
  r.staticExecution = r.storedPatternAsStatic && r.statePatternAsStatic && r.patternProjectionAsStatic &&
    !r.patternProjectionAsConnected && !r.normalizeHopfieldSpace && r.disableOutProjection;
  r.scaling = scalingGiven === undefined
    ? (r.staticExecution ? 1 : 1 / Math.sqrt(hiddenSize))
    : pos("scaling", scalingGiven);
  return r;
}
