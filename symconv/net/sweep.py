"""Totals over many input sizes from the one derived formula: ``--sweep H=W=96..512:32``.

The network is analysed once with the swept names left as symbols; each total
is compiled once and evaluated over all points at once by
:func:`symconv.sweep.evaluate` (numpy columns). Every total is also checked
against exact sympy arithmetic at the first and last points (totals grow with
the input size, so an overflow of 64-bit integers shows there); where they
differ, that total is evaluated exactly at every point instead.

>>> parse_sweep("H=W=96..160:32")
(('H', 'W'), (96, 128, 160))
>>> from symconv.net.network import Network, layer
>>> net = Network([layer("conv", D_out=4, K=3, padding=1, stride=2)])
>>> [p["macs"] for p in sweep(net, ("H", "W"), (8, 16))]
[1728, 6912]
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from ..errors import InputError
from ..symbols import SYMBOLS
from .network import NETWORK_NAMES, Network

MAX_POINTS = 100_000
KEYS = ("params", "weights", "bn_buffers", "macs", "flops")
_SWEEP = re.compile(r"^(?P<names>[A-Za-z_]+(?:=[A-Za-z_]+)*)=(?P<start>[0-9.]+)\.\.(?P<stop>[0-9.]+)"
                    r"(?::(?P<step>[0-9.]+))?$")


def parse_sweep(text: str) -> tuple[tuple[str, ...], tuple]:
    """``"H=W=96..512:32"`` -> ``(("H", "W"), (96, 128, ..., 512))``; the stop is included."""
    match = _SWEEP.match(text.replace(" ", ""))
    if not match:
        raise InputError(f"--sweep takes NAME[=NAME...]=START..STOP[:STEP], e.g. H=W=96..512:32, "
                         f"not {text!r}")
    names = tuple(match.group("names").split("="))
    for name in names:
        if name not in NETWORK_NAMES:
            raise InputError(f"--sweep: unknown name {name!r}; use {', '.join(NETWORK_NAMES)}")
    try:
        start, stop = Fraction(match.group("start")), Fraction(match.group("stop"))
        step = Fraction(match.group("step") or "1")
    except ValueError:
        raise InputError(f"--sweep: bad number in {text!r}") from None
    if step <= 0 or start <= 0 or stop < start:
        raise InputError(f"--sweep: need 0 < START <= STOP and STEP > 0, not {text!r}")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise InputError(f"--sweep: {count} points is more than {MAX_POINTS}; use a larger step")
    values = tuple(start + k * step for k in range(count))
    return names, tuple(int(v) if v.denominator == 1 else v for v in values)


def _evaluate(expr: sympy.Expr, symbols: list, points: tuple) -> list:
    """``expr`` at every point (each point gives every swept symbol the same value)."""
    from ..sweep import evaluate

    if not expr.free_symbols & set(symbols):
        exact = expr.xreplace({s: sympy.Rational(points[0]) for s in symbols})
        return [exact] * len(points)
    column = [float(p) if isinstance(p, Fraction) else p for p in points]
    result = evaluate(expr, {s: column for s in symbols})
    if result.dtype.kind in "iu":
        return [sympy.Integer(int(v)) for v in result.tolist()]
    # not whole numbers (fractional channel counts): exact arithmetic says what they are
    return [expr.xreplace({s: sympy.Rational(p) for s in symbols}) for p in points]


def sweep(net: Network, names: tuple, points: tuple, values: dict | None = None,
          assume_divisible: bool | None = None) -> list[dict]:
    """One dict per point: the swept values and the totals (:data:`KEYS`)."""
    values = dict(values or {})
    clash = sorted(set(values) & set(names))
    if clash:
        raise InputError(f"{clash[0]} is both swept and given a value; drop one")
    # Build the network at the extreme points first: a layer that cannot exist there is an error.
    for point in (points[0], points[-1]):
        net.analyse({**values, **{n: point for n in names}})
    analysis = net.analyse(values, assume_divisible)
    if analysis.divisible:
        strides = {"W": analysis.total_stride[0], "H": analysis.total_stride[1]}
        for name in names:
            bad = [p for p in points if name in strides and p % strides[name] != 0]
            if bad:
                raise InputError(f"--assume-divisible: {name}={bad[0]} is not a multiple of the "
                                 f"total stride {strides[name]}; sweep multiples of it or drop "
                                 "--assume-divisible (the exact formula keeps its floors)")
    symbols = [SYMBOLS[n] for n in names]
    columns = {key: _evaluate(analysis.total[key], symbols, points) for key in KEYS}
    for key in KEYS:  # the vectorised result must equal exact arithmetic at both ends
        expr = analysis.total[key]
        ends = [expr.xreplace({s: sympy.Rational(points[i]) for s in symbols})
                for i in (0, len(points) - 1)]
        if [columns[key][0], columns[key][-1]] != ends:  # e.g. beyond 64-bit integers: exact
            columns[key] = [expr.xreplace({s: sympy.Rational(p) for s in symbols}) for p in points]
    rows = []
    for i, point in enumerate(points):
        row = {n: point for n in names}
        row.update({key: columns[key][i] for key in KEYS})
        for key in ("params", "macs"):
            if not (row[key].is_Integer if isinstance(row[key], sympy.Basic) else True):
                raise InputError(f"--sweep: at {names[0]}={point} the {key} are not a whole "
                                 f"number ({row[key]}): channel counts there are fractional")
        rows.append(row)
    return rows
