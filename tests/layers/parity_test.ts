// hflayers parity: state dicts written by hopfield-layers (fixture made with Python, see fixtures/) load and
// reproduce hflayers' outputs and association matrices.
import assert from "node:assert/strict";
import { runLayerSpec } from "../../lib/layers/mod.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/hflayers_cases.json", import.meta.url)),
) as {
  cases: {
    name: string;
    layer: string;
    options: Record<string, unknown>;
    state_dict: Record<string, unknown>;
    input: unknown;
    output: unknown;
    association: unknown;
  }[];
};

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

for (const c of fixture.cases) {
  Deno.test(`hflayers parity (${c.layer}): ${c.name}`, () => {
    const r = runLayerSpec({ layer: c.layer, options: c.options, state_dict: c.state_dict, input: c.input });
    const got = flat(r.output), want = flat(c.output);
    assert.equal(got.length, want.length, "output size");
    got.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-5, `output[${k}]: ${v} against ${want[k]}`));
    const ga = flat(r.association), wa = flat(c.association);
    assert.equal(ga.length, wa.length, "association size");
    ga.forEach((v, k) => assert.ok(Math.abs(v - wa[k]) < 1e-5, `association[${k}]: ${v} against ${wa[k]}`));
  });
}
