"""One training epoch of notebook 08's MNIST-bags HopfieldPooling model in PyTorch with hflayers: the peer of
`deno task hop bench --size M0` (lib/layers/bench.ts). Same model, sizes, batches and optimiser; random pixels.

    PYTHONPATH=/path/to/hopfield-layers python3 tests/bench/torch_mnist_bags.py [repeat] [float32|float64] [threads]

Prints {"peer", "dtype", "threads", "bags", "epoch_ms"} (median of `repeat` epochs after one untimed).
"""
import json
import sys
import time

import torch
from hflayers import HopfieldPooling

repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
dtype = {"float32": torch.float32, "float64": torch.float64}[sys.argv[2] if len(sys.argv) > 2 else "float64"]
if len(sys.argv) > 3:
    torch.set_num_threads(int(sys.argv[3]))
torch.manual_seed(1)
gen = torch.Generator().manual_seed(1)
bags = []
for b in range(200):
    size = max(1, round(10 + 2 ** 0.5 * torch.randn(1, generator=gen).item()))
    bags.append((torch.rand(size, 784, generator=gen, dtype=dtype), float(b % 2)))


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Linear(784, 64)
        self.pool = HopfieldPooling(input_size=64, hidden_size=32, num_heads=1)
        self.out = torch.nn.Linear(64, 1)

    def forward(self, bag_list):
        pooled = [self.pool(torch.relu(self.encoder(x)).unsqueeze(0)) for x in bag_list]
        return self.out(torch.cat(pooled, dim=0)).flatten()


model = Model().to(dtype)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)


def epoch():
    model.train()
    order = torch.randperm(len(bags), generator=gen).tolist()
    for b0 in range(0, len(order), 8):
        batch = [bags[i] for i in order[b0:b0 + 8]]
        z = model([x for x, _ in batch])
        y = torch.tensor([t for _, t in batch], dtype=dtype)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()


epoch()
times = []
for _ in range(repeat):
    t = time.perf_counter()
    epoch()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"peer": f"torch {torch.__version__} + hflayers", "dtype": str(dtype).replace("torch.", ""),
                  "threads": torch.get_num_threads(), "bags": len(bags), "epoch_ms": times[len(times) // 2]}))
