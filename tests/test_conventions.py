"""Each --convention equals the real tool's total, exactly, on models with a transposed conv
(decoder) and grouped convs (grouped, mobilenet_v1), and the gap of two tools is the sum of
the named terms of symconv.net.compare."""

from __future__ import annotations

import contextlib
import io
import warnings

import pytest

from symconv.net import conventions
from symconv.net.compare import compare
from symconv.net.network import Network
from torch_models import build, need

MODELS = ["mobilenet_v1", "decoder", "grouped", "mobilenet_v2", "misc"]
SIZES = [(224, 224), (97, 131)]


def run_tool(tool: str, model, h: int, w: int):
    """The tool's own headline number on a batch-1 input (for calflops and DeepSpeed:
    FLOPs and MACs)."""
    torch = need("torch")
    x = torch.zeros(1, 3, h, w)
    quiet = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(quiet), \
            contextlib.redirect_stderr(quiet):
        warnings.simplefilter("ignore")
        if tool == "ptflops":
            macs, _ = need("ptflops").get_model_complexity_info(
                model, (3, h, w), as_strings=False, print_per_layer_stat=False)
            return macs
        if tool == "thop":
            return need("thop").profile(model, inputs=(x,), verbose=False)[0]
        if tool == "fvcore":
            analysis = need("fvcore.nn").FlopCountAnalysis(model, x)
            analysis.unsupported_ops_warnings(False)
            analysis.uncalled_modules_warnings(False)
            return analysis.total()
        if tool == "torchinfo":
            return need("torchinfo").summary(model, input_size=(1, 3, h, w), verbose=0).total_mult_adds
        if tool == "calflops":
            flops, macs, _ = need("calflops").calculate_flops(
                model, input_shape=(1, 3, h, w), output_as_string=False, print_results=False,
                print_detailed=False)
            return flops, macs
        if tool == "deepspeed":
            profiler = need("deepspeed.profiling.flops_profiler")
            flops, macs, _ = profiler.get_model_profile(model, input_shape=(1, 3, h, w),
                                                        print_profile=False, as_string=False)
            return flops, macs
        if tool == "torch-flop-counter":
            counter = need("torch.utils.flop_counter").FlopCounterMode(display=False)
            with counter, torch.no_grad():
                model(x)
            return counter.get_total_flops()
    raise AssertionError(tool)


def analysed(name, h, w):
    from symconv.net.torch_import import from_torch

    model = build(name)
    return model, from_torch(model).analyse({"H": h, "W": w})


TOOLS = ["ptflops", "thop", "fvcore", "torchinfo", "calflops", "deepspeed", "torch-flop-counter"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("tool", TOOLS)
def test_convention_equals_the_real_tool(tool, name, size):
    model, a = analysed(name, *size)
    got = run_tool(tool, model, *size)
    mine, _ = conventions.total(a, tool)
    if tool in ("calflops", "deepspeed"):
        got, got_macs = got
        assert conventions.macs(a, tool) == got_macs
    assert float(got).is_integer() and mine == int(got)   # thop returns a float


def test_the_conventions_differ_where_the_tools_do():
    """The test models exercise every difference the conventions name: no two agree."""
    _, a = analysed("decoder", 64, 64)
    totals = {t: conventions.total(a, t)[0] for t in TOOLS}
    assert len(set(totals.values())) == len(TOOLS)


@pytest.mark.parametrize("pair", [("ptflops", "thop"), ("symconv", "torchinfo"),
                                  ("fvcore", "calflops"), ("thop", "deepspeed")])
def test_the_gap_is_the_sum_of_the_named_terms_and_the_tools_gap(pair):
    model, a = analysed("decoder", 97, 131)
    c = compare(a, *pair)
    assert sum(t.gap for t in c.terms) == c.total_b - c.total_a
    real = {t: run_tool(t, model, 97, 131) for t in pair if t != "symconv"}
    real = {t: int(v[0] if isinstance(v, tuple) else v) for t, v in real.items()}
    real.setdefault("symconv", a.total["macs"])
    assert c.total_b - c.total_a == real[pair[1]] - real[pair[0]]


def test_keras_counts_batchnorm_statistics_as_its_docs_show():
    # Keras Applications table (keras-team/keras-docs, docs/templates/applications.md, and
    # model.summary() of keras.applications.MobileNet): MobileNet 4,253,864 Total params,
    # of which 21,888 non-trainable (BN moving mean and variance).
    a = Network.zoo("mobilenet-v1").analyse({"H": 224, "W": 224, "alpha": 1})
    assert conventions.total(a, "keras")[0] == 4253864
    assert a.total["bn_buffers"] == 21888


def test_zoo_specs_count_without_torch():
    a = Network.zoo("resnet-50").analyse({"H": 224, "W": 224})
    assert conventions.total(a, "symconv")[0] == a.total["macs"]
    assert conventions.total(a, "torch-flop-counter")[0] == a.total["flops"]
    fv = conventions.total(a, "fvcore")[0]   # MACs + BN 2 per element + global pool input
    bn_elements = sum(r.output.width * r.output.height * r.output.channels
                      for r in a.rows if r.type == "batchnorm")
    assert fv == a.total["macs"] + 2 * bn_elements + 2048 * 7 * 7


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("zoo, name", [("mobilenet-v1", "mobilenet_v1"), ("resnet-50", "resnet50")])
def test_a_zoo_spec_under_a_convention_equals_the_tool_on_the_torch_model(tool, zoo, name):
    """A spec is counted as if written with torch.nn modules; both of these models are."""
    values = {"H": 224, "W": 224, **({"alpha": 1} if zoo == "mobilenet-v1" else {})}
    a = Network.zoo(zoo).analyse(values)
    got = run_tool(tool, build(name), 224, 224)
    got = got[0] if isinstance(got, tuple) else got
    assert conventions.total(a, tool)[0] == int(got)
