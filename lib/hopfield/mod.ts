/** The modern Hopfield model: energy, update, retrieval, fixed points, attention. @module */
export * from "./attention.ts";
export * from "./energy.ts";
export * from "./fixed_points.ts";
export type { HopfieldOptions } from "./options.ts";
export * from "./retrieve.ts";
export * from "./update.ts";
export * from "./classical.ts";
export * from "./dense.ts";
