"""The derivation engine: pure functions over sympy expressions and layers.

Each function returns a frozen record that shows itself as LaTeX in Jupyter.
:func:`canonical` is the one normal form, so output is deterministic.

>>> from symconv.layers import Conv, DepthwiseSeparable
>>> r = ratio(DepthwiseSeparable(), Conv())
>>> r.expr
1/(H_F*W_F) + 1/D_out
>>> r.limits
((D_out, 1/(H_F*W_F)), (H_F, 1/D_out), (W_F, 1/D_out))
>>> ratio(DepthwiseSeparable(K=3, D_out=64), Conv(K=3, D_out=64)).value
Fraction(73, 576)
>>> from symconv.symbols import D_out, W_F, H_F
>>> solve_for(r.expr.subs({W_F: 3, H_F: 3}), 1/sympy.Integer(8), D_out)
(72,)
>>> equivalent(D_out * (W_F + 1), D_out * W_F + D_out).equal
True
>>> equivalent(D_out * W_F, D_out * W_F + 1).counterexample
{D_out: 1, W_F: 1}
>>> bool(equivalent(D_out * W_F, D_out * W_F + 1))
False
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Union

import sympy

from .errors import InputError
from .layers import Layer, Quantity
from .counts import plain
from .limits import factorable
from .printing import to_latex
from .symbols import as_expr

Quantityish = Union[Quantity, str]
Operand = Union[Layer, sympy.Expr, int]


def is_monomial(expr: sympy.Expr) -> bool:
    """A product of numbers and powers of symbols (``2 D_in W_F**2 / D_out``), no sums."""
    factors = expr.args if expr.is_Mul else (expr,)
    return all(f.is_number or f.is_Symbol or (f.is_Pow and f.base.is_Symbol) for f in factors)


@lru_cache(maxsize=4096)
def canonical(expr) -> sympy.Expr:
    """The deterministic normal form: a sum of monomials over a monomial, else factored.

    >>> from symconv.symbols import D_out, W_F, H_F
    >>> canonical((D_out + W_F*H_F) / (D_out*W_F*H_F))
    1/(H_F*W_F) + 1/D_out
    >>> canonical(D_out*(W_F*H_F + 1))
    D_out*H_F*W_F + D_out
    """
    expr = as_expr(expr)
    num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
    if is_monomial(den):
        return sympy.expand(num / den)
    if not (factorable(num) and factorable(den)):  # factoring these could take minutes
        return num / den
    return sympy.factor(num) / sympy.factor(den)


def _value(x: Operand, quantity: Quantityish) -> sympy.Expr:
    if isinstance(x, Layer):
        q = Quantity(quantity)
        if q is Quantity.OUTPUT_SIZE:
            raise ValueError("compare output sizes per axis: take .output_size.width")
        return x.quantity(q)
    return as_expr(x)


def _sorted_symbols(expr: sympy.Expr) -> list[sympy.Symbol]:
    return sorted(expr.free_symbols, key=lambda s: s.name)


class _LatexRecord:
    """Mixin: ``_repr_latex_`` from the record's main expression."""

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {to_latex(self.expr)}$"

    @property
    def latex(self) -> str:
        """The main expression as LaTeX (a string)."""
        return to_latex(self.expr)


@dataclass(frozen=True)
class Ratio(_LatexRecord):
    """``numerator / denominator`` of one quantity, in canonical form, with its limits."""

    expr: sympy.Expr
    quantity: Quantity
    numerator: sympy.Expr
    denominator: sympy.Expr
    limits: tuple[tuple[sympy.Symbol, sympy.Expr], ...]

    @property
    def value(self):
        """The ratio as a plain number (an int, or a ``Fraction``) when the sizes make it one,
        else None (a dimensionless ratio of two counts)."""
        return plain(self.expr) if self.expr.is_Rational else None


@lru_cache(maxsize=256)
def ratio(a: Operand, b: Operand, quantity: Quantityish = Quantity.MACS) -> Ratio:
    """The simplified ratio ``a / b`` of a quantity, and where it tends as each symbol grows."""
    num, den = _value(a, quantity), _value(b, quantity)
    if canonical(den) == 0:  # 0/0 is nan, x/0 is zoo: neither is a ratio
        what = getattr(b, "name", str(b))
        raise InputError(f"the {Quantity(quantity).label} of {what} are 0: a ratio to them is "
                         f"undefined")
    expr = canonical(num / den)
    limits = tuple((s, limit(expr, s)) for s in _sorted_symbols(expr))
    return Ratio(expr, Quantity(quantity), num, den, limits)


def difference(a: Operand, b: Operand, quantity: Quantityish = Quantity.MACS) -> sympy.Expr:
    """``a - b`` in canonical form (zero exactly when the two are equal)."""
    return canonical(_value(a, quantity) - _value(b, quantity))


def substitute(expr: sympy.Expr, values: Mapping[sympy.Symbol, object]) -> sympy.Expr:
    """``expr`` with symbols replaced by numbers or expressions (floors evaluate)."""
    return as_expr(expr).xreplace(dict(values))


def limit(expr: sympy.Expr, symbol: sympy.Symbol, point=sympy.oo) -> sympy.Expr:
    """The limit of ``expr`` as ``symbol`` tends to ``point`` (infinity by default).

    A rational function at infinity is settled by its degrees and leading
    coefficients (all symbols are positive), ten times faster than ``sympy.limit``.
    """
    if point is sympy.oo and expr.is_rational_function(symbol):
        num, den = (sympy.Poly(part, symbol) for part in sympy.fraction(sympy.cancel(expr)))
        if num.degree() < den.degree():
            return sympy.Integer(0)
        if num.degree() == den.degree():
            return canonical(num.LC() / den.LC())
    return canonical(sympy.limit(expr, symbol, point))


def solve_for(lhs: sympy.Expr, rhs: sympy.Expr, symbol: sympy.Symbol) -> tuple[sympy.Expr, ...]:
    """The values of ``symbol`` that make ``lhs = rhs``, sorted; positive-integer symbols
    keep only solutions that may be positive integers."""
    solutions = sympy.solve(sympy.Eq(lhs, rhs), symbol)
    return tuple(sorted((canonical(s) for s in solutions), key=sympy.default_sort_key))


@dataclass(frozen=True)
class Equivalence(_LatexRecord):
    """Whether two expressions are equal: proven (``equal=True``), refuted by a
    counterexample (``equal=False``), or undecided (``equal=None``)."""

    a: sympy.Expr
    b: sympy.Expr
    equal: bool | None
    difference: sympy.Expr
    counterexample: dict | None = None
    a_value: sympy.Expr | None = None
    b_value: sympy.Expr | None = None

    @property
    def expr(self) -> sympy.Expr:
        """``a - b`` in canonical form (zero when proven equal)."""
        return self.difference

    def __bool__(self) -> bool:
        """The verdict: True only when the two are proven equal."""
        return self.equal is True

    @property
    def verdict(self) -> str:
        """``equal``, ``not equal`` (with a counterexample) or ``unproven``."""
        return {True: "equal", False: "not equal", None: "unproven"}[self.equal]

    def _repr_latex_(self) -> str:
        """Jupyter shows the verdict: ``a = b``, ``a \\neq b`` with the counterexample, or
        ``a \\overset{?}{=} b``."""
        a, b = sympy.latex(self.a), sympy.latex(self.b)
        if self.equal is True:
            return rf"$\displaystyle {a} = {b} \quad \text{{(proven)}}$"
        if self.equal is None:
            return rf"$\displaystyle {a} \overset{{?}}{{=}} {b} \quad \text{{(unproven)}}$"
        at = ", ".join(f"{sympy.latex(k)} = {v}" for k, v in self.counterexample.items())
        return (rf"$\displaystyle {a} \neq {b} \quad \text{{(at }} {at}\text{{: }} "
                rf"{sympy.latex(self.a_value)} \neq {sympy.latex(self.b_value)}\text{{)}}$")


def assignments(symbols: list[sympy.Symbol], *, first: dict | None = None, equal_up_to: int = 6,
                grid_up_to: int = 4, random_up_to: int = 9, tries: int = 200, seed: int = 0):
    """Small positive-integer assignments to try, smallest and most readable first:
    ``first``, then all symbols equal, a full grid (up to four symbols), then random ones."""
    if first:
        yield first
    for v in range(1, equal_up_to + 1):
        yield dict.fromkeys(symbols, v)
    if len(symbols) <= 4:
        for combo in itertools.product(range(1, grid_up_to + 1), repeat=len(symbols)):
            yield dict(zip(symbols, combo))
    rng = random.Random(seed)
    for _ in range(tries):
        yield {s: rng.randint(1, random_up_to) for s in symbols}


def counterexample(a: sympy.Expr, b: sympy.Expr, candidates, valid=None):
    """The first candidate assignment (symbol -> int) where ``a`` and ``b`` are finite and
    differ, as ``(values, a_value, b_value)``; ``valid`` may reject assignments. Or None."""
    for values in candidates:
        subs = {s: sympy.Integer(v) for s, v in values.items()}
        if valid is not None and not valid(subs):
            continue
        va, vb = a.xreplace(subs), b.xreplace(subs)
        if va.is_number and vb.is_number and va.is_finite and vb.is_finite and va - vb != 0:
            return {s: int(v) for s, v in values.items()}, va, vb
    return None


def equivalent(a: sympy.Expr, b: sympy.Expr, tries: int = 200) -> Equivalence:
    """Prove ``a == b`` by canonical forms, or find a small positive-integer counterexample."""
    a, b = as_expr(a), as_expr(b)
    diff = canonical(a - b)
    if diff == 0:
        return Equivalence(a, b, True, diff)
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    found = counterexample(a, b, assignments(symbols, tries=tries))
    if found is None:
        return Equivalence(a, b, None, diff)
    return Equivalence(a, b, False, diff, *found)
