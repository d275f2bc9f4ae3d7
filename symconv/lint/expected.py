"""What the catalog expects for a layer and a quantity, written in a formula's own symbols.

A formula over the input size gets ``W_out`` replaced by the layer's output size; ``K``,
``S``, ``P``, ``d``, ``a`` in a formula mean one value for both axes; a notation's
identifications (MobileNet's ``W_F = H_F = K``) and MobileNet's multipliers (``alpha`` on
the channels, ``rho`` on the feature maps) are applied; every assumption is said.

>>> from symconv.layers import Conv
>>> from symconv.symbols import K, S, S_H, S_W, W_in
>>> e = expected_for(Conv(stride=(S_W, S_H)), "output-size", W_in + K + S)
>>> e.expr, e.assumptions
(floor((-K + W_in)/S) + 1, ('a square kernel, W_F = H_F = K', 'one stride, S_W = S_H = S'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ..errors import InputError
from ..symbols import SYMBOLS, D_in, D_out, H_in, H_out, W_in, W_out

QUANTITIES = ("params", "macs", "flops", "output-size", "macs-per-output-pixel",
              "macs-per-output-value", "weights", "area", "ratio", "effective-kernel")
LABELS = {"params": "params", "macs": "MACs", "flops": "FLOPs", "output-size": "output size",
          "macs-per-output-pixel": "MACs per output pixel",
          "macs-per-output-value": "MACs per output value", "weights": "weights",
          "area": "output area W_out H_out", "ratio": "MAC ratio to a standard conv",
          "effective-kernel": "effective kernel size", "bias-adds": "bias adds"}


@dataclass(frozen=True)
class Expected:
    """What the catalog expects, in the formula's symbols, and the assumptions that took."""

    expr: sympy.Expr
    what: str
    assumptions: tuple[str, ...] = ()
    valid: Callable[[dict], bool] | None = None


def _course_out(layer):
    """The output width and height as the layer's MAC formula states them."""
    return layer._course_out(layer.output_size)


def _standard_counterpart(layer):
    """A standard conv with ``layer``'s shapes: the denominator of ``--quantity ratio``."""
    from ..layers import Conv

    fields = {name: getattr(layer, name) for name in ("D_in", "D_out", "W_F", "H_F", "W_in",
                                                      "H_in", "stride", "padding", "dilation")
              if hasattr(layer, name)}
    fields.setdefault("W_F", 1)
    fields.setdefault("H_F", 1)
    return Conv(**fields)


def _bias_adds(layer):
    """One add per bias per output position, over the output grid, summed over the parts."""
    parts = getattr(layer, "parts", (layer,))
    total = sympy.Integer(0)
    for part in parts:
        w, h = _course_out(part) if hasattr(part, "W_in") else (1, 1)
        total += part.biases * w * h
    return total


def _axis_of(used: set) -> str:
    h_axis = {SYMBOLS[n] for n in ("H_in", "H_F", "S_H", "P_H", "d_H", "H_out", "a_H")}
    w_axis = {SYMBOLS[n] for n in ("W_in", "W_F", "S_W", "P_W", "d_W", "W_out", "a_W")}
    return "height" if used & h_axis and not used & w_axis else "width"


#: one symbol for both axes -> the pair it stands for, and how to say so
_BOTH_AXES = {"K": ("W_F", "H_F", "a square kernel"), "S": ("S_W", "S_H", "one stride"),
              "P": ("P_W", "P_H", "one padding"), "d": ("d_W", "d_H", "one dilation"),
              "a": ("a_W", "a_H", "one output padding")}


def _base(layer, quantity: str, used: set, axis: str | None) -> tuple[sympy.Expr, str]:
    """The catalog's ``quantity`` of ``layer`` (course symbols) and what to call it."""
    shape = layer.output_size
    what = f"{LABELS[quantity]} of {layer.name}"
    if quantity == "output-size":
        channels = shape.channels.free_symbols
        if axis is None:
            axis = ("elements" if D_out in used or (channels and channels <= used) else
                    _axis_of(used))
        if axis == "elements":
            return shape.elements, f"output size W_out H_out D_out of {layer.name}"
        if axis == "height":
            return shape.height, f"output height of {layer.name}"
        return shape.width, f"output width of {layer.name}"
    if quantity == "area":
        return shape.width * shape.height, what
    if quantity == "effective-kernel":
        if not hasattr(layer, "W_F"):
            raise InputError(f"{layer.name} has no kernel, so no effective kernel size")
        (dw, dh) = getattr(layer, "dilation", (1, 1))
        if _axis_of(used) == "height":
            return dh * (layer.H_F - 1) + 1, f"effective kernel height of {layer.name}"
        return dw * (layer.W_F - 1) + 1, f"effective kernel width of {layer.name}"
    if quantity == "ratio":
        if getattr(layer, "fan_in", None) is None and not hasattr(layer, "parts") or \
                not hasattr(layer, "W_in"):
            raise InputError(f"--quantity ratio compares a convolution with a standard conv of "
                             f"the same shapes; {layer.name} is not one")
        conv = _standard_counterpart(layer)
        return layer.macs / conv.macs, f"MACs of {layer.name} / MACs of a standard conv"
    if quantity == "bias-adds":
        return _bias_adds(layer), what
    if quantity == "macs-per-output-pixel":
        w, h = _course_out(layer)
        return layer.macs / (w * h), what
    if quantity == "macs-per-output-value":
        w, h = _course_out(layer)
        return layer.macs / (w * h * shape.channels), what
    if quantity == "weights":
        return layer.weights, what
    return layer.quantity(quantity), what


def expected_for(layer, quantity: str, given: sympy.Expr | None = None,
                 identify: dict[str, str] | None = None, axis: str | None = None,
                 multipliers: dict[str, sympy.Expr] | None = None) -> Expected:
    """What the catalog says ``layer``'s ``quantity`` is, written in ``given``'s symbols.

    An output size is one of ``axis`` width, height or elements (W_out H_out D_out); without
    ``axis``, the one the formula's symbols point to. ``multipliers`` (MobileNet's ``alpha``
    on the channels, ``rho`` on the feature maps) scale the catalog's sizes."""
    if quantity not in QUANTITIES and quantity != "bias-adds":
        raise InputError(f"unknown quantity {quantity!r}; use one of {', '.join(QUANTITIES)}")
    used = given.free_symbols if given is not None else set()
    shape = layer.output_size
    expr, what = _base(layer, quantity, used, axis)
    assumptions: list[str] = []

    def apply(subs: dict, note: str | None = None) -> None:
        nonlocal expr
        if subs:
            expr = expr.xreplace(subs)
            if note:
                assumptions.append(note)

    if identify:
        pairs = ", ".join(f"{a} = {b}" for a, b in identify.items())
        apply({SYMBOLS[a]: SYMBOLS[b] for a, b in identify.items()}, f"the notation's {pairs}")
    if used & {W_in, H_in} and not used & {W_out, H_out}:  # a formula over the input size
        if getattr(layer, "W_in", None) == W_in and expr.has(W_out):
            apply({W_out: shape.width}, f"W_out = {shape.width}")
        if getattr(layer, "H_in", None) == H_in and expr.has(H_out):
            apply({H_out: shape.height}, f"H_out = {shape.height}")
    for one, (w, h, words) in _BOTH_AXES.items():
        pair = {SYMBOLS[w], SYMBOLS[h]}
        if SYMBOLS[one] in used and not used & pair and expr.has(*pair):
            apply({SYMBOLS[w]: SYMBOLS[one], SYMBOLS[h]: SYMBOLS[one]},
                  f"{words}, {w} = {h} = {one}")
    h_axis = {SYMBOLS[n] for n in ("H_in", "H_out", "H_F", "S_H", "P_H", "d_H")}
    if not used & h_axis:
        if W_in in used and expr.has(H_in):
            apply({H_in: W_in}, "a square input, H_in = W_in")
        if W_out in used and expr.has(H_out):
            apply({H_out: W_out}, "a square output, H_out = W_out")
    for name, value in (multipliers or {}).items():
        if name == "alpha":
            apply({D_in: value * D_in, D_out: value * D_out},
                  f"width multiplier {value}: D_in -> {value} D_in, D_out -> {value} D_out")
        elif name == "rho":
            apply({s: value * s for s in (W_in, H_in, W_out, H_out)},
                  f"resolution multiplier {value} on the feature maps")
    sizes = [s for s in (shape.width, shape.height) if s.free_symbols]

    def valid(values: dict) -> bool:
        for size in sizes:
            v = size.xreplace(values)
            if v.is_number and v < 1:
                return False
        groups = getattr(layer, "groups", 1)
        if getattr(groups, "free_symbols", None):
            for channels in (layer.D_in, layer.D_out):
                q = (channels / groups).xreplace(values)
                if q.is_number and not q.is_integer:
                    return False
        return True

    return Expected(expr, what, tuple(assumptions), valid)


