/**
 * Worker thread of `OnlineSoftmax`: instantiates the kernel on the shared memory, then waits for jobs on its
 * control words ([job, done, s, r0, r1, stride, m, l, a, k]) and acknowledges each by writing `done = job`.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { SoftmaxKernel } from "./online_softmax.ts";

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
}

parentPort!.once("message", ({ module, memory, ctrl }: Init) => {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SoftmaxKernel;
  const c = new Int32Array(ctrl), k = new Float32Array(ctrl);
  let last = 0;
  for (;;) {
    Atomics.wait(c, 0, last);
    const job = Atomics.load(c, 0);
    if (c[4] > c[3]) kernel.softmax_rows(c[2], c[3], c[4], c[5], k[9], c[6], c[7], c[8]);
    last = job;
    Atomics.store(c, 1, job);
    Atomics.notify(c, 1);
  }
});
