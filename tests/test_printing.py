"""The lecturer's printer: course order, same value, W and H lines of the same shape."""

from __future__ import annotations

import pytest
import sympy

from symconv.engine import equivalent
from symconv.formula.parse import parse
from symconv.layers import REGISTRY
from symconv.printing import course_str, numbers_latex, to_latex
from symconv.symbols import (
    D_in, D_out, H_F, H_in, H_out, P_H, P_W, S_H, S_W, W_F, W_in, W_out, d_H, d_W,
)

#: the width symbols and their height twins
TWINS = {W_F: H_F, W_in: H_in, W_out: H_out, S_W: S_H, P_W: P_H, d_W: d_H}
SWAP = {**TWINS, **{h: w for w, h in TWINS.items()}}


def _general(cls):
    fields = {f for f in cls.__dataclass_fields__}
    options = {k: v for k, v in (("stride", (S_W, S_H)), ("padding", (P_W, P_H)),
                                 ("dilation", (d_W, d_H))) if k in fields}
    if cls.name == "avg-pool":
        options.pop("dilation")
    return cls(**options)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_width_and_height_lines_have_the_same_shape(name):
    layer = _general(REGISTRY[name])
    width, height = layer.output_size.width, layer.output_size.height
    swapped = course_str(width.xreplace(SWAP))
    assert swapped == course_str(height), (course_str(width), course_str(height))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_printing_keeps_the_value(name):
    """What the printer writes reads back (symconv's own parser) as the same expression."""
    layer = _general(REGISTRY[name])
    for expr in (layer.params, layer.macs, *layer.output_size):
        text = course_str(expr)
        assert equivalent(parse(text), expr).equal is True, text


def test_the_course_order_of_the_textbook_formulas():
    conv = REGISTRY["conv"]()
    assert course_str(conv.params) == "D_out*(W_F*H_F*D_in + 1)"
    assert course_str(conv.macs) == "W_F*H_F*D_in*D_out*W_out*H_out"
    assert course_str(conv.output_size.width) == "W_in - W_F + 1"
    general = _general(REGISTRY["conv"]).output_size.width
    assert course_str(general) == "floor((W_in + 2*P_W - d_W*(W_F - 1) - 1)/S_W) + 1"
    assert to_latex(1 / (W_F * H_F) + 1 / D_out) == r"\frac{1}{D_{out}} + \frac{1}{W_{F} H_{F}}"


def test_max_pool_folds_its_floor():
    pool = REGISTRY["max-pool"]()
    assert pool.output_size.width == sympy.floor((W_in - W_F) / W_F) + 1  # the raw form
    assert course_str(pool.output_size.width) == "floor(W_in/W_F)"


def test_a_notation_prints_another_authors_letters():
    assert to_latex(D_out * (D_in + 1), {D_in: "M", D_out: "N"}) == r"N \left(M + 1\right)"


def test_numbers_in_keep_the_computation_visible():
    assert numbers_latex(W_in - W_F + 1, {W_in: 128, W_F: 5}) == "128 - 5 + 1"
