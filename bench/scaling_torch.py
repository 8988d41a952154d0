#!/usr/bin/python3
"""PyTorch's figures for bench/scaling.mjs: MLPs 784->h->h->10 trained with SGD on random data, the
fastest of 3 epochs after a warm-up, on the number of threads given first. Prints a JSON list of
samples/s on its last line, in the order bench/scaling.mjs lists (width, batch)."""
import json, sys
import torch
from torch_timing import samples_per_second

threads = int(sys.argv[1])
spec = json.loads(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
rates = []
for h, n in zip(spec["widths"], spec["samples"]):
    x = torch.rand(n, 784)
    y = torch.arange(n) % 10
    for batch in spec["batches"]:
        model = torch.nn.Sequential(torch.nn.Linear(784, h), torch.nn.ReLU(), torch.nn.Linear(h, h), torch.nn.ReLU(), torch.nn.Linear(h, 10))
        rates.append(samples_per_second(model, torch.optim.SGD(model.parameters(), lr=0.01), x, y, n, batch, warmup=n))
print(json.dumps(rates))
