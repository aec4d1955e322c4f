/** Dense matrices, seeded generators. @module */
export * from "./matrix.ts";
export * from "./prng.ts";
