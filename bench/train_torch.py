#!/usr/bin/python3
"""PyTorch's figures for bench/train.mjs: the same MLP, data and configurations, one thread.
Run by bench/train.mjs with Debian's /usr/bin/python3 when python3-torch is installed. Prints a JSON
list of samples/s, one per configuration, on its last line."""
import gzip, json, sys, time
import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(1)
D = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{D}/train-images-idx3-ubyte.gz") as f:
    x = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
with gzip.open(f"{D}/train-labels-idx1-ubyte.gz") as f:
    y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
n = x.shape[0] if "--quick" not in sys.argv else 16384
rates = []
for opt_name, lr, batch in [("sgd", 0.01, 32), ("sgd", 0.01, 128), ("adam", 1e-3, 128)]:
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight); torch.nn.init.zeros_(m.bias)
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
    t = time.perf_counter()
    epoch(n)
    rates.append(n / (time.perf_counter() - t))
print(json.dumps(rates))
