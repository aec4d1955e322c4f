/**
 * The capacity protocol of each model in notebook 02, fixed in one place: pattern distribution, corruption,
 * retrieval criterion and success probability (used by the figures in `storage_capacity.ts` and by `hop capacity`).
 *
 * @module
 */
import type { Backend } from "../backend/types.ts";
import type { CapacityProtocol } from "./capacity.ts";

/** The models of the dimension figure. */
export const CAPACITY_MODELS = [
  "classical",
  "power3",
  "power4",
  "exponential",
  "modern",
  "modern-stored",
] as const;
/** A model of the dimension figure. */
export type CapacityModelName = typeof CAPACITY_MODELS[number];

/** Human-readable names. */
export const CAPACITY_LABELS: Record<CapacityModelName, string> = {
  classical: "classical (Hebb)",
  power3: "dense, F = x³",
  power4: "dense, F = x⁴",
  exponential: "dense, F = eˣ",
  modern: "modern (β = 1, K = 3), noisy queries",
  "modern-stored": "modern (β = 1, K = 3), Theorem 3's event",
};

/**
 * Flip fraction of the dense networks' queries: `round(0.1·d)` bits are flipped (1 of 8, 1 of 12, 2 of 16, …);
 * the classical net starts at the pattern.
 */
export const FLIP = 0.1;
/**
 * The modern network: patterns uniform on the sphere of radius K√(d−1) (Theorem 3's setting), β = 1. Theorem 3's
 * event is measured with failure probability `pEvent` (every pattern of a set stored in 90% of the sets) and
 * compared with the theorem at that p; the notebook also prints the theorem at the paper's p.
 */
export const MODERN = { K: 3, beta: 1, p: 0.001, pEvent: 0.1 };

/**
 * The protocol of each model at dimension d:
 * - classical: ±1 patterns, queries = the stored patterns, retrieved if at most 2% of bits are wrong (the
 *   retrieval states at 0.138 d carry ≈ 1.6% errors), for 90% of queries;
 * - dense xⁿ and eˣ: ±1 patterns, 10% of bits flipped, retrieved exactly, for 90% of queries;
 * - modern: sphere of radius M = K√(d−1), Gaussian noise of norm ≈ 0.8 M, retrieved if the final state is
 *   within 10% of the pattern (relative), for 90% of queries: a practical protocol;
 * - modern-stored: the same patterns, Theorem 3's own event (every pattern stored: its fixed point within 1/(βNM) of
 *   it and reached from two points on that sphere), in 1 − pEvent = 90% of the pattern sets.
 *
 * `samples` is how many queries (pattern sets for modern-stored) each N is measured on, at least.
 */
export function capacityProtocol(
  model: CapacityModelName,
  d: number,
  options: {
    trials: number;
    queries: number;
    seed: number;
    samples?: number;
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
    samples: options.samples,
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
    case "modern-stored": {
      const M = (options.K ?? MODERN.K) * Math.sqrt(d - 1);
      return {
        ...common,
        successProbability: 1 - MODERN.pEvent,
        model: { kind: "modern", beta: options.beta ?? MODERN.beta },
        distribution: "sphere",
        radius: M,
        corruption: { kind: "none" },
        criterion: { kind: "stored", probes: 2 },
        maxSteps: 200,
        backend: options.backend,
      };
    }
  }
}
