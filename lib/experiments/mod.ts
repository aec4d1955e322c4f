/** Experiments: one module per paper figure or table, `run*(params) → data`, `*Figure(data) → Figure`. @module */
export * from "./scale.ts";
export * from "./round.ts";
export * from "./landscape.ts";
export * from "./mnist_retrieval.ts";
export * from "./one_step.ts";
export * from "./fixed_point_kinds.ts";
export * from "./attention_identity.ts";
export * from "./capacity.ts";
export * from "./capacity_protocols.ts";
export * from "./storage_capacity.ts";
export * from "./phase_cobweb.ts";
export * from "./phase_bifurcation.ts";
export * from "./phase_thresholds.ts";
export * from "./phase_full_iteration.ts";
export * from "./phase_mnist.ts";
export * from "./spherical_codes.ts";
