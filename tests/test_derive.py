"""Derivations: every step is checked against the layer's own formula, and a wrong step fails."""

from __future__ import annotations

import pytest
import sympy

from symconv.notes.derive import (Derivation, DerivationError, Step, Term, macs_derivation,
                            params_derivation, ratio_derivation)
from symconv.engine import canonical
from symconv.layers import REGISTRY, Conv, DepthwiseSeparable
from symconv.symbols import D_in, D_out, H_F, H_out, W_F, W_out


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_layer_derivation_ends_at_the_layer_formula(name):
    layer = REGISTRY[name]()
    for derivation, formula in ((params_derivation(layer), layer.params),
                                (macs_derivation(layer), layer.macs)):
        if formula == 0:
            assert derivation is None
            continue
        assert derivation.final == canonical(formula)
        for step in derivation.steps:
            assert sympy.expand(step.expr - formula) == 0


def test_conv_macs_are_per_value_times_values_times_channels():
    (step,) = macs_derivation(Conv()).steps
    assert [t.expr for t in step.terms] == [W_F * H_F * D_in, W_out * H_out, D_out]
    assert [t.label for t in step.terms] == ["MACs per output value",
                                             "output values per channel", "output channels"]


def test_a_wrong_step_is_refused_with_a_counterexample():
    wrong = Step((Term(D_out, "filters"), Term(W_F * H_F * D_in, "weights per filter")))
    with pytest.raises(DerivationError, match="counterexample"):
        Derivation("params", "params", (wrong,), Conv().params)


def test_dw_sep_ratio_is_derived_per_part_then_cancelled():
    derivation = ratio_derivation(DepthwiseSeparable(), Conv())
    assert derivation.final == 1 / D_out + 1 / (W_F * H_F)
    last = derivation.steps[-1]
    assert last.op == "+" and [t.expr for t in last.terms] == [1 / D_out, 1 / (W_F * H_F)]
    assert [t.label for t in last.terms] == ["depthwise", "pointwise"]


def test_no_bias_derivation_has_no_bias_step():
    derivation = params_derivation(Conv(bias=False))
    assert derivation.final == D_out * D_in * W_F * H_F
    assert len(derivation.steps) == 1 and "bias" not in derivation.steps[0].terms[1].label
