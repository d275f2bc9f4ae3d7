"""The built-in networks against published numbers, exactly (MACs of conv and dense layers)."""

import pytest
import sympy

from symconv.net.network import Network
from symconv.net.network import Network
from symconv.net.spec import zoo_names

load_zoo = Network.zoo
from symconv.symbols import H, W, alpha

AT_224 = {"H": 224, "W": 224}


def test_zoo_lists_the_three_networks():
    assert zoo_names() == ["mobilenet-v1", "resnet-50", "vgg-16"]


def test_mobilenet_v1_at_224_exact():
    total = load_zoo("mobilenet-v1").analyse({**AT_224, "alpha": 1}).total
    assert total["macs"] == 568_740_352
    assert total["weights"] == 4_209_088  # no biases, no BN
    assert total["params"] == 4_231_976  # + BN scale and shift + classifier bias (PyTorch)
    assert total["biases"] == 1000
    assert total["bn_affine"] == total["bn_buffers"] == 21_888
    assert total["flops"] == 2 * 568_740_352


@pytest.mark.parametrize("a, millions", [(sympy.Rational(3, 4), 325), (sympy.Rational(1, 2), 149),
                                          (sympy.Rational(1, 4), 41), (1, 569)])
def test_mobilenet_width_multiplier_table(a, millions):
    """Howard et al. Table 6: 569, 325, 149, 41 million mult-adds."""
    macs = load_zoo("mobilenet-v1").analyse({**AT_224, "alpha": a}).total["macs"]
    assert round(macs / 10**6) == millions


@pytest.mark.parametrize("size, millions", [(224, 569), (192, 418), (160, 290), (128, 186)])
def test_mobilenet_resolution_table(size, millions):
    """Howard et al. Table 7: 569, 418, 290, 186 million mult-adds (the paper rounds both ways)."""
    macs = load_zoo("mobilenet-v1").analyse({"H": size, "W": size, "alpha": 1}).total["macs"]
    assert abs(int(macs) / 10**6 - millions) < 1


def test_mobilenet_exact_values_at_other_widths():
    net = load_zoo("mobilenet-v1")
    assert net.analyse({**AT_224, "alpha": 0.75}).total["macs"] == 325_400_448
    assert net.analyse({**AT_224, "alpha": 0.5}).total["macs"] == 149_497_088
    assert net.analyse({**AT_224, "alpha": 0.25}).total["macs"] == 41_030_272


def test_mobilenet_closed_form_is_a_polynomial_when_divisible():
    total = load_zoo("mobilenet-v1").analyse(assume_divisible=True).total
    assert total["macs"] == sympy.expand(10752 * H * W * alpha**2
                                         + sympy.Rational(1125, 2) * H * W * alpha + 1024000 * alpha)
    assert total["params"] == 3139584 * alpha**2 + 1091392 * alpha + 1000
    assert total["macs"].xreplace({H: 224, W: 224, alpha: 1}) == 568_740_352


def test_resnet50_at_224_exact():
    total = load_zoo("resnet-50").analyse(AT_224).total
    assert total["macs"] == 4_089_184_256
    assert total["params"] == 25_557_032


def test_resnet50_closed_form():
    total = load_zoo("resnet-50").analyse(assume_divisible=True).total
    assert total["macs"] == 81456 * H * W + 2048000
    assert total["params"] == 25_557_032


def test_vgg16_at_224_exact():
    total = load_zoo("vgg-16").analyse(AT_224).total
    assert total["macs"] == 15_470_264_320
    assert total["params"] == 138_357_544
    assert total["bn_affine"] == 0


def test_vgg16_classifier_input_grows_with_the_image():
    total = load_zoo("vgg-16").analyse(assume_divisible=True).total
    assert total["params"] == 2048 * H * W + 35597096
    assert total["macs"] == 307904 * H * W + 20873216


SIZES = [(224, 224), (225, 224), (97, 131), (160, 160), (33, 65), (512, 384)]


@pytest.mark.parametrize("name", ["mobilenet-v1", "resnet-50", "vgg-16"])
def test_symbolic_totals_equal_numeric_totals(name):
    net = load_zoo(name)
    symbolic = net.analyse()
    for h, w in SIZES:
        for a in (1, sympy.Rational(1, 2)):
            numeric = net.analyse({"H": h, "W": w, "alpha": a})
            for key, value in symbolic.total.items():
                assert value.xreplace({H: h, W: w, alpha: a}) == numeric.total[key], (key, h, w, a)


@pytest.mark.parametrize("name", ["mobilenet-v1", "resnet-50", "vgg-16"])
def test_divisible_totals_equal_numeric_at_multiples_of_the_stride(name):
    net = load_zoo(name)
    divisible = net.analyse(assume_divisible=True)
    assert divisible.total_stride == (32, 32)
    assert divisible.exact_polynomial
    for h, w in [(224, 224), (96, 320), (512, 512)]:
        numeric = net.analyse({"H": h, "W": w, "alpha": 1})
        for key, value in divisible.total.items():
            assert value.xreplace({H: h, W: w, alpha: 1}) == numeric.total[key]


@pytest.mark.parametrize("name", ["mobilenet-v1", "resnet-50", "vgg-16"])
@pytest.mark.parametrize("values", [{"H": 224, "W": 224, "alpha": 1}, {}])
def test_rows_sum_to_totals(name, values):
    a = load_zoo(name).analyse(values)
    for key in ("params", "weights", "biases", "bn_affine", "bn_buffers", "macs", "flops"):
        assert sympy.expand(sympy.Add(*(row.value(key) for row in a.rows)) - a.total[key]) == 0


def test_zoo_is_reachable_from_network_class():
    assert Network.zoo("resnet-50").name == "resnet-50"


def test_resnet50_shapes_follow_the_paper():
    a = load_zoo("resnet-50").analyse(AT_224)
    out = {row.label: tuple(row.output) for row in a.rows}
    assert out["conv1"] == (112, 112, 64)
    assert out["3"] == (56, 56, 64)  # max pool
    assert out["conv2.add"] == (56, 56, 256)
    assert out["conv3.add"] == (28, 28, 512)
    assert out["conv4.add"] == (14, 14, 1024)
    assert out["conv5.add"] == (7, 7, 2048)
    assert tuple(a.output) == (1, 1, 1000)
