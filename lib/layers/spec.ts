/**
 * One layer evaluation from a JSON spec (what `hop layer --spec FILE` reads): hflayers' class name, its
 * constructor arguments, its state dict and a batch-first input; the output and the association matrices come
 * back as nested arrays, in evaluation mode.
 *
 * @module
 */
import { fromRows, type Matrix, toRows } from "../linalg/matrix.ts";
import { createPrng } from "../linalg/prng.ts";
import { Hopfield } from "./hopfield.ts";
import { fromHflayersOptions, WRAPPER_KEYS } from "./options.ts";
import { loadStateDict, type StateDict } from "./state_dict.ts";
import { Tape } from "./tape.ts";
import { HopfieldLayer, HopfieldPooling } from "./wrappers.ts";

/** The spec. */
export interface LayerSpec {
  /** `Hopfield`, `HopfieldPooling` or `HopfieldLayer`. */
  layer: string;
  /** hflayers' constructor arguments (snake_case). */
  options: Record<string, unknown>;
  /** hflayers' state dict. */
  state_dict: StateDict;
  /** B × L × width, or (Hopfield) `{stored, state, projection}`, or (HopfieldPooling) `{stored, projection}`. */
  input: unknown;
}

/** What a spec evaluates to. */
export interface LayerSpecResult {
  /** Hopfield and HopfieldLayer: B × L × outputSize; HopfieldPooling: B × quantity·outputSize. */
  output: number[][][] | number[][];
  /** B × heads × L × S. */
  association: number[][][][];
}

function batch(value: unknown, what: string): Matrix[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RangeError(`Cannot run the layer: ${what} must be a non-empty B × rows × cols array`);
  }
  return value.map((rows, b) => {
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r))) {
      throw new RangeError(`Cannot run the layer: ${what}[${b}] must be a rows × cols array`);
    }
    const cols = rows[0].length;
    rows.forEach((r: unknown[], i: number) => {
      if (r.length !== cols) {
        throw new RangeError(
          `Cannot run the layer: ${what}[${b}] row ${i} has ${r.length} entries, row 0 has ${cols}`,
        );
      }
      r.forEach((v, j) => {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new RangeError(
            `Cannot run the layer: ${what}[${b}][${i}][${j}] is not a finite number: ${JSON.stringify(v)}`,
          );
        }
      });
    });
    return fromRows(rows as number[][]);
  });
}

/**
 * Builds the layer, loads the state dict and runs the input.
 *
 * @example
 * ```ts
 * import { runLayerSpec } from "./spec.ts";
 * import assert from "node:assert/strict";
 * const r = runLayerSpec({
 *   layer: "Hopfield",
 *   options: { input_size: 1, disable_out_projection: true, normalize_stored_pattern: false,
 *     normalize_state_pattern: false, normalize_pattern_projection: false },
 *   state_dict: { "association_core.in_proj_weight": [[1], [1], [1]], "association_core.in_proj_bias": [0, 0, 0] },
 *   input: [[[1], [-1]]],
 * });
 * assert.equal(r.association[0][0].length, 2);
 * ```
 */
export function runLayerSpec(spec: LayerSpec): LayerSpecResult {
  if (typeof spec !== "object" || spec === null) {
    throw new RangeError("Cannot run the layer: the spec must be an object");
  }
  for (const key of Object.keys(spec)) {
    if (!["layer", "options", "state_dict", "input"].includes(key)) {
      throw new RangeError(`Cannot run the layer: unknown spec field ${key}`);
    }
  }
  const args = spec.options ?? {}, prng = createPrng(0);
  const wrapper = Object.fromEntries(Object.entries(args).filter(([k]) => WRAPPER_KEYS.includes(k)));
  const camel = (k: string) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const extra = Object.fromEntries(Object.entries(wrapper).map(([k, v]) => [camel(k), v]));
  const tape = new Tape();
  let outputs, association;
  if (spec.layer === "Hopfield") {
    if (Object.keys(wrapper).length > 0) {
      throw new RangeError(
        `Cannot run the layer: ${Object.keys(wrapper)[0]} applies to HopfieldPooling or HopfieldLayer`,
      );
    }
    const layer = new Hopfield(fromHflayersOptions(args), prng);
    loadStateDict(layer, spec.state_dict ?? {});
    const input = spec.input as Record<string, unknown>;
    let triples;
    if (Array.isArray(input)) {
      triples = batch(input, "input").map((x) => ({ stored: x, state: x, projection: x }));
    } else {
      const [Y, R, V] = ["stored", "state", "projection"].map((k) => batch(input?.[k], `input.${k}`));
      if (Y.length !== R.length || Y.length !== V.length) {
        throw new RangeError("Cannot run the layer: stored, state and projection differ in batch size");
      }
      triples = Y.map((y, b) => ({ stored: y, state: R[b], projection: V[b] }));
    }
    ({ outputs, association } = layer.forward(tape, triples));
  } else if (spec.layer === "HopfieldPooling") {
    for (const k of Object.keys(wrapper)) {
      if (!["quantity", "trainable"].includes(k)) {
        throw new RangeError(`Cannot run the layer: ${k} applies to HopfieldLayer`);
      }
    }
    const layer = new HopfieldPooling({ ...fromHflayersOptions(args, WRAPPER_KEYS), ...extra }, prng);
    loadStateDict(layer, spec.state_dict ?? {});
    const input = spec.input as Record<string, unknown>;
    const items = Array.isArray(input)
      ? batch(input, "input")
      : batch(input?.stored, "input.stored").map((s, b) => ({
        stored: s,
        projection: batch(input?.projection, "input.projection")[b],
      }));
    ({ outputs, association } = layer.forward(tape, items));
  } else if (spec.layer === "HopfieldLayer") {
    const layer = new HopfieldLayer({ ...fromHflayersOptions(args, WRAPPER_KEYS), ...extra }, prng);
    loadStateDict(layer, spec.state_dict ?? {});
    ({ outputs, association } = layer.forward(tape, batch(spec.input, "input")));
  } else {
    throw new RangeError(
      `Cannot run the layer: layer must be Hopfield, HopfieldPooling or HopfieldLayer: layer=${spec.layer}`,
    );
  }
  return {
    output: spec.layer === "HopfieldPooling"
      ? outputs.map((o) => Array.from(o.value.data))
      : outputs.map((o) => toRows(o.value)),
    association: association.map((heads) => heads.map(toRows)),
  };
}
