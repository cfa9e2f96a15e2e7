"""PyTorch CPU peer for tools/bench-engine.mjs: prints training samples/s (Adam) of LFC, CNV, a CIFAR
ResNet (tools/lib/torch_nets.py) or a torchvision classifier (1000 classes) at SIZE x SIZE.

Usage: python3 bench_torch.py lfc|cnv|resnet20|<torchvision architecture> BATCH STEPS [SIZE] [--profile]
       (run with OMP_WAIT_POLICY=PASSIVE)
--profile: torch.profiler's table of the timed steps by operator (self CPU time), to stderr.
"""
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from torch_nets import NETS  # noqa: E402


def main():
    profile = "--profile" in sys.argv
    argv = [a for a in sys.argv if a != "--profile"]
    name, batch, steps = argv[1], int(argv[2]), int(argv[3])
    torch.set_num_threads(2)
    torch.manual_seed(0)
    if name in NETS:
        build, shape = NETS[name]
        model, classes = build(), 10
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
