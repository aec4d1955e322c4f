/**
 * Figures: one theme, Observable Plot rendered with linkedom, several panels composed into one SVG, saved as
 * `figures/NAME.svg` (the source of truth) and `figures/NAME.png`, and shown inline in a notebook.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

export { greyPng, greyPngUrl } from "./png.ts";

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
  name: string;
  svg: string;
  width: number;
  height: number;
}

/** A single rendered panel (an SVG string and its size). */
export interface Panel {
  svg: string;
  width: number;
  height: number;
}

// linkedom's window is loosely typed; Plot only needs createElementNS and friends.
const dom = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown };

/**
 * Renders one Observable Plot panel with the theme (no global DOM: linkedom supplies `document`). A `title`
 * is drawn in bold above the frame.
 *
 * @example
 * ```ts
 * import { panel } from "./mod.ts";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 * const p = panel({ marks: [Plot.lineY([1, 3, 2])] });
 * assert.ok(p.svg.startsWith("<svg"));
 * ```
 */
export function panel(options: Plot.PlotOptions): Panel {
  const width = options.width ?? THEME.panelWidth, height = options.height ?? THEME.panelHeight;
  // A panel title is drawn as a text mark above the frame (Plot's own title wraps the SVG in HTML).
  const { title, ...rest } = options;
  // With a title on top, the y label goes beside the axis (centred, rotated) so the two do not collide.
  const heading = title === undefined ? {} : {
    marginTop: Math.max(40, (options.marginTop as number | undefined) ?? 0),
    marginLeft: Math.max(56, (options.marginLeft as number | undefined) ?? 0),
    y: { labelAnchor: "center" as const, ...(options.y ?? {}) },
    marks: [
      ...(options.marks ?? []),
      Plot.text([String(title)], {
        frameAnchor: "top",
        dy: -38,
        fontWeight: "bold",
        fontSize: THEME.fontSize,
      }),
    ],
  };
  const el = Plot.plot({
    ...rest,
    ...heading,
    width,
    height,
    document: dom.document as Plot.PlotOptions["document"],
    style: {
      fontFamily: THEME.font,
      fontSize: `${THEME.fontSize}px`,
      background: "white",
      ...(options.style as object ?? {}),
    },
  }) as unknown as { tagName: string; outerHTML: string };
  if (el.tagName.toLowerCase() !== "svg") {
    throw new TypeError(
      `Cannot render panel: use figure legends, not Plot's HTML legends/titles: got <${el.tagName}>`,
    );
  }
  return { svg: el.outerHTML, width, height };
}

/** Rounds coordinates in geometry attributes to 2 decimals so that snapshots are stable. */
function roundGeometry(svg: string): string {
  return svg.replace(
    /\b(d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|transform|points|viewBox)="([^"]*)"/g,
    (_, attr: string, value: string) =>
      `${attr}="${
        value.replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (m) => String(Math.round(Number(m) * 100) / 100))
      }"`,
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** Figure title, drawn on top. */
  title?: string;
  /** Panels per row (default: all in one row). */
  columns?: number;
  /** A categorical legend drawn under the title. */
  legend?: { label: string; color: string }[];
  /** A note drawn at the bottom (e.g. the backend and scale). */
  note?: string;
}

/**
 * Composes panels into one standalone SVG figure with a title, an optional categorical legend and a note.
 *
 * @example
 * ```ts
 * import { compose, panel } from "./mod.ts";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 * const fig = compose("demo", [panel({ marks: [Plot.dot([[1, 2]])] })], { title: "Demo" });
 * assert.ok(fig.svg.includes("Demo") && fig.width > 0);
 * ```
 */
export function compose(name: string, panels: Panel[], options: ComposeOptions = {}): Figure {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new RangeError(`Cannot compose figure: name must be [A-Za-z0-9_-]+: name=${name}`);
  }
  if (panels.length === 0) {
    throw new RangeError(`Cannot compose figure: need at least one panel: name=${name}`);
  }
  const columns = Math.max(1, Math.min(options.columns ?? panels.length, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const colWidths = Array.from(
    { length: columns },
    (_, c) => Math.max(...panels.filter((_, i) => i % columns === c).map((p) => p.width)),
  );
  const rowHeights = Array.from(
    { length: rows },
    (_, r) => Math.max(...panels.slice(r * columns, (r + 1) * columns).map((p) => p.height)),
  );
  const pad = 12;
  const width = pad * 2 + colWidths.reduce((s, w) => s + w, 0);
  let top = pad;
  const parts: string[] = [];
  if (options.title) {
    top += THEME.titleSize;
    parts.push(
      `<text x="${pad}" y="${top}" font-size="${THEME.titleSize}" font-weight="bold">${
        escapeXml(options.title)
      }</text>`,
    );
    top += 8;
  }
  if (options.legend?.length) {
    top += 14;
    let x = pad;
    for (const { label, color } of options.legend) {
      const itemWidth = 28 + 6.5 * label.length;
      if (x > pad && x + itemWidth > width - pad) [x, top] = [pad, top + 18]; // wrap onto a new line
      parts.push(`<rect x="${x}" y="${top - 10}" width="12" height="12" fill="${escapeXml(color)}"/>`);
      parts.push(`<text x="${x + 16}" y="${top}" font-size="${THEME.fontSize}">${escapeXml(label)}</text>`);
      x += itemWidth;
    }
    top += 6;
  }
  let y = top;
  panels.forEach((p, i) => {
    const c = i % columns, r = Math.floor(i / columns);
    if (c === 0 && r > 0) y += rowHeights[r - 1];
    const x = pad + colWidths.slice(0, c).reduce((s, w) => s + w, 0);
    parts.push(p.svg.replace(/^<svg/, `<svg x="${x}" y="${y}"`));
  });
  let height = y + rowHeights[rows - 1] + pad;
  if (options.note) {
    // Wrap at word boundaries to the figure's width (≈ 5.3 px per character at 9 px).
    const perLine = Math.max(20, Math.floor((width - 2 * pad) / 5.3));
    const lines: string[] = [];
    for (const word of options.note.split(" ")) {
      const last = lines.length - 1;
      if (last >= 0 && lines[last].length + 1 + word.length <= perLine) lines[last] += ` ${word}`;
      else lines.push(word);
    }
    for (const line of lines) {
      height += 12;
      parts.push(`<text x="${pad}" y="${height - pad}" font-size="9" fill="#666">${escapeXml(line)}</text>`);
    }
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" ` +
    `height="${height}" viewBox="0 0 ${width} ${height}" font-family="${THEME.font}">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
  return { name, svg: roundGeometry(svg), width, height };
}

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
 * Saves a figure and returns an object that Jupyter (Deno kernel) displays inline as SVG.
 *
 * @example
 * ```ts
 * import { compose, panel, show } from "./mod.ts";
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

export { Plot };
