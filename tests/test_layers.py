"""The layer catalog against the textbook forms and against brute-force loop counts."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from brute_force import conv_counts, depthwise_counts, pool_size, transposed_counts
from symconv.counts import Count
from symconv.errors import InputError
from symconv.layers import (REGISTRY, AvgPool, BatchNorm, Conv, Dense, Depthwise,
                            DepthwiseSeparable, GlobalAvgPool, Grouped, MaxPool, Pointwise,
                            TransposedConv)
from symconv.symbols import D_in, D_out, H_F, H_in, H_out, W_F, W_in, W_out, g

# Textbook forms, typed from the course notes (DESIGN.md) independently of the code:
# name -> (params, MACs, output width) for the layer's default (symbolic) form.
TEXTBOOK = {
    "conv": (D_out * (W_F * H_F * D_in + 1), W_F * H_F * D_in * D_out * W_out * H_out,
             W_in - W_F + 1),
    "grouped": (D_out * (W_F * H_F * D_in / g + 1), W_F * H_F * (D_in / g) * D_out * W_out * H_out,
                W_in - W_F + 1),
    "depthwise": (D_in * (W_F * H_F + 1), W_F * H_F * D_in * W_out * H_out, W_in - W_F + 1),
    "pointwise": (D_out * (D_in + 1), D_in * D_out * W_out * H_out, W_in),
    "dw-sep": (D_in * (W_F * H_F + 1) + D_out * (D_in + 1),
               W_F * H_F * D_in * W_out * H_out + D_in * D_out * W_out * H_out, W_in - W_F + 1),
    "transposed-conv": (D_out * (W_F * H_F * D_in + 1), W_F * H_F * D_in * D_out * W_in * H_in,
                        W_in + W_F - 1),
    "dense": (D_out * (D_in + 1), D_in * D_out, 1),
    "max-pool": (0, 0, sympy.floor(W_in / W_F)),
    "avg-pool": (0, 0, sympy.floor(W_in / W_F)),
    "global-avg-pool": (0, 0, 1),
    "batchnorm": (2 * D_in, 0, W_in),
}


def test_every_registered_layer_has_a_textbook_form():
    assert set(TEXTBOOK) == set(REGISTRY)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_closed_forms_match_the_textbook(name):
    layer = REGISTRY[name]()
    params, macs, width = TEXTBOOK[name]
    assert sympy.simplify(layer.params - params) == 0
    assert sympy.simplify(layer.macs - macs) == 0
    assert sympy.simplify(layer.flops - 2 * macs) == 0
    assert sympy.simplify(layer.output_size.width - width) == 0
    assert sympy.expand(layer.params - layer.weights - layer.biases - layer.affine) == 0


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_layer_accepts_numbers_for_its_symbols(name):
    cls = REGISTRY[name]
    sizes = {"D_in": 4, "D_out": 8, "W_F": 3, "H_F": 3, "W_in": 9, "H_in": 9, "groups": 2}
    fields = {f for f in cls.__dataclass_fields__}
    layer = cls(**{k: v for k, v in sizes.items() if k in fields})
    for value in (layer.params, layer.macs, *layer.output_size):
        assert value.is_Integer and value >= 0


@pytest.mark.parametrize("name", [n for n, c in REGISTRY.items()
                                  if "bias" in c.__dataclass_fields__])
def test_bias_switch_removes_exactly_the_biases(name):
    cls = REGISTRY[name]
    on, off = cls(bias=True), cls(bias=False)
    assert sympy.expand(on.params - off.params - on.biases) == 0
    assert off.biases == 0 and on.macs == off.macs


def test_worked_example_from_the_course():
    layer = Conv(D_in=8, D_out=32, W_F=5, H_F=5, W_in=128, H_in=128, padding="valid")
    assert tuple(layer.output_size) == (124, 124, 32)
    assert layer.params == 6432
    assert layer.macs == 98_406_400


def test_dw_sep_is_the_sum_of_its_parts():
    layer = DepthwiseSeparable(stride=2, padding=1, depth_multiplier=2)
    dw, pw = layer.parts
    assert isinstance(dw, Depthwise) and isinstance(pw, Pointwise)
    assert layer.params == dw.params + pw.params
    assert layer.macs == dw.macs + pw.macs
    assert pw.D_in == 2 * D_in


def test_square_kernel_and_symbols_can_be_mixed_with_numbers():
    layer = Conv(W_F=3, H_F=3, W_in=W_in, H_in=H_in, padding=1)
    assert layer.output_size.width == W_in
    assert layer.macs == 9 * D_in * D_out * W_out * H_out
    assert Conv(W_in=32, H_in=32, W_F=3, H_F=3).macs == 9 * D_in * D_out * 30 * 30


# --- brute force ---------------------------------------------------------------

paddings = st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same", "full"]))


@settings(max_examples=120, deadline=None)
@given(d_in=st.integers(1, 4), d_out=st.integers(1, 4), kw=st.integers(1, 4),
       kh=st.integers(1, 4), w_in=st.integers(1, 9), h_in=st.integers(1, 9),
       s=st.integers(1, 3), padding=paddings, dil=st.integers(1, 3), groups=st.integers(1, 4),
       bias=st.booleans())
def test_conv_equals_a_brute_force_count(d_in, d_out, kw, kh, w_in, h_in, s, padding, dil,
                                         groups, bias):
    assume(d_in % groups == 0 and d_out % groups == 0)
    wo, ho, params, macs = conv_counts(d_in, d_out, kw, kh, w_in, h_in, s, padding, dil, groups,
                                       bias)
    args = dict(D_in=d_in, D_out=d_out, W_F=kw, H_F=kh, W_in=w_in, H_in=h_in, stride=s,
                padding=padding, dilation=dil, groups=groups, bias=bias)
    if wo == 0 or ho == 0:  # the kernel does not fit: the layer cannot exist
        with pytest.raises(InputError, match="kernel spans"):
            Conv(**args)
        return
    layer = Conv(**args)
    assert tuple(layer.output_size) == (wo, ho, d_out)
    assert (layer.params, layer.macs) == (params, macs)


@settings(max_examples=80, deadline=None)
@given(d_in=st.integers(1, 64), d_out=st.integers(1, 64), k=st.integers(1, 5),
       w_in=st.integers(5, 300), s=st.integers(1, 3), padding=st.integers(0, 2),
       groups=st.sampled_from([1, 2, 4]))
def test_numeric_sizes_stay_python_ints_and_equal_the_formula(d_in, d_out, k, w_in, s, padding,
                                                              groups):
    """Sizes given as numbers are computed as Python ints (Count), and the numbers equal the
    symbolic formula's, evaluated by sympy."""
    assume(d_in % groups == 0 and d_out % groups == 0)
    layer = Conv(D_in=d_in, D_out=d_out, K=k, W_in=w_in, H_in=w_in, stride=s, padding=padding,
                 groups=groups)
    values = [layer.D_in, layer.W_F, *layer.stride, *layer.padding, *layer.output_size,
              layer.fan_in, layer.weights, layer.params, layer.macs, layer.flops]
    assert all(type(v) is Count for v in values), [type(v) for v in values]
    formula = Conv(stride=s, padding=padding, groups=groups)
    numbers = {D_in: d_in, D_out: d_out, W_F: k, H_F: k, W_in: w_in, H_in: w_in}
    for quantity in ("params", "macs"):
        assert getattr(layer, quantity) == formula.from_input(getattr(formula, quantity)).subs(numbers)
    assert Count(d_in) / groups == sympy.Rational(d_in, groups)
    assert type(Count(d_in * groups) / groups) is Count


@settings(max_examples=60, deadline=None)
@given(d_in=st.integers(1, 4), k=st.integers(1, 4), w_in=st.integers(1, 9), s=st.integers(1, 3),
       padding=paddings, dil=st.integers(1, 2), multiplier=st.integers(1, 3), bias=st.booleans())
def test_depthwise_and_dw_sep_equal_brute_force(d_in, k, w_in, s, padding, dil, multiplier, bias):
    wo, ho, params, macs = depthwise_counts(d_in, k, k, w_in, w_in, s, padding, dil, multiplier,
                                            bias)
    assume(wo > 0)
    args = dict(D_in=d_in, W_F=k, H_F=k, W_in=w_in, H_in=w_in, stride=s, padding=padding,
                dilation=dil, depth_multiplier=multiplier, bias=bias)
    dw = Depthwise(**args)
    assert tuple(dw.output_size) == (wo, ho, d_in * multiplier)
    assert (dw.params, dw.macs) == (params, macs)
    _, _, pw_params, pw_macs = conv_counts(d_in * multiplier, 5, 1, 1, wo, ho, bias=bias)
    sep = DepthwiseSeparable(D_out=5, **args)
    assert (sep.params, sep.macs) == (params + pw_params, macs + pw_macs)
    assert tuple(sep.output_size) == (wo, ho, 5)


@settings(max_examples=60, deadline=None)
@given(d_in=st.integers(1, 3), d_out=st.integers(1, 3), k=st.integers(1, 4),
       w_in=st.integers(1, 6), s=st.integers(1, 3), p=st.integers(0, 2), dil=st.integers(1, 2),
       out_pad=st.integers(0, 2))
def test_transposed_conv_equals_a_scatter_count(d_in, d_out, k, w_in, s, p, dil, out_pad):
    assume(out_pad < max(s, dil))
    wo, ho, params, macs = transposed_counts(d_in, d_out, k, k, w_in, w_in, s, p, dil, out_pad)
    args = dict(D_in=d_in, D_out=d_out, W_F=k, H_F=k, W_in=w_in, H_in=w_in, stride=s, padding=p,
                dilation=dil, output_padding=out_pad)
    if wo < 1:
        with pytest.raises(InputError):
            TransposedConv(**args)
        return
    layer = TransposedConv(**args)
    assert tuple(layer.output_size) == (wo, ho, d_out)
    assert (layer.params, layer.macs) == (params, macs)


@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 4), w_in=st.integers(1, 12), s=st.integers(1, 4), p=st.integers(0, 1))
def test_pooling_output_equals_window_count(k, w_in, s, p):
    expected = pool_size(w_in, k, s, p)
    assume(expected > 0 and p <= k // 2)  # PyTorch refuses more padding (issue 12)
    for cls in (MaxPool, AvgPool):
        layer = cls(D_in=3, W_F=k, H_F=k, W_in=w_in, H_in=w_in, stride=s, padding=p)
        assert tuple(layer.output_size) == (expected, expected, 3)
        assert layer.params == 0 and layer.macs == 0


@pytest.mark.parametrize("cls", [MaxPool, AvgPool])
def test_pool_padding_past_half_the_window_is_refused_like_pytorch(cls):
    """torch.nn.MaxPool2d(2, padding=2) raises 'pad should be at most half of effective
    kernel size'; padding 1 on a 2-wide or 3-wide window is fine."""
    with pytest.raises(InputError, match="more than half"):
        cls(W_F=2, H_F=2, padding=2)
    with pytest.raises(InputError, match="more than half"):
        cls(W_F=3, H_F=3, padding=(1, 2))
    assert cls(W_F=3, H_F=3, W_in=8, H_in=8, padding=1, stride=1).output_size.width == 8


def test_pool_stride_defaults_to_the_window():
    assert MaxPool(W_F=2, H_F=2, W_in=224, H_in=224).output_size.width == 112


def test_dense_batchnorm_global_pool_by_hand():
    assert Dense(D_in=1024, D_out=1000).params == 1_025_000
    assert Dense(D_in=1024, D_out=1000, bias=False).macs == 1_024_000
    bn = BatchNorm(D_in=64)
    assert (bn.params, bn.weights, bn.buffers, bn.macs) == (128, 0, 128, 0)
    assert tuple(GlobalAvgPool(D_in=2048, W_in=7, H_in=7).output_size) == (1, 1, 2048)


def test_grouped_default_is_symbolic_and_divisibility_is_checked():
    assert Grouped().groups == g
    assert Grouped(D_in=8, D_out=8, groups=4).params == 8 * (W_F * H_F * 2 + 1)
    with pytest.raises(InputError, match="does not divide D_in=8; use one of"):
        Conv(D_in=8, D_out=8, groups=3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(D_in=0), "D_in must be at least 1"),
    (dict(stride=0), "stride must be at least 1"),
    (dict(dilation=0), "dilation must be at least 1"),
    (dict(D_out=-3), "D_out must be at least 1"),
    (dict(W_F=sympy.Rational(5, 2)), "whole number"),
    (dict(padding="sideways"), "padding must be valid, same, full"),
    (dict(padding=-1), "padding must be at least 0"),
    (dict(W_F=7, W_in=5), "kernel spans 7"),
    (dict(W_F=3, dilation=3, W_in=6), "dilated kernel spans 7"),
    (dict(bias="yes"), "bias must be True or False"),
])
def test_layers_that_cannot_exist_are_clear_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        Conv(**kwargs)


def test_avg_pool_has_no_dilation():
    with pytest.raises(InputError, match="no dilation"):
        AvgPool(dilation=2)


def test_layers_show_as_latex_in_jupyter():
    latex = Conv()._repr_latex_()
    assert latex.startswith(r"$\displaystyle \begin{aligned}") and latex.endswith("$")
    assert r"D_{out} \left(W_{F} H_{F} D_{in} + 1\right)" in latex
