/**
 * Composing panels into one standalone SVG figure with a title, a categorical legend and a note.
 *
 * @module
 */
import { type Figure, type Panel, THEME } from "./theme.ts";

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

/**
 * Plot numbers its marker ids from a counter shared by the whole process, so a figure's SVG would depend on what
 * was drawn before it; renumbered by order of appearance under a prefix (the figure's name), the same figure is
 * the same file whatever ran before, and two figures on one page do not share ids. @internal
 */
export function renumberMarkers(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/plot-marker-\d+/g, (m) => {
    let local = ids.get(m);
    if (!local) ids.set(m, local = `${prefix}-marker-${ids.size + 1}`);
    return local;
  });
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
 * import { compose } from "./compose.ts";
 * import { panel } from "./panel.ts";
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
  return { name, svg: renumberMarkers(roundGeometry(svg), name), width, height };
}
