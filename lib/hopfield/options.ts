/**
 * Shared option handling for the modern Hopfield model: the separation map and β, checked once.
 *
 * @module
 */
import { assertFinite, type Matrix } from "../linalg/matrix.ts";
import { type MapKind, type MapSpec, mapSpec } from "../maps/mod.ts";

/** Options shared by energy, update and retrieval. */
export interface HopfieldOptions {
  /** Inverse temperature β > 0. */
  beta: number;
  /** Separation map (default `"softmax"`, Ramsauer et al.). */
  map?: MapKind;
  /** α for `map: "entmax"`. */
  alpha?: number;
}

/** Checks β / map / α and returns the map spec; names the action in every error. @internal */
export function hopfieldSpec(options: HopfieldOptions, action: string): MapSpec {
  if (options === undefined || options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options with beta are required: options=${options}`);
  }
  try {
    return mapSpec({ kind: options.map, beta: options.beta, alpha: options.alpha });
  } catch (e) {
    throw new RangeError((e as Error).message.replace("Cannot use map", `Cannot ${action}`));
  }
}

/** Checks that patterns are a non-empty finite matrix and that the states match their dimension. @internal */
export function checkPatterns(patterns: Matrix, states: Matrix | ArrayLike<number>, action: string): void {
  if (patterns.rows < 1 || patterns.cols < 1) {
    throw new RangeError(
      `Cannot ${action}: patterns must be a non-empty matrix: rows=${patterns.rows}, cols=${patterns.cols}`,
    );
  }
  assertFinite(patterns, "patterns", action);
  const isMatrix = (s: Matrix | ArrayLike<number>): s is Matrix => (s as Matrix).data !== undefined;
  const width = isMatrix(states) ? states.cols : states.length;
  if (width !== patterns.cols) {
    throw new RangeError(
      `Cannot ${action}: query length must equal pattern dimension: query=${width}, patterns=${patterns.cols}`,
    );
  }
  const values = isMatrix(states) ? states.data : states;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new RangeError(
        `Cannot ${action}: queries must be finite: queries[${Math.floor(k / width)}][${k % width}]=${
          values[k]
        }`,
      );
    }
  }
}
