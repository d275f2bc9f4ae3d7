"""Small PyTorch models for the torch tests, and how a test gets torch.

``need("torch")`` imports a module for a test: outside CI a missing one skips the
test; in CI (``CI`` set, as .ci/run does) it fails, because CI installs the
``torch`` and ``tools`` extras and must run these tests.
"""

from __future__ import annotations

import importlib
import os

import pytest


def need(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {name} (.ci/run installs '.[test,torch,tools]')")
        pytest.skip(f"{name} is not installed")


def build(name: str):
    """A fresh model in eval mode, by name: ours below or a torchvision one (no weights)."""
    torch = need("torch")
    nn = torch.nn

    def dws(cin, cout, stride):
        return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin),
                nn.ReLU(inplace=True), nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True)]

    class MobileNetV1(nn.Module):
        """Howard et al. 2017, Table 1 (stride 1 in the second-to-last block, as in PyTorch ports)."""

        def __init__(self, num_classes=1000):
            super().__init__()
            cfg = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
                   (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
            layers = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True)]
            for c in cfg:
                layers += dws(*c)
            self.features = nn.Sequential(*layers)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(1024, num_classes)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.features(x)), 1))

    class Decoder(nn.Module):
        """Transposed convolutions (one grouped, one with output_padding), upsampling, sigmoid."""

        def __init__(self):
            super().__init__()
            self.enc = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU())
            self.up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
            self.up2 = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, groups=2,
                                          bias=False)
            self.act = nn.ReLU()
            self.head = nn.Conv2d(4, 2, 1)

        def forward(self, x):
            return self.head(self.act(self.up2(self.act(self.up(self.enc(x))))))

    class Grouped(nn.Module):
        """Grouped and dilated convs, max/avg/adaptive pooling, functional relus, a residual add."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 32, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(32)
            self.g1 = nn.Conv2d(32, 64, 3, stride=2, padding=2, dilation=2, groups=4)
            self.g2 = nn.Conv2d(64, 64, 3, padding=1, groups=8, bias=False)
            self.pool = nn.MaxPool2d(2)
            self.avg = nn.AvgPool2d(3, stride=2, padding=1)
            self.gap = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            x = torch.relu(self.bn(self.stem(x)))
            x = self.pool(self.g1(x))
            x = self.avg(nn.functional.relu(self.g2(x)) + x)
            return self.fc(self.gap(x).flatten(1))

    class Misc(nn.Module):
        """GroupNorm, LayerNorm, SiLU, Hardswish, Sigmoid, LeakyReLU, Dropout, nn.Upsample and
        F.interpolate, F.max_pool2d, F.adaptive_avg_pool2d, torch.add, a gate multiply."""

        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 8, 3, padding=1)
            self.gn = nn.GroupNorm(2, 8)
            self.act = nn.SiLU()
            self.up = nn.Upsample(scale_factor=2, mode="nearest")
            self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False)
            self.ln = nn.LayerNorm(8)
            self.hs = nn.Hardswish()
            self.sig = nn.Sigmoid()
            self.lrelu = nn.LeakyReLU()
            self.drop = nn.Dropout(0.2)
            self.fc = nn.Linear(8, 5)

        def forward(self, x):
            F = nn.functional
            x = self.up(self.act(self.gn(self.c1(x))))
            x = self.lrelu(self.c2(x))
            y = F.interpolate(x, scale_factor=2, mode="bilinear")
            x = F.max_pool2d(y, 2) * self.sig(x)
            x = self.hs(torch.add(x, x))
            x = F.adaptive_avg_pool2d(x, 1).flatten(1)
            return self.fc(self.drop(self.ln(x)))

    ours = {"mobilenet_v1": MobileNetV1, "decoder": Decoder, "grouped": Grouped, "misc": Misc}
    if name in ours:
        return ours[name]().eval()
    torchvision = need("torchvision")
    return getattr(torchvision.models, name)(weights=None).eval()
