// Low-rank retrieval and the computational limits of modern Hopfield models (Hu et al. 2024).
export * from "./taylor.ts";
export * from "./random_features.ts";
export * from "./low_rank.ts";
export * from "./theory.ts";
