/**
 * One Observable Plot panel, rendered with the theme through linkedom (no global DOM).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type Panel, THEME } from "./theme.ts";

/** The options of one panel: Observable Plot's, plus `title` drawn in bold above the frame. */
export type PanelOptions = Plot.PlotOptions;

// linkedom's window is loosely typed; Plot only needs createElementNS and friends.
const dom = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown };

/**
 * A log axis's tick label: a plain number from 0.001 to 99999 (0.3, 2, 1000), a power of ten outside it (1e-16,
 * 2e7). Plot's default for log axes writes SI prefixes (300m, 10µ, 1f), which read as units in a paper figure.
 *
 * @example
 * ```ts
 * import { logTickFormat } from "./panel.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([0.3, 1000, 1e-16, 2e7].map(logTickFormat), ["0.3", "1000", "1e-16", "2e7"]);
 * ```
 */
export function logTickFormat(v: number): string {
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-3 && a < 1e5)) return String(Number(v.toPrecision(4)));
  return v.toExponential(0).replace("e+", "e");
}

/** Gives each log axis without its own format the plain-number labels of {@link logTickFormat}. */
function withLogTicks<T extends { type?: unknown; tickFormat?: unknown }>(
  axis: T | undefined,
): T | undefined {
  return axis?.type === "log" && axis.tickFormat === undefined
    ? { ...axis, tickFormat: logTickFormat }
    : axis;
}

/**
 * Renders one Observable Plot panel with the theme (no global DOM: linkedom supplies `document`). A `title`
 * is drawn in bold above the frame; log axes are labelled with plain numbers or powers of ten
 * ({@link logTickFormat}).
 *
 * @example
 * ```ts
 * import { panel } from "./panel.ts";
 * import * as Plot from "@observablehq/plot";
 * import assert from "node:assert/strict";
 * const p = panel({ marks: [Plot.lineY([1, 3, 2])] });
 * assert.ok(p.svg.startsWith("<svg"));
 * ```
 */
export function panel(options: PanelOptions): Panel {
  const width = options.width ?? THEME.panelWidth, height = options.height ?? THEME.panelHeight;
  // A panel title is drawn as a text mark above the frame (Plot's own title wraps the SVG in HTML).
  const { title, ...given } = options;
  const rest = { ...given, x: withLogTicks(given.x), y: withLogTicks(given.y) };
  // With a title on top, the y label goes beside the axis (centred, rotated) so the two do not collide.
  const heading = title === undefined ? {} : {
    marginTop: Math.max(40, (options.marginTop as number | undefined) ?? 0),
    marginLeft: Math.max(56, (options.marginLeft as number | undefined) ?? 0),
    y: { labelAnchor: "center" as const, ...(rest.y ?? {}) },
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
