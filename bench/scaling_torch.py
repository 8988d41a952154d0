#!/usr/bin/python3
"""PyTorch's figures for bench/scaling.mjs: MLPs 784->h->h->10 trained with SGD on random data, the
fastest of 3 epochs after a warm-up, on the number of threads given first. Prints a JSON list of
samples/s on its last line, in the order bench/scaling.mjs lists (width, batch)."""
import json, sys, time
import torch

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
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()
        def epoch():
            perm = torch.randperm(n)
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                opt.zero_grad()
                loss_fn(model(x[idx]), y[idx]).backward()
                opt.step()
        epoch()
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            epoch()
            best = min(best, time.perf_counter() - t)
        rates.append(n / best)
print(json.dumps(rates))
