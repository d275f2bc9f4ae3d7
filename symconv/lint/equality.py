"""Bounded equality of two expressions: the comparison ``check`` and the diagnosis share.

>>> from symconv.symbols import D_in, D_out
>>> same(D_in * (D_out + 1), D_in * D_out + D_in), same(D_in, D_out)
(True, False)
"""

from __future__ import annotations

import sympy

from ..engine import canonical
from ..symbols import as_expr

#: the most monomials a comparison expands to; past it two expressions are not compared
MAX_TERMS = 400


def _ceiling_as_floor(x: sympy.Expr) -> sympy.Expr:
    """``ceil(p/q) = floor((p + q - 1)/q)`` for whole ``p`` and positive whole ``q``."""
    p, q = sympy.fraction(sympy.together(x.args[0]))
    if p.is_integer and q.is_integer and q.is_positive:
        return sympy.floor((p + q - 1) / q)
    return x


def normalize(expr: sympy.Expr) -> sympy.Expr:
    """Floors and ceilings in one form (a ceiling of a ratio of whole numbers as a floor, the
    argument over one denominator), so equal ones cancel."""
    expr = expr.replace(lambda x: isinstance(x, sympy.ceiling), _ceiling_as_floor)
    return expr.replace(lambda x: isinstance(x, (sympy.floor, sympy.ceiling)), _one_form)


def _one_form(x: sympy.Expr) -> sympy.Expr:
    """The argument expanded (so sympy takes whole parts out: floor(1 - 1/n) is floor(-1/n) + 1,
    which it evaluates), then over one denominator."""
    split = x.func(sympy.expand(x.args[0]))
    if not isinstance(split, (sympy.floor, sympy.ceiling)):
        return split.replace(lambda y: isinstance(y, (sympy.floor, sympy.ceiling)),
                             lambda y: y.func(sympy.together(y.args[0])))
    return x.func(sympy.together(split.args[0]))


def simplify(expr: sympy.Expr) -> sympy.Expr:
    """:func:`canonical`, but a polynomial is only expanded (the same form, much faster)."""
    if not expr.has(sympy.floor, sympy.ceiling) and expr.is_polynomial():
        return sympy.expand(expr)
    return canonical(expr)


def terms_bound(expr: sympy.Expr) -> int:
    from ..formula.parse import expansion_size

    return expansion_size(expr)


def same(a, b) -> bool:
    """Whether ``a`` and ``b`` are provably equal; False when unsure or too large to tell."""
    if a is None or b is None:
        return False
    a, b = as_expr(a), as_expr(b)
    if a.is_number and b.is_number:
        return sympy.simplify(a - b) == 0 if a.has(sympy.floor, sympy.ceiling) else a == b
    if terms_bound(a) + terms_bound(b) > MAX_TERMS:
        return False
    return simplify(normalize(a) - normalize(b)) == 0


