/**
 * The one theme of every figure, and the types of rendered panels and figures.
 *
 * @module
 */

/** The one theme of every figure. */
export const THEME = {
  font: "DejaVu Sans, Helvetica, Arial, sans-serif",
  fontSize: 11,
  titleSize: 14,
  /** Categorical colours (Observable 10). */
  colors: [
    "#4269d0",
    "#efb118",
    "#ff725c",
    "#6cc5b0",
    "#3ca951",
    "#ff8ab7",
    "#a463f2",
    "#97bbf5",
    "#9c6b4e",
    "#9498a0",
  ],
  panelWidth: 420,
  panelHeight: 300,
} as const;

/** A rendered figure: a name (its file stem) and a standalone SVG. */
export interface Figure {
  /** The file stem: `figures/NAME.svg` and `.png`. */
  name: string;
  /** A standalone SVG document. */
  svg: string;
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
}

/** A single rendered panel (an SVG string and its size). */
export interface Panel {
  /** An `<svg>` element. */
  svg: string;
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
}
