"""What a labelled formula is checked against: its layer and the worked example's numbers.

A formula is placed (by :mod:`.scan`) under a layer type, the options its section and
line state, and perhaps a worked example. This module builds that layer, symbolic or
with the example's numbers, and the example's values of the course's symbols; each is
built once per distinct setting (a note asks for the same few again and again).
"""

from __future__ import annotations

import dataclasses

import sympy

from ..errors import InputError
from ..layers import layer_class
from ..layers.options import option_value
from ..memo import remember
from ..symbols import SYMBOLS
from .check import expected_for


def _frozen(values: dict | None):
    """A dict of options or example numbers as a hashable key (None stays None)."""
    return None if values is None else tuple(sorted(values.items()))


# pure (a frozen layer from its kind and settings), and a note asks for the same few layers
# once per formula: each is built, and its output size derived, once
@remember(lambda kind, options, example: (kind, _frozen(options), _frozen(example)))
def layer_for(kind: str, options: dict, example: dict | None):
    """The layer a formula is about: symbolic options of its kind, or the example's numbers."""
    cls = layer_class(kind)
    fields = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in ({} if example is not None else options).items():
        if key in fields:
            kwargs[key] = value if key == "bias" else option_value(key, str(value))
    for key, value in (example or {}).items():
        if key in fields:
            kwargs[key] = value
    return cls(**kwargs)


def example_values(kind: str | None, example: dict) -> dict:
    """The example's numbers as symbol -> value, with the output size when it follows."""
    return dict(_remembered_values(kind, _frozen(example)))


@remember(lambda kind, example: (kind, example))   # pure, asked once per formula
def _remembered_values(kind: str | None, frozen: tuple) -> dict:
    example = dict(frozen)
    values = {SYMBOLS[k]: sympy.Integer(v) for k, v in example.items()
              if k in SYMBOLS and isinstance(v, int)}
    if example.get("W_F") is not None and example.get("W_F") == example.get("H_F"):
        values[SYMBOLS["K"]] = sympy.Integer(example["W_F"])
    for option, names in (("stride", ("S_W", "S_H")), ("dilation", ("d_W", "d_H")),
                          ("groups", ("g",))):
        if isinstance(example.get(option), int):  # only what the example states
            for name in names:
                values[SYMBOLS[name]] = sympy.Integer(example[option])
    if isinstance(example.get("padding"), int):
        values[SYMBOLS["P_W"]] = values[SYMBOLS["P_H"]] = sympy.Integer(example["padding"])
    if not {"W_in", "W_F"} <= set(example):
        return values
    try:
        shape = layer_for(kind or "conv", {}, example).output_size
    except (InputError, TypeError, ValueError):
        return values
    if shape.width.is_number and shape.height.is_number:
        values[SYMBOLS["W_out"]], values[SYMBOLS["H_out"]] = shape.width, shape.height
    return values


OPTIONS = ("stride", "padding", "dilation", "groups", "bias")


def example_options(example: dict) -> dict:
    return {k: v for k, v in example.items() if k in OPTIONS}


def options_for(options: dict, expr) -> dict:
    """Layer options, overridden by those the formula's symbols ask for (S_W: a stride S)."""
    names = {s.name for s in expr.free_symbols}
    out = dict(options)
    for option, letter, symbols in (("stride", "S", {"S_W", "S_H", "S"}),
                                    ("padding", "P", {"P_W", "P_H", "P"}),
                                    ("dilation", "d", {"d_W", "d_H", "d"}),
                                    ("output_padding", "a", {"a_W", "a_H", "a"}),
                                    ("groups", "g", {"g"})):
        if names & symbols:
            out[option] = letter
    return out


def numeric_expected(layer, quantity: str):
    if quantity == "output-size":
        return layer.output_size.elements
    return expected_for(layer, quantity).expr
