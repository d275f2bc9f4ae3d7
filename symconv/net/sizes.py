"""Sizes in a walk: proving two symbolic sizes equal, and writing floors and ceilings tidily.

A residual's body and its shortcut, or a concat's branches, must give the same size
for every input: :func:`decide` proves it (or shows a size where they differ), with
floors and ceilings handled by their period. :func:`tidy_size` writes each size and
count in the shortest exact form (``ceiling(W/2)`` rather than ``floor(W/2 - 1/2) + 1``).
"""

from __future__ import annotations

import functools

import sympy

from ..layers import Shape
from ..symbols import as_expr


def equal(a, b) -> bool:
    """Do two sizes agree for every valid input? Only a proof says yes (:func:`decide`)."""
    return decide(a, b) is True


#: residues tried per symbol when a floor or ceiling hides a period (total strides are far less).
_MAX_PERIOD = 4096


def decide(a, b):
    """``True`` when ``a == b`` for every positive whole input size (a proof), ``False`` when
    they differ somewhere, ``None`` when neither is shown.

    Floors and ceilings of ``(c W + d)/q`` repeat with period ``L`` (the product of their
    denominators): writing ``W = L t + r`` for every residue ``r`` turns them into
    polynomials in ``t``, which expand to zero or not.

    >>> from symconv.symbols import W
    >>> decide(sympy.ceiling(W / 2), sympy.floor((W + 1) / 2)), decide(sympy.floor(W / 2), W / 2)
    (True, False)
    """
    if a == b:
        return True
    diff = sympy.expand(as_expr(a) - b)
    if diff.is_number:
        return diff == 0
    rounded = diff.atoms(sympy.floor, sympy.ceiling)
    if not rounded:
        return False  # a nonzero polynomial or rational function is nonzero somewhere
    periods = {}
    for s in sorted(diff.free_symbols, key=str):
        if not any(f.has(s) for f in rounded):
            continue
        if not s.is_integer:
            return None
        period = 1
        for f in rounded:
            if f.has(s):
                coeff = sympy.expand(f.args[0]).coeff(s)
                if not coeff.is_Rational:
                    return None
                period *= coeff.q
        if period > _MAX_PERIOD:
            return None
        periods[s] = period
    combos = 1
    for period in periods.values():
        combos *= period
    if combos > _MAX_PERIOD:
        return None
    t = {s: sympy.Symbol(f"_t_{s}", integer=True, nonnegative=True) for s in periods}
    residues = [{}]
    for s, period in periods.items():
        residues = [{**r, s: period * t[s] + k} for r in residues for k in range(1, period + 1)]
    undecided = False
    for point in residues:
        rest = sympy.expand(diff.xreplace(point))
        if rest.has(sympy.floor, sympy.ceiling):
            undecided = True
        elif rest != 0:
            return False
    return None if undecided else True


def unproven(a, b) -> str:
    """The reason to add to a mismatch when the sizes were not shown to differ."""
    if decide(a, b) is None:
        return ("; symconv cannot prove them equal for every input size (give H= and W= "
                "to check one size)")
    return ""


def shape_text(shape: Shape) -> str:
    return " x ".join(str(v) for v in shape)


def _ceiling_form(e):
    """``floor((n - 1)/s) = ceiling(n/s) - 1`` for a whole number ``n``: the output size of a
    "same"-padded window, ``floor((n + 2p - k)/s) + 1`` with ``2p = k - 1``, reads ``ceiling(n/s)``."""
    arg = e.args[0]
    c, _ = arg.as_coeff_Add()
    if c.is_Rational and c.p == -1 and c.q > 1:
        n = sympy.expand(c.q * arg + 1)
        if n.is_integer:
            return sympy.ceiling(n / c.q) - 1
    return e


def _collapse(e):
    """``floor(floor(y)/b) = floor(y/b)`` and ``ceiling(ceiling(y)/b) = ceiling(y/b)``, whole ``b``."""
    coeff, inner = e.args[0].as_coeff_Mul()
    if type(inner) is type(e) and coeff.is_Rational and coeff.p == 1 and coeff.q > 1:
        return type(e)(inner.args[0] / coeff.q)
    return e


def tidy_size(expr):
    """A size or count with its floors in the shortest exact form (identities for whole numbers).

    >>> from symconv.symbols import W
    >>> half = sympy.floor(W/2 - sympy.Rational(1, 2)) + 1  # 3x3 window, padding 1, stride 2
    >>> tidy_size(half), tidy_size(sympy.floor(half/2 - sympy.Rational(1, 2)) + 1)
    (ceiling(W/2), ceiling(W/4))
    >>> tidy_size(sympy.floor(sympy.floor(W/2)/2))
    floor(W/4)
    """
    if not isinstance(expr, sympy.Basic) or expr.is_Atom:
        return expr
    if isinstance(expr, (sympy.floor, sympy.ceiling)):
        return _tidy_rounding(expr)
    outer = _outer_roundings(expr)
    if not outer:
        return expr
    tidy = {r: _tidy_rounding(r) for r in outer}
    return expr.xreplace({r: t for r, t in tidy.items() if t is not r})


def _outer_roundings(expr) -> set:
    """The floors and ceilings of ``expr`` that are not inside another one."""
    found, stack = set(), [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, (sympy.floor, sympy.ceiling)):
            found.add(e)
        elif e.args:
            stack.extend(e.args)
    return found


@functools.lru_cache(maxsize=4096)
def _tidy_rounding(expr):
    """One floor or ceiling (and what it holds) tidied; a deep network meets the same ones
    layer after layer, so each is tidied once."""
    expr = expr.replace(lambda x: isinstance(x, sympy.floor), _ceiling_form)
    return expr.replace(lambda x: isinstance(x, (sympy.floor, sympy.ceiling)), _collapse)
