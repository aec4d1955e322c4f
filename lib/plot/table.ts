/**
 * Tables for the notebooks: in a Jupyter kernel an HTML table (with Markdown and aligned text beside it, for front
 * ends that prefer those), elsewhere aligned text on stdout — what `console.table` prints as box-drawn text only.
 *
 * @module
 */
import { displayInKernel } from "./jupyter.ts";

/** Cell text: numbers as JavaScript prints them, everything else as its string. */
function cell(v: unknown): string {
  return typeof v === "string"
    ? v
    : v === undefined
    ? ""
    : typeof v === "object" && v !== null
    ? JSON.stringify(v)
    : String(v);
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The three renderings of rows of objects (columns: the union of their keys, in first-seen order).
 *
 * @example
 * ```ts
 * import { tableFormats } from "./table.ts";
 * import assert from "node:assert/strict";
 * const t = tableFormats([{ d: 4, N: 16 }, { d: 8, N: 256 }]);
 * assert.equal(t.text, " d    N\n 4   16\n 8  256");
 * assert.ok(t.html.includes(">N</th>") && t.markdown.startsWith("| d | N |"));
 * ```
 */
export function tableFormats(
  rows: Record<string, unknown>[],
  caption?: string,
): { html: string; markdown: string; text: string } {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RangeError("Cannot make a table: rows must be a non-empty array of objects");
  }
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const numeric = cols.map((_, j) =>
    rows.every((r) => typeof r[cols[j]] === "number" || r[cols[j]] === undefined)
  );
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(width[j]) : s.padEnd(width[j]));
  const text = [cols.map(pad), ...cells.map((r) => r.map(pad))].map((r) => " " + r.join("  ").trimEnd()).join(
    "\n",
  );
  const align = numeric.map((n) => (n ? ' style="text-align: right"' : ""));
  const html = `<table>${caption ? `<caption>${escape(caption)}</caption>` : ""}<thead><tr>${
    cols.map((c, j) => `<th${align[j]}>${escape(c)}</th>`).join("")
  }</tr></thead><tbody>${
    cells.map((r) => `<tr>${r.map((v, j) => `<td${align[j]}>${escape(v)}</td>`).join("")}</tr>`).join("")
  }</tbody></table>`;
  const md = (r: string[]) => `| ${r.map((v) => v.replace(/\|/g, "\\|")).join(" | ")} |`;
  const markdown = [md(cols), `|${numeric.map((n) => (n ? " ---: " : " --- ")).join("|")}|`, ...cells.map(md)]
    .join("\n");
  return { html, markdown, text: caption ? `${caption}\n${text}` : text };
}

/**
 * Shows a table: in a Jupyter kernel as an HTML table under the cell (Markdown and text alongside), elsewhere as
 * aligned text on stdout.
 *
 * @example
 * ```ts
 * import { showTable } from "./table.ts";
 * await showTable([{ beta: 1, capacity: 12 }, { beta: 2, capacity: 40 }], "capacity against β");
 * ```
 */
export async function showTable(rows: Record<string, unknown>[], caption?: string): Promise<void> {
  const t = tableFormats(rows, caption);
  if (!(await displayInKernel({ "text/html": t.html, "text/markdown": t.markdown, "text/plain": t.text }))) {
    console.log(t.text);
  }
}
