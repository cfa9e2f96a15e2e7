#!/usr/bin/python3
"""Trains the CIFAR-10 float models the CIFAR-10 experiments start from (ResNet-20 and FINN's CNV) in
PyTorch, and exports them with torch.onnx.export as a user would. docs/experiments/cifar10/README.md
tells how the committed models were made with it.

    apt-get install python3-torch
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/experiments/cifar10/train_pytorch.py CIFAR_BIN_DIR OUT_DIR \
        --net resnet20|cnv [--epochs 50] [--batch-size 128] [--lr 0.1] [--schedule one-cycle|cosine] ...

CIFAR_BIN_DIR holds the CIFAR-10 binaries (data_batch_1..5.bin, test_batch.bin). The recipe is the
usual one: SGD with Nesterov momentum 0.9, weight decay on the convolution and dense weights only
(not on BatchNorm or biases), label smoothing, random 4-pixel-padded crops and horizontal flips, the
standard CIFAR-10 normalization, and a one-cycle or cosine schedule. It trains on 45,000 images and
holds out 5,000: exactly the images `sparse-ternary --validation 5000 --validation-seed S` holds out
(the toolkit's seeded split, mulberry32 and Fisher-Yates, reproduced below), so that the runs which
start from these models can choose on validation images the float model never saw.

OUT_DIR gets <net>.onnx (opset 13, dynamic batch), <net>.json (recipe, per-epoch history, PyTorch's
validation and test accuracy, wall time) and, while training, <net>.checkpoint.pt: the script
checkpoints every epoch and resumes from it when run again with the same arguments.
"""
import argparse
import json
import os
import time

import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from torch_nets import NETS  # noqa: E402

MEAN = [0.4914, 0.4822, 0.4465]
STD = [0.2470, 0.2435, 0.2616]
TRAIN_FILES = [f"data_batch_{i}.bin" for i in range(1, 6)]


# --- data ---------------------------------------------------------------------------------------

def read_cifar(folder, files):
    raw = np.concatenate([np.fromfile(os.path.join(folder, f), dtype=np.uint8).reshape(-1, 3073) for f in files])
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(raw[:, 0].astype(np.int64))


def mulberry32(seed):
    """@sparse-ternary/base's seededRandom: the same floats in [0, 1) for the same seed."""
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def random():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), state | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return random


def split_validation(count, validation, seed):
    """@sparse-ternary/datasets' splitValidation: (train indices, validation indices)."""
    random = mulberry32(seed)
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = int(random() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return torch.tensor(order[validation:]), torch.tensor(order[:validation])


def normalize(images):
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (images.float() / 255 - mean) / std


def augmented_batch(images, generator):
    """Random crops of the 4-pixel zero-padded images (black before normalization, as torchvision's
    RandomCrop(32, padding=4) on PIL images) and random horizontal flips."""
    n = images.shape[0]
    padded = F.pad(images, (4, 4, 4, 4))
    offsets = torch.randint(0, 9, (n, 2), generator=generator)
    flips = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(images)
    for k in range(n):
        dy, dx = offsets[k].tolist()
        crop = padded[k, :, dy:dy + 32, dx:dx + 32]
        out[k] = crop.flip(2) if flips[k] else crop
    return normalize(out)


# --- training -----------------------------------------------------------------------------------

def parameter_groups(model, weight_decay):
    """Weight decay on convolution and dense weights only, as torchvision's reference recipes
    (norm_weight_decay=0): BatchNorm's scale and shift and the biases are not decayed."""
    decayed = [p for p in model.parameters() if p.dim() > 1]
    kept = [p for p in model.parameters() if p.dim() <= 1]
    return [{"params": decayed, "weight_decay": weight_decay}, {"params": kept, "weight_decay": 0.0}]


def learning_rate(args, step, total):
    warmup = args.warmup_epochs * total // args.epochs
    if args.schedule == "one-cycle":
        # torch.optim.lr_scheduler.OneCycleLR's cosine form: from lr/25 up to lr in the first 30%,
        # then down to lr/25e4.
        up = int(0.3 * total)
        if step < up:
            return args.lr / 25 + (args.lr - args.lr / 25) * (1 - np.cos(np.pi * step / up)) / 2
        return args.lr / 25e4 + (args.lr - args.lr / 25e4) * (1 + np.cos(np.pi * (step - up) / (total - up))) / 2
    if step < warmup:
        return args.lr * (step + 1) / warmup
    return args.lr * (1 + np.cos(np.pi * (step - warmup) / (total - warmup))) / 2


def accuracy(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), 500):
            correct += (model(normalize(images[i:i + 500])).argmax(1) == labels[i:i + 500]).sum().item()
    return correct / len(labels)


def save_atomic(write, path):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cifar")
    parser.add_argument("out")
    parser.add_argument("--net", choices=[n for n in NETS if n != "lfc"], required=True)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--schedule", choices=["one-cycle", "cosine"], default="one-cycle")
    parser.add_argument("--warmup-epochs", type=int, default=0, help="linear warmup before the cosine schedule")
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--validation", type=int, default=5000)
    parser.add_argument("--validation-seed", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    recipe = {k: v for k, v in vars(args).items() if k not in ("cifar", "out", "threads")}

    images, labels = read_cifar(args.cifar, TRAIN_FILES)
    train, held_out = split_validation(len(labels), args.validation, args.validation_seed)
    test_images, test_labels = read_cifar(args.cifar, ["test_batch.bin"])
    model = NETS[args.net][0]()
    optimizer = torch.optim.SGD(parameter_groups(model, args.weight_decay), lr=args.lr, momentum=0.9, nesterov=True)
    generator = torch.Generator().manual_seed(args.seed)
    steps_per_epoch = (len(train) + args.batch_size - 1) // args.batch_size
    total = steps_per_epoch * args.epochs

    checkpoint = os.path.join(args.out, f"{args.net}.checkpoint.pt")
    history, seconds, first = [], 0.0, 0
    if os.path.exists(checkpoint):
        state = torch.load(checkpoint)
        if state["recipe"] != recipe:
            raise SystemExit(f"{checkpoint} was made with {state['recipe']}, not {recipe}: remove it or use its arguments")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        history, seconds, first = state["history"], state["seconds"], len(state["history"])
        print(f"resumed after epoch {first}", flush=True)

    for epoch in range(first, args.epochs):
        start = time.time()
        model.train()
        order = train[torch.randperm(len(train), generator=generator)]
        total_loss = 0.0
        for b in range(steps_per_epoch):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(args, epoch * steps_per_epoch + b, total)
            batch = order[b * args.batch_size:(b + 1) * args.batch_size]
            loss = F.cross_entropy(model(augmented_batch(images[batch], generator)), labels[batch], label_smoothing=args.label_smoothing)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
        seconds += time.time() - start
        row = {"epoch": epoch + 1, "loss": total_loss / len(train), "validation": accuracy(model, images[held_out], labels[held_out]),
               "test": accuracy(model, test_images, test_labels), "seconds": round(seconds)}
        history.append(row)
        print(json.dumps(row), flush=True)
        save_atomic(lambda f: torch.save({"recipe": recipe, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                                          "generator": generator.get_state(), "history": history, "seconds": seconds}, f), checkpoint)

    model.eval()
    onnx_file = os.path.join(args.out, f"{args.net}.onnx")
    save_atomic(lambda f: torch.onnx.export(model, torch.zeros(1, 3, 32, 32), f, opset_version=13, input_names=["input"],
                                            output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}), onnx_file)
    report = {"net": args.net, "recipe": recipe, "parameters": sum(p.numel() for p in model.parameters()),
              "mean": MEAN, "std": STD, "trainImages": len(train), "validationImages": args.validation,
              "validationAccuracy": history[-1]["validation"], "testAccuracy": history[-1]["test"], "trainSeconds": round(seconds),
              "torch": torch.__version__, "threads": args.threads, "history": history}
    save_atomic(lambda f: f.write(json.dumps(report, indent=2).encode() + b"\n"), os.path.join(args.out, f"{args.net}.json"))
    print(f"{args.net}: test accuracy {report['testAccuracy']:.4f}, {onnx_file}", flush=True)


if __name__ == "__main__":
    main()
