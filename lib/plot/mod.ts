/**
 * Figures: one theme, Observable Plot rendered with linkedom, several panels composed into one SVG, saved as
 * `figures/NAME.svg` (the source of truth) and `figures/NAME.png`, and shown inline in a notebook.
 *
 * @module
 */
export * from "./theme.ts";
export * from "./panel.ts";
export * from "./compose.ts";
export * from "./save.ts";
export { greyPng, greyPngUrl } from "./png.ts";
export * from "./table.ts";
export * from "./slider.ts";
export * from "./jupyter.ts";
