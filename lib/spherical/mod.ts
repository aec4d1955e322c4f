/** Spherical codes: stable angles, the Tammes optimiser, exact constructions, classical bounds, KHM capacity. @module */
export * from "./angles.ts";
export * from "./bounds.ts";
export * from "./constructions.ts";
export * from "./optimise.ts";
export * from "./schedule.ts";
export * from "./special.ts";
export * from "./stresses.ts";
export * from "./symmetry.ts";
