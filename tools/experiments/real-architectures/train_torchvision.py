#!/usr/bin/python3
"""Trains torchvision classifiers briefly on a CIFAR-10 ImageFolder and exports them to ONNX, for the
real-architecture run in docs/real-architectures.md.

    apt-get install python3-torch python3-torchvision python3-pil
    /usr/bin/python3 tools/experiments/real-architectures/train_torchvision.py CIFAR_BIN_DIR OUT_DIR \
        [--models resnet18,mobilenet_v2] [--epochs 8] [--size 32]

CIFAR_BIN_DIR holds CIFAR-10 binaries (data_batch_1.bin, test_batch.bin, batches.meta.txt).
OUT_DIR gets images/{train,test}/<class>/<index>.png (an ImageFolder of the same images, as users
keep theirs) and, per model, <model>.onnx (dynamic batch, opset 13) and <model>.json (test accuracy
measured by PyTorch on the PNGs, epochs, wall time). Seeded; 2 threads.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torchvision
from PIL import Image

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def read_cifar(file):
    raw = np.fromfile(file, dtype=np.uint8).reshape(-1, 3073)
    return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), raw[:, 0]


def write_image_folder(cifar, out):
    classes = [line.strip() for line in open(os.path.join(cifar, 'batches.meta.txt')) if line.strip()]
    for split, file in (('train', 'data_batch_1.bin'), ('test', 'test_batch.bin')):
        images, labels = read_cifar(os.path.join(cifar, file))
        for c in classes:
            os.makedirs(os.path.join(out, split, c), exist_ok=True)
        for i, (image, label) in enumerate(zip(images, labels)):
            path = os.path.join(out, split, classes[label], f'{i:05d}.png')
            if not os.path.exists(path):
                Image.fromarray(image).save(path)
    return classes


def load_split(folder, classes, size):
    transform = torchvision.transforms.Compose([
        torchvision.transforms.Resize(size), torchvision.transforms.CenterCrop(size),
        torchvision.transforms.ToTensor(), torchvision.transforms.Normalize(MEAN, STD)])
    return torchvision.datasets.ImageFolder(folder, transform=transform)


def accuracy(model, data):
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in torch.utils.data.DataLoader(data, batch_size=200):
            correct += (model(x).argmax(1) == y).sum().item()
    return correct / len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('cifar')
    parser.add_argument('out')
    parser.add_argument('--models', default='resnet18,mobilenet_v2')
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--size', type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(2)
    images = os.path.join(args.out, 'images')
    classes = write_image_folder(args.cifar, images)
    train = load_split(os.path.join(images, 'train'), classes, args.size)
    test = load_split(os.path.join(images, 'test'), classes, args.size)
    for name in args.models.split(','):
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None, num_classes=len(classes))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        start = time.time()
        for epoch in range(args.epochs):
            model.train()
            for x, y in torch.utils.data.DataLoader(train, batch_size=64, shuffle=True):
                optimizer.zero_grad()
                torch.nn.functional.cross_entropy(model(x), y).backward()
                optimizer.step()
            print(name, 'epoch', epoch + 1, 'test accuracy', accuracy(model, test), flush=True)
        seconds = time.time() - start
        model.eval()
        torch.onnx.export(model, torch.zeros(1, 3, args.size, args.size), os.path.join(args.out, f'{name}.onnx'),
                          opset_version=13, input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
        with open(os.path.join(args.out, f'{name}.json'), 'w') as f:
            json.dump({'model': name, 'epochs': args.epochs, 'size': args.size, 'trainSeconds': round(seconds),
                       'testAccuracy': accuracy(model, test), 'mean': MEAN, 'std': STD}, f, indent=2)


if __name__ == '__main__':
    main()
