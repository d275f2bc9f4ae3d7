"""A number times an expression, built as sympy builds it but without re-deriving facts.

``sympy.Mul`` asks a new number whether it is zero while it flattens a product, and the
first question about any new ``Integer`` costs sympy about 50 us (it deduces every fact
about that number). A network whose layers all differ multiplies a new channel count into
the same output-size product at every layer, so that one question was most of a deep
symbolic network's time. :func:`times` builds the product that ``a * b`` gives, argument
for argument, where the answer is evident: a rational number times a product of symbols,
powers of symbols and functions (``floor``, ``ceiling``) has that number as its
coefficient and the other factors unchanged. Anything else goes through ``a * b``.

>>> from symconv.symbols import W, H
>>> import sympy
>>> e = times(sympy.Integer(96), sympy.ceiling(W/2) * sympy.ceiling(H/2))
>>> e, e == 96 * sympy.ceiling(W/2) * sympy.ceiling(H/2)
(96*ceiling(H/2)*ceiling(W/2), True)
>>> times(3, 2 * W), times(2, W + 1), times(W, 5), times(0, W)
(6*W, 2*W + 2, 5*W, 0)
"""

from __future__ import annotations

import sympy


def times(a, b) -> sympy.Expr:
    """``a * b`` for sympy expressions or ints; the same expression sympy's ``*`` gives."""
    if isinstance(a, int) and isinstance(b, int):  # Python ints (Counts) multiply as they are
        return a * b
    a, b = _expr(a), _expr(b)
    if a.is_Rational and _plain_product(b):
        return _scaled(a, b)
    if b.is_Rational and _plain_product(a):
        return _scaled(b, a)
    return a * b


def _expr(value):
    return sympy.Integer(value) if isinstance(value, int) else value


def _plain_product(e) -> bool:
    """``e`` is a commutative product (or one factor) of symbols, powers of symbols and
    function values, perhaps times a rational number: sympy only merges numbers into it."""
    if not isinstance(e, sympy.Expr) or e.is_Number or not e.is_commutative:
        return False
    factors = e.args if e.is_Mul else (e,)
    return all(_plain_factor(f) for f in factors)


def _plain_factor(f) -> bool:
    if f.is_Rational:
        return True
    if f.is_Symbol or (isinstance(f, sympy.Function) and not f.is_number):
        return True
    return f.is_Pow and f.base.is_Symbol and f.exp.is_Rational


def _scaled(number, product) -> sympy.Expr:
    coefficient, rest = product.as_coeff_Mul()
    coefficient = number * coefficient
    if coefficient.p == 0:  # .p, .q: comparing a number with sympy's == would ask its facts
        return sympy.Integer(0)
    if coefficient.p == coefficient.q:
        return rest
    factors = rest.args if rest.is_Mul else (rest,)
    return sympy.Mul(coefficient, *factors, evaluate=False)
