"""Bounded equality of two expressions: the comparison ``check`` and the diagnosis share.

>>> from symconv.symbols import D_in, D_out
>>> same(D_in * (D_out + 1), D_in * D_out + D_in), same(D_in, D_out)
(True, False)

Most questions the diagnosis asks have the answer no (a rule's variant of the catalog's
formula is rarely the formula); one exact evaluation at a point of positive whole sizes
answers most of those without the algebra (:func:`differ_at_a_point`), and an answer is
remembered, as the same pairs come back for every layer a note names.
"""

from __future__ import annotations

import functools

import sympy

from ..engine import canonical
from ..memo import remember
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
    return _same(as_expr(a), as_expr(b))


@remember(lambda a, b: (a, b))   # pure: the same pair is asked again for every layer variant
def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    if a.is_number and b.is_number:
        return sympy.simplify(a - b) == 0 if a.has(sympy.floor, sympy.ceiling) else a == b
    if terms_bound(a) + terms_bound(b) > MAX_TERMS:
        return False
    if differ_at_a_point(a, b):  # refuted by one exact evaluation: no algebra needed
        return False
    return simplify(normalize(a) - normalize(b)) == 0


#: the point :func:`differ_at_a_point` evaluates at: distinct primes, one per symbol in
#: name order (distinct, so a difference such as ``D_in - D_out`` does not vanish there)
POINT = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
         101, 103, 107, 109, 113, 127, 131, 137, 139, 149)


@functools.lru_cache(maxsize=None)
def _takes_whole_numbers(symbol: sympy.Symbol) -> bool:
    """Whether every positive whole number is a value ``symbol`` can take (its assumptions
    are among a positive integer's: the course's sizes, and positive reals such as alpha)."""
    return set(symbol.assumptions0.items()) <= _POSITIVE_INTEGER


_POSITIVE_INTEGER = set(sympy.Symbol("n", positive=True, integer=True).assumptions0.items())


def differ_at_a_point(a: sympy.Expr, b: sympy.Expr) -> bool:
    """True when ``a`` and ``b`` take different exact values at one point of positive whole
    sizes (:data:`POINT`), so they are not equal; False proves nothing.

    Sound for :func:`same`: two expressions equal for all the values their symbols may take
    are equal at this point, which is one of those values; floors and ceilings evaluate
    exactly on rationals. A value that is not a rational number there (a division by zero,
    something sympy leaves unevaluated) refutes nothing.

    >>> from symconv.symbols import D_in, D_out, W_in
    >>> differ_at_a_point(D_in * D_out, D_in + D_out), differ_at_a_point(D_in * (D_out + 1), D_in * D_out + D_in)
    (True, False)
    >>> differ_at_a_point(sympy.floor(W_in / 2) + sympy.ceiling(W_in / 2), W_in)
    False
    """
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    if len(symbols) > len(POINT) or not all(_takes_whole_numbers(s) for s in symbols):
        return False
    point = {s: sympy.Integer(v) for s, v in zip(symbols, POINT)}
    va, vb = a.xreplace(point), b.xreplace(point)
    return bool(va.is_Rational and vb.is_Rational and va != vb)


