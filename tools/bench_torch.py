"""PyTorch CPU peer for tools/bench-engine.mjs: prints training samples/s (Adam) of LFC or CNV.

Usage: python3 bench_torch.py lfc|cnv BATCH STEPS   (run with OMP_WAIT_POLICY=PASSIVE)
"""
import sys
import time

import torch
from torch import nn


def dense(cin, cout):
    return [nn.Linear(cin, cout, bias=False), nn.BatchNorm1d(cout), nn.ReLU()]


def lfc():
    layers = [nn.Flatten()] + dense(784, 1024) + dense(1024, 1024) + dense(1024, 1024)
    return nn.Sequential(*layers, nn.Linear(1024, 10)), (1, 28, 28)


def cnv():
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

    layers = block(3, 64) + block(64, 64) + [nn.MaxPool2d(2)] + block(64, 128) + block(128, 128)
    layers += [nn.MaxPool2d(2)] + block(128, 256) + block(256, 256) + [nn.Flatten()]
    layers += dense(256, 512) + dense(512, 512)
    return nn.Sequential(*layers, nn.Linear(512, 10)), (3, 32, 32)


def main():
    name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model, shape = {"lfc": lfc, "cnv": cnv}[name]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    print(steps * batch / (time.perf_counter() - start))


main()
