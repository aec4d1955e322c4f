// Hopfield layers (Ramsauer et al. 2020, §3) with hflayers' semantics, their gradients, and hflayers' weights.
export * from "./tape.ts";
export * from "./options.ts";
export * from "./hopfield.ts";
export * from "./wrappers.ts";
export * from "./state_dict.ts";
export * from "./spec.ts";
export * from "./linear.ts";
export * from "./train.ts";
export * from "./bag_models.ts";
export * from "./auc.ts";
export * from "./mil_models.ts";
export * from "./bench.ts";
