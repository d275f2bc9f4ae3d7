"""Output-size arithmetic along one axis: padding, stride, dilation, transposition.

The conventions are those of Dumoulin and Visin, "A guide to convolution
arithmetic for deep learning" (arXiv 1603.07285), with dilation ``d`` giving
the effective kernel ``d (k - 1) + 1``:

    o = floor((i + 2 p - d (k - 1) - 1) / s) + 1

``valid`` is ``p = 0``; ``full`` is ``p = d (k - 1)`` (every partial overlap);
``same`` is TensorFlow's: ``o = ceil(i / s)``, padding as much as that needs,
the odd pixel at the end. A transposed convolution with the same ``k, s, p, d``
maps ``o`` back to ``i`` (exactly when ``output_padding = (i + 2p - k') mod s``):

    o' = s (i' - 1) - 2 p + d (k - 1) + 1 + output_padding

>>> from symconv.symbols import W_in, W_F, S_W
>>> conv_output_size(W_in, W_F)
-W_F + W_in + 1
>>> conv_output_size(W_in, W_F, stride=S_W, padding=1)
floor((-W_F + W_in + 2)/S_W) + 1
>>> conv_output_size(W_in, 3, padding="same", stride=2)
ceiling(W_in/2)
>>> same_padding(W_in, W_F)
W_F - 1
"""

from __future__ import annotations

import functools
import numbers
from enum import Enum
from typing import Union

import sympy

from .counts import Count
from .errors import InputError
from .symbols import as_expr

Size = Union[int, sympy.Expr]


class PaddingMode(str, Enum):
    """The named paddings; their values are the CLI words."""

    VALID = "valid"
    SAME = "same"
    FULL = "full"

    def __str__(self) -> str:
        return self.value


Padding = Union[PaddingMode, int, sympy.Expr]


def whole(value) -> int | None:
    """The Python ``int`` of a whole number (an ``int`` or a sympy ``Integer``), else ``None``.

    Sizes that are numbers are checked and combined as Python integers: sympy's own
    arithmetic and comparisons on numbers cost microseconds each (converting every
    operand), which a network of thousands of layers pays tens of thousands of times.
    """
    if type(value) is int:
        return value
    if isinstance(value, sympy.Integer):
        return value.p
    if isinstance(value, int) and not isinstance(value, bool):  # a Count, an int subclass
        return int(value)
    return None


def as_size(value, name: str, minimum: int = 1) -> sympy.Expr:
    """``value`` as a size: a whole number as a :class:`~symconv.counts.Count` (a Python
    int), else a sympy expression; a number below ``minimum`` or not whole is an error."""
    kind = type(value)
    if (kind is Count or kind is int) and value >= minimum:  # the common case, quickly
        return value if kind is Count else Count(value)
    if isinstance(value, bool):
        raise InputError(f"{name} must be a whole number, not {value!r}")
    n = whole(value)
    if n is not None:
        if n < minimum:
            raise InputError(f"{name} must be at least {minimum}, not {n}")
        return value if type(value) is Count else Count(n)
    if isinstance(value, numbers.Integral):  # numpy.int64, ...
        return as_size(int(value), name, minimum)
    if isinstance(value, numbers.Real) and not isinstance(value, sympy.Basic):
        if not float(value).is_integer():  # 8.0 (a float, numpy.float32) is a whole number
            raise InputError(f"{name} must be a whole number, not {value!r}")
        return as_size(int(value), name, minimum)
    if not isinstance(value, sympy.Basic):
        raise InputError(f"{name} must be a whole number or a symbol, not {value!r}")
    return _checked_expression(value, name, minimum)


@functools.lru_cache(maxsize=4096)
def _checked_expression(value: sympy.Basic, name: str, minimum: int) -> sympy.Basic:
    """``value`` when it may be a size (a number among them must be whole and at least
    ``minimum``); the same sizes meet layer after layer, and ``is_number`` walks the tree."""
    if value.is_number:
        if not value.is_integer:
            raise InputError(f"{name} must be a whole number, not {value}")
        if value < minimum:
            raise InputError(f"{name} must be at least {minimum}, not {value}")
    return value


def as_padding(value) -> Padding:
    """A padding option from a :class:`PaddingMode`, its word, a number or an expression."""
    if isinstance(value, PaddingMode):
        return value
    if isinstance(value, str):
        try:
            return PaddingMode(value.lower())
        except ValueError:
            words = ", ".join(m.value for m in PaddingMode)
            raise InputError(f"padding must be {words} or a whole number, not {value!r}") from None
    return as_size(value, "padding", minimum=0)


def effective_kernel(k: Size, dilation: Size = 1) -> sympy.Expr:
    """The span of a dilated kernel: ``d (k - 1) + 1``."""
    return dilation * (k - 1) + 1


def padding_per_side(padding: Padding, k: Size, dilation: Size = 1) -> sympy.Expr:
    """The zero padding on each side for ``valid``, ``full`` or an explicit amount."""
    if not isinstance(padding, str):  # an amount (comparing a sympy number with a word is slow)
        return padding if isinstance(padding, int) else as_expr(padding)
    if padding == PaddingMode.VALID:
        return sympy.Integer(0)
    if padding == PaddingMode.FULL:
        return effective_kernel(k, dilation) - 1
    if padding == PaddingMode.SAME:
        raise ValueError("'same' padding depends on the input size: use same_padding()")
    return as_expr(padding)


def same_padding(i: Size, k: Size, stride: Size = 1, dilation: Size = 1) -> sympy.Expr:
    """Total padding (both sides) that TensorFlow's ``same`` adds so that ``o = ceil(i/s)``."""
    i, stride = as_expr(as_size(i, "input size")), as_expr(stride)
    need = (sympy.ceiling(i / stride) - 1) * stride + effective_kernel(k, dilation) - i
    return sympy.Max(need, 0)


def _check_fits(i, k, stride, padding_total, dilation, what: str) -> None:
    span = effective_kernel(k, dilation)
    room = i + padding_total
    if (room - span).is_number and room - span < 0:
        raise InputError(
            f"{what}: the {'dilated ' if dilation != 1 else ''}kernel spans {span} but the padded "
            f"input is only {room} wide; use a smaller kernel or more padding"
        )


@functools.lru_cache(maxsize=4096)
def _window(i: sympy.Expr, shift: int, stride: int) -> sympy.Expr:
    """``floor((i + shift)/stride) + 1`` for a symbolic ``i``: the same input size meets the same
    kernel in layer after layer, so the one expression object (and the facts sympy derives
    about it) is reused rather than rebuilt."""
    shifted = i + shift
    return shifted + 1 if stride == 1 else sympy.floor(shifted / stride) + 1


def _whole_sizes(*values) -> list[int] | None:
    """The values as Python ints when every one is a whole number >= 1, else ``None``."""
    out = []
    for value in values:
        n = whole(value)
        if n is None or n < 1:
            return None
        out.append(n)
    return out


def conv_output_size(i: Size, k: Size, stride: Size = 1, padding: Padding = PaddingMode.VALID,
                     dilation: Size = 1, what: str = "conv") -> sympy.Expr:
    """Output size of a convolution (or pooling window) along one axis."""
    if type(i) is Count and type(k) is Count and type(stride) is Count and \
            type(padding) is Count and type(dilation) is Count and \
            i >= 1 and k >= 1 and stride >= 1 and padding >= 0 and dilation >= 1:
        n, span, s = int(i) + 2 * int(padding), int(dilation) * (int(k) - 1) + 1, int(stride)
        if n >= span:   # every size a number (the common case): Python ints, at once
            return Count((n - span) // s + 1)
    numbers = _whole_sizes(k, stride, dilation)
    if numbers is None:  # a size is a symbol (or not valid: as_size says why)
        i, k = as_size(i, "input size"), as_size(k, "kernel size")
        stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
        return _general_output_size(i, k, stride, as_padding(padding), dilation, what)
    kk, s, d = numbers
    n = whole(i)
    if n is None or n < 1:
        i = as_size(i, "input size")
        n = whole(i)
    padding = as_padding(padding)
    if isinstance(padding, str) and padding == PaddingMode.SAME:
        return Count(-(-n // s)) if n is not None else sympy.ceiling(i / s)
    pp = whole(padding_per_side(padding, kk, d))
    if pp is None:  # a symbolic amount of padding
        return _general_output_size(as_size(i, "input size"), sympy.Integer(kk), sympy.Integer(s),
                                    padding, sympy.Integer(d), what)
    span = d * (kk - 1) + 1
    if n is None:  # floor((W_in + 2p - span)/s) + 1
        return _window(i, 2 * pp - span, s)
    if n + 2 * pp - span < 0:
        raise InputError(f"{what}: the {'dilated ' if d != 1 else ''}kernel spans {span} but the "
                         f"padded input is only {n + 2 * pp} wide; use a smaller kernel or more "
                         "padding")
    return Count((n + 2 * pp - span) // s + 1)


def _general_output_size(i, k, stride, padding, dilation, what: str) -> sympy.Expr:
    i, k, stride, dilation = as_expr(i), as_expr(k), as_expr(stride), as_expr(dilation)
    if isinstance(padding, str) and padding == PaddingMode.SAME:
        return sympy.ceiling(i / stride)
    p = padding_per_side(padding, k, dilation)
    _check_fits(i, k, stride, 2 * p, dilation, what)
    span = i + 2 * p - effective_kernel(k, dilation)
    if stride == 1:  # an integer already: skip sympy's (slow) proof that floor() is a no-op
        return span + 1
    return sympy.floor(span / stride) + 1


def transposed_output_size(i: Size, k: Size, stride: Size = 1, padding: Padding = PaddingMode.VALID,
                           dilation: Size = 1, output_padding: Size = 0,
                           what: str = "transposed-conv") -> sympy.Expr:
    """Output size of a transposed convolution along one axis (PyTorch's ``ConvTranspose``)."""
    i, k = as_size(i, "input size"), as_size(k, "kernel size")
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    output_padding = as_size(output_padding, "output padding", minimum=0)
    padding = as_padding(padding)
    if isinstance(padding, str) and padding == PaddingMode.SAME:
        return i * stride
    numbers = [whole(v) for v in (stride, dilation, output_padding, k)]
    if None not in numbers:  # all but perhaps the input size are numbers
        s, d, a, kk = numbers
        if a >= max(s, d):
            raise InputError(f"{what}: output padding must be smaller than the stride or the "
                             f"dilation ({max(s, d)}), not {a}")
        p = whole(padding_per_side(padding, k, dilation))
        if p is not None:
            n = whole(i)
            if n is None:
                return s * i + (-s - 2 * p + d * (kk - 1) + 1 + a)
            out = s * (n - 1) - 2 * p + d * (kk - 1) + 1 + a
            if out < 1:
                raise InputError(f"{what}: the output would be {out} wide; use less padding")
            return Count(out)
    limit = sympy.Max(stride, dilation)
    if (limit - output_padding).is_number and output_padding >= limit:
        raise InputError(f"{what}: output padding must be smaller than the stride or the "
                         f"dilation ({limit}), not {output_padding}")
    p = padding_per_side(padding, k, dilation)
    out = stride * (i - 1) - 2 * p + effective_kernel(k, dilation) + output_padding
    if out.is_number and out < 1:
        raise InputError(f"{what}: the output would be {out} wide; use less padding")
    return out
