/**
 * Weights from PyTorch: hflayers' own state dict (its parameter names, nested arrays as `json.dumps` of
 * `tensor.tolist()` writes them) loaded into this workbench's layers, so a model trained in Python runs here.
 *
 * hflayers packs the in-projections into one `in_proj_weight` (rows q, k, v, skipping static ones) when the
 * three inputs share the state's width, no pattern size is given and the projection is not connected, and keeps
 * `q_proj_weight`, `k_proj_weight`, `v_proj_weight` otherwise; `in_proj_bias` is sliced in the same order.
 *
 * @module
 */
import { fromRows, type Matrix } from "../linalg/matrix.ts";
import type { Hopfield, HopfieldParameters } from "./hopfield.ts";
import type { HopfieldLayer, HopfieldPooling } from "./wrappers.ts";

/** A state dict: parameter name → nested array. */
export type StateDict = Record<string, unknown>;

function toMatrix(name: string, value: unknown, rows: number, cols: number): Matrix {
  const flat: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "number" && Number.isFinite(v)) flat.push(v);
    else {throw new RangeError(
        `Cannot load the state dict: ${name} has a non-numeric entry: ${JSON.stringify(v)}`,
      );}
  };
  walk(value);
  if (flat.length !== rows * cols) {
    throw new RangeError(
      `Cannot load the state dict: ${name} must have ${rows} × ${cols} = ${
        rows * cols
      } entries: found ${flat.length}`,
    );
  }
  const rowsOf = Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
  return fromRows(rowsOf);
}

/**
 * Loads hflayers `Hopfield` parameters (names under `prefix`, e.g. `"hopfield."` inside a wrapper) into `layer`,
 * consuming the names it uses from `remaining`. A parameter the layer needs and the dict lacks is an error.
 */
export function loadHopfieldState(
  layer: Hopfield,
  dict: StateDict,
  prefix = "",
  remaining: Set<string> = new Set(Object.keys(dict)),
): void {
  const o = layer.options, H = o.numHeads, hd = H * o.hiddenSize, pd = H * o.patternSize;
  const take = (name: string, rows: number, cols: number) => {
    const key = prefix + name;
    if (!(key in dict)) throw new RangeError(`Cannot load the state dict: missing parameter ${key}`);
    remaining.delete(key);
    return toMatrix(key, dict[key], rows, cols);
  };
  const p: Partial<HopfieldParameters> = {};
  const core = "association_core.";
  const parts: [keyof HopfieldParameters, number, number][] = [];
  if (!o.statePatternAsStatic) parts.push(["qWeight", hd, o.inputSize]);
  if (!o.storedPatternAsStatic) parts.push(["kWeight", hd, o.storedPatternSize]);
  if (!o.patternProjectionAsStatic) parts.push(["vWeight", pd, layer.params.vWeight!.cols]);
  const packed = `${prefix}${core}in_proj_weight` in dict;
  if (packed) {
    const total = parts.reduce((a, [, r]) => a + r, 0);
    const W = take(`${core}in_proj_weight`, total, o.inputSize);
    let r0 = 0;
    for (const [name, rows, cols] of parts) {
      p[name] = { rows, cols, data: W.data.slice(r0 * cols, (r0 + rows) * cols) };
      r0 += rows;
    }
  } else {
    const names: Record<string, string> = {
      qWeight: "q_proj_weight",
      kWeight: "k_proj_weight",
      vWeight: "v_proj_weight",
    };
    for (const [name, rows, cols] of parts) p[name] = take(core + names[name], rows, cols);
  }
  if (o.inputBias && parts.length > 0) {
    const biasRows = (o.statePatternAsStatic ? 0 : hd) + (o.storedPatternAsStatic ? 0 : hd) + pd;
    const b = take(`${core}in_proj_bias`, 1, biasRows);
    let c0 = 0;
    for (
      const [name, rows] of [["qBias", o.statePatternAsStatic ? 0 : hd], [
        "kBias",
        o.storedPatternAsStatic ? 0 : hd,
      ], [
        "vBias",
        o.patternProjectionAsStatic ? 0 : pd,
      ]] as const
    ) {
      if (rows > 0) p[name] = { rows: 1, cols: rows, data: b.data.slice(c0, c0 + rows) };
      c0 += rows;
    }
  }
  if (!o.disableOutProjection) {
    p.outWeight = take(`${core}out_proj.weight`, o.outputSize, pd);
    if (o.inputBias) p.outBias = take(`${core}out_proj.bias`, 1, o.outputSize);
  }
  const norm = (
    on: boolean,
    module: string,
    width: number,
    weight: keyof HopfieldParameters,
    bias: keyof HopfieldParameters,
  ) => {
    if (!on) return;
    p[weight] = take(`${module}weight`, 1, width);
    p[bias] = take(`${module}bias`, 1, width);
  };
  norm(
    o.normalizeStoredPattern && o.normalizeStoredPatternAffine,
    "norm_stored_pattern.",
    o.storedPatternSize,
    "storedNormWeight",
    "storedNormBias",
  );
  norm(
    o.normalizeStatePattern && o.normalizeStatePatternAffine,
    "norm_state_pattern.",
    o.inputSize,
    "stateNormWeight",
    "stateNormBias",
  );
  norm(
    o.normalizePatternProjection && o.normalizePatternProjectionAffine,
    "norm_pattern_projection.",
    o.patternProjectionSize,
    "projectionNormWeight",
    "projectionNormBias",
  );
  if (o.normalizeHopfieldSpaceAffine) {
    p.hopfieldNormWeight = take(`${core}p_norm_weight`, 1, o.hiddenSize);
    p.hopfieldNormBias = take(`${core}p_norm_bias`, 1, o.hiddenSize);
  }
  for (const [name, value] of Object.entries(p)) {
    const current = layer.params[name as keyof HopfieldParameters];
    if (!current || current.rows * current.cols !== value!.data.length) {
      throw new RangeError(`Cannot load the state dict: ${name} does not fit this layer's options`);
    }
    layer.params[name as keyof HopfieldParameters] = {
      rows: current.rows,
      cols: current.cols,
      data: value!.data,
    };
  }
}

/**
 * Loads a state dict into a `Hopfield`, `HopfieldPooling` or `HopfieldLayer`; any name left over is an error
 * (a typo, or an option that differs from the model's).
 *
 * @example
 * ```ts
 * import { Hopfield } from "./hopfield.ts";
 * import { loadStateDict } from "./state_dict.ts";
 * import { createPrng } from "../linalg/prng.ts";
 * import assert from "node:assert/strict";
 * const layer = new Hopfield({ inputSize: 1, disableOutProjection: true, normalizeStoredPattern: false,
 *   normalizeStatePattern: false, normalizePatternProjection: false }, createPrng(1));
 * loadStateDict(layer, { "association_core.in_proj_weight": [[1], [2], [3]], "association_core.in_proj_bias": [0, 0, 0] });
 * assert.deepEqual(Array.from(layer.params.kWeight!.data), [2]);
 * assert.throws(() => loadStateDict(layer, {}), /missing parameter association_core.q_proj_weight/);
 * ```
 */
export function loadStateDict(layer: Hopfield | HopfieldPooling | HopfieldLayer, dict: StateDict): void {
  const remaining = new Set(Object.keys(dict));
  // A wrapper's own weights: hflayers keeps them as 1 × quantity × width.
  const weights = (name: string, like: Matrix) => {
    if (!(name in dict)) throw new RangeError(`Cannot load the state dict: missing parameter ${name}`);
    remaining.delete(name);
    return toMatrix(name, dict[name], like.rows, like.cols);
  };
  if ("poolingWeights" in layer) {
    layer.poolingWeights = weights("pooling_weights", layer.poolingWeights);
    loadHopfieldState(layer.hopfield, dict, "hopfield.", remaining);
  } else if ("lookupWeights" in layer) {
    layer.lookupWeights = weights("lookup_weights", layer.lookupWeights);
    if (layer.targetWeights) layer.targetWeights = weights("target_weights", layer.targetWeights);
    loadHopfieldState(layer.hopfield, dict, "hopfield.", remaining);
  } else loadHopfieldState(layer, dict, "", remaining);
  if (remaining.size > 0) {
    throw new RangeError(
      `Cannot load the state dict: parameters this layer does not have: ${[...remaining].join(", ")}`,
    );
  }
}
