"""Evaluating one derived formula over many shapes at once.

A formula is compiled once with :func:`sympy.lambdify` into a numpy function and
applied to whole columns of sizes, instead of ``subs`` per configuration:

>>> from symconv.layers import Conv
>>> from symconv.symbols import D_in, D_out, W_in, H_in
>>> layer = Conv(W_F=3, H_F=3, padding=1)
>>> macs = layer.from_input(layer.macs)
>>> macs
9*D_in*D_out*H_in*W_in
>>> evaluate(macs, {D_in: [3, 16], D_out: [8, 32], W_in: [32, 224], H_in: [32, 224]}).tolist()
[221184, 231211008]

Integer formulas stay in int64: ``floor(p/q)`` of integers is compiled to ``p // q``,
so results are exact while they stay below 2**63. Other quotients are float64.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Mapping, Sequence

import sympy

from .errors import InputError
from .limits import MAX_SWEEP_POINTS, MAX_SWEEP_VALUE, check_digits
from .suggest import Words
from .symbols import as_expr


#: rows per block: small enough that a block's temporaries stay in the CPU cache.
BLOCK = 1 << 16


def _integer_printer():
    """numpy code where ``floor(p/q)`` of integers is ``p // q`` (and ``ceiling`` likewise),
    so integer formulas never pass through floats."""
    from sympy.printing.numpy import NumPyPrinter

    class IntegerDivisionPrinter(NumPyPrinter):
        def _quotient(self, expr):
            num, den = sympy.fraction(expr.args[0])
            if den != 1 and num.is_integer and den.is_integer:
                return self._print(num), self._print(den)
            return None

        def _print_floor(self, expr):
            q = self._quotient(expr)
            return f"(({q[0]})//({q[1]}))" if q else super()._print_floor(expr)

        def _print_ceiling(self, expr):
            q = self._quotient(expr)
            return f"(-((-({q[0]}))//({q[1]})))" if q else super()._print_ceiling(expr)

    return IntegerDivisionPrinter({"fully_qualified_modules": False, "inline": True,
                                   "allow_unknown_functions": True, "user_functions": {}})


@lru_cache(maxsize=512)
def _compiled(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):
    return sympy.lambdify(symbols, expr, modules="numpy", printer=_integer_printer())


def _symbols(expr: sympy.Expr, given) -> tuple[sympy.Symbol, ...]:
    """The formula's symbols in a fixed order, each of which must have values."""
    missing = expr.free_symbols - set(given)
    if missing:
        names = ", ".join(sorted(s.name for s in missing))
        raise InputError(f"give values for {names} to evaluate {expr}")
    return tuple(sorted(expr.free_symbols, key=lambda s: s.name))


def evaluate(expr: sympy.Expr, columns: Mapping[sympy.Symbol, Sequence], threads: int = 2):
    """``expr`` at every row of ``columns`` (symbol -> equal-length sequences or scalars),
    as a numpy array: int64 when the formula is integer-valued, else float64.

    The rows are cut into cache-sized blocks and evaluated by ``threads`` threads
    (numpy releases the GIL); an integer-valued formula gives int64.
    """
    import numpy as np

    expr = as_expr(expr)
    symbols = _symbols(expr, columns)
    arrays = [np.asarray(columns[s]) for s in symbols]
    lengths = {a.size for a in arrays if a.ndim}
    if len(lengths) > 1:
        raise InputError(f"columns differ in length: {sorted(lengths)}")
    size = lengths.pop() if lengths else 1
    function = _compiled(expr, symbols)
    integer = bool(expr.is_integer)
    out = np.empty(size, dtype=np.int64 if integer else float)

    def block(start: int) -> None:
        value = function(*(a[start:start + BLOCK] if a.ndim else a for a in arrays))
        if integer and np.asarray(value).dtype.kind == "f":  # a quotient that divides exactly
            value = np.rint(value)
        out[start:start + BLOCK] = value

    starts = range(0, size, BLOCK)
    if threads > 1 and size > BLOCK:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(block, starts))
    else:
        for start in starts:
            block(start)
    return out


def grid(expr: sympy.Expr, axes: Mapping[sympy.Symbol, Sequence]):
    """``expr`` over the Cartesian product of ``axes`` (symbol -> values): an array with one
    dimension per axis, in the order given.

    Each sub-expression is computed by numpy broadcasting over only the axes it
    depends on, so ``floor((W_in - W_F + 2)/S_W)`` costs ``|W_in| |W_F| |S_W|``
    operations, not one per configuration; only the final products span the grid.

    >>> from symconv.symbols import D_in, D_out
    >>> grid(D_in * D_out + 1, {D_in: [1, 2], D_out: [10, 20, 30]}).tolist()
    [[11, 21, 31], [21, 41, 61]]
    """
    import numpy as np

    expr = as_expr(expr)
    symbols = _symbols(expr, axes)
    order = list(axes)
    shape = [len(axes[s]) for s in order]
    arrays = []
    for s in symbols:
        dims = [1] * len(order)
        dims[order.index(s)] = -1
        arrays.append(np.asarray(axes[s]).reshape(dims))
    result = np.broadcast_to(_compiled(expr, symbols)(*arrays), shape)
    if expr.is_integer and result.dtype.kind == "f":
        return np.rint(result).astype(np.int64)
    return result


# --- a range of points and its values ------------------------------------------------

MAX_POINTS = MAX_SWEEP_POINTS
_SWEEP = re.compile(r"^(?P<names>[A-Za-z_]+(?:=[A-Za-z_]+)*)=(?P<start>[0-9.]+)\.\.(?P<stop>[0-9.]+)"
                    r"(?::(?P<step>[0-9.]+))?$")


def parse_sweep(text: str, names_allowed=("C", "H", "W", "alpha")) -> tuple[tuple[str, ...], tuple]:
    """``"H=W=96..512:32"`` -> ``(("H", "W"), (96, 128, ..., 512))``; the stop is included.

    >>> parse_sweep("H=W=96..160:32")
    (('H', 'W'), (96, 128, 160))
    """
    match = _SWEEP.match(text.replace(" ", ""))
    if not match:
        raise InputError(f"--sweep takes NAME[=NAME...]=START..STOP[:STEP], e.g. H=W=96..512:32, "
                         f"not {text!r}")
    words = Words("name", names_allowed)  # any case: h=w=96..512:32
    names = tuple(words.get(name) or name for name in match.group("names").split("="))
    for name in names:
        if name not in names_allowed:
            guess = words.suggestion(name)
            raise InputError(f"--sweep: unknown name {name!r}; "
                             + (f"did you mean {guess}? " if guess else "")
                             + f"use {', '.join(names_allowed)}")
    try:
        for part in ("start", "stop", "step"):
            check_digits(match.group(part) or "1", f"--sweep's {part}")
        start, stop = Fraction(match.group("start")), Fraction(match.group("stop"))
        step = Fraction(match.group("step") or "1")
    except ValueError:
        raise InputError(f"--sweep: bad number in {text!r}") from None
    if step <= 0 or start <= 0 or stop < start:
        raise InputError(f"--sweep: need 0 < START <= STOP and STEP > 0, not {text!r}")
    if stop > MAX_SWEEP_VALUE:  # counts past 64-bit integers: not a sweep over real inputs
        raise InputError(f"--sweep: {stop} is more than the largest value swept, "
                         f"{MAX_SWEEP_VALUE:,}; give numbers for one size instead")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise InputError(f"--sweep: {count} points is more than {MAX_POINTS}; use a larger step")
    values = tuple(start + k * step for k in range(count))
    return names, tuple(int(v) if v.denominator == 1 else v for v in values)


def evaluate_points(expr: sympy.Expr, symbols: list, points: tuple) -> list:
    """``expr`` at every point, each point giving every symbol in ``symbols`` the same value;
    sympy integers (exact rationals where the values are not whole)."""
    if not expr.free_symbols & set(symbols):
        exact = expr.xreplace({s: sympy.Rational(points[0]) for s in symbols})
        return [exact] * len(points)
    column = [float(p) if isinstance(p, Fraction) else p for p in points]
    result = evaluate(expr, {s: column for s in symbols})
    if result.dtype.kind in "iu":
        return [sympy.Integer(int(v)) for v in result.tolist()]
    # not whole numbers (fractional channel counts): exact arithmetic says what they are
    return [expr.xreplace({s: sympy.Rational(p) for s in symbols}) for p in points]
