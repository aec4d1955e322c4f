/** Kernelized modern Hopfield models (U-Hop, Wu et al. 2024): feature maps, energy, update, separation losses. @module */
export * from "./energy.ts";
export * from "./feature_map.ts";
export * from "./separation.ts";
export * from "./separation_loss.ts";
export * from "./update.ts";
export * from "./retrieve.ts";
export * from "./stage_one.ts";
export * from "./bench.ts";
