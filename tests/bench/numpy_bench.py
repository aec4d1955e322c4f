"""numpy's figure for the README's benchmark table (not used by the project itself).

Same step as `deno task hop bench`: P = softmax(beta * Q @ X.T), out = P @ X, float32, FLOPs = 4*B*M*d.
Usage: python3 tests/bench/numpy_bench.py S1 [repeat]
       python3 tests/bench/numpy_bench.py sgemm [repeat]   # float32 4096 x 4096 matmul, the reference for U1
"""
import json, sys, time
import numpy as np

SIZES = {"S0": (64, 256, 256), "S1": (784, 60000, 256), "S2": (64, 4096, 4096)}
size = sys.argv[1] if len(sys.argv) > 1 else "S0"
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
if size == "sgemm":
    n = 4096
    rng = np.random.default_rng(3)
    A = rng.standard_normal((n, n), dtype=np.float32)
    B = rng.standard_normal((n, n), dtype=np.float32)
    A @ B
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); A @ B; times.append((time.perf_counter() - t) * 1000)
    med = sorted(times)[len(times) // 2]
    print(json.dumps({"backend": f"numpy-{np.__version__}-f32", "size": "sgemm 4096", "median_ms": med, "gflops": 2 * n**3 / (med * 1e6)}))
    sys.exit(0)
d, m, b = SIZES[size]
rng = np.random.default_rng(1)
X = (rng.standard_normal((m, d)) / np.sqrt(d)).astype(np.float32)
Q = (rng.standard_normal((b, d)) / np.sqrt(d)).astype(np.float32)

def step():
    s = Q @ X.T
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ X

step()
start = time.perf_counter()
while time.perf_counter() - start < 0.3:  # the same warm-up as `hop bench`: at least 300 ms
    step()
times = []
for _ in range(repeat):
    t = time.perf_counter(); step(); times.append((time.perf_counter() - t) * 1000)
med = sorted(times)[len(times) // 2]
print(json.dumps({"backend": f"numpy-{np.__version__}-f32", "size": size, "median_ms": med, "gflops": 4 * b * m * d / (med * 1e6)}))
