"""What every layer states, and the helpers the layer modules share.

A layer is a frozen dataclass whose fields are its sizes (``D_in``, ``W_F``, ...,
symbols by default, any of them a number) and its options (stride, padding,
dilation, groups, bias). Its counts are properties returning raw sympy product
forms; they are never simplified here, the engine does that.

Counting conventions (the README states them too):

- one MAC is one multiply-accumulate of a weight with an input value, batch 1;
  taps that land on zero padding count, bias adds are not MACs;
- ``flops = 2 * macs``;
- ``params`` is every trainable parameter as PyTorch counts them
  (``weights + biases + affine``); BatchNorm's running statistics are ``buffers``.

A layer whose input size is the plain symbol ``W_in`` states its MACs over the
course's ``W_out`` (``W_F H_F D_in D_out W_out H_out``); given a number or an
expression as input size, it uses the computed output size instead.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar, Union

import sympy

from ..counts import ZERO, Count
from ..errors import InputError
from ..printing import to_latex
from ..products import times
from ..suggest import Words
from .results import count
from ..shapes import as_padding, as_size, conv_output_size, whole
from ..symbols import H_in, H_out, W_in, W_out, as_expr

Size = Union[int, sympy.Expr]


class Quantity(str, Enum):
    """What can be counted; the values are the CLI words."""

    PARAMS = "params"
    MACS = "macs"
    FLOPS = "flops"
    OUTPUT_SIZE = "output-size"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _missing_(cls, value):
        """Any spelling of a quantity: ``MACs``, ``param``, ``parameters``, ``output_size``."""
        if isinstance(value, str):
            return cls(QUANTITY_WORDS.resolve(value))
        return None

    @property
    def label(self) -> str:
        return {"params": "params", "macs": "MACs", "flops": "FLOPs",
                "output-size": "output size"}[self.value]


#: other ways to write a quantity -> its CLI word (case, ``-`` and ``_`` do not matter).
QUANTITY_ALIASES: dict[str, str] = {
    **dict.fromkeys(("param", "parameter", "parameters", "#params", "num-params", "n-params",
                     "nparams", "param-count", "parameter-count"), "params"),
    **dict.fromkeys(("mac", "multiply-accumulates", "multiply-accumulate", "multiply-adds",
                     "mult-adds", "madds", "macc", "maccs"), "macs"),
    **dict.fromkeys(("flop", "ops"), "flops"),
    **dict.fromkeys(("output", "output-shape", "out-size", "size", "shape"), "output-size"),
    **dict.fromkeys(("weight", "num-weights"), "weights"),
}

#: the quantities of a layer, with their aliases.
QUANTITY_WORDS = Words("quantity", [q.value for q in Quantity],
                       {k: v for k, v in QUANTITY_ALIASES.items() if v != "weights"},
                       plural_what="quantities")


def quantity_words(words) -> Words:
    """The aliases of :data:`QUANTITY_ALIASES` over another set of quantity words (``check``'s)."""
    words = list(words)
    return Words("quantity", words, {k: v for k, v in QUANTITY_ALIASES.items() if v in words},
                 plural_what="quantities")


@dataclass(frozen=True)
class Shape:
    """An activation's size: width x height x channels (a vector is 1 x 1 x features)."""

    width: sympy.Expr
    height: sympy.Expr
    channels: sympy.Expr

    def __iter__(self):
        return iter((self.width, self.height, self.channels))

    @property
    def elements(self) -> sympy.Expr:
        """Values in the activation, width x height x channels (a count of values)."""
        return self.width * self.height * self.channels


#: the dataclass fields that are sizes.
SIZE_FIELDS = ("D_in", "D_out", "W_F", "H_F", "W_in", "H_in")


def pair(value, name: str, minimum: int = 1) -> tuple[sympy.Expr, sympy.Expr]:
    """A per-axis option as ``(width, height)``; one value means both axes."""
    if type(value) is Count and value >= minimum:   # a number, already read
        return value, value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InputError(f"{name} takes one value or a (width, height) pair, not {value!r}")
        return as_size(value[0], name, minimum), as_size(value[1], name, minimum)
    v = as_size(value, name, minimum)
    return v, v


def padding_pair(value):
    if type(value) is Count and value >= 0:   # a number, already read
        return value, value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InputError(f"padding takes one value or a (width, height) pair, not {value!r}")
        return as_padding(value[0]), as_padding(value[1])
    p = as_padding(value)
    return p, p


class Layer:
    """Base of every layer type: the quantities and how to reach them by name."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def __post_init__(self, K=None) -> None:
        self._square(K)
        for name, read in _readers(type(self)):
            object.__setattr__(self, name, read(getattr(self, name)))
        self.validate()
        self.output_size  # computing it checks that the kernel fits (subclasses compute it once)

    def _square(self, K) -> None:
        """``K=`` (as on the command line) sets ``W_F = H_F = K``; a side given too must agree."""
        if K is None:
            return
        side = as_size(K, "K")
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        for axis in ("W_F", "H_F"):
            value = getattr(self, axis)
            if value is defaults[axis]:
                object.__setattr__(self, axis, side)
            elif as_size(value, axis) != side:
                raise InputError(f"K={side} but {axis}={value}; give K or {axis}, or the same value")

    def validate(self) -> None:
        """Raise :class:`InputError` for a layer that cannot exist."""

    # --- quantities -----------------------------------------------------
    # A layer with weights states ``fan_in`` (weights per output channel) and
    # ``positions`` (where each output channel's weights are applied); the
    # counts follow from those two, so no layer retypes them.
    fan_in: sympy.Expr | None = None

    @property
    def positions(self) -> sympy.Expr:
        """Output positions (pixels) per channel where the weights are applied, as the MAC
        formula states them (``W_out H_out``; a count of positions)."""
        w, h = self._course_out(self.output_size)
        return w * h

    @count
    def weights(self) -> sympy.Expr:
        """Weights, no biases, no normalisation parameters (a count of parameters)."""
        return ZERO if self.fan_in is None else self.D_out * self.fan_in

    @count
    def biases(self) -> sympy.Expr:
        """Bias terms, one per output channel when bias is on (a count of parameters)."""
        return ZERO if self.fan_in is None else self.D_out * self._bias

    @count
    def affine(self) -> sympy.Expr:
        """Normalisation scale and shift, BatchNorm's gamma and beta (a count of parameters)."""
        return ZERO

    @count
    def buffers(self) -> sympy.Expr:
        """Non-trainable state, BatchNorm's running mean and variance (a count of values)."""
        return ZERO

    @count
    def params(self) -> sympy.Expr:
        """Trainable parameters as PyTorch counts them: weights + biases + affine (a count)."""
        if self.fan_in is None:
            return self.affine
        return self.D_out * (self.fan_in + self._bias)

    @count
    def macs(self) -> sympy.Expr:
        """Multiply-accumulates of a weight with an input value, batch 1 (a count of MACs)."""
        if self.fan_in is None:
            return ZERO
        return times(self.fan_in * self.D_out, self.positions)  # see symconv.products

    @count
    def flops(self) -> sympy.Expr:
        """Floating-point operations, 2 per MAC (a count of FLOPs)."""
        return 2 * self.macs

    @property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        raise NotImplementedError

    def quantity(self, q: Quantity | str):
        """A quantity by any of its names (``"MACs"``, ``"parameters"``): a sympy expression
        (numbers too), or a :class:`Shape` for ``output-size``."""
        q = Quantity(q)
        return self.output_size if q is Quantity.OUTPUT_SIZE else as_expr(getattr(self, q.value))

    # --- helpers for the subclasses ----------------------------------------
    @property
    def _bias(self) -> int:
        return 1 if getattr(self, "bias", False) else 0

    def _course_out(self, shape: Shape) -> tuple[sympy.Expr, sympy.Expr]:
        """Output width and height as the MAC formula states them (see module docstring)."""
        w = W_out if _is(getattr(self, "W_in", None), W_in) else shape.width
        h = H_out if _is(getattr(self, "H_in", None), H_in) else shape.height
        return w, h

    def from_input(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with the course's ``W_out``, ``H_out`` replaced by this layer's output size
        formula, so that it is a function of the input size alone."""
        out = self.output_size
        return expr.xreplace({W_out: out.width, H_out: out.height})

    def _window_shape(self, channels) -> Shape:
        """Output of a sliding window over ``W_in x H_in`` with this layer's kernel and options."""
        (sw, sh), (pw, ph), (dw, dh) = self.stride, self.padding, self.dilation
        return Shape(conv_output_size(self.W_in, self.W_F, sw, pw, dw, self.name),
                     conv_output_size(self.H_in, self.H_F, sh, ph, dh, self.name), channels)

    def _repr_latex_(self) -> str:
        """Jupyter shows a layer as its output size, params and MACs."""
        out = r" \times ".join(rf"\left({to_latex(v)}\right)" if v.is_Add else to_latex(v)
                               for v in self.output_size)
        rows = [(r"\text{output}", out), (r"\text{params}", to_latex(self.params)),
                (r"\text{MACs}", to_latex(self.macs))]
        body = r" \\ ".join(f"{name} &= {value}" for name, value in rows)
        return rf"$\displaystyle \begin{{aligned}} {body} \end{{aligned}}$"

    def replace(self, **changes) -> "Layer":
        return dataclasses.replace(self, **changes)

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        """The symbols the layer's counts and output size still depend on (a set of symbols)."""
        exprs = [self.params, self.macs, *self.output_size]
        return set().union(*(e.free_symbols for e in exprs))


def _is(value, symbol: sympy.Symbol) -> bool:
    """``value == symbol``, without sympy's slow comparison of a number with a symbol."""
    return value is symbol or (isinstance(value, sympy.Symbol) and value == symbol)


def _size(name: str, value):
    return as_size(value, name)


def _bias(value) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"bias must be True or False, not {value!r}")
    return value


#: how a layer reads each of its option fields (a field not named here is kept as given).
FIELD_READERS = {
    **{name: functools.partial(_size, name) for name in SIZE_FIELDS},
    "stride": lambda v: pair(v, "stride"),
    "dilation": lambda v: pair(v, "dilation"),
    "padding": padding_pair,
    "groups": lambda v: as_size(v, "groups"),
    "depth_multiplier": lambda v: as_size(v, "depth multiplier"),
    "output_padding": lambda v: pair(v, "output padding", 0),
    "bias": _bias,
}


@functools.lru_cache(maxsize=None)
def _readers(cls) -> tuple:
    """``(field, reader)`` for the fields of ``cls`` that :data:`FIELD_READERS` reads."""
    return tuple((f.name, FIELD_READERS[f.name]) for f in dataclasses.fields(cls)
                 if f.name in FIELD_READERS)


def check_divides(groups, channels, channel_name: str, layer: str) -> None:
    """Groups must divide the channel count (when both are numbers)."""
    g, c = whole(groups), whole(channels)
    if g is None or c is None:
        if not (groups.is_number and channels.is_number):
            return
        g, c = int(groups), int(channels)
    if c % g != 0:
        raise InputError(f"{layer}: groups={groups} does not divide {channel_name}={channels}"
                         + _divisors_hint(c))


def _divisors_hint(n: int, shown: int = 12) -> str:
    """``; use one of [1, 2, 4, 8]``: the divisors of ``n`` by trial division up to its square
    root, for a count small enough to list them quickly (at most a million trials).

    >>> _divisors_hint(8), _divisors_hint(10**11)[:30], _divisors_hint(10**13)
    ('; use one of [1, 2, 4, 8]', '; use one of [1, 2, 4, 5, 8, 1', '')
    """
    if n > 10**12:
        return ""
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    divisors = sorted(set(small) | {n // d for d in small})
    if len(divisors) > shown:
        half = shown // 2
        return (f"; use one of [{', '.join(map(str, divisors[:half]))}, ..., "
                f"{', '.join(map(str, divisors[-half:]))}]")
    return f"; use one of {divisors}"
