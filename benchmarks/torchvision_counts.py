"""Ground truth for the zoo: torchvision's published metadata and an independent count.

For each model this records

- what torchvision publishes with its weights (``meta["num_params"]``, ``meta["_ops"]`` in
  GMACs of convolutions and linear layers, the crop size the ops were measured at), read
  from the weights enum; no weights are downloaded;
- an exact integer count made here: the model is built with ``weights=None``, its
  parameters are summed, and a forward pass (on the ``meta`` device: shapes only) counts
  every ``nn.Conv2d`` and ``nn.Linear`` call with forward hooks:
  conv MACs = output elements x in_channels/groups x kernel area; linear MACs = output
  elements x in_features (batch 1). This is the symconv convention (bias adds are not MACs).
  Side heads (GoogLeNet's aux1/aux2, Inception v3's AuxLogits) do not run in eval mode;
  they are run on the feature map they would see and counted apart.

It also counts MobileNet v1 (not in torchvision; a plain PyTorch transcription of Howard
et al. 2017, Table 1) at the widths and resolutions of the paper's Tables 6-7, and the
torchvision families at other widths (MobileNet v2 width_mult, EfficientNet b0-b7).

Run (needs torch and torchvision; not run by CI):

    python benchmarks/torchvision_counts.py > tests/data/torchvision_counts.json
"""

from __future__ import annotations

import json
import sys

import torch
import torchvision
from torch import nn

#: The models the zoo pins, with the (H, W) sizes counted besides the default crop.
MODELS = [
    "alexnet", "vgg11", "vgg11_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "wide_resnet50_2",
    "squeezenet1_0", "squeezenet1_1", "densenet121", "densenet169",
    "googlenet", "inception_v3",
    "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
    "shufflenet_v2_x1_0", "mnasnet1_0", "efficientnet_b0", "efficientnet_b1",
    "regnet_y_400mf",
]
ODD_SIZES = [(225, 225), (193, 257), (331, 97), (301, 333)]
#: Side heads: model -> {head attribute: the module whose output feeds it}.
AUX_HEADS = {"googlenet": {"aux1": "inception4a", "aux2": "inception4d"},
             "inception_v3": {"AuxLogits": "Mixed_6e"}}


class _Counter:
    """Forward hooks that add up conv and linear MACs, by module."""

    def __init__(self, model: nn.Module):
        self.macs = {"conv": 0, "linear": 0}
        self.handles = []
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                self.handles.append(module.register_forward_hook(self.hook))

    def hook(self, module, inputs, output):
        assert output.shape[0] == 1
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            self.macs["conv"] += output.numel() * (module.in_channels // module.groups) * kh * kw
        else:
            self.macs["linear"] += output.numel() * module.in_features

    def close(self):
        for h in self.handles:
            h.remove()

    @property
    def total(self) -> int:
        return self.macs["conv"] + self.macs["linear"]


def build(name: str, **kwargs) -> nn.Module:
    try:
        with torch.device("meta"):
            model = torchvision.models.get_model(name, weights=None, **kwargs)
    except NotImplementedError:  # RegNet computes its widths with tensors: build on the CPU
        model = torchvision.models.get_model(name, weights=None, **kwargs).to("meta")
    return model.eval()


def params_of(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def bn_buffers_of(model: nn.Module) -> int:
    return sum(m.running_mean.numel() + m.running_var.numel() for m in model.modules()
               if isinstance(m, nn.BatchNorm2d) and m.running_mean is not None)


def count(model: nn.Module, height: int, width: int, aux: dict | None = None) -> dict:
    """MACs of one forward pass at ``height x width`` (and of each side head, apart)."""
    seen = {}
    hooks = []
    for head, feeder in (aux or {}).items():
        hooks.append(getattr(model, feeder).register_forward_hook(
            lambda m, i, o, head=head: seen.__setitem__(head, o)))
    counter = _Counter(model)
    with torch.no_grad():
        out = model(torch.empty(1, 3, height, width, device="meta"))
    counter.close()
    for h in hooks:
        h.remove()
    result = {"macs": counter.total, "conv_macs": counter.macs["conv"],
              "linear_macs": counter.macs["linear"], "output": list(out.shape[1:])}
    heads = {}
    for head, feature in seen.items():
        module = getattr(model, head)
        c = _Counter(module)
        try:
            with torch.no_grad():
                module(feature)
        except RuntimeError as error:  # the head's kernel does not fit a small map
            heads[head] = {"error": str(error).splitlines()[0], "input": list(feature.shape[1:])}
            continue
        finally:
            c.close()
        heads[head] = {"macs": c.total, "params": params_of(module),
                       "input": list(feature.shape[1:])}
    if heads:
        result["heads"] = heads
    return result


def weights_meta(name: str) -> dict:
    enum = torchvision.models.get_model_weights(name)
    out = {}
    for w in enum:
        crop = w.transforms.keywords.get("crop_size")
        out[str(w)] = {"num_params": w.meta["num_params"], "gmacs": w.meta["_ops"],
                       "crop_size": crop, "min_size": list(w.meta.get("min_size", ())),
                       "source": f"torchvision {torchvision.__version__}: "
                                 f"torchvision.models.{w}.meta, transforms crop_size"}
    return out


def model_record(name: str) -> dict:
    published = weights_meta(name)
    crop = next(iter(published.values()))["crop_size"]
    kwargs = {"aux_logits": True, "init_weights": False} if name in AUX_HEADS else {}
    model = build(name, **kwargs)
    aux = AUX_HEADS.get(name)
    heads_params = sum(params_of(getattr(model, h)) for h in aux or ())
    sizes = {}
    for h, w in [(crop, crop), *ODD_SIZES]:
        sizes[f"{h}x{w}"] = count(model, h, w, aux)
    record = {
        "published": published,
        "count": {
            "params": params_of(model) - heads_params,
            "params_with_heads": params_of(model),
            "bn_buffers": bn_buffers_of(model),
            "default_size": [crop, crop],
            "sizes_HxW": sizes,
            "source": "benchmarks/torchvision_counts.py: torchvision.models.get_model"
                      f"({name!r}, weights=None{', aux_logits=True' if aux else ''}); "
                      "sum of parameter numel; forward hooks on nn.Conv2d/nn.Linear, meta device",
        },
    }
    return record


class _MobileNetV1(nn.Module):
    """Howard et al. 2017, Table 1 (the stride-2 misprint of the second 1024 layer as 1)."""

    PLAN = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
           [(1024, 2), (1024, 1)]

    def __init__(self, alpha: float):
        super().__init__()
        c = int(32 * alpha)
        layers = [nn.Conv2d(3, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
        for out, stride in self.PLAN:
            out = int(out * alpha)
            layers += [nn.Conv2d(c, c, 3, stride, 1, groups=c, bias=False), nn.BatchNorm2d(c),
                       nn.ReLU(), nn.Conv2d(c, out, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
            c = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, 1000)

    def forward(self, x):
        return self.fc(self.features(x).mean((2, 3)))


def mobilenet_v1_records() -> dict:
    out = {}
    for alpha in (1.0, 0.75, 0.5, 0.25):
        with torch.device("meta"):
            model = _MobileNetV1(alpha).eval()
        for res in (224, 192, 160, 128):
            c = count(model, res, res)
            out[f"alpha={alpha} res={res}"] = {"macs": c["macs"], "params": params_of(model),
                                               "bn_buffers": bn_buffers_of(model)}
    return {"counts": out,
            "paper": {"source": "Howard et al. 2017, arXiv:1704.04861, Table 6 (width, 224) "
                                "and Table 7 (resolution, alpha 1.0); millions, as printed",
                      "table6": {"1.0": [569, 4.2], "0.75": [325, 2.6], "0.5": [149, 1.3],
                                 "0.25": [41, 0.47]},
                      "table7": {"224": [569, 4.2], "192": [418, 4.2], "160": [290, 4.2],
                                 "128": [186, 4.2]}},
            "source": "benchmarks/torchvision_counts.py: _MobileNetV1, a PyTorch transcription "
                      "of Table 1, counted with the same forward hooks"}


def family_records() -> dict:
    """torchvision's own families at other widths: MobileNet v2 width_mult x resolution,
    EfficientNet b0-b7 at their crop sizes."""
    out = {"mobilenet_v2": {}, "efficientnet": {}}
    for width in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4):
        model = build("mobilenet_v2", width_mult=width)
        for res in (96, 128, 160, 192, 224):
            c = count(model, res, res)
            out["mobilenet_v2"][f"width_mult={width} res={res}"] = {
                "macs": c["macs"], "params": params_of(model)}
    for b in range(8):
        name = f"efficientnet_b{b}"
        meta = weights_meta(name)
        crop = next(iter(meta.values()))["crop_size"]
        model = build(name)
        c = count(model, crop, crop)
        out["efficientnet"][name] = {"macs": c["macs"], "params": params_of(model),
                                     "res": crop, "published": meta}
    return out


def main(argv=None) -> int:
    names = (argv or sys.argv[1:]) or MODELS
    data = {
        "about": {
            "torch": torch.__version__, "torchvision": torchvision.__version__,
            "what": "published: torchvision weights metadata (num_params; _ops = GMACs of "
                    "conv and linear, at crop_size). count: exact integers from "
                    "benchmarks/torchvision_counts.py (params summed; MACs by forward hooks "
                    "on Conv2d and Linear, batch 1, bias adds not counted); sizes are H x W.",
        },
        "models": {name: model_record(name) for name in names},
        "mobilenet_v1": mobilenet_v1_records(),
        "families": family_records(),
    }
    json.dump(data, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
