/** Experiments: one module per paper figure or table, `run*(params) → data`, `*Figure(data) → Figure`. @module */
export * from "./attention_identity.ts";
export * from "./fixed_point_kinds.ts";
export * from "./landscape.ts";
export * from "./mnist_retrieval.ts";
export * from "./one_step.ts";
export * from "./scale.ts";
export * from "./phase_transition.ts";
export * from "./capacity.ts";
export * from "./storage_capacity.ts";
export * from "./spherical_codes.ts";
