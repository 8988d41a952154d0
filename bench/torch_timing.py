"""What bench/train_torch.py and bench/scaling_torch.py share: how PyTorch is trained and timed, the same
way bench/train.mjs and bench/scaling.mjs time myelin (the fastest of 3 epochs after a warm-up)."""
import time
import torch


def samples_per_second(model, opt, x, y, n, batch, warmup=2048):
    """Trains with shuffled mini-batches of `batch`; the fastest of 3 epochs over the first n samples."""
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(count):
        perm = torch.randperm(count)
        for i in range(0, count, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()

    epoch(min(warmup, n))
    best = float("inf")
    for _ in range(3):
        best = min(best, timed(lambda: epoch(n)))
    return n / best


def timed(fn):
    """Seconds one call of fn takes."""
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
