"""The canonical symbols of the course notation; the only place a ``Symbol`` is made.

Every size is a positive integer (``positive=True, integer=True``), so sympy may
simplify ``floor(W_in - W_F + 1)`` to ``W_in - W_F + 1``. The Python name of a
symbol equals its printed name, and sympy's LaTeX printer already gives the
course's LaTeX name:

>>> D_in, W_F
(D_in, W_F)
>>> from sympy import latex
>>> latex(D_in * W_F)
'D_{in} W_{F}'

User text never becomes a ``Symbol`` by itself: :func:`lookup` maps a name
through :data:`ALIASES` to one of the objects below, or fails.

>>> lookup("C_in") is D_in
True
"""

from __future__ import annotations

import sympy

from .errors import InputError

#: name -> meaning. The order is the order of symbol tables in output.
MEANINGS: dict[str, str] = {
    "D_in": "input channels (depth)",
    "D_out": "output channels (number of filters)",
    "W_F": "filter width",
    "H_F": "filter height",
    "K": "square filter side (W_F = H_F = K)",
    "W_in": "input width",
    "H_in": "input height",
    "W_out": "output width",
    "H_out": "output height",
    "S_W": "stride along the width",
    "S_H": "stride along the height",
    "P_W": "zero padding on each side, along the width",
    "P_H": "zero padding on each side, along the height",
    "d_W": "dilation along the width",
    "d_H": "dilation along the height",
    "g": "groups",
    "m": "depth multiplier",
    "C": "network input channels",
    "H": "network input height",
    "W": "network input width",
    # One value for both axes, as most people write them; a formula that uses S (and not
    # S_W, S_H) is compared with S_W = S_H = S, like K for W_F = H_F.
    "S": "stride on both axes (S_W = S_H = S)",
    "P": "zero padding on each side, on both axes (P_W = P_H = P)",
    "d": "dilation on both axes (d_W = d_H = d)",
    "a": "output padding of a transposed conv, on both axes (a_W = a_H = a)",
    "a_W": "output padding of a transposed conv, along the width",
    "a_H": "output padding of a transposed conv, along the height",
}

#: Symbols that are positive but not integers (multipliers).
REAL_POSITIVE = {"alpha": "width multiplier", "rho": "resolution multiplier"}

SYMBOLS: dict[str, sympy.Symbol] = {
    name: sympy.Symbol(name, positive=True, integer=True) for name in MEANINGS
}
SYMBOLS.update({name: sympy.Symbol(name, positive=True) for name in REAL_POSITIVE})
MEANINGS.update(REAL_POSITIVE)

D_in, D_out = SYMBOLS["D_in"], SYMBOLS["D_out"]
W_F, H_F, K = SYMBOLS["W_F"], SYMBOLS["H_F"], SYMBOLS["K"]
W_in, H_in, W_out, H_out = SYMBOLS["W_in"], SYMBOLS["H_in"], SYMBOLS["W_out"], SYMBOLS["H_out"]
S_W, S_H, P_W, P_H = SYMBOLS["S_W"], SYMBOLS["S_H"], SYMBOLS["P_W"], SYMBOLS["P_H"]
d_W, d_H, g, m = SYMBOLS["d_W"], SYMBOLS["d_H"], SYMBOLS["g"], SYMBOLS["m"]
C, H, W, alpha = SYMBOLS["C"], SYMBOLS["H"], SYMBOLS["W"], SYMBOLS["alpha"]
S, P, d, a, rho = SYMBOLS["S"], SYMBOLS["P"], SYMBOLS["d"], SYMBOLS["a"], SYMBOLS["rho"]
a_W, a_H = SYMBOLS["a_W"], SYMBOLS["a_H"]


def network_parameter(name: str) -> sympy.Symbol:
    """A parameter a network spec declares (EfficientNet's ``width_mult``): a positive number."""
    return sympy.Symbol(name, positive=True)


def block_input(block: str) -> sympy.Symbol:
    """The channels entering a network block named ``block``, as its parameters see them
    (``D_in`` in a parameter value); bound to a number or expression when the block is walked."""
    return sympy.Symbol(f"D_in[{block}]", positive=True, integer=True)


def _spellings(name: str) -> set[str]:
    """The usual ways of writing a canonical name: ``D_in``, ``D_{in}``, ``Din``, ``D_{IN}``."""
    if "_" not in name:
        return {name}
    base, sub = name.split("_", 1)
    out = set()
    for s in {sub, sub.lower(), sub.upper()}:
        out |= {f"{base}_{s}", f"{base}_{{{s}}}", f"{base}{s}"}
    return out


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name in SYMBOLS:
        for spelling in _spellings(name):
            aliases.setdefault(spelling, name)
    # Other authors' channel letters (PyTorch, Dumoulin & Visin).
    for base, target in (("C", "D"),):
        for sub in ("in", "out"):
            for spelling in _spellings(f"{base}_{sub}"):
                aliases.setdefault(spelling, f"{target}_{sub}")
    # A kernel's height and width by its own letter (K_h x K_w, d2l's k_h x k_w) and channels
    # in lower case (c_in, c_out): one meaning in every notation seen, unlike a bare H or W.
    # Only with the underscore: kW is a kilowatt.
    for base, sub, target in (("K", "h", "H_F"), ("K", "w", "W_F"), ("k", "h", "H_F"),
                              ("k", "w", "W_F"), ("c", "in", "D_in"), ("c", "out", "D_out")):
        for spelling in _spellings(f"{base}_{sub}"):
            if "_" in spelling:
                aliases.setdefault(spelling, target)
    # Names code writes for the sizes (TensorFlow's documentation: in_height, filter_height,
    # out_height); each says what it is.
    for words, target in ((("input_height", "in_height"), "H_in"), (("input_width", "in_width"), "W_in"),
                          (("output_height", "out_height"), "H_out"),
                          (("output_width", "out_width"), "W_out"),
                          (("filter_height", "kernel_height"), "H_F"),
                          (("filter_width", "kernel_width"), "W_F"),
                          (("input_channels", "in_channels"), "D_in"),
                          (("output_channels", "out_channels"), "D_out")):
        for spelling in words:
            aliases.setdefault(spelling, target)
    aliases.setdefault("\\alpha", "alpha")
    aliases.setdefault("\\rho", "rho")
    return aliases


#: spelling -> canonical name. Notations (another author's letters) extend it.
ALIASES: dict[str, str] = _build_aliases()


def lookup(name: str, extra: dict[str, str] | None = None) -> sympy.Symbol:
    """The canonical symbol a user-written name stands for.

    ``extra`` maps further spellings to canonical names (a notation or a
    user's ``--alias``). An unknown name is an :class:`InputError` that lists
    what would be right.
    """
    canonical = (extra or {}).get(name) or ALIASES.get(name)
    if canonical is None:
        known = ", ".join(n for n in MEANINGS)
        raise InputError(f"unknown symbol {name!r}; known symbols: {known}")
    return SYMBOLS[canonical]


def as_expr(value) -> sympy.Expr:
    """A Python ``int`` as a sympy ``Integer``; a sympy object unchanged. Never reads text."""
    return sympy.Integer(value) if isinstance(value, int) else value
