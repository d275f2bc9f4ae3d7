"""A number of things as a plain Python number, its sympy form one attribute away.

A layer's size given as a number (``D_in=8``, a stride, an output width) and its
counts (params, MACs, FLOPs, weights, biases, ...) with numeric sizes are a
:class:`Count`: an ``int``, so ``json.dumps``, ``f"{x:,}"``, ``isinstance(x, int)``
and ``int(x)`` work as for any int, and ``x.expr`` is the sympy ``Integer``. Other
public attribute names (``free_symbols``, ``is_number``, ``is_Integer``, ``subs``,
``xreplace``) answer as that ``Integer`` would, so code written for expressions keeps
working. Arithmetic is int arithmetic, exact: ``x / 2`` is a :class:`Count` when 2
divides ``x`` and a :class:`Quotient` (a ``Fraction``) when not, never a float, as
sympy's ``Integer`` would answer. A count with symbols stays a sympy expression.

>>> import json, sympy
>>> c = plain(sympy.Integer(98406400))
>>> c, isinstance(c, int), f"{c:,}", json.dumps({"macs": c}), c.expr.is_Integer
(98406400, True, '98,406,400', '{"macs": 98406400}', True)
>>> plain(sympy.Rational(3, 2)), plain(sympy.Symbol("x") + 1), c / 400, Count(3) / 2, Count(2) ** -2
(Fraction(3, 2), x + 1, 246016, Fraction(3, 2), Fraction(1, 4))
"""

from __future__ import annotations

from fractions import Fraction

import sympy


class _Exact:
    """Mixin: ``expr`` is the sympy number; sympy's attribute names answer through it."""

    __slots__ = ()

    def _sympy_(self):
        return self.expr

    def __getattr__(self, name: str):
        if name.startswith("_"):  # sympy's private protocol (_op_priority) must not see an Expr
            raise AttributeError(name)
        return getattr(self.expr, name)


def _closed(name: str):
    """The int operator ``name``, its whole results kept as :class:`Count` (so that sums of
    counts still answer ``is_number``)."""
    op = getattr(int, name)

    def method(self, *other):
        result = op(self, *other)
        return Count(result) if type(result) is int else result

    method.__name__ = name
    return method


class Count(_Exact, int):
    """A whole number of things: a plain ``int`` with ``.expr``, its sympy ``Integer``."""

    __slots__ = ()

    for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
                  "__neg__", "__pos__", "__abs__", "__floordiv__", "__rfloordiv__", "__mod__",
                  "__rmod__"):
        locals()[_name] = _closed(_name)
    del _name

    def __pow__(self, other, modulo=None):
        if modulo is None and isinstance(other, int) and not isinstance(other, bool) and other < 0:
            return _exact_ratio(1, int(self) ** -int(other))   # 2 ** -1 is 1/2, not 0.5
        result = int.__pow__(self, other, modulo)
        return Count(result) if type(result) is int else result

    def __truediv__(self, other):
        if isinstance(other, int) and not isinstance(other, bool):
            return _exact_ratio(int(self), int(other))
        return int.__truediv__(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, int) and not isinstance(other, bool):
            return _exact_ratio(int(other), int(self))
        return int.__rtruediv__(self, other)

    @property
    def expr(self) -> sympy.Integer:
        """The same number as a sympy ``Integer``."""
        return sympy.Integer(int(self))


ZERO, ONE = Count(0), Count(1)


class Quotient(_Exact, Fraction):
    """A count that is not whole: a ``Fraction`` with ``.expr``, its sympy ``Rational``."""

    @property
    def expr(self) -> sympy.Rational:
        """The same number as a sympy ``Rational``."""
        return sympy.Rational(self.numerator, self.denominator)

    def __repr__(self) -> str:
        return f"Fraction({self.numerator}, {self.denominator})"


def plain(value):
    """A sympy number as a :class:`Count` or :class:`Quotient`; anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if isinstance(value, Count) else Count(value)
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return Count(int(value))
    if isinstance(value, sympy.Basic) and value.is_Rational:
        return Quotient(int(value.p), int(value.q))
    return value


def _exact_ratio(a: int, b: int):
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return Count(a // b) if a % b == 0 else Quotient(a, b)
