/**
 * The metastable-state distribution of U-Hop+'s Table 1 (Hu et al. 2024): after a fixed number of updates, how
 * many memories share each query's probability mass. The size of a retrieval is `‖p‖`, the number of entries of
 * its probability vector above a threshold (0.01 for softmax, whose entries are never exactly 0; 0 for the sparse
 * maps); the table gives the fraction of queries of each size 0, 1, …, 10 and more than 10. Size 1 is a clean
 * retrieval; larger sizes are metastable states mixing several memories.
 *
 * @module
 */
import { sizeAbove } from "../hopfield/fixed_points.ts";
import { checkPatterns } from "../hopfield/options.ts";
import { type Matrix, rowRange } from "../linalg/matrix.ts";
import type { MapKind } from "../maps/spec.ts";
import type { Backend } from "../backend/types.ts";
import { identityFeatureMap, type LinearFeatureMap } from "../kernel/feature_map.ts";
import { kernelRetrieveOn } from "../kernel/retrieve.ts";
import { progress } from "./scale.ts";

/** The table's rows: sizes 0 to 10, then more than 10. */
export const SUPPORT_BINS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", ">10"] as const;

/** Queries per block: the B × N probabilities of one block are all that is held (256 × 60 000 in 123 MB). */
const QUERY_BLOCK = 256;

/** The counting threshold of a map: entries above 0.01 for softmax (never exactly 0), above 0 otherwise. */
export function supportThreshold(map: MapKind): number {
  return map === "softmax" ? 0.01 : 0;
}

/**
 * The fraction of sizes in each bin of {@link SUPPORT_BINS} (sums to 1).
 *
 * @example
 * ```ts
 * import { sizeDistribution } from "./metastable.ts";
 * import assert from "node:assert/strict";
 * const f = sizeDistribution([1, 1, 2, 0, 15]);
 * assert.deepEqual([f[0], f[1], f[2], f[11]], [0.2, 0.4, 0.2, 0.2]);
 * ```
 */
export function sizeDistribution(sizes: ArrayLike<number>): number[] {
  if (sizes.length === 0) throw new RangeError("Cannot make a size distribution: no sizes");
  const counts = new Array<number>(SUPPORT_BINS.length).fill(0);
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`Cannot make a size distribution: sizes must be integers ≥ 0: sizes[${i}]=${s}`);
    }
    counts[Math.min(s, 11)]++;
  }
  return counts.map((c) => c / sizes.length);
}

/** Options of {@link metastableSizes}. */
export interface MetastableOptions {
  /** The separation map. */
  map: MapKind;
  /** Inverse temperature. */
  beta: number;
  /** Updates from each query (the official scripts: 5 on MNIST, 20 on the synthetic set). */
  steps: number;
  /** A feature map (U-Hop+): similarities `⟨Φξ_μ, Φx⟩`; without one, the plain modern Hopfield network. */
  featureMap?: LinearFeatureMap;
  /** Where the updates run. */
  backend: Backend;
  /** Called after each block of queries. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The size `‖p‖` of every query's probability vector after `steps` updates (fewer if it stops moving), in blocks of
 * queries on the backend, so that no B × N matrix larger than a block is held.
 *
 * Shapes: memories N × d, queries B × d → B sizes.
 */
export async function metastableSizes(
  memories: Matrix,
  queries: Matrix,
  options: MetastableOptions,
): Promise<Int32Array> {
  checkPatterns(memories, queries, "count metastable states");
  const phi = options.featureMap ?? identityFeatureMap(memories.cols);
  const threshold = supportThreshold(options.map), b = queries.rows, sizes = new Int32Array(b);
  for (let q0 = 0; q0 < b; q0 += QUERY_BLOCK) {
    const q1 = Math.min(b, q0 + QUERY_BLOCK);
    const r = await kernelRetrieveOn(phi, memories, rowRange(queries, q0, q1), {
      backend: options.backend,
      beta: options.beta,
      map: options.map,
      maxSteps: options.steps,
      eps: 0,
      trajectory: false,
    });
    const n = r.probabilities.cols;
    for (let q = 0; q < q1 - q0; q++) {
      sizes[q0 + q] = sizeAbove(r.probabilities.data.subarray(q * n, (q + 1) * n), threshold);
    }
    options.onProgress?.(q1, b);
  }
  return sizes;
}

/** One column of the table: a map, with or without U-Hop+, and its size distribution. */
export interface MetastableColumn {
  /** The map. */
  map: MapKind;
  /** Whether U-Hop+'s feature map was used. */
  uhopPlus: boolean;
  /** Fractions per bin of {@link SUPPORT_BINS}. */
  fractions: number[];
}

/**
 * The table: for each map, the distribution without and with the feature map (when one is given), with progress
 * lines per column.
 *
 * @example
 * ```ts
 * import { metastableTable } from "./metastable.ts";
 * import { cpuBackend } from "../backend/cpu.ts";
 * import { fromRows } from "../linalg/matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 0], [0, 1]]);
 * const t = await metastableTable(X, fromRows([[0.9, 0.1], [0.5, 0.5]]), { maps: ["sparsemax"], beta: 10, steps: 5, backend: cpuBackend });
 * assert.deepEqual(t[0].fractions.slice(0, 3), [0, 0.5, 0.5]); // one clean retrieval, one tie between the two
 * ```
 */
export async function metastableTable(
  memories: Matrix,
  queries: Matrix,
  options: Omit<MetastableOptions, "map" | "featureMap" | "onProgress"> & {
    maps: MapKind[];
    featureMap?: LinearFeatureMap;
  },
): Promise<MetastableColumn[]> {
  const log = progress("metastable");
  const columns: MetastableColumn[] = [];
  for (const map of options.maps) {
    for (const featureMap of options.featureMap ? [undefined, options.featureMap] : [undefined]) {
      const label = `${map}${featureMap ? " + U-Hop+" : ""}`;
      const sizes = await metastableSizes(memories, queries, {
        ...options,
        map,
        featureMap,
        onProgress: (done, total) => log.tick(`${label}: ${done} of ${total} queries`),
      });
      const fractions = sizeDistribution(sizes);
      columns.push({ map, uhopPlus: featureMap !== undefined, fractions });
      log(`${label}: ‖p‖ = 1 for ${(100 * fractions[1]).toFixed(1)}% of ${queries.rows} queries`);
    }
  }
  return columns;
}

/**
 * The table as rows: one per size bin, one column per (map, model), the share of queries in percent (two
 * decimals), for `showTable` and `metastableCsv`.
 *
 * @example
 * ```ts
 * import { metastableRows } from "./metastable.ts";
 * import assert from "node:assert/strict";
 * const rows = metastableRows([{ map: "sparsemax", uhopPlus: false, fractions: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }]);
 * assert.deepEqual(rows[1], { "‖p‖": "1", sparsemax: "100.00" });
 * ```
 */
export function metastableRows(columns: MetastableColumn[]): Record<string, string>[] {
  const names = columns.map((c) => `${c.map}${c.uhopPlus ? " + U-Hop+" : ""}`);
  return SUPPORT_BINS.map((bin, i) => ({
    "‖p‖": bin,
    ...Object.fromEntries(columns.map((c, j) => [names[j], (100 * c.fractions[i]).toFixed(2)])),
  }));
}

/** The table as CSV: one row per size bin, one column per (map, model), fractions in percent. */
export function metastableCsv(columns: MetastableColumn[]): string {
  const rows = metastableRows(columns), head = Object.keys(rows[0]);
  return [["size", ...head.slice(1)], ...rows.map((r) => head.map((k) => r[k]))].map((r) => r.join(",")).join(
    "\n",
  ) +
    "\n";
}
