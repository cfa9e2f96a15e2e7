"""PyTorch CPU peer for tools/bench-engine.mjs: prints training samples/s (Adam) of LFC, CNV or a
torchvision classifier (1000 classes) at SIZE x SIZE.

Usage: python3 bench_torch.py lfc|cnv|<torchvision architecture> BATCH STEPS [SIZE] [--profile]
       (run with OMP_WAIT_POLICY=PASSIVE)
--profile: torch.profiler's table of the timed steps by operator (self CPU time), to stderr.
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
    profile = "--profile" in sys.argv
    argv = [a for a in sys.argv if a != "--profile"]
    name, batch, steps = argv[1], int(argv[2]), int(argv[3])
    torch.set_num_threads(2)
    torch.manual_seed(0)
    if name in ("lfc", "cnv"):
        model, shape, classes = *{"lfc": lfc, "cnv": cnv}[name](), 10
    else:
        import torchvision

        size = int(argv[4]) if len(argv) > 4 else 224
        model, shape, classes = getattr(torchvision.models, name)(num_classes=1000), (3, size, size), 1000
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, *shape)
    y = torch.randint(0, classes, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    step()
    if profile:
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(steps):
                step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25), file=sys.stderr)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    print(steps * batch / (time.perf_counter() - start))


main()
