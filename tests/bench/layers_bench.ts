// One training epoch of notebook 08's MNIST-bags HopfieldPooling model (200 bags). The PyTorch peer:
// PYTHONPATH=/path/to/hopfield-layers python3 tests/bench/torch_mnist_bags.py 5 float32
import { layerBenchEpoch } from "../../lib/layers/bench.ts";

const withBlas = layerBenchEpoch({ size: "M0" }), typescript = layerBenchEpoch({ size: "M0", blas: false });

Deno.bench(
  "MNIST-bags HopfieldPooling, one epoch: tape + BLAS",
  { group: "layer epoch", baseline: true },
  () => withBlas.epoch(),
);
Deno.bench(
  "MNIST-bags HopfieldPooling, one epoch: tape in TypeScript",
  { group: "layer epoch" },
  () => typescript.epoch(),
);
