/**
 * The capacity protocol of each model in notebook 02, fixed in one place: pattern distribution, corruption,
 * retrieval criterion and success probability (used by the figures in `storage_capacity.ts` and by `hop capacity`).
 *
 * @module
 */
import type { Backend } from "../backend/types.ts";
import type { CapacityProtocol } from "./capacity.ts";

/** The models of the dimension figure. */
export const CAPACITY_MODELS = ["classical", "power3", "power4", "exponential", "modern"] as const;
/** A model of the dimension figure. */
export type CapacityModelName = typeof CAPACITY_MODELS[number];

/** Human-readable names. */
export const CAPACITY_LABELS: Record<CapacityModelName, string> = {
  classical: "classical (Hebb)",
  power3: "dense, F = x³",
  power4: "dense, F = x⁴",
  exponential: "dense, F = eˣ",
  modern: "modern (β = 1, K = 3)",
};

/** Flip fraction of the dense networks' queries; the classical net starts at the pattern. */
export const FLIP = 0.1;
/** The modern network: patterns uniform on the sphere of radius K√(d−1) (Theorem 3's setting), β = 1. */
export const MODERN = { K: 3, beta: 1, p: 0.001 };

/**
 * The protocol of each model at dimension d:
 * - classical: ±1 patterns, queries = the stored patterns, retrieved if at most 2% of bits are wrong (the
 *   retrieval states at 0.138 d carry ≈ 1.6% errors), for 90% of queries;
 * - dense xⁿ and eˣ: ±1 patterns, 10% of bits flipped, retrieved exactly, for 90% of queries;
 * - modern: sphere of radius M = K√(d−1), Gaussian noise of norm ≈ 0.8 M, retrieved if the final state is
 *   within 10% of the pattern (relative), for 90% of queries.
 */
export function capacityProtocol(
  model: CapacityModelName,
  d: number,
  options: {
    trials: number;
    queries: number;
    seed: number;
    backend?: Backend;
    beta?: number;
    K?: number;
  },
): CapacityProtocol {
  const common = {
    d,
    successProbability: 0.9,
    trials: options.trials,
    queries: options.queries,
    seed: options.seed,
  };
  switch (model) {
    case "classical":
      return {
        ...common,
        model: { kind: "classical" },
        distribution: "bipolar",
        corruption: { kind: "none" },
        criterion: { kind: "bits", fraction: 0.02 },
      };
    case "power3":
    case "power4":
      return {
        ...common,
        model: { kind: "dense", interaction: { kind: "power", n: model === "power3" ? 3 : 4 } },
        distribution: "bipolar",
        corruption: { kind: "flip", fraction: FLIP },
        criterion: { kind: "exact" },
      };
    case "exponential":
      return {
        ...common,
        model: { kind: "dense", interaction: { kind: "exp" } },
        distribution: "bipolar",
        corruption: { kind: "flip", fraction: FLIP },
        criterion: { kind: "exact" },
      };
    case "modern": {
      const M = (options.K ?? MODERN.K) * Math.sqrt(d - 1);
      return {
        ...common,
        model: { kind: "modern", beta: options.beta ?? MODERN.beta },
        distribution: "sphere",
        radius: M,
        corruption: { kind: "noise", sigma: (0.8 * M) / Math.sqrt(d) },
        criterion: { kind: "relative", eps: 0.1 },
        maxSteps: 20,
        backend: options.backend,
      };
    }
  }
}
