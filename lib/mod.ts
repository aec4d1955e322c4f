/**
 * Hopfield Workbench: modern Hopfield networks (dense associative memories) in TypeScript.
 *
 * @example
 * ```ts
 * import { fromRows, retrieve } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const patterns = fromRows([[1, 0], [0, 1]]);
 * const { states } = retrieve(patterns, fromRows([[0.7, 0.2]]), { beta: 30 });
 * assert.ok(Math.abs(states.data[0] - 1) < 1e-9);
 * ```
 *
 * @module
 */
export * from "./linalg/mod.ts";
export * from "./maps/mod.ts";
export * from "./hopfield/mod.ts";
export * from "./kernel/mod.ts";
export * from "./approx/mod.ts";
export * from "./layers/mod.ts";
export * from "./optim/mod.ts";
export * from "./theory/mod.ts";
export * from "./data/mod.ts";
export * from "./backend/mod.ts";
export * from "./spherical/mod.ts";
export * from "./plot/mod.ts";
export * from "./experiments/mod.ts";
