"""The diagnosis of a wrong formula: every rule on a slip written out by hand, and proof that
the rule is what names it (without it the slip goes unnamed or gets another name)."""

from __future__ import annotations

import pytest

from symconv.formula.parse import Resolver, parse
from symconv.layers import (BatchNorm, Conv, Dense, Depthwise, DepthwiseSeparable, Grouped,
                            TransposedConv)
from symconv.lint import diagnose as diagnosis
from symconv.lint import equality
from symconv.lint.check import check_formula
from symconv.symbols import P_H, P_W, S_H, S_W

S = (S_W, S_H)  # --stride S
P = (P_W, P_H)  # --padding P
# (formula as a person would write it, layer, quantity, code, the rule that names it)
SLIPS = [
    ("D_out W_F H_F D_in", Conv(), "params", "missing-bias", "missing_bias"),
    ("D_out (W_F H_F D_in + 1)", Conv(bias=False), "params", "extra-bias", "extra_bias"),
    ("W_F H_F D_in D_out + D_in", Conv(), "params", "bias-per-input", "bias_per_input"),
    ("D_in W_F H_F + D_in D_out + D_out", DepthwiseSeparable(), "params",
     "keras-separable-bias", "keras_separable_bias"),
    ("4 D_in", BatchNorm(), "params", "keras-bn-4c", "keras_batchnorm"),
    ("W_F H_F D_in D_out W_out H_out", Conv(), "flops", "macs-as-flops", "macs_as_flops"),
    ("2 W_F H_F D_in D_out W_out H_out", Conv(), "macs", "flops-as-macs", "flops_as_macs"),
    ("D_out W_out H_out (W_F H_F D_in + 1)", Conv(), "macs", "bias-adds-counted",
     "bias_adds_counted"),
    ("(D_in + 1) D_out", Dense(), "macs", "bias-adds-counted", "bias_adds_counted"),
    ("D_out W_out H_out (2 W_F H_F D_in - 1)", Conv(), "flops", "adds-n-minus-1",
     "adds_n_minus_one"),
    ("W_F H_F D_in D_out (S_W (W_in - 1) + W_F) (S_H (H_in - 1) + H_F)",
     TransposedConv(stride=S), "macs", "transposed-output-grid", "wrong_grid"),
    ("3 * 2 * 2 * 1 * 4 * 4", TransposedConv(D_in=3, D_out=1, W_F=2, H_F=2, W_in=2, H_in=2,
                                              stride=2), "macs", "transposed-output-grid",
     "wrong_grid"),
    ("3 * 3 * 3 * 8 * 8 * 8", Conv(D_in=3, D_out=8, W_F=3, H_F=3, W_in=8, H_in=8, stride=2,
                                  padding="same"), "macs", "conv-input-grid", "wrong_grid"),
    ("(W_in - W_F)/S_W + 1", Conv(stride=S), "output-size", "missing-floor",
     "rounding_missing"),
    ("W_in / S_W", Conv(stride=S, padding="same"), "output-size", "missing-ceil",
     "rounding_missing"),
    ("floor(W_in / S_W)", Conv(stride=S, padding="same"), "output-size", "floor-for-ceil",
     "rounding_missing"),
    ("2 D_in D_out W_F H_F (W_in / S_W) (H_in / S_H)", Conv(stride=S, padding="same"),
     "flops", "missing-ceil", "rounding_missing"),
    ("ceil((W_in - W_F)/S_W) + 1", Conv(stride=S), "output-size", "ceil-for-floor",
     "rounding_missing"),
    ("floor((W_in - W_F)/S_W) - 1", Conv(stride=S), "output-size", "constant-off",
     "constant_off"),
    ("(D_out W_F H_F D_in + D_out) W_out H_out", Conv(), "flops", "macs-as-flops",
     "bias_adds_counted"),
    ("floor((W_in + P_W - W_F)/S_W) + 1", Conv(stride=S, padding=P), "output-size",
     "padding-misplaced", "output_size_slips"),
    ("(W_in - 1) S_W + 2 P_W + W_F", TransposedConv(stride=S, padding=P), "output-size",
     "padding-misplaced", "output_size_slips"),
    ("W_in - W_F + 1", Conv(stride=S), "output-size", "stride-misplaced", "output_size_slips"),
    ("(W_in + 2 P_W - 1)/S_W + 1", Conv(stride=S, padding=P), "output-size",
     "term-dropped", "output_size_slips"),
    ("D_out W_F H_F W_out H_out + D_in D_out W_out H_out", DepthwiseSeparable(), "macs",
     "channels-swapped", "channels_swapped"),
    ("W_F H_F D_in D_out W_out H_out", Grouped(), "macs", "groups-forgotten",
     "groups_forgotten"),
    ("W_F H_F D_in D_out W_out H_out / g^2", Grouped(), "macs", "groups-twice",
     "groups_forgotten"),
    ("D_in D_out W_out H_out", Conv(), "macs", "factor-dropped", "factor_dropped"),
    ("W_F H_F D_in D_out^2 W_out H_out", Conv(), "macs", "extra-factor", "factor_dropped"),
    ("D_out (W_F H_F + 1)", Conv(), "params", "factor-dropped", "size_dropped"),
    ("5*5*100 + 100", Conv(D_in=3, D_out=100, W_F=5, H_F=5), "params", "factor-dropped",
     "size_dropped"),
]


def _check(text, layer, quantity):
    resolver = Resolver()
    return check_formula(parse(text, resolver=resolver), layer, quantity, resolver.identify)


@pytest.mark.parametrize("text, layer, quantity, code, rule", SLIPS,
                         ids=[f"{s[3]}:{s[0][:30]}" for s in SLIPS])
def test_each_slip_is_named_by_its_rule(text, layer, quantity, code, rule, monkeypatch):
    result = _check(text, layer, quantity)
    assert not result.ok and result.cause == code, result.lines()
    assert result.cause_message
    # the rule is what names it: without the rule, not this name
    monkeypatch.setattr(diagnosis, "RULES", [r for r in diagnosis.RULES if r.__name__ != rule])
    assert _check(text, layer, quantity).cause != code


def test_every_rule_is_exercised():
    assert {r.__name__ for r in diagnosis.RULES} == {s[4] for s in SLIPS}


@pytest.mark.parametrize("text, layer, quantity", [
    ("D_out (W_F H_F D_in + 1)", Conv(), "params"),
    ("floor((W_in - W_F)/S_W) + 1", Conv(stride=S), "output-size"),
    ("W_F H_F D_in W_in H_in D_out", TransposedConv(stride=S), "macs"),
    # ceil((n + 1)/s) = floor(n/s) + 1 for whole n: proven, not sampled
    ("ceil((W_in - W_F + 1)/S_W)", Conv(stride=S), "output-size"),
])
def test_a_right_formula_has_no_cause(text, layer, quantity):
    result = _check(text, layer, quantity)
    assert result.ok and result.cause is None


def test_a_slip_no_rule_explains_falls_back_to_the_difference():
    result = _check("D_out (W_F H_F D_in + 2)", Conv(), "params")
    assert not result.ok and result.cause is None and result.counterexample


def test_comparisons_are_bounded():
    """A formula too large to expand is not compared by the rules (no unbounded sympy call)."""
    big = " + ".join(f"D_in^{i % 5} W_F^{i % 7} H_F^{i % 3} D_out^{i % 4}" for i in range(60))
    assert not equality.same(parse(big), parse(big) + 1)
    assert equality.same(parse("D_in (D_out + 1)"), parse("D_in D_out + D_in"))


# --- equality: a pair refuted at one point is never one the algebra proves equal ---------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
import sympy  # noqa: E402

from symconv.symbols import D_in, D_out, W_F, W_in  # noqa: E402

_ATOMS = st.sampled_from([D_in, D_out, W_F, W_in, sympy.Integer(1), sympy.Integer(2),
                          sympy.Integer(3)])


def _expr(depth=3):
    leaf = _ATOMS
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
        st.tuples(inner, inner).map(lambda t: t[0] * t[1]),
        st.tuples(inner, inner).map(lambda t: t[0] - t[1]),
        inner.map(lambda e: sympy.floor(e / 2)),
        inner.map(lambda e: sympy.ceiling(e / 3)),
    ), max_leaves=6)


# rewrites that keep the value for positive whole sizes: the pairs the algebra proves equal
_SAME = [lambda e: sympy.expand(e), lambda e: e + sympy.floor(W_in / 2) + sympy.ceiling(W_in / 2) - W_in,
         lambda e: e * (D_in + 1) - e * D_in]


@settings(max_examples=150, deadline=None)
@given(_expr(), _expr(), st.sampled_from(range(len(_SAME))))
def test_a_point_refutes_only_what_the_algebra_cannot_prove(a, b, rewrite):
    """differ_at_a_point is checked against the algebra it lets same() skip: the pair it
    refutes is never proven equal, and an equal rewrite of a formula is never refuted."""
    for x, y in ((a, b), (a, _SAME[rewrite](a))):
        proven = equality.simplify(equality.normalize(x) - equality.normalize(y)) == 0
        assert not (proven and equality.differ_at_a_point(x, y))
    assert not equality.differ_at_a_point(a, _SAME[rewrite](a))


def test_same_answers_as_the_algebra_alone(monkeypatch):
    """same() with the point check gives the answers of the algebra alone on the diagnosis'
    own questions (every slip above, refuted and proven), so the shortcut changes no verdict."""
    asked = []
    real = equality._same.__wrapped__
    monkeypatch.setattr(equality, "_same", lambda a, b: asked.append((a, b)) or real(a, b))
    for text, layer, quantity, _, _ in SLIPS:
        check_formula.forget()
        check_formula(parse(text, resolver=Resolver()), layer, quantity)
    check_formula.forget()
    answers = [real(a, b) for a, b in asked]
    assert len(asked) > 50 and True in answers and False in answers
    monkeypatch.setattr(equality, "differ_at_a_point", lambda a, b: False)
    assert [real(a, b) for a, b in asked] == answers
