"""The reference networks in PyTorch, shared by the benchmark (tools/bench_torch.py) and the CIFAR-10
pretraining (tools/experiments/cifar10/train_pytorch.py): FINN's LFC and CNV, and He et al.'s CIFAR
ResNets, as @sparse-ternary/models builds them in TF.js."""
import torch.nn.functional as F
from torch import nn


def dense(cin, cout):
    return [nn.Linear(cin, cout, bias=False), nn.BatchNorm1d(cout), nn.ReLU()]


def lfc():
    """FINN's LFC for 28x28 images: 784-1024-1024-1024-10."""
    layers = [nn.Flatten()] + dense(784, 1024) + dense(1024, 1024) + dense(1024, 1024)
    return nn.Sequential(*layers, nn.Linear(1024, 10))


def cnv():
    """FINN's CNV (the bnn-pynq CIFAR-10 network): unpadded 3x3 convolutions, float here."""

    def conv(cin, cout):
        return [nn.Conv2d(cin, cout, 3, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

    layers = conv(3, 64) + conv(64, 64) + [nn.MaxPool2d(2)] + conv(64, 128) + conv(128, 128) + [nn.MaxPool2d(2)]
    layers += conv(128, 256) + conv(256, 256) + [nn.Flatten()] + dense(256, 512) + dense(512, 512)
    return nn.Sequential(*layers, nn.Linear(512, 10))


class BasicBlock(nn.Module):
    """He et al. 2016's CIFAR block; a shortcut that changes shape is a 1x1 convolution with its
    BatchNorm (option B), which every backend of the toolkit takes as an ordinary convolution."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


def resnet(depth):
    """The CIFAR ResNet of 6n + 2 layers for 32x32 images."""
    blocks = (depth - 2) // 6
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for cout, stride in ((16, 1), (32, 2), (64, 2)):
        for i in range(blocks):
            layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


# By name, with each net's input shape.
NETS = {
    "lfc": (lfc, (1, 28, 28)),
    "cnv": (cnv, (3, 32, 32)),
    "resnet20": (lambda: resnet(20), (3, 32, 32)),
    "resnet32": (lambda: resnet(32), (3, 32, 32)),
    "resnet56": (lambda: resnet(56), (3, 32, 32)),
}
