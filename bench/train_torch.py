#!/usr/bin/python3
"""PyTorch's figures for bench/train.mjs: the same MLP, data and configurations, on the number of threads
given with --threads (OpenBLAS's threads too: bench/train.mjs sets OPENBLAS_NUM_THREADS to the same).
Run by bench/train.mjs with Debian's /usr/bin/python3 when python3-torch is installed. Prints JSON on its
last line: training samples/s per configuration, predict latency for one sample (median, microseconds)
and predict throughput for 10,000 samples in one call (samples/s)."""
import gzip, json, statistics, sys, time
import numpy as np
import torch

threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
D = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{D}/train-images-idx3-ubyte.gz") as f:
    x = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
with gzip.open(f"{D}/train-labels-idx1-ubyte.gz") as f:
    y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
n = x.shape[0] if "--quick" not in sys.argv else 16384


def mlp():
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight); torch.nn.init.zeros_(m.bias)
    return model


rates = []
for opt_name, lr, batch in [("sgd", 0.01, 32), ("sgd", 0.01, 128), ("adam", 1e-3, 128)]:
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=lr) if opt_name == "sgd" else torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    def epoch(count):
        perm = torch.randperm(count)
        for i in range(0, count, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    epoch(2048)
    best = float("inf")
    for _ in range(3):  # the fastest of 3 epochs, as bench/train.mjs times the other libraries
        t = time.perf_counter()
        epoch(n)
        best = min(best, time.perf_counter() - t)
    rates.append(n / best)

# Inference (softmax included, as the other libraries' predict returns probabilities).
model = torch.nn.Sequential(mlp(), torch.nn.Softmax(dim=1)).eval()
one, many = x[:1].clone(), x[:10000].clone()
with torch.no_grad():
    for _ in range(2000):
        model(one)
    times = []
    for _ in range(5000):
        t = time.perf_counter()
        model(one)
        times.append(time.perf_counter() - t)
    model(many)
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        model(many)
        runs.append(time.perf_counter() - t)
    best = min(runs)
print(json.dumps({"train": rates, "predictOneUs": statistics.median(times) * 1e6, "predictManyPerS": 10000 / best}))
