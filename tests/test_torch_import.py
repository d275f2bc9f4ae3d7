"""from_torch: torchvision and small models against a forward-hook count, torchvision's
published metadata and the zoo specs; symbolic sizes against numeric runs at odd sizes."""

from __future__ import annotations

import math

import pytest
import sympy

from symconv.errors import InputError
from symconv.net.network import Network
from symconv.symbols import SYMBOLS
from torch_models import build, need

H, W = SYMBOLS["H"], SYMBOLS["W"]


def hook_count(model, h, w):
    """Params, conv + linear MACs and the output shape from a real forward pass (batch 1):
    an independent count from the tensors torch computes, not from symconv's formulas."""
    torch = need("torch")
    nn = torch.nn
    macs = []

    def conv(m, inputs, out):
        x = inputs[0]
        k = math.prod(m.kernel_size)
        if isinstance(m, (nn.ConvTranspose1d, nn.ConvTranspose2d)):
            macs.append(math.prod(x.shape[2:]) * m.in_channels * (m.out_channels // m.groups) * k)
        else:
            macs.append(out.numel() * (m.in_channels // m.groups) * k)

    def linear(m, inputs, out):
        macs.append(out.numel() * m.in_features)

    handles = []
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)):
            handles.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear))
    with torch.no_grad():
        out = model(torch.zeros(1, 3, h, w))
    for handle in handles:
        handle.remove()
    return sum(p.numel() for p in model.parameters()), sum(macs), tuple(out.shape)


def from_torch(model, *args, **kwargs):
    need("torch")
    from symconv.net.torch_import import from_torch as convert

    return convert(model, *args, **kwargs)


#: torchvision's weights metadata: num_params and _ops (GMACs of conv and linear at 224).
TORCHVISION = {"resnet50": ("ResNet50_Weights", 25557032, 4.089),
               "mobilenet_v2": ("MobileNet_V2_Weights", 3504872, 0.301),
               "densenet121": ("DenseNet121_Weights", 7978856, 2.834),
               "efficientnet_b0": ("EfficientNet_B0_Weights", 5288548, 0.386)}


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_torchvision_models_match_published_metadata_and_a_hook_count(name):
    torchvision = need("torchvision")
    enum, params, gmacs = TORCHVISION[name]
    meta = getattr(torchvision.models, enum).IMAGENET1K_V1.meta   # no download: class data
    assert (meta["num_params"], meta["_ops"]) == (params, gmacs)
    model = build(name)
    a = from_torch(model).analyse({"H": 224, "W": 224})
    assert a.total["params"] == params
    assert round(int(a.total["macs"]) / 1e9, 3) == gmacs
    assert (a.total["params"], a.total["macs"]) == hook_count(model, 224, 224)[:2]


@pytest.mark.parametrize("name", ["resnet50", "mobilenet_v2", "densenet121", "efficientnet_b0",
                                  "mobilenet_v1", "decoder", "grouped", "misc"])
def test_symbolic_sizes_agree_with_numeric_runs_at_odd_sizes(name):
    model = build(name)
    net = from_torch(model)
    symbolic = net.analyse()
    assert symbolic.total["macs"].free_symbols == {H, W}
    for h, w in ((97, 131), (225, 193), (65, 64)):
        params, macs, shape = hook_count(model, h, w)
        numeric = net.analyse({"H": h, "W": w})
        assert numeric.total["macs"] == macs == symbolic.total["macs"].xreplace({H: h, W: w})
        assert numeric.total["params"] == params == symbolic.total["params"]
        out = numeric.output
        assert (out.channels, out.height, out.width)[:len(shape) - 1] == shape[1:] or \
            out.channels == shape[1]


@pytest.mark.parametrize("zoo, name", [("resnet-50", "resnet50"), ("mobilenet-v1", "mobilenet_v1")])
def test_from_torch_equals_the_zoo_spec(zoo, name):
    spec = Network.zoo(zoo)
    net = from_torch(build(name))
    for size in (224, 193):
        values = {"H": size, "W": size}
        a = net.analyse(values)
        b = spec.analyse({**values, **({"alpha": 1} if zoo == "mobilenet-v1" else {})})
        for key in ("params", "weights", "biases", "bn_affine", "bn_buffers", "macs"):
            assert a.total[key] == b.total[key], key


@pytest.mark.parametrize("name", ["resnet50", "decoder", "grouped", "mobilenet_v1"])
def test_params_from_tensors_equal_the_catalog_layers_counts(name):
    a = from_torch(build(name)).analyse({"H": 64, "W": 64})
    layered = [row for row in a.rows if row.layer is not None]
    assert layered
    for row in layered:   # weights and biases read off the tensors vs the catalog's formulas
        assert (row.weights, row.biases) == (row.layer.weights, row.layer.biases), row.label


def test_a_shared_module_counts_its_parameters_once_and_its_macs_twice():
    torch = need("torch")

    class Twice(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(4, 4, 3, padding=1)

        def forward(self, x):
            return self.conv(torch.nn.functional.relu(self.conv(x)))

    model = Twice()
    with pytest.raises(InputError):   # 3 input channels do not fit a 4-channel conv
        from_torch(model)
    a = from_torch(model, (4, 8, 8)).analyse()
    assert a.total["params"] == 4 * 4 * 9 + 4 == sum(p.numel() for p in model.parameters())
    assert a.total["macs"] == 2 * 4 * 4 * 9 * 64
    assert [r.label for r in a.rows] == ["conv", "relu", "conv#2"]


def test_assume_divisible_gives_a_polynomial():
    a = from_torch(build("resnet50")).analyse(assume_divisible=True)
    assert a.exact_polynomial and a.total_stride == (32, 32)
    assert a.total["macs"].xreplace({H: 224, W: 224}) == 4089184256


def test_conv1d_padding_modes_and_dilation():
    torch = need("torch")
    nn = torch.nn
    model = nn.Sequential(nn.Conv1d(2, 8, 5, padding=2, padding_mode="reflect"),
                          nn.Conv1d(8, 8, 3, dilation=2, groups=4, padding="same"),
                          nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(8, 3)).eval()
    net = from_torch(model, (2, "W"))
    for length in (17, 40):
        with torch.no_grad():
            assert model(torch.zeros(1, 2, length)).shape == (1, 3)
        macs = 8 * 2 * 5 * length + 8 * 2 * 3 * length + 8 * 3
        assert net.analyse({"W": length}).total["macs"] == macs
    assert net.analyse().total["macs"] == 128 * W + 24


def test_ceil_mode_pooling_follows_pytorch():
    torch = need("torch")
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.MaxPool2d(3, 2, ceil_mode=True),
                          nn.AvgPool2d(2, 2, padding=1, ceil_mode=True)).eval()
    net = from_torch(model, (3, 20, 21))
    for h, w in ((20, 21), (7, 8), (5, 6)):
        with torch.no_grad():
            want = tuple(model(torch.zeros(1, 3, h, w)).shape)
        out = from_torch(model, (3, h, w)).analyse().output
        assert (1, out.channels, out.height, out.width) == want
    assert net.analyse().output.height == 6


def test_an_unknown_module_is_named_or_listed_never_silently_zero():
    torch = need("torch")

    class Odd(torch.nn.Module):
        def forward(self, x):
            return x

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.PixelShuffle(2)).eval()
    with pytest.raises(InputError, match=r"cannot map: 1 \(torch.nn.modules.pixelshuffle.PixelShuffle\)"):
        from_torch(model)
    net = from_torch(model, strict=False)
    assert len(net.unmapped) == 1 and "PixelShuffle" in net.unmapped[0]
    assert net.analyse({"H": 8, "W": 8}).total["macs"] == 3 * 4 * 64
    assert from_torch(torch.nn.Sequential(Odd(), torch.nn.ReLU())).analyse().total["macs"] == 0


def test_bad_input_shapes_are_input_errors():
    model = build("grouped")
    for shape in ((3,), (3, "Q", 4), ("C", 4, 4), (0, 4, 4), (3, -1, 4), (3, True, 4)):
        with pytest.raises(InputError):
            from_torch(model, shape)
    with pytest.raises(InputError, match="nn.Module"):
        from_torch(object())


def test_where_fx_fails_a_meta_device_forward_gives_the_graph():
    torch = need("torch")
    nn = torch.nn

    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(8, 4)

        def forward(self, x):
            x = torch.relu(self.conv(x))
            if x.shape[-1] % 2 == 0:    # Python control flow on a size: fx cannot trace it
                x = self.pool(x)
            return self.fc((x + 1).mean((2, 3)))

    model = Branchy().eval()
    with pytest.raises(InputError, match="torch.fx cannot trace"):
        from_torch(model, trace="fx")
    for size in (32, 33):
        net = from_torch(model, (3, size, size))
        assert net.how == "hooks on a meta-device forward"
        a = net.analyse()
        assert (a.total["params"], a.total["macs"]) == hook_count(model, size, size)[:2]
        assert [r.type for r in a.rows] == ["conv", "relu"] + ["max-pool"] * (size % 2 == 0) + [
            "add", "mean", "dense"]


@pytest.mark.parametrize("name", ["resnet50", "densenet121", "decoder", "grouped"])
def test_fx_and_the_meta_device_forward_agree(name):
    model = build(name)
    a = from_torch(model, trace="fx").analyse({"H": 97, "W": 131})
    b = from_torch(model, trace="hooks").analyse({"H": 97, "W": 131})
    assert (a.total["params"], a.total["macs"]) == (b.total["params"], b.total["macs"])
    assert [(r.type, r.output) for r in a.rows if r.type != "stochastic-depth"] == \
        [(r.type, r.output) for r in b.rows]


def _zoo_pairs():
    from test_zoo import PUBLISHED

    slow = {"vgg-11", "vgg-11-bn", "vgg-16-bn", "vgg-19", "vgg-19-bn"}   # vgg-16 stands for them
    return [(zoo, entry[0]) for zoo, entry in PUBLISHED.items() if zoo not in slow]


@pytest.mark.parametrize("zoo, name", _zoo_pairs())
def test_from_torch_on_torchvision_equals_every_zoo_spec(zoo, name):
    """The zoo's specs (issue 13) and from_torch on torchvision's code are two independent
    readings of the same networks: params and MACs agree at 224 and at an odd size."""
    torchvision = need("torchvision")
    extra = {"aux_logits": False, "init_weights": False} if name in ("googlenet", "inception_v3") else {}
    model = getattr(torchvision.models, name)(weights=None, **extra).eval()
    net, spec = from_torch(model), Network.zoo(zoo)
    alpha = {"alpha": 1} if "alpha" in {str(p) for p in spec.parameters} | {
        str(s) for s in spec.analyse().total["macs"].free_symbols} else {}
    for size in (224, 199):
        a = net.analyse({"H": size, "W": size})
        b = spec.analyse({"H": size, "W": size, **alpha})
        assert (a.total["params"], a.total["macs"]) == (b.total["params"], b.total["macs"])


def test_a_norm_defined_outside_torch_nn_counts_as_that_norm():
    """torchvision's ConvNeXt normalises with LayerNorm2d, a subclass of nn.LayerNorm whose
    forward permutes around F.layer_norm: it is read as the norm it is (shape kept, its own
    parameters). Checked against PyTorch's parameter count and a forward-hook MAC count on a
    small model with such a norm."""
    torch = need("torch")
    nn = torch.nn

    class LayerNorm2d(nn.LayerNorm):   # as torchvision.models.convnext defines it
        def forward(self, x):
            x = x.permute(0, 2, 3, 1)
            x = nn.functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
            return x.permute(0, 3, 1, 2)

    model = nn.Sequential(nn.Conv2d(3, 16, 4, 4), LayerNorm2d(16), nn.Conv2d(16, 32, 3, padding=1),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10)).eval()
    for trace in ("fx", "hooks"):
        a = from_torch(model, trace=trace).analyse({"H": 64, "W": 64})
        assert (a.total["params"], a.total["macs"]) == hook_count(model, 64, 64)[:2]
        assert [r.type for r in a.rows][1] == "layernorm" and a.rows[1].bn_affine == 32


def test_a_parameter_forward_uses_directly_is_counted_once():
    """ConvNeXt's layer scale (and a ViT's class token) is a parameter forward uses itself,
    outside a layer: it is counted, once, on both tracing paths, so that the total equals
    PyTorch's own count of the model's parameters."""
    torch = need("torch")
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(8, 8, 3, padding=1)
            self.scale = nn.Parameter(torch.ones(8, 1, 1))

        def forward(self, x):
            return x + self.scale * self.conv(x) + self.scale   # used twice, counted once

    model = nn.Sequential(nn.Conv2d(3, 8, 3), Block(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(8, 2)).eval()
    for trace in ("fx", "hooks"):
        a = from_torch(model, trace=trace).analyse({"H": 16, "W": 16})
        assert (a.total["params"], a.total["macs"]) == hook_count(model, 16, 16)[:2]
        assert [r.type for r in a.rows].count("parameter") == 1


def test_parameters_this_forward_does_not_use_are_named_not_counted():
    """A side head that eval mode skips (Inception's AuxLogits) is not in the totals, and
    the network says which part and how many parameters (PyTorch's own numel)."""
    torch = need("torch")
    nn = torch.nn

    class WithAux(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Conv2d(3, 8, 3)
            self.aux = nn.Linear(8, 10)   # used only when training

        def forward(self, x):
            x = self.body(x)
            return self.aux(x.mean((2, 3))) if self.training else x

    model = WithAux().eval()
    for trace in ("fx", "hooks"):
        net = from_torch(model, trace=trace)
        assert net.analyse({"H": 8, "W": 8}).total["params"] == sum(
            p.numel() for p in model.body.parameters())
        assert net.unused == {"aux": sum(p.numel() for p in model.aux.parameters())}


@pytest.mark.parametrize("name", ["convnext_tiny", "efficientnet_v2_s", "regnet_x_400mf",
                                  "mnasnet0_5", "shufflenet_v2_x0_5"])
def test_torchvision_families_without_a_zoo_spec_against_pytorch(name):
    """Families the zoo has no spec for (or other members of): params against PyTorch's
    numel, MACs against FlopCounterMode's FLOPs / 2 on the meta device, at 224 and at an odd
    size, and the closed form at both sizes. The model is built on the meta device where its
    constructor allows (shapes only: quick), else on the CPU (RegNet reads its widths)."""
    torch = need("torch")
    torchvision = need("torchvision")
    from torch.utils.flop_counter import FlopCounterMode

    try:
        with torch.device("meta"):
            model = torchvision.models.get_model(name, weights=None)
    except NotImplementedError:
        model = torchvision.models.get_model(name, weights=None)
    model.eval()
    meta = model.to("meta")
    net = from_torch(model)
    symbolic = net.analyse().total
    for h, w in ((224, 224), (193, 257)):
        counter = FlopCounterMode(display=False)
        with counter:
            meta(torch.zeros(1, 3, h, w, device="meta"))
        a = net.analyse({"H": h, "W": w}).total
        assert (a["params"], a["macs"]) == (sum(p.numel() for p in model.parameters()),
                                            counter.get_total_flops() // 2)
        assert symbolic["macs"].xreplace({H: h, W: w}) == a["macs"]


def test_an_unmapped_operation_is_named_first_when_a_later_step_fails_on_its_output():
    """A video model's Conv3d cannot be mapped; it passes its input on, and the classifier
    then sees the wrong size: the error names the Conv3d first (torchvision's r3d_18)."""
    torch = need("torch")
    nn = torch.nn
    model = nn.Sequential(nn.Conv3d(3, 8, 3), nn.AdaptiveAvgPool3d(1), nn.Flatten(),
                          nn.Linear(8, 10))
    for strict in (True, False):
        with pytest.raises(InputError) as info:
            from_torch(model, input_shape=(3, 16, 16), strict=strict)
        message = str(info.value)
        assert message.startswith("2 operation(s) symconv cannot map: 0 (torch.nn.modules.conv."
                                  "Conv3d); 1 (torch.nn.modules.pooling.AdaptiveAvgPool3d), "
                                  "passed on unchanged; then 3 (nn.Linear): expects 8 input "
                                  "features, gets 768"), message


def test_an_upsample_to_the_inputs_own_size_is_read_in_closed_form():
    """Segmentation heads resize to the input's size (FCN: F.interpolate(x, size=input.shape[-2:])):
    the size is the symbol H, W (torchvision's fcn_resnet50 was an internal error). Checked
    against PyTorch's numel and a hook count at two sizes, and the closed form at both."""
    torch = need("torch")
    nn, F = torch.nn, torch.nn.functional

    class Segmenter(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.Conv2d(3, 4, 3, stride=2, padding=1)
            self.head = nn.Conv2d(4, 2, 1)

        def forward(self, x):
            size = x.shape[-2:]
            return self.head(F.interpolate(self.down(x), size=size, mode="bilinear"))

    model = Segmenter().eval()
    net = from_torch(model)
    symbolic = net.analyse().total["macs"]
    for h, w in ((32, 32), (33, 47)):
        params, macs, shape = hook_count(model, h, w)
        total = net.analyse({"H": h, "W": w}).total
        assert (total["params"], total["macs"]) == (params, macs)
        assert symbolic.xreplace({H: h, W: w}) == macs and shape == (1, 2, h, w)
