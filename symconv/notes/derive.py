"""Step-by-step derivations whose every step the engine checks.

A :class:`Derivation` is a chain ``lhs = step_1 = step_2 = ... = final``: each
step groups the formula differently (MACs per output value, times output values
per channel, times channels), and each is an expression that
:func:`symconv.engine.equivalent` must prove equal to ``final``, the layer's own
formula. A step that is not provably equal raises :class:`DerivationError`, so a
note can never show a slip.

>>> from symconv.layers import Conv
>>> d = macs_derivation(Conv())
>>> [str(step.expr) for step in d.steps]
['D_in*D_out*H_F*H_out*W_F*W_out']
>>> d.final
D_in*D_out*H_F*H_out*W_F*W_out
>>> r = ratio_derivation(DepthwiseSeparable(), Conv())
>>> r.final
1/(H_F*W_F) + 1/D_out
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..engine import canonical, equivalent, ratio
from ..symbols import D_out
from ..layers import (
    Conv,
    Depthwise,
    DepthwiseSeparable,
    Layer,
    Pointwise,
    TransposedConv,
)


class DerivationError(AssertionError):
    """A derivation step is not (provably) equal to the final formula."""


@dataclass(frozen=True)
class Term:
    """One factor or summand of a step, with what it counts.

    ``num``/``den`` show a quotient unevaluated (``expr`` is then ``num/den``).
    """

    expr: sympy.Expr
    label: str = ""
    num: sympy.Expr | None = None
    den: sympy.Expr | None = None

    @classmethod
    def fraction(cls, num, den, label: str = "") -> "Term":
        return cls(num / den, label, num, den)


@dataclass(frozen=True)
class Step:
    """``terms`` joined by ``op`` (``*`` or ``+``); ``note`` says what the step does."""

    terms: tuple[Term, ...]
    op: str = "*"
    note: str = ""

    @property
    def expr(self) -> sympy.Expr:
        exprs = [t.expr for t in self.terms]
        return sympy.Mul(*exprs) if self.op == "*" else sympy.Add(*exprs)


@dataclass(frozen=True)
class Derivation:
    """``lhs = steps... = final``, every step checked equal to ``final`` on creation."""

    key: str
    lhs: str  # plain text name of the left-hand side, e.g. "MACs"
    steps: tuple[Step, ...]
    final: sympy.Expr

    def __post_init__(self) -> None:
        for number, step in enumerate(self.steps, 1):
            check = equivalent(step.expr, self.final)
            if check.equal is not True:
                raise DerivationError(
                    f"{self.key}: step {number} ({step.expr}) is not equal to {self.final}"
                    + (f"; counterexample {check.counterexample}" if check.counterexample else ""))


# --- layer derivations -----------------------------------------------------------------

def _out(layer: Layer):
    return layer._course_out(layer.output_size)


def params_derivation(layer: Layer) -> Derivation | None:
    """Parameters as (filters) x (weights + bias per filter), then weights + biases."""
    final = canonical(layer.params)
    if final == 0:
        return None
    if layer.affine != 0:
        steps = (Step((Term(layer.D_in, "channels"), Term(sympy.Integer(2), "scale and shift"))),)
        return Derivation("params", "params", steps, final)
    per_filter = canonical(layer.weights / layer.D_out) + layer._bias
    steps = []
    if not isinstance(layer, DepthwiseSeparable):
        unit = "filter" if hasattr(layer, "W_in") else "unit"
        steps.append(Step((Term(layer.D_out, f"{unit}s"),
                           Term(per_filter, f"weights + bias per {unit}" if layer._bias
                                else f"weights per {unit}")),
                          note=f"one {unit} per output "
                               + ("channel" if unit == "filter" else "feature")))
    else:
        steps.append(Step((Term(layer.depthwise.params, "depthwise"),
                           Term(layer.pointwise.params, "pointwise")), "+",
                          note="the sum of the two parts"))
    if layer._bias:
        steps.append(Step((Term(layer.weights, "weights"), Term(layer.biases, "biases")), "+"))
    return Derivation("params", "params", tuple(steps), final)


def macs_derivation(layer: Layer) -> Derivation | None:
    """MACs as (per output value) x (output values per channel) x (channels), or the parts' sum."""
    final = canonical(layer.macs)
    if final == 0:
        return None
    if isinstance(layer, DepthwiseSeparable):
        dw, pw = layer.parts
        w, h = _out(dw)
        steps = (Step((Term(dw.macs, "depthwise"), Term(pw.macs, "pointwise")), "+",
                      note="the sum of the two parts"),
                 Step((Term(w * h * dw.D_out, "input values of the pointwise"),
                       Term(layer.W_F * layer.H_F + layer.D_out, "MACs per value")),
                      note="factor out what both parts share"))
        return Derivation("macs", "MACs", steps, final)
    if isinstance(layer, TransposedConv):
        steps = (Step((Term(layer.W_F * layer.H_F * layer.D_out / layer.groups,
                            "MACs per input value"),
                       Term(layer.W_in * layer.H_in, "input values per channel"),
                       Term(layer.D_in, "input channels")),
                      note="every input value meets every tap of its group's filters"),)
        return Derivation("macs", "MACs", steps, final)
    if not hasattr(layer, "W_in"):  # dense: a vector in, a vector out
        steps = (Step((Term(layer.D_in, "MACs per output value"),
                       Term(layer.D_out, "output values"))),)
        return Derivation("macs", "MACs", steps, final)
    w, h = _out(layer)
    if isinstance(layer, Depthwise):
        per_value = layer.W_F * layer.H_F
    elif isinstance(layer, Pointwise):
        per_value = layer.D_in
    else:
        per_value = layer.W_F * layer.H_F * layer.D_in / layer.groups
    steps = (Step((Term(per_value, "MACs per output value"),
                   Term(w * h, "output values per channel"),
                   Term(layer.output_size.channels, "output channels")),
                  note="one MAC per filter tap, per output value"),)
    return Derivation("macs", "MACs", steps, final)


def ratio_derivation(a: Layer, b: Layer, quantity: str = "macs") -> Derivation:
    """``quantity(a) / quantity(b)`` simplified step by step (for dw-sep: per part, then cancelled)."""
    result = ratio(a, b, quantity)
    num, den = result.numerator, result.denominator
    label = {"macs": "MACs", "params": "params", "flops": "FLOPs"}[quantity]
    steps = [Step((Term.fraction(num, den, ""),), note="divide the two formulas")]
    if isinstance(a, DepthwiseSeparable) and quantity != "params":
        parts = [getattr(p, quantity) for p in a.parts]
        steps.append(Step(tuple(Term.fraction(p, den, n) for p, n in
                                zip(parts, ("depthwise", "pointwise"))), "+",
                          note="one fraction per part"))
        steps.append(Step(tuple(Term(canonical(p / den), n) for p, n in
                                zip(parts, ("depthwise", "pointwise"))), "+",
                          note="cancel the common factors"))
    return Derivation(f"ratio-{quantity}", f"{label} ratio", tuple(steps), result.expr)


def comparison(layer: Layer, d_out=D_out) -> tuple[Layer, str] | None:
    """The standard convolution this layer is compared with (None: no comparison).

    The same input, kernel and options; a depthwise layer is compared, as ``symconv ratio
    depthwise conv`` compares it, with a convolution from ``D_in`` to ``d_out`` channels.
    """
    if isinstance(layer, DepthwiseSeparable):
        return Conv(layer.D_in, layer.D_out, layer.W_F, layer.H_F, layer.W_in, layer.H_in,
                    layer.stride, layer.padding, layer.dilation), "conv"
    if isinstance(layer, Depthwise):
        return Conv(layer.D_in, d_out, layer.W_F, layer.H_F, layer.W_in, layer.H_in,
                    layer.stride, layer.padding, layer.dilation), "conv"
    if isinstance(layer, Pointwise):
        return Conv(layer.D_in, layer.D_out, W_in=layer.W_in, H_in=layer.H_in,
                    stride=layer.stride), "conv"
    if layer.name == "grouped":
        return Conv(layer.D_in, layer.D_out, layer.W_F, layer.H_F, layer.W_in, layer.H_in,
                    layer.stride, layer.padding, layer.dilation), "conv"
    return None


__all__ = ["Term", "Step", "Derivation", "DerivationError", "params_derivation",
           "macs_derivation", "ratio_derivation", "comparison"]
