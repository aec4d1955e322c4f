/**
 * Writing figures: `figures/NAME.svg` (the source of truth) and `figures/NAME.png`, and showing them inline in a
 * notebook.
 *
 * @module
 */
import type { Figure } from "./theme.ts";

/** Where figures are written: `HOPFIELD_FIGURES`, else the repository's `figures/`. */
export function figuresDir(): string {
  const fromEnv = Deno.env.get("HOPFIELD_FIGURES");
  if (fromEnv) return fromEnv.replace(/\/$/, "");
  return new URL("../../figures", import.meta.url).pathname;
}

/** Renders a figure to PNG at twice its size with the system fonts (resvg). */
export async function toPng(fig: Figure): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const r = new Resvg(fig.svg, {
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}

/**
 * Writes `DIR/NAME.svg` and `DIR/NAME.png` (DIR from {@link figuresDir}) and returns the two paths.
 */
export async function saveFigure(
  fig: Figure,
  dir: string = figuresDir(),
): Promise<{ svg: string; png: string }> {
  await Deno.mkdir(dir, { recursive: true });
  const svg = `${dir}/${fig.name}.svg`, png = `${dir}/${fig.name}.png`;
  await Deno.writeTextFile(svg, fig.svg + "\n");
  await Deno.writeFile(png, await toPng(fig));
  return { svg, png };
}

/**
 * Writes `DIR/NAME.csv` beside the figures (DIR from {@link figuresDir}) and returns its path: the tables the
 * notebooks print, for use outside them.
 *
 * @example
 * ```ts
 * import { saveCsv } from "./save.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await Deno.readTextFile(await saveCsv("t", "a,b\n1,2\n", dir)), "a,b\n1,2\n");
 * ```
 */
export async function saveCsv(name: string, csv: string, dir: string = figuresDir()): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${name}.csv`;
  await Deno.writeTextFile(path, csv);
  return path;
}

/**
 * Saves a figure and returns an object that Jupyter (Deno kernel) displays inline as SVG.
 *
 * @example
 * ```ts
 * import { compose } from "./compose.ts";
 * import { panel } from "./panel.ts";
 * import { show } from "./save.ts";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 * Deno.env.set("HOPFIELD_FIGURES", await Deno.makeTempDir());
 * const shown = await show(compose("demo", [panel({ marks: [Plot.dot([[1, 2]])] })]));
 * assert.ok(shown[Symbol.for("Jupyter.display")]()["image/svg+xml"].startsWith("<svg"));
 * ```
 */
export async function show(fig: Figure): Promise<{ [key: symbol]: () => Record<string, string> }> {
  await saveFigure(fig);
  return { [Symbol.for("Jupyter.display")]: () => ({ "image/svg+xml": fig.svg }) };
}
