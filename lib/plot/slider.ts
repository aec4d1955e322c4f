/**
 * Figures you can turn: a self-contained HTML block with one precomputed SVG frame per value of a parameter and a
 * range slider that shows one frame at a time (a few lines of inline script, no kernel round trip), so it works
 * in Jupyter, VS Code and a saved notebook alike. The static figures in `figures/` are unchanged.
 *
 * @module
 */
import { renumberMarkers } from "./compose.ts";
import { displayInKernel } from "./jupyter.ts";

/** One frame: the slider's label at that position and the SVG shown. */
export interface SliderFrame {
  /** Shown beside the slider (e.g. `β = 2.0`). */
  label: string;
  /** A standalone SVG. */
  svg: string;
}

/**
 * The HTML of a slider over frames; `name` makes the element ids unique on a page (`[A-Za-z0-9_-]+`).
 *
 * @example
 * ```ts
 * import { sliderHtml } from "./slider.ts";
 * import assert from "node:assert/strict";
 * const html = sliderHtml("demo", [{ label: "β = 1", svg: "<svg></svg>" }, { label: "β = 2", svg: "<svg></svg>" }]);
 * assert.ok(html.includes('type="range"') && html.includes('max="1"'));
 * ```
 */
export function sliderHtml(
  name: string,
  frames: SliderFrame[],
  options: { title?: string; initial?: number } = {},
): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new RangeError(`Cannot make a slider: name must be [A-Za-z0-9_-]+: name=${name}`);
  }
  if (frames.length === 0) throw new RangeError("Cannot make a slider: no frames");
  const initial = options.initial ?? 0;
  if (!Number.isInteger(initial) || initial < 0 || initial >= frames.length) {
    throw new RangeError(
      `Cannot make a slider: initial must be a frame index from 0 to ${
        frames.length - 1
      }: initial=${initial}`,
    );
  }
  const id = `hop-slider-${name}`,
    esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const labels = JSON.stringify(frames.map((f) => f.label));
  return [
    `<div id="${id}" style="font-family: sans-serif">`,
    options.title ? `<div style="font-weight: bold; margin-bottom: 4px">${esc(options.title)}</div>` : "",
    `<input type="range" min="0" max="${frames.length - 1}" step="1" value="${initial}" style="width: 320px"`,
    ` oninput="(function(v){var r=document.getElementById('${id}');var f=r.querySelectorAll('.hop-frame');` +
    `for(var i=0;i<f.length;i++)f[i].style.display=i==v?'block':'none';` +
    `r.querySelector('.hop-label').textContent=${esc(labels)}[v];})(+this.value)">`,
    ` <span class="hop-label">${esc(frames[initial].label)}</span>`,
    ...frames.map((f, i) =>
      `<div class="hop-frame" style="display: ${i === initial ? "block" : "none"}">${
        renumberMarkers(f.svg, `${id}-f${i}`)
      }</div>`
    ),
    "</div>",
  ].join("\n");
}

/**
 * Shows a slider: in a Jupyter kernel as HTML under the running cell; elsewhere one line saying so.
 *
 * @example
 * ```ts
 * import { showSlider } from "./slider.ts";
 * await showSlider("demo", [{ label: "a", svg: "<svg></svg>" }]); // prints a line outside Jupyter
 * ```
 */
export async function showSlider(
  name: string,
  frames: SliderFrame[],
  options: { title?: string; initial?: number } = {},
): Promise<void> {
  const html = sliderHtml(name, frames, options);
  const text = `[slider ${name}: ${frames.length} frames, ${frames[0].label} … ${
    frames.at(-1)!.label
  }; shown in Jupyter]`;
  if (!(await displayInKernel({ "text/html": html, "text/plain": text }))) console.log(text);
}
