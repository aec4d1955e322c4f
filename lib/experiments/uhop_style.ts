/**
 * The look of notebook 04's method figures, shared by them and kept out of the public API: one colour per map or
 * similarity, MHN dashed and U-Hop solid, the legend, and the line-and-error-bar marks. @internal
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { THEME } from "../plot/mod.ts";
import type { UhopMethod } from "./uhop_protocol.ts";

/** Colour and dash of each method: one colour per map, MHN dashed, U-Hop solid. */
export function methodStyle(method: UhopMethod): { color: string; dashed: boolean } {
  const colour: Record<string, string> = {
    softmax: THEME.colors[0],
    sparsemax: THEME.colors[1],
    "1.5-entmax": THEME.colors[2],
    "poly-10": THEME.colors[3],
    Manhattan: THEME.colors[4],
    L2: THEME.colors[6],
  };
  const key = method.replace(/^(MHN|U-Hop) /, "");
  return { color: colour[key], dashed: method.startsWith("MHN") };
}

/**
 * One line per method (its colour; MHN dashed) through the mean error against `x`, with ±1 sd bars over the
 * seeds (clipped at 0). Shared by the method figures.
 */
export function methodMarks<R extends { method: UhopMethod; mean: number; std: number }>(
  rows: R[],
  methods: readonly UhopMethod[],
  x: keyof R & string,
): Plot.Markish[] {
  return [
    ...methods.map((method) =>
      Plot.line(rows.filter((r) => r.method === method), {
        x,
        y: "mean",
        stroke: methodStyle(method).color,
        strokeDasharray: methodStyle(method).dashed ? "5,3" : undefined,
        marker: "dot",
      })
    ),
    Plot.ruleX(rows.filter((r) => r.std > 0), {
      x,
      y1: (r: R) => Math.max(0, r.mean - r.std),
      y2: (r: R) => r.mean + r.std,
      stroke: (r: R) => methodStyle(r.method).color,
      strokeOpacity: 0.5,
    }),
  ];
}

/** The legend of the method figures: one colour per map or similarity; MHN dashed, U-Hop solid. */
export function methodLegend(methods: readonly UhopMethod[]): { label: string; color: string }[] {
  const seen = new Map<string, string>();
  for (const k of methods) {
    const family = k.replace(/^(MHN|U-Hop) /, "");
    const label = k.startsWith("MHN") || k.startsWith("U-Hop")
      ? `${family} (MHN dashed, U-Hop solid)`
      : family;
    if (!seen.has(label)) seen.set(label, methodStyle(k).color);
  }
  return [...seen].map(([label, color]) => ({ label, color }));
}
