#!/usr/bin/env python3
"""The distillation loop of bench/kd_throughput written as one would in Python with PyTorch.

Same architectures, batch size, threads and loss as the engine; the teacher's logits are computed once, as the
engine does when augmentation is off. Prints 'samples_per_second X' for the timed epochs.
Usage: kd_throughput.py {iris,fashion} --threads N --epochs E --samples N --data PATH
"""
import argparse, gzip, math, os, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(inputs, hidden, classes):
    layers, width = [nn.Flatten()], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, classes))


def cnn_small(channels, hidden, classes, size=28):
    layers, c = [], 1
    for out in channels:
        layers += [nn.Conv2d(c, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
        c, size = out, size // 2
    layers.append(nn.Flatten())
    width = c * size * size
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, classes))


def load_iris(path):
    rows = [line.strip().split(",") for line in open(path) if line.strip()][1:]
    names = sorted({r[-1] for r in rows})
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
    y = torch.tensor([names.index(r[-1]) for r in rows])
    return (x - x.mean(0)) / x.std(0), y


def load_fashion(folder, samples):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
        n, rows, cols = struct.unpack(">III", f.read(16)[4:])
        pixels = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, 1, rows, cols)[:samples]
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read()[8:], dtype=np.uint8)[:samples]
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0)
    return (x - x.mean()) / x.std(), torch.from_numpy(labels.astype(np.int64))


def distill_loss(z_s, z_t, y, temperature=4.0, alpha=0.9):
    soft = F.kl_div(F.log_softmax(z_s / temperature, 1), F.softmax(z_t / temperature, 1), reduction="batchmean")
    return alpha * temperature * temperature * soft + (1 - alpha) * F.cross_entropy(z_s, y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pair", choices=["iris", "fashion"])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--samples", type=int, default=12800)
    p.add_argument("--data", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.pair == "iris":
        x, y = load_iris(a.data)
        teacher, student, batch = mlp(4, [64, 64], 3), mlp(4, [6], 3), 16
    else:
        x, y = load_fashion(a.data, a.samples)
        teacher, student, batch = cnn_small([32, 64, 128], [256], 10), cnn_small([16, 32, 64], [], 10), 128
    teacher.eval()
    with torch.no_grad():
        cached = torch.cat([teacher(x[i:i + 512]) for i in range(0, len(x), 512)])
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    student.train()
    timed_samples, timed_seconds = 0, 0.0
    for epoch in range(a.epochs):
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            xb, yb = x[idx], y[idx]
            z = student(xb)
            loss = distill_loss(z, cached[idx], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            _ = (loss.item(), (z.argmax(1) == yb).sum().item())  # what a loop logs each step
        if epoch > 0 or a.epochs == 1:  # the first epoch warms caches and allocators
            timed_seconds += time.perf_counter() - start
            timed_samples += len(x)
    print("samples_per_second %.1f" % (timed_samples / timed_seconds))


if __name__ == "__main__":
    main()
