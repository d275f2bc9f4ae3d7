"""The worked example of a note: the author's numbers, read as data, and the computation.

``--example "D_in=8 D_out=32 K=5 W_in=128 H_in=128 padding=valid"`` sets the numbers of
every note (``"dense: D_in=512 D_out=10"`` those of one); a layer takes the sizes and
options it has. Names go through the alias table (``C_in=8`` works), values are whole
numbers or option words; nothing is evaluated.

>>> spec = parse_example("C_in=8 D_out=32 K=5 padding=valid stride=2")
>>> spec
{'D_in': 8, 'D_out': 32, 'W_F': 5, 'H_F': 5, 'padding': 'valid', 'stride': 2}
>>> ex = example(REGISTRY["conv"], Examples())
>>> ex["output"], ex["numbers"]["params"], ex["numbers"]["macs"]
([124, 124, 32], 6432, 98406400)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import sympy

from ..engine import substitute
from ..errors import InputError
from ..layers import REGISTRY
from ..layers.options import OPTION_NAMES, SWITCHES, option_value, parse_bool, parse_number
from ..symbols import H_out, W_out, lookup
from .derive import macs_derivation, params_derivation
from .render import settings_of

#: the course's example: a 128 x 128 x 8 input, 32 filters of 5 x 5 x 8.
BASE_SIZES = {"D_in": 8, "D_out": 32, "W_F": 5, "H_F": 5, "W_in": 128, "H_in": 128}
#: what a layer's own example changes (the defaults an author's --example overrides).
EXAMPLES: dict[str, dict] = {
    "grouped": {"groups": 4},
    "transposed-conv": {"W_in": 32, "H_in": 32, "stride": 2},
    "dense": {"D_in": 512, "D_out": 10},
    "max-pool": {"W_F": 2, "H_F": 2}, "avg-pool": {"W_F": 2, "H_F": 2},
}
_SIZES = ("D_in", "D_out", "W_F", "H_F", "W_in", "H_in")
_OPTION_SYMBOLS = {"g": "groups", "m": "depth_multiplier"}


def parse_example(text: str) -> dict:
    """``NAME=VALUE`` words as a layer's keyword arguments; ``K`` sets ``W_F`` and ``H_F``."""
    out: dict = {}
    for item in str(text).split():
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise InputError(f"--example takes NAME=VALUE words such as D_in=8 padding=valid, "
                             f"not {item!r}")
        option = name.lower().replace("-", "_")
        if option in OPTION_NAMES:
            out[option] = (parse_bool(value, option) if option in SWITCHES
                           else option_value(option, value))
            continue
        canonical = lookup(name).name
        if canonical in _OPTION_SYMBOLS:
            out[_OPTION_SYMBOLS[canonical]] = parse_number(value, canonical)
        elif canonical == "K":
            out["W_F"] = out["H_F"] = parse_number(value, name)
        elif canonical in _SIZES:
            out[canonical] = parse_number(value, name)
        else:
            raise InputError(f"--example: {name} is not a layer size; use D_in, D_out, K, W_F, "
                             f"H_F, W_in, H_in or an option ({', '.join(OPTION_NAMES)})")
    return out


@dataclass(frozen=True)
class Examples:
    """The author's example numbers: for every note, and per layer."""

    common: dict = field(default_factory=dict)
    per_layer: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, items=(), per_layer: dict | None = None) -> "Examples":
        """``["D_in=8 K=3", "dense: D_in=512"]`` (the CLI's repeatable ``--example``)."""
        common, layers = {}, {}
        for item in items or ():
            head, colon, rest = str(item).partition(":")
            if colon and head.strip() in REGISTRY:
                layers.setdefault(head.strip(), {}).update(parse_example(rest))
            elif colon:
                raise InputError(f"--example {item!r}: unknown layer {head.strip()!r}; known "
                                 f"layers: {', '.join(REGISTRY)}")
            else:
                common.update(parse_example(item))
        for name, text in (per_layer or {}).items():
            if name not in REGISTRY:
                raise InputError(f"example for unknown layer {name!r}; known layers: "
                                 f"{', '.join(REGISTRY)}")
            layers.setdefault(name, {}).update(parse_example(text))
        return cls(common, layers)

    def spec(self, name: str) -> dict:
        return {**BASE_SIZES, **EXAMPLES.get(name, {}), **self.common,
                **self.per_layer.get(name, {})}


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def example_layer(cls, examples: Examples | None = None, symbolic: bool = False):
    """The worked example's layer (numbers), or its twin over symbols with the same options.

    The symbolic twin keeps an option only where the default is a number (the transposed
    example's stride 2); a symbolic default (grouped's ``g``) stays a symbol.
    """
    spec = (examples or Examples()).spec(cls.name)
    fields = _fields(cls)
    if not symbolic:
        try:
            return cls(**{k: v for k, v in spec.items() if k in fields})
        except InputError as error:
            raise InputError(f"the worked example of {cls.name}: {error}") from None
    default = cls()
    options = {k: v for k, v in spec.items() if k in fields and k not in _SIZES
               and not isinstance(getattr(default, k), sympy.Symbol)}
    return cls(**options)


def example_values(layer, sym) -> dict:
    """symbol -> number: the symbolic twin's symbols, read off the numeric layer's fields."""
    values = {}
    for f in _fields(type(layer)):
        pairs = zip(getattr(sym, f), getattr(layer, f)) if isinstance(getattr(sym, f), tuple) \
            else [(getattr(sym, f), getattr(layer, f))]
        for s, v in pairs:
            if isinstance(s, sympy.Symbol) and isinstance(v, (int, sympy.Integer)):
                values[s] = int(v)
    if hasattr(layer, "W_in"):
        out = layer.output_size
        values.update({W_out: int(out.width), H_out: int(out.height)})
    return values


def example(cls, examples: Examples) -> dict:
    """The worked example: the layer, its settings, each quantity's computation, the values."""
    layer, sym = example_layer(cls, examples), example_layer(cls, examples, symbolic=True)
    values = example_values(layer, sym)
    rows, numbers = [], {}
    for key, label, expr, derivation in (
            ("params", "params", sym.params, params_derivation(sym)),
            ("macs", "MACs", sym.macs, macs_derivation(sym))):
        value = int(substitute(sympy.Integer(0) + expr, values))
        if value != layer.quantity(key):
            raise AssertionError(f"{cls.name}: {label} example {value} != {layer.quantity(key)}")
        rows.append({"key": key, "label": label,
                     "step": derivation.steps[0] if derivation else None, "value": value})
        numbers[key] = value
    numbers["flops"] = 2 * numbers["macs"]
    rows.append({"key": "flops", "label": "FLOPs", "step": None, "value": numbers["flops"]})
    size_rows = []
    if hasattr(layer, "W_in"):
        out = layer.output_size
        size_rows = [{"symbol": W_out, "expr": sym.output_size.width, "value": int(out.width)},
                     {"symbol": H_out, "expr": sym.output_size.height, "value": int(out.height)}]
    has = {name: hasattr(layer, name) for name in ("W_in", "W_F", "D_out")}
    return {"layer": layer, "subs": values, "rows": rows, "size_rows": size_rows,
            "output": [int(v) for v in layer.output_size], "numbers": numbers,
            "settings": settings_of(layer), "input": has["W_in"], "kernel": has["W_F"],
            "filters": layer.name in ("conv", "grouped", "transposed-conv"),
            "depth": layer.D_in / layer.groups if hasattr(layer, "groups") else layer.D_in}
