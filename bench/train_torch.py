#!/usr/bin/python3
"""PyTorch's figures for bench/train.mjs: the same MLP, data and configurations, on the number of threads
given with --threads (OpenBLAS's threads too: bench/train.mjs sets OPENBLAS_NUM_THREADS to the same).
Run by bench/train.mjs with Debian's /usr/bin/python3 when python3-torch is installed. Prints JSON on its
last line: training samples/s per configuration, predict latency for one sample (median, microseconds)
and predict throughput for 10,000 samples in one call (samples/s)."""
import gzip, json, statistics, sys
import numpy as np
import torch
from torch_timing import samples_per_second, timed

threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
D = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{D}/train-images-idx3-ubyte.gz") as f:
    x = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
with gzip.open(f"{D}/train-labels-idx1-ubyte.gz") as f:
    y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
n = x.shape[0] if "--quick" not in sys.argv else 16384


def mlp(bn=False):
    # BatchNorm1d after each hidden layer's ReLU, as the Keras model has it; momentum 0.01 is Keras's 0.99.
    norm = lambda c: [torch.nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)] if bn else []
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), *norm(128), torch.nn.Linear(128, 64), torch.nn.ReLU(), *norm(64), torch.nn.Linear(64, 10))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight); torch.nn.init.zeros_(m.bias)
    return model


rates = []
for opt_name, lr, batch, bn in [("sgd", 0.01, 32, False), ("sgd", 0.01, 128, False), ("adam", 1e-3, 128, False), ("adam", 1e-3, 128, True)]:
    model = mlp(bn)
    opt = torch.optim.SGD(model.parameters(), lr=lr) if opt_name == "sgd" else torch.optim.Adam(model.parameters(), lr=lr)
    rates.append(samples_per_second(model, opt, x, y, n, batch))

# Inference (softmax included, as the other libraries' predict returns probabilities): the median of one
# sample's latency, and the fastest of 5 calls on 10,000 samples.
model = torch.nn.Sequential(mlp(), torch.nn.Softmax(dim=1)).eval()
one, many = x[:1].clone(), x[:10000].clone()
with torch.no_grad():
    for _ in range(2000):
        model(one)
    one_us = statistics.median(timed(lambda: model(one)) for _ in range(5000)) * 1e6
    model(many)
    best = min(timed(lambda: model(many)) for _ in range(5))
print(json.dumps({"train": rates, "predictOneUs": one_us, "predictManyPerS": 10000 / best}))
