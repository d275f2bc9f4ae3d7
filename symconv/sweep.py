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

Results are exact integers while every intermediate value stays below 2**53
(products of sizes are computed in int64, floor and ceiling of quotients in float64).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Sequence

import sympy

from .errors import InputError


@lru_cache(maxsize=512)
def _compiled(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):
    return sympy.lambdify(symbols, expr, modules="numpy")


def evaluate(expr: sympy.Expr, columns: Mapping[sympy.Symbol, Sequence]):
    """``expr`` at every row of ``columns`` (symbol -> equal-length sequences or scalars),
    as a numpy array (int64 when every value is a whole number)."""
    import numpy as np

    expr = sympy.Integer(expr) if isinstance(expr, int) else expr
    missing = expr.free_symbols - set(columns)
    if missing:
        names = ", ".join(sorted(s.name for s in missing))
        raise InputError(f"give values for {names} to evaluate {expr}")
    symbols = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    arrays = [np.asarray(columns[s], dtype=np.int64 if s.is_integer else float) for s in symbols]
    lengths = {a.size for a in arrays if a.ndim}
    if len(lengths) > 1:
        raise InputError(f"columns differ in length: {sorted(lengths)}")
    size = lengths.pop() if lengths else 1
    result = np.asarray(_compiled(expr, symbols)(*arrays))
    result = np.broadcast_to(result, (size,)) if result.ndim == 0 else result
    if result.dtype.kind == "f":
        rounded = np.rint(result)
        if np.all(np.abs(result - rounded) < 1e-6):
            return rounded.astype(np.int64)
    return result
