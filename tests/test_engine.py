"""The engine: canonical forms, ratios and their limits, solving, equivalence."""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv import Conv, DepthwiseSeparable, ratio
from symconv.engine import canonical, difference, equivalent, limit, solve_for, substitute
from symconv.layers import Pointwise
from symconv.symbols import D_in, D_out, H_F, H_in, H_out, W_F, W_in, W_out, K


def test_dw_sep_ratio_is_derived_not_typed():
    r = ratio(DepthwiseSeparable(), Conv())
    assert r.expr == 1 / D_out + 1 / (W_F * H_F)
    assert r.numerator == DepthwiseSeparable().macs and r.denominator == Conv().macs
    assert dict(r.limits) == {D_out: 1 / (W_F * H_F), W_F: 1 / D_out, H_F: 1 / D_out}
    assert r._repr_latex_() == r"$\displaystyle \frac{1}{D_{out}} + \frac{1}{W_{F} H_{F}}$"


def test_dw_sep_ratio_for_a_3x3_kernel_is_8_to_9_times_cheaper():
    r = ratio(DepthwiseSeparable(W_F=3, H_F=3), Conv(W_F=3, H_F=3)).expr
    assert r == 1 / D_out + sympy.Rational(1, 9)
    assert limit(r, D_out) == sympy.Rational(1, 9)
    assert 1 / r.subs(D_out, 72) == 8
    assert solve_for(r, sympy.Rational(1, 8), D_out) == (72,)


def test_params_ratio_without_bias_is_the_same_closed_form():
    r = ratio(DepthwiseSeparable(bias=False), Conv(bias=False), "params")
    assert r.expr == 1 / D_out + 1 / (W_F * H_F)


def test_canonical_is_deterministic_and_idempotent():
    e = (D_out + W_F * H_F) / (D_out * W_F * H_F)
    assert canonical(e) == canonical(canonical(e)) == canonical(sympy.expand(e))
    assert canonical(2) == 2
    messy = (D_in * (W_F + 1)) / (D_in * W_F + D_out)
    assert canonical(messy) == canonical(sympy.factor(messy))


def test_difference_names_the_missing_biases():
    given_params = D_in * D_out * W_F * H_F
    assert difference(given_params, Conv().params) == -D_out


def test_substitute_evaluates_floors():
    width = Conv(stride=2).output_size.width
    assert substitute(width, {W_in: 9, W_F: 3}) == 4


def test_equivalent_proves_or_refutes():
    proof = equivalent(Conv().params, D_out * W_F * H_F * D_in + D_out)
    assert proof.equal is True and proof.counterexample is None
    wrong = equivalent(D_in * D_out * K**2, D_in * D_out * K * 2)
    assert wrong.equal is False
    values = {s: sympy.Integer(v) for s, v in wrong.counterexample.items()}
    assert (D_in * D_out * K**2).xreplace(values) == wrong.a_value != wrong.b_value


def test_equivalent_finds_small_counterexamples_first():
    result = equivalent(D_in * D_out, D_in * D_out + (D_in - 1) * (D_out - 2))
    assert result.equal is False
    assert max(result.counterexample.values()) <= 4


@settings(max_examples=40, deadline=None)
@given(d_in=st.integers(1, 64), d_out=st.integers(1, 64), k=st.integers(1, 7),
       w=st.integers(8, 64))
def test_ratio_commutes_with_substitution(d_in, d_out, k, w):
    values = {D_in: d_in, D_out: d_out, W_F: k, H_F: k, W_out: w, H_out: w}
    symbolic = substitute(ratio(DepthwiseSeparable(), Conv()).expr, values)
    numeric = ratio(DepthwiseSeparable(D_in=d_in, D_out=d_out, W_F=k, H_F=k,
                                       W_in=w + k - 1, H_in=w + k - 1),
                    Conv(D_in=d_in, D_out=d_out, W_F=k, H_F=k, W_in=w + k - 1, H_in=w + k - 1))
    assert symbolic == numeric.expr == sympy.Rational(d_in * d_out * w * w * (k * k + d_out),
                                                      d_in * d_out * w * w * k * k * d_out)


def test_pointwise_over_conv_is_one_over_the_kernel_area():
    assert ratio(Pointwise(), Conv()).expr == 1 / (W_F * H_F)
    assert ratio(Conv(), Conv()).expr == 1
    assert ratio(Conv(W_in=H_in), Conv(W_in=H_in)).expr == 1


def test_fast_limits_agree_with_sympy_limit():
    from symconv.layers import Depthwise, Grouped

    pairs = [(DepthwiseSeparable(), Conv()), (Depthwise(), Conv()), (Grouped(), Conv()),
             (Pointwise(), DepthwiseSeparable())]
    for quantity in ("macs", "params"):
        for a, b in pairs:
            r = ratio(a, b, quantity)
            for symbol, value in r.limits:
                assert sympy.simplify(value - sympy.limit(r.expr, symbol, sympy.oo)) == 0
    e = (D_out**2 + 1) / (D_out + W_F)
    assert limit(e, D_out) == sympy.oo and limit(-e, D_out) == -sympy.oo
