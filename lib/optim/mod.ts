/** Optimisers (SGD, Adam/AdamW) and learning-rate schedules, shared by U-Hop's Stage I and the layers. @module */
export * from "./adam.ts";
export type { Optimiser } from "./optimiser.ts";
export * from "./schedule.ts";
export * from "./sgd.ts";
