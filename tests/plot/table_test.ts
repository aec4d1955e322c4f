// Tables: HTML, Markdown and aligned text from the same rows.
import assert from "node:assert/strict";
import { tableFormats } from "../../lib/plot/table.ts";

Deno.test("tableFormats: columns from every row, numbers right-aligned, text escaped in HTML and Markdown", () => {
  const t = tableFormats([{ model: "a|b", N: 3 }, { model: "<c>", N: 12, extra: true }], "caption & more");
  assert.equal(t.text, "caption & more\n model   N  extra\n a|b     3\n <c>    12  true");
  assert.ok(t.html.startsWith("<table><caption>caption &amp; more</caption>"));
  assert.ok(
    t.html.includes("<td>&lt;c&gt;</td>") && t.html.includes('<td style="text-align: right">12</td>'),
  );
  assert.equal(t.markdown.split("\n")[2], "| a\\|b | 3 |  |");
  assert.throws(() => tableFormats([]), /non-empty/);
});
