"""The slips people make in an output-size formula, each as the formula it gives: a
rounding left out or turned (floor for ceiling), the padding counted once or with the wrong
sign, the stride missing or multiplying, a size dropped. :mod:`.diagnose` compares a
formula with each (its rules ``rounding_missing`` and ``output_size_slips``).

>>> from symconv.symbols import P, S, W_in, W_F
>>> [code for _, code, _ in size_slips((W_in + 2 * P - W_F) / S + 1)][:3]
['padding-misplaced', 'padding-misplaced', 'stride-misplaced']
"""

from __future__ import annotations

import sympy

from ..symbols import P, P_H, P_W, S, S_H, S_W


def _unrounded(expr, func):
    return expr.replace(lambda x: isinstance(x, func), lambda x: x.args[0])


def size_variants(e):
    """(expression, slip) pairs: the expected size ``e`` with each rounding slip made (the
    first pair is ``e`` itself, with no slip)."""
    out = [(e, None)]
    if e.has(sympy.floor):
        out.append((_unrounded(e, sympy.floor), ("missing-floor", "the floor is missing: "
                    "the output counts whole windows")))
    if e.has(sympy.ceiling):
        out.append((_unrounded(e, sympy.ceiling), ("missing-ceil", "the ceiling is missing: "
                    "'same' padding keeps a partial window at the end")))
        out.append((e.replace(lambda x: isinstance(x, sympy.ceiling),
                              lambda x: sympy.floor(x.args[0])),
                    ("floor-for-ceil", "rounds down where the size rounds up (ceil)")))
    if e.has(sympy.floor):
        out.append((e.replace(lambda x: isinstance(x, sympy.floor),
                              lambda x: sympy.ceiling(x.args[0])),
                    ("ceil-for-floor", "rounds up where the size rounds down (floor): a "
                     "partial window at the end, as Caffe's pooling and ceil_mode count")))
    return out


def _halve_padding(expr):
    return expr.xreplace({p: p / 2 for p in (P, P_W, P_H)})


def size_slips(expr):
    """(expression, code, message): single slips of stride and padding in a size formula."""
    out = []
    pads = expr.free_symbols & {P, P_W, P_H}
    strides = expr.free_symbols & {S, S_W, S_H}
    if pads:
        out.append((_halve_padding(expr), "padding-misplaced",
                    "the padding is counted once (P); it is added on both sides (2P)"))
        out.append((expr.xreplace({p: -p for p in pads}), "padding-misplaced",
                    "the padding has the wrong sign"))
    if strides:
        out.append((expr.xreplace({s: 1 for s in strides}), "stride-misplaced",
                    "the stride is missing"))
        out.append((expr.xreplace({s: 1 / s for s in strides}), "stride-misplaced",
                    "multiplies by the stride where it divides (or the other way round)"))
    for symbol in sorted(expr.free_symbols - pads - strides, key=lambda s: s.name)[:12]:
        out.append((expr.xreplace({symbol: 1}), "term-dropped",
                    f"{symbol} is missing (the formula is the layer's with {symbol} = 1)"))
    return out
