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


def normalize(expr: sympy.Expr) -> sympy.Expr:
    """Floors and ceilings with their arguments in one form, so equal ones cancel."""
    return expr.replace(lambda x: isinstance(x, (sympy.floor, sympy.ceiling)),
                        lambda x: x.func(sympy.together(sympy.expand(x.args[0]))))


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


