"""Whole networks: layers in order, residual and concatenation blocks, shape propagation, totals.

A :class:`Network` is data: an input (``C`` channels, ``H x W``, numbers or the
symbols ``H`` and ``W``) and a list of nodes. A node is a catalog layer
(:class:`LayerSpec`), a :class:`Sequence`, a :class:`Residual` (a body and an
optional projection shortcut, added) or a :class:`Concat` (branches stacked on
channels), each with ``repeat``. :meth:`Network.analyse` propagates the shape
(each layer's input is the previous output), builds every layer at its real
input size, and sums the counts. Sizes stay symbolic; with ``assume_divisible``
the input is taken to be a multiple of the total stride, so floors vanish.

>>> from symconv.symbols import alpha
>>> net = Network([layer("conv", D_out=32*alpha, K=3, stride=2, padding=1, bias=False),
...                layer("batchnorm"), layer("global-avg-pool"), layer("dense", D_out=10)])
>>> a = net.analyse(assume_divisible=True)
>>> a.total["macs"]
216*H*W*alpha + 320*alpha
>>> a.total["params"]
1248*alpha + 10
>>> net.analyse({"H": 224, "W": 224, "alpha": 1}).total["macs"]
10838336
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from ..errors import InputError
from ..layers import Shape
from ..sweep import evaluate_points
from ..symbols import SYMBOLS
from . import spec
from .nodes import MAX_NESTING, NETWORK_OPS, Concat, Head, LayerSpec, Multiply, Residual, Row, Sequence, layer
from .propagate import Walker, count_rows

__all__ = ["Network", "Analysis", "LayerSpec", "Sequence", "Residual", "Concat", "Multiply",
           "Head", "Row", "layer",
           "NETWORK_OPS", "NETWORK_NAMES", "SWEEP_KEYS", "TOTALS"]

#: Names a network's values may set (``H=224 alpha=0.5``).
NETWORK_NAMES = ("C", "H", "W", "alpha")
#: the totals a sweep reports at every point.
SWEEP_KEYS = ("params", "weights", "bn_buffers", "macs", "flops")
#: Keys of :attr:`Analysis.total`, with what each one counts.
TOTALS = {
    "params": "every trainable parameter as PyTorch counts them: weights + biases + BN scale and shift",
    "weights": "conv and dense weights only: no biases, no BN",
    "biases": "bias terms",
    "bn_affine": "BatchNorm scale and shift, trainable, included in params",
    "bn_buffers": "BatchNorm running mean and variance, not trainable, not in params",
    "macs": "multiply-accumulates of conv and dense layers, batch 1; pooling and BN count none",
    "flops": "2 x MACs",
}


@dataclass(frozen=True)
class Analysis:
    """An analysed network: one :class:`Row` per layer (and per add or concat), and the totals."""

    name: str
    input: Shape
    output: Shape
    rows: tuple
    total: dict
    total_stride: tuple
    divisible: bool
    values: dict = field(default_factory=dict)
    #: each side head's own totals (same keys as ``total``), by the head's label.
    heads: dict = field(default_factory=dict)
    #: whether ``total`` includes the side heads.
    with_heads: bool = False
    #: side heads that cannot be built at this input size (label -> why); left out.
    head_errors: dict = field(default_factory=dict)

    @property
    def exact_polynomial(self) -> bool:
        """No floor or ceiling left in the totals."""
        return not any(e.has(sympy.floor, sympy.ceiling) for e in self.total.values())


def _exact(value, name: str) -> sympy.Expr:
    """A value as an exact sympy number (``0.5`` is ``1/2``)."""

    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, sympy.Basic)):
        raise InputError(f"{name} must be a number, not {value!r}")
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Rational(Fraction(str(value)) if isinstance(value, float) else value)


def _sum(values) -> sympy.Expr:
    """``sympy.Add(*values)``, with the whole numbers among them added as Python integers."""
    numbers, rest = 0, []
    for v in values:
        if isinstance(v, sympy.Integer):
            numbers += v.p
        elif isinstance(v, int) and not isinstance(v, bool):  # a layer's numeric Count
            numbers += int(v)
        else:
            rest.append(v)
    return sympy.Add(sympy.Integer(numbers), *rest) if rest else sympy.Integer(numbers)


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """A total in a readable normal form: expanded when it is a polynomial."""
    if expr.is_number or expr.has(sympy.floor, sympy.ceiling):
        return expr
    return sympy.expand(expr)


class Network:
    """A network: input ``C x H x W`` and nodes; :meth:`analyse` gives the table and totals."""

    def __init__(self, layers, C=3, H=None, W=None, name: str = "network",
                 description: str = "", assume_divisible: bool = False, source: str = "",
                 reference: str = "", parameters: dict | None = None):
        self.layers = tuple(layers)
        self.source = source  # the spec's file name, for errors that name a line
        self.reference = reference  # where the architecture is published (paper, model name)
        #: the spec's own parameters (symbol -> default number), e.g. EfficientNet's depth_mult
        self.parameters = dict(parameters or {})
        self.C = C
        self.H = SYMBOLS["H"] if H is None else H
        self.W = SYMBOLS["W"] if W is None else W
        self.name, self.description = name, description
        self.assume_divisible = assume_divisible

    def __repr__(self) -> str:
        return f"Network({self.name!r}, {len(self.layers)} nodes)"

    @classmethod
    def from_toml(cls, path) -> "Network":
        """Read a spec file (see :mod:`symconv.net.spec`)."""
        return cls(**spec.read_file(path))

    @classmethod
    def from_dict(cls, data: dict) -> "Network":
        """Build from spec data already in Python (the TOML file's keys), e.g. read from JSON."""
        return cls(**spec.read_data(data))

    @classmethod
    def zoo(cls, name: str) -> "Network":
        """A built-in network by name: ``Network.zoo("resnet-50")``."""
        return cls(**spec.read_zoo(name))

    @classmethod
    def from_spec_text(cls, text: str, source: str = "<spec>") -> "Network":
        """Read the text of a TOML spec; errors name ``source`` and the place."""
        return cls(**spec.read_text(text, source))

    @classmethod
    def resolve(cls, name_or_path: str) -> "Network":
        """A spec file's path, or the name of a built-in network."""
        return cls(**spec.read(name_or_path))

    def analyse(self, values: dict | None = None, assume_divisible: bool | None = None,
                heads: bool = False) -> Analysis:
        """Propagate shapes and count; ``values`` maps ``H``, ``W``, ``C``, ``alpha`` to numbers.

        Side heads are counted apart (``Analysis.heads``); ``heads=True`` adds them to the total.
        With ``assume_divisible`` the input is a multiple of the total stride and every width
        is whole (``floor(24*alpha)`` is ``24*alpha``)."""
        own = {str(symbol): symbol for symbol in self.parameters}
        subs = dict(self.parameters)  # the spec's parameters take their defaults unless given
        for key, value in (values or {}).items():
            symbol = SYMBOLS[key] if isinstance(key, str) and key in NETWORK_NAMES else own.get(key, key)
            if not isinstance(symbol, sympy.Symbol) or str(symbol) not in (*NETWORK_NAMES, *own):
                raise InputError(f"unknown value {key!r}; {self.name} takes "
                                 f"{', '.join([*NETWORK_NAMES, *own])}")
            subs[symbol] = _exact(value, str(symbol))
        shape = self._input_shape(subs)
        divisible = self.assume_divisible if assume_divisible is None else assume_divisible
        rows, out, strides, failed = self.walk(shape, subs, bool(divisible), heads)
        stride = tuple(sympy.Integer(math.lcm(*[int(s[axis]) for s in strides
                                                 if s[axis] == int(s[axis])] or [1]))
                       for axis in (0, 1))
        if divisible:
            # Propagate W = S_W w, H = S_H h (the floors of exact divisions vanish), then map back.
            there, back = {}, {}
            for symbol, s in ((shape.width, stride[0]), (shape.height, stride[1])):
                if isinstance(symbol, sympy.Symbol) and s != 1:
                    there[symbol], back[symbol] = s * symbol, symbol / s
            if there:
                scaled = Shape(*(there.get(v, v) for v in shape))
                rows, out, _, failed = self.walk(scaled, subs, True, heads)
                rows = [_map_row(row, back) for row in rows]
                out = _map_shape(out, back)
        names = list(dict.fromkeys(row.head for row in rows if row.head is not None))
        head_totals = {name: _totals([row for row in rows if row.head == name]) for name in names}
        total = _totals([row for row in rows if heads or row.head is None])
        return Analysis(self.name, shape, out, tuple(rows), total, stride, divisible, subs,
                        head_totals, heads, dict(failed))

    def walk(self, shape: Shape, subs: dict, whole_widths: bool = False, heads: bool = False):
        """``(rows, output shape, total strides seen, failed heads)`` for input ``shape`` and
        values ``subs`` (a network imported from PyTorch walks its traced graph instead)."""
        if not self.layers:
            raise InputError(f"{self.name}: the network has no layers")
        count_rows(self.layers)
        walker = Walker(subs, self.source, whole_widths=whole_widths, include_heads=heads)
        out, _ = walker.walk(self.layers, shape, "", (1, 1))
        return walker.rows, out, walker.strides, walker.failed_heads

    def check_used(self, names) -> None:
        """Refuse a value the network has no place for (``C=1`` for a network whose input
        fixes 3 channels, ``alpha`` for one without a width multiplier): it would be ignored."""
        names = [str(name) for name in names]
        used = {str(s) for s in _symbols_in((self.C, self.H, self.W))}
        if not set(names) <= used:  # a name the input does not use: look through the layers
            used |= {str(s) for s in _symbols_in(self.layers)}
        for name in names:
            if name not in used:
                raise InputError(f"{self.name} does not use {name} (its input is {self.C} x "
                                 f"{self.H} x {self.W}, C x H x W); drop {name}")

    def _input_shape(self, subs: dict) -> Shape:
        from ..shapes import as_size

        sizes = []
        for what, value in (("C", self.C), ("H", self.H), ("W", self.W)):
            try:
                value = as_size(value, what)
                sizes.append(as_size(value.xreplace(subs), what))
            except InputError as error:
                raise InputError(f"{self.name} input: {error}") from None
        return Shape(sizes[2], sizes[1], sizes[0])

    def sweep(self, names: tuple, points: tuple, values: dict | None = None,
              assume_divisible: bool | None = None) -> list[dict]:
        """One dict per point: the swept values and the totals (:data:`SWEEP_KEYS`), from the
        one derived formula, evaluated with :func:`symconv.sweep.evaluate_points`.

        >>> net = Network([layer("conv", D_out=4, K=3, padding=1, stride=2)])
        >>> [p["macs"] for p in net.sweep(("H", "W"), (8, 16))]
        [1728, 6912]
        """
        values = dict(values or {})
        clash = sorted(set(values) & set(names))
        if clash:
            raise InputError(f"{clash[0]} is both swept and given a value; drop one")
        # Build the network at the extreme points first: a layer that cannot exist there is an error.
        for point in (points[0], points[-1]):
            self.analyse({**values, **{n: point for n in names}})
        analysis = self.analyse(values, assume_divisible)
        if analysis.divisible:
            strides = {"W": analysis.total_stride[0], "H": analysis.total_stride[1]}
            for name in names:
                bad = [p for p in points if name in strides and p % strides[name] != 0]
                if bad:
                    raise InputError(f"--assume-divisible: {name}={bad[0]} is not a multiple of the "
                                     f"total stride {strides[name]}; sweep multiples of it or drop "
                                     "--assume-divisible (the exact formula keeps its floors)")
        symbols = [SYMBOLS[n] for n in names]
        columns = {key: evaluate_points(analysis.total[key], symbols, points) for key in SWEEP_KEYS}
        for key in SWEEP_KEYS:  # the vectorised result must equal exact arithmetic at both ends
            expr = analysis.total[key]
            ends = [expr.xreplace({s: sympy.Rational(points[i]) for s in symbols})
                    for i in (0, len(points) - 1)]
            if [columns[key][0], columns[key][-1]] != ends:  # e.g. beyond 64-bit integers: exact
                columns[key] = [expr.xreplace({s: sympy.Rational(p) for s in symbols}) for p in points]
        rows = []
        for i, point in enumerate(points):
            row = {n: point for n in names}
            row.update({key: columns[key][i] for key in SWEEP_KEYS})
            for key in ("params", "macs"):
                if not (row[key].is_Integer if isinstance(row[key], sympy.Basic) else True):
                    raise InputError(f"--sweep: at {names[0]}={point} the {key} are not a whole "
                                     f"number ({row[key]}): channel counts there are fractional")
            rows.append(row)
        return rows


def _totals(rows) -> dict:
    total = {key: _tidy(_sum(row.value(key) for row in rows))
             for key in ("weights", "biases", "bn_affine", "bn_buffers", "macs")}
    return {"params": _tidy(total["weights"] + total["biases"] + total["bn_affine"]),
            **total, "flops": _tidy(2 * total["macs"])}


def _symbols_in(value, depth: int = 0) -> set:
    """Every symbol in a network's definition: its input sizes and its nodes' options."""
    if depth > 4 * MAX_NESTING:
        return set()
    if isinstance(value, sympy.Basic):
        return set(value.free_symbols)
    if isinstance(value, (tuple, list)):
        return set().union(*(_symbols_in(v, depth + 1) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return set().union(*(_symbols_in(getattr(value, f.name), depth + 1)
                             for f in dataclasses.fields(value)))
    return set()


def _map_shape(shape: Shape, mapping: dict) -> Shape:
    return Shape(*(v.xreplace(mapping) for v in shape))


def _map_row(row: Row, mapping: dict) -> Row:
    return dataclasses.replace(
        row, input=_map_shape(row.input, mapping), output=_map_shape(row.output, mapping),
        **{k: getattr(row, k).xreplace(mapping)
           for k in ("weights", "biases", "bn_affine", "bn_buffers", "macs")})
