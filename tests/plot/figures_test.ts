import { cpuBackend } from "../../lib/backend/cpu.ts";
import assert from "node:assert/strict";
import {
  energyLandscapeFigure,
  fixedPointKindsFigure,
  mnistRetrievalFigure,
  mnistRetrievalRateFigure,
  oneStepErrorFigure,
  runFixedPointKinds,
  runLandscape,
  runMnistRetrieval,
  runOneStep,
} from "../../lib/experiments/mod.ts";
import * as Plot from "@observablehq/plot";
import { compose, panel, toPng } from "../../lib/plot/mod.ts";
import { greyPng } from "../../lib/plot/png.ts";
import { assertSvgSnapshot } from "../helpers.ts";

Deno.env.set("HOPFIELD_QUIET", "1");

Deno.test("energy_landscape figure matches its snapshot", async () => {
  const data = runLandscape({
    patterns: [[1, 0], [-0.5, 0.8], [0, -1]],
    betas: [0.5, 8],
    grid: 12,
    extent: 1.5,
    starts: [[1.2, 1.2]],
  });
  await assertSvgSnapshot("energy_landscape", energyLandscapeFigure(data).svg);
});

Deno.test("mnist_retrieval figures match their snapshots", async () => {
  const data = await runMnistRetrieval({
    backend: cpuBackend,
    n: 30,
    queries: 2,
    examples: 2,
    betas: [0.01, 1],
    sigma: 0.5,
    maxSteps: 10,
    seed: 1,
  });
  await assertSvgSnapshot("mnist_retrieval", mnistRetrievalFigure(data).svg);
  await assertSvgSnapshot("mnist_retrieval_rate", mnistRetrievalRateFigure(data).svg);
});

Deno.test("one_step_error figure matches its snapshot", async () => {
  const data = runOneStep({
    n: 5,
    d: 8,
    radius: 3,
    queryDistance: 0.2,
    queries: 3,
    betas: [0.5, 2],
    seed: 1,
  });
  await assertSvgSnapshot("one_step_error", oneStepErrorFigure(data).svg);
});

Deno.test("fixed_point_kinds figure matches its snapshot", async () => {
  const data = await runFixedPointKinds({
    n: 20,
    queries: 4,
    betas: [1, 100],
    maxSteps: 50,
    backend: cpuBackend,
  });
  await assertSvgSnapshot("fixed_point_kinds", fixedPointKindsFigure(data).svg);
});

Deno.test("the same data gives the same SVG, and figures render to PNG", async () => {
  const make = () =>
    compose("same", [panel({ marks: [Plot.dot([[0.123456, 2]], { x: "0", y: "1" })] })], { title: "t" });
  assert.equal(make().svg, make().svg);
  const png = await toPng(make());
  assert.deepEqual(Array.from(png.slice(1, 4)), [80, 78, 71]);
  assert.throws(() => compose("bad name", [make()]), /name=bad name/);
});

Deno.test("greyPng() writes a decodable PNG (rendered back through resvg)", async () => {
  const png = greyPng([0, 0.5, 1, 0.25], { width: 2, height: 2 });
  const b64 = btoa(String.fromCharCode(...png));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><image href="data:image/png;base64,${b64}" width="2" height="2"/></svg>`;
  const { Resvg } = await import("@resvg/resvg-js");
  const rgba = new Resvg(svg).render().pixels; // 2 × 2 RGBA, row-major
  const greys = [0, 1, 2, 3].map((i) => rgba[4 * i]);
  assert.deepEqual(greys, [0, 128, 255, 64]);
  assert.deepEqual([0, 1, 2, 3].map((i) => rgba[4 * i + 3]), [255, 255, 255, 255]);
  assert.throws(() => greyPng([0], { width: 2, height: 2 }), /1 != 2\*2/);
});

Deno.test("energy_landscape and phase_cobweb sliders: self-contained HTML, one SVG frame per value, matching snapshots", async () => {
  const { energyLandscapeFrames, cobwebFrames } = await import("../../lib/experiments/mod.ts");
  const { sliderHtml } = await import("../../lib/plot/mod.ts");
  const landscape = sliderHtml(
    "energy_landscape",
    energyLandscapeFrames({
      patterns: [[1, 0.2], [-0.5, 0.8], [0.1, -1]],
      betas: [0.5, 2, 8],
      grid: 16,
      extent: 1.6,
      starts: [[0.3, 0.3]],
    }),
    { title: "Energy landscape against β", initial: 1 },
  );
  const cobweb = sliderHtml(
    "phase_cobweb",
    cobwebFrames({ n: 10, ks: [2, 6, 12], starts: [0.3], steps: 6 }),
    { initial: 0 },
  );
  for (const html of [landscape, cobweb]) {
    assert.equal(html.match(/class="hop-frame"/g)?.length, 3);
    assert.equal(html.match(/class="hop-frame" style="display: block"/g)?.length, 1);
    assert.ok(!/<script|src=|href="http/.test(html), "no external resources");
  }
  await assertSvgSnapshot("energy_landscape_slider", landscape, "html");
  await assertSvgSnapshot("phase_cobweb_slider", cobweb, "html");
});
