import assert from "node:assert/strict";
import { adam, schedule, sgd } from "../../lib/optim/mod.ts";
import { assertClose } from "../helpers.ts";

Deno.test("adam: the first step is −η·g/(|g| + ε) (bias-corrected), AdamW shrinks θ by ηλθ first", () => {
  const x = new Float64Array([1, -2, 0.5]), opt = adam({ lr: 0.1 });
  opt.step([x], [new Float64Array([4, -0.01, 0])]);
  assertClose(x[0], 1 - 0.1 * (4 / (4 + 1e-8)), 1e-15);
  assertClose(x[1], -2 + 0.1 * (0.01 / (0.01 + 1e-8)), 1e-15);
  assert.equal(x[2], 0.5);
  const y = new Float64Array([2]), w = adam({ lr: 0.1, weightDecay: 0.5 });
  w.step([y], [new Float64Array([0])]);
  assertClose(y[0], 2 - 0.1 * 0.5 * 2, 1e-15);
  assert.equal(w.steps, 1);
});

Deno.test("sgd: heavy-ball momentum follows v ← μv + g, θ ← θ − ηv; a schedule sets each step's rate", () => {
  const x = new Float64Array([0]), opt = sgd({ lr: schedule("inverse-sqrt", 1), momentum: 0.5 });
  opt.step([x], [new Float64Array([1])]); // v = 1, η = 1
  opt.step([x], [new Float64Array([1])]); // v = 1.5, η = 1/√2
  assertClose(x[0], -1 - 1.5 / Math.SQRT2, 1e-15);
  assertClose(opt.rate, 1 / Math.sqrt(3), 1e-15);
});

Deno.test("optimisers: mismatched or changing shapes, non-finite gradients and bad settings are named", () => {
  const opt = sgd({ lr: 1 });
  assert.throws(() => opt.step([new Float64Array(2)], [new Float64Array(3)]), /grads\[0\] must match/);
  opt.step([new Float64Array(2)], [new Float64Array(2)]);
  assert.throws(() => opt.step([new Float64Array(3)], [new Float64Array(3)]), /changed size/);
  assert.throws(() => opt.step([new Float64Array(2)], [new Float64Array([0, NaN])]), /grads\[0\]\[1\]=NaN/);
  assert.throws(() => sgd({ lr: -1 }), /lr=-1/);
  assert.throws(() => sgd({ lr: 1, momentum: 1 }), /momentum=1/);
  assert.throws(() => adam({ lr: 1, beta2: 1 }), /beta2=1/);
  assert.throws(() => schedule("cosine", 1), /steps=undefined/);
  // @ts-expect-error: an unknown schedule is refused
  assert.throws(() => schedule("linear", 1), /name=linear/);
  assert.equal(schedule("cosine", 1, { steps: 10 })(10), 0);
  assert.equal(schedule("cosine", 1, { steps: 10 })(0), 1);
});
