/** Theory: separation, retrieval bounds, storage capacity, Lambert W. @module */
export * from "./capacity.ts";
export * from "./lambert_w.ts";
export * from "./separation.ts";
export * from "./phase.ts";
export * from "./phase_data.ts";
