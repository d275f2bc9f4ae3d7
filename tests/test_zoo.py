"""The built-in networks against published numbers and an independent count, exactly.

Two independent sources pin every zoo network:

- PUBLISHED: what torchvision 0.29.1 ships in each model's weights metadata
  (``torchvision.models.<Weights>.meta``: ``num_params``, and ``_ops``, the GMACs of conv and
  linear layers at the transforms' crop size, rounded to 3 decimals), copied here by hand;
- tests/data/torchvision_counts.json: exact integers counted by
  benchmarks/torchvision_counts.py on the torchvision models built with weights=None
  (parameters summed; conv and linear MACs by forward hooks) at the default crop and four odd
  sizes, side heads apart. It needs torch; these tests only read its output.
"""

import json
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from symconv.cli import main
from symconv.net.network import Network
from symconv.symbols import H, W, alpha

COUNTS = json.loads((Path(__file__).parent / "data" / "torchvision_counts.json").read_text())

# zoo name: (torchvision model, num_params, _ops GMACs, crop size), from torchvision 0.29.1's
# weights metadata (the first weights listed; later versions carry the same two numbers).
PUBLISHED = {
    "alexnet": ("alexnet", 61_100_840, 0.714, 224),  # AlexNet_Weights.IMAGENET1K_V1
    "vgg-11": ("vgg11", 132_863_336, 7.609, 224),  # VGG11_Weights.IMAGENET1K_V1
    "vgg-11-bn": ("vgg11_bn", 132_868_840, 7.609, 224),  # VGG11_BN_Weights.IMAGENET1K_V1
    "vgg-16": ("vgg16", 138_357_544, 15.47, 224),  # VGG16_Weights.IMAGENET1K_V1
    "vgg-16-bn": ("vgg16_bn", 138_365_992, 15.47, 224),  # VGG16_BN_Weights.IMAGENET1K_V1
    "vgg-19": ("vgg19", 143_667_240, 19.632, 224),  # VGG19_Weights.IMAGENET1K_V1
    "vgg-19-bn": ("vgg19_bn", 143_678_248, 19.632, 224),  # VGG19_BN_Weights.IMAGENET1K_V1
    "resnet-18": ("resnet18", 11_689_512, 1.814, 224),  # ResNet18_Weights.IMAGENET1K_V1
    "resnet-34": ("resnet34", 21_797_672, 3.664, 224),  # ResNet34_Weights.IMAGENET1K_V1
    "resnet-50": ("resnet50", 25_557_032, 4.089, 224),  # ResNet50_Weights.IMAGENET1K_V1/V2
    "resnet-101": ("resnet101", 44_549_160, 7.801, 224),  # ResNet101_Weights.IMAGENET1K_V1/V2
    "resnet-152": ("resnet152", 60_192_808, 11.514, 224),  # ResNet152_Weights.IMAGENET1K_V1/V2
    "resnext-50-32x4d": ("resnext50_32x4d", 25_028_904, 4.23, 224),  # ResNeXt50_32X4D_Weights
    "wide-resnet-50-2": ("wide_resnet50_2", 68_883_240, 11.398, 224),  # Wide_ResNet50_2_Weights
    "squeezenet-1.0": ("squeezenet1_0", 1_248_424, 0.819, 224),  # SqueezeNet1_0_Weights.IMAGENET1K_V1
    "squeezenet-1.1": ("squeezenet1_1", 1_235_496, 0.349, 224),  # SqueezeNet1_1_Weights.IMAGENET1K_V1
    "densenet-121": ("densenet121", 7_978_856, 2.834, 224),  # DenseNet121_Weights.IMAGENET1K_V1
    "densenet-169": ("densenet169", 14_149_480, 3.36, 224),  # DenseNet169_Weights.IMAGENET1K_V1
    "googlenet": ("googlenet", 6_624_904, 1.498, 224),  # GoogLeNet_Weights.IMAGENET1K_V1 (no aux)
    "inception-v3": ("inception_v3", 27_161_264, 5.713, 299),  # Inception_V3_Weights (params WITH aux)
    "mobilenet-v2": ("mobilenet_v2", 3_504_872, 0.301, 224),  # MobileNet_V2_Weights.IMAGENET1K_V1/V2
    "mobilenet-v3-small": ("mobilenet_v3_small", 2_542_856, 0.057, 224),  # MobileNet_V3_Small_Weights
    "mobilenet-v3-large": ("mobilenet_v3_large", 5_483_032, 0.217, 224),  # MobileNet_V3_Large_Weights
    "shufflenet-v2-x1.0": ("shufflenet_v2_x1_0", 2_278_604, 0.145, 224),  # ShuffleNet_V2_X1_0_Weights
    "mnasnet-1.0": ("mnasnet1_0", 4_383_312, 0.314, 224),  # MNASNet1_0_Weights.IMAGENET1K_V1
    "efficientnet-b0": ("efficientnet_b0", 5_288_548, 0.386, 224),  # EfficientNet_B0_Weights
    "efficientnet-b1": ("efficientnet_b1", 7_794_184, 0.687, 240),  # EfficientNet_B1_Weights V1/V2
    "regnet-y-400mf": ("regnet_y_400mf", 4_344_144, 0.402, 224),  # RegNet_Y_400MF_Weights V1/V2
}
#: torchvision's num_params counts the auxiliary head for Inception v3 (its weights file keeps
#: it) but not for GoogLeNet (its builder drops the heads); _ops never counts them.
PARAMS_WITH_HEADS = {"inception-v3"}


def test_the_zoo_has_every_published_network_and_mobilenet_v1():
    names = Network.zoo_names() if hasattr(Network, "zoo_names") else None
    from symconv.net.spec import zoo_names

    assert sorted(zoo_names()) == sorted([*PUBLISHED, "mobilenet-v1"])
    assert len(zoo_names()) >= 25
    assert names is None or names == zoo_names()


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_metadata(name):
    tv, num_params, gmacs, crop = PUBLISHED[name]
    net = Network.zoo(name)
    a = net.analyse({"H": crop, "W": crop, "alpha": 1}, heads=name in PARAMS_WITH_HEADS)
    assert a.total["params"] == num_params
    main_macs = net.analyse({"H": crop, "W": crop, "alpha": 1}).total["macs"]
    assert round(int(main_macs) / 10**9, 3) == gmacs
    # the data file says the same (it was made by another program, from torchvision itself)
    meta = next(iter(COUNTS["models"][tv]["published"].values()))
    assert (meta["num_params"], meta["gmacs"], meta["crop_size"]) == (num_params, gmacs, crop)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_exact_independent_count_at_default_and_odd_sizes(name):
    tv = PUBLISHED[name][0]
    count = COUNTS["models"][tv]["count"]
    net = Network.zoo(name)
    symbolic = net.analyse({"alpha": 1}).total
    for size, want in count["sizes_HxW"].items():
        h, w = map(int, size.split("x"))
        a = net.analyse({"H": h, "W": w, "alpha": 1})
        assert a.total["params"] == count["params"], size
        assert a.total["macs"] == want["macs"], size
        heads_bn = sum(t["bn_buffers"] for t in a.heads.values())  # torch's count has the heads'
        assert a.total["bn_buffers"] + heads_bn == count["bn_buffers"] or a.head_errors
        assert symbolic["macs"].xreplace({H: h, W: w}) == want["macs"], size
        assert tuple(a.output) == (1, 1, 1000)
        for head, got in want.get("heads", {}).items():
            if "macs" in got:
                assert (a.heads[head]["params"], a.heads[head]["macs"]) == (got["params"], got["macs"])
            else:  # torch cannot run this head at this size either
                assert head in a.head_errors and head not in a.heads
    if count["params_with_heads"] != count["params"]:
        with_heads = net.analyse({"H": 299, "W": 299, "alpha": 1}, heads=True).total["params"]
        assert with_heads == count["params_with_heads"]


@pytest.mark.parametrize("name", sorted([*PUBLISHED, "mobilenet-v1"]))
def test_divisible_closed_form_is_a_polynomial_equal_to_the_numbers(name):
    net = Network.zoo(name)
    d = net.analyse(assume_divisible=True)
    assert d.exact_polynomial
    sw, sh = (int(s) for s in d.total_stride)
    for k in (7, 10):
        h, w = sh * k, sw * (k + 3)
        numeric = net.analyse({"H": h, "W": w, "alpha": 1}).total
        for key in ("params", "macs", "bn_buffers"):
            assert d.total[key].xreplace({H: h, W: w, alpha: 1}) == numeric[key], (key, h, w)


@pytest.mark.parametrize("name", ["googlenet", "inception-v3", "mobilenet-v2", "shufflenet-v2-x1.0"])
def test_rows_sum_to_totals(name):
    a = Network.zoo(name).analyse({"H": 299, "W": 299, "alpha": 1})
    main_rows = [r for r in a.rows if r.head is None]
    for key in ("params", "weights", "biases", "bn_affine", "bn_buffers", "macs", "flops"):
        assert sympy.Add(*(r.value(key) for r in main_rows)) == a.total[key]
        for head, total in a.heads.items():
            assert sympy.Add(*(r.value(key) for r in a.rows if r.head == head)) == total[key]


# --- families ---------------------------------------------------------------------------

def test_mobilenet_v1_tables_6_and_7():
    """Howard et al. 2017 Table 6 (width at 224) and Table 7 (resolution at alpha 1), in
    millions as printed, and the exact counts of a PyTorch transcription of its Table 1."""
    record = COUNTS["mobilenet_v1"]
    net = Network.zoo("mobilenet-v1")
    table6, table7 = record["paper"]["table6"], record["paper"]["table7"]
    for key, want in record["counts"].items():
        a_text, res_text = key.split()
        a, res = Fraction(a_text.split("=")[1]), int(res_text.split("=")[1])
        total = net.analyse({"H": res, "W": res, "alpha": a}).total
        assert (total["macs"], total["params"]) == (want["macs"], want["params"])
        if res == 224:
            macs_m, params_m = table6[str(float(a)).rstrip("0").rstrip(".") if a != 1 else "1.0"]
            assert round(int(total["macs"]) / 10**6) == macs_m
            assert abs(int(total["params"]) / 10**6 - params_m) < 0.05
        if a == 1:
            macs_m, params_m = table7[str(res)]
            assert abs(int(total["macs"]) / 10**6 - macs_m) < 1  # the paper rounds both ways
            assert round(int(total["params"]) / 10**6, 1) == params_m


def test_mobilenet_v1_takes_any_width():
    """alpha = 0.35: widths floor(32 * 0.35) = 11, 22, 44, ... (Keras's int(c * alpha))."""
    a = Network.zoo("mobilenet-v1").analyse({"H": 224, "W": 224, "alpha": Fraction(35, 100)})
    assert a.rows[0].output.channels == 11
    widths = [int(c * 0.35) for c in (64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024)]
    assert [r.output.channels for r in a.rows if r.type == "pointwise"] == widths


def test_mobilenet_v1_closed_form_in_alpha():
    total = Network.zoo("mobilenet-v1").analyse(assume_divisible=True).total
    assert total["macs"] == sympy.expand(10752 * H * W * alpha**2
                                         + sympy.Rational(1125, 2) * H * W * alpha + 1024000 * alpha)
    assert total["params"] == 3139584 * alpha**2 + 1091392 * alpha + 1000


def test_mobilenet_v2_width_multiplier_and_resolution_are_torchvisions():
    """torchvision's mobilenet_v2(width_mult=...) counted at 96-224: every point exact."""
    net = Network.zoo("mobilenet-v2")
    closed = net.analyse().total
    for key, want in COUNTS["families"]["mobilenet_v2"].items():
        w_text, res_text = key.split()
        a, res = Fraction(w_text.split("=")[1]), int(res_text.split("=")[1])
        total = net.analyse({"H": res, "W": res, "alpha": a}).total
        assert (total["macs"], total["params"]) == (want["macs"], want["params"]), key
        assert closed["params"].xreplace({alpha: sympy.Rational(a)}) == want["params"]
    assert "make_divisible(32*alpha, 8, 8)" in str(closed["params"])


def test_efficientnet_b0_b1_are_the_family_members_torchvision_counts():
    family = COUNTS["families"]["efficientnet"]
    for b in (0, 1):
        want = family[f"efficientnet_b{b}"]
        total = Network.zoo(f"efficientnet-b{b}").analyse({"H": want["res"], "W": want["res"]}).total
        assert (total["macs"], total["params"]) == (want["macs"], want["params"])


# --- shapes and what the zoo shows ---------------------------------------------------------

def test_resnet50_shapes_follow_the_paper():
    a = Network.zoo("resnet-50").analyse({"H": 224, "W": 224})
    out = {row.label: tuple(row.output) for row in a.rows}
    assert out["conv1"] == (112, 112, 64)
    assert out["4"] == (56, 56, 64)  # max pool, after BN and ReLU
    assert out["conv2.1.add"] == (56, 56, 256)
    assert out["conv3.1.add"] == (28, 28, 512)
    assert out["conv4.1.add"] == (14, 14, 1024)
    assert out["conv5.1.add"] == (7, 7, 2048)


def test_ceil_mode_gives_googlenets_maps():
    """The issue's 55/27/13 instead of 56/28/14: ceil_mode pools keep the paper's sizes."""
    a = Network.zoo("googlenet").analyse({"H": 224, "W": 224})
    pools = [tuple(r.output)[:2] for r in a.rows if r.type == "max-pool" and r.label.count(".") == 0]
    assert pools == [(56, 56), (28, 28), (14, 14), (7, 7)]


def test_classifiers_do_not_grow_with_the_image():
    for name in ("alexnet", "vgg-16"):
        assert Network.zoo(name).analyse().total["params"].is_Integer


def test_list_shows_every_network_with_its_source(capsys):
    from symconv.net.spec import zoo_names

    assert main(["net", "--list"]) == 0
    out = capsys.readouterr().out
    for name in zoo_names():
        net = Network.zoo(name)
        assert f"{name}  " in out and net.reference and f"source: {net.reference}" in out
    for name, (tv, *_rest) in PUBLISHED.items():
        assert f"torchvision.models.{tv}" in Network.zoo(name).reference
    assert main(["net", "--list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {n["name"] for n in data["networks"]} == set(zoo_names())
    assert all(n["source"] for n in data["networks"])


# EfficientNet's compound scaling, (width_mult, depth_mult) per torchvision's efficientnet_bN.
EFFICIENTNET = {0: ("1.0", "1.0"), 1: ("1.0", "1.1"), 2: ("1.1", "1.2"), 3: ("1.2", "1.4"),
                4: ("1.4", "1.8"), 5: ("1.6", "2.2"), 6: ("1.8", "2.6"), 7: ("2.0", "3.1")}


@pytest.mark.parametrize("b", sorted(EFFICIENTNET))
def test_efficientnet_family_b0_to_b7_from_one_spec(b):
    """width_mult and depth_mult are the spec's parameters: B0's spec gives every member,
    exactly as torchvision's efficientnet_bN counts it at its crop size."""
    want = COUNTS["families"]["efficientnet"][f"efficientnet_b{b}"]
    width, depth = EFFICIENTNET[b]
    values = {"H": want["res"], "W": want["res"], "width_mult": Fraction(width),
              "depth_mult": Fraction(depth)}
    total = Network.zoo("efficientnet-b0").analyse(values).total
    assert (total["macs"], total["params"]) == (want["macs"], want["params"])


def test_family_parameters_from_the_command_line(capsys):
    assert main(["net", "efficientnet-b0", "width_mult=1.1", "depth_mult=1.2", "H=288", "W=288",
                 "--totals", "--format", "json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert total["macs"] == COUNTS["families"]["efficientnet"]["efficientnet_b2"]["macs"]
    assert main(["net", "resnet-50", "depth_mult=2"]) == 2
    assert "depth_mult" in capsys.readouterr().err
