/** Dense matrices, seeded generators. @module */
export * from "./matrix.ts";
export * from "./prng.ts";
export * from "./solve.ts";
export * from "./grid.ts";
export * from "./nnls.ts";
export * from "./rank.ts";
