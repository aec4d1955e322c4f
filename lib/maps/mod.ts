/**
 * Separation maps: one family, one API. Every map sends a score vector to a probability vector on the
 * simplex; all are α-entmax for some α (softmax α = 1, 1.5-entmax, sparsemax α = 2).
 *
 * @module
 */
export * from "./spec.ts";
export * from "./separate.ts";
export * from "./conjugate.ts";
export { entmax, entmax15, tsallisEntropy } from "./entmax.ts";
export { logSumExp, lse, softmax } from "./softmax.ts";
export { sparsemax } from "./sparsemax.ts";
