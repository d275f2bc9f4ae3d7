r"""Names in formulas: the alias table, other authors' notations and ``--alias``.

A name is written as people write it (``D_{in}``, ``in_height``, ``K1``, ``M'``,
``kernel_size[0]``, ``\text{padding}[0]``, ``n_{H_{prev}}``); :func:`spelling` puts it in
one form (no spaces, ``\_`` as ``_``, ``\text{..}`` and ``\mathrm{..}`` unwrapped). A
:class:`Resolver` maps a spelling to what it stands for: a notation or a user's ``--alias``
first, then :data:`symconv.symbols.ALIASES`, then the same name with its subscript in any
case (``D_{In}`` is ``D_in``). A notation also says which sizes it takes as equal
(MobileNet's square kernel ``D_K`` is ``W_F = H_F = K``) and may map a name to a multiple of
a symbol (d2l's total padding ``p_h`` is ``2 P_H``).

>>> r = Resolver("mobilenet")
>>> r.get("M"), r.get("D_{in}"), r.get("D_{In}"), r.get("nonsense")
('D_in', 'D_in', 'D_in', None)
>>> r.identify
{'W_F': 'K', 'H_F': 'K', 'H_out': 'W_out'}
>>> Resolver("pytorch").value(spelling(r"\text{kernel\_size}[0]"))
H_F
>>> Resolver("d2l").value("p_h")
2*P_H
"""

from __future__ import annotations

import difflib
import re

import sympy

from ..errors import InputError
from ..suggest import Words
from ..symbols import ALIASES, SYMBOLS

#: notation -> (spelling -> canonical name or "N*name", identifications it implies).
NOTATIONS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    # Howard et al., MobileNets (arXiv 1704.04861): M input channels, N output
    # channels, a D_K x D_K kernel, a D_F x D_F (output) feature map (D_G in section 3.1).
    "mobilenet": ({"M": "D_in", "N": "D_out", "D_K": "K", "DK": "K",
                   "D_F": "W_out", "DF": "W_out", "D_G": "W_out", "DG": "W_out"},
                  {"W_F": "K", "H_F": "K", "H_out": "W_out"}),
    # PyTorch / paper style: C_in, C_out channels, a K x K kernel, an H x W output map.
    "cin-cout": ({"C_in": "D_in", "C_out": "D_out", "K": "K", "H": "H_out", "W": "W_out",
                  "k": "K"},
                 {"W_F": "K", "H_F": "K"}),
    # The PyTorch documentation: index [0] is the height, [1] the width.
    "pytorch": ({"in_channels": "D_in", "out_channels": "D_out", "groups": "g",
                 "kernel_size": "K", "stride": "S", "padding": "P", "dilation": "d",
                 "output_padding": "a",
                 "kernel_size[0]": "H_F", "kernel_size[1]": "W_F",
                 "stride[0]": "S_H", "stride[1]": "S_W",
                 "padding[0]": "P_H", "padding[1]": "P_W",
                 "dilation[0]": "d_H", "dilation[1]": "d_W",
                 "output_padding[0]": "a_H", "output_padding[1]": "a_W",
                 "H_in": "H_in", "W_in": "W_in", "H_out": "H_out", "W_out": "W_out"}, {}),
    # Dive into Deep Learning (d2l.ai, 7.3): n_h x n_w input, k_h x k_w kernel, p_h rows of
    # padding in total (both sides together), stride s_h.
    "d2l": ({"n_h": "H_in", "n_w": "W_in", "k_h": "H_F", "k_w": "W_F",
             "p_h": "2*P_H", "p_w": "2*P_W", "s_h": "S_H", "s_w": "S_W",
             "c_i": "D_in", "c_o": "D_out"}, {}),
    # Stanford's CS231n notes (cs231n.github.io/convolutional-networks): input W_1 x H_1 x D_1,
    # K filters of spatial extent F, stride S, padding P, output W_2 x H_2 x D_2 (D_2 = K);
    # the output size is written (W - F + 2P)/S + 1 with W the input's width.
    "cs231n": ({"W_1": "W_in", "H_1": "H_in", "D_1": "D_in", "W_2": "W_out", "H_2": "H_out",
                "D_2": "D_out", "F": "K", "K": "D_out", "W": "W_in", "H": "H_in",
                "W1": "W_in", "H1": "H_in", "D1": "D_in", "W2": "W_out", "H2": "H_out",
                "D2": "D_out"},
               {"W_F": "K", "H_F": "K"}),
    # Dumoulin & Visin, A guide to convolution arithmetic (arXiv 1603.07285): one axis,
    # input i, kernel k, stride s, padding p, output o; i', k', s', p' for the transposed conv.
    "dumoulin": ({"i": "W_in", "k": "W_F", "s": "S_W", "p": "P_W", "o": "W_out", "d": "d_W",
                  "a": "a_W", "i'": "W_in", "k'": "W_F", "s'": "S_W", "p'": "P_W",
                  "o'": "W_out"}, {}),
}

#: LaTeX wrappers around a name: ``\text{padding}`` is ``padding``.
_WRAPPER = re.compile(r"\\(?:text|mathrm|textrm|mathit|textit|mathsf|textsf|mathbf|textbf|"
                      r"boldsymbol|operatorname|textnormal|mathtt|texttt)\s*\{([^{}]*)\}")
_TARGET = re.compile(r"(?:(\d+)\s*\*\s*)?([A-Za-z][A-Za-z_]*)")


def spelling(text: str) -> str:
    r"""One form for a name: ``\text{kernel\_size}[0]`` is ``kernel_size[0]``, no spaces."""
    text = re.sub(r"\s+", "", text).replace("\\_", "_")
    for _ in range(4):  # nested wrappers
        unwrapped = _WRAPPER.sub(r"\1", text)
        if unwrapped == text:
            break
        text = unwrapped
    return text.replace("′", "'")


def _fold(name: str) -> str:
    """``D_{IN}`` and ``D_in`` alike: the subscript without braces, in lower case."""
    base, sep, sub = name.partition("_")
    return base + sep + sub.replace("{", "").replace("}", "").lower()


def _unbrace(name: str) -> str:
    """``X_{pad}`` -> ``X_pad`` (one level of braces around a plain subscript)."""
    return re.sub(r"_\{([A-Za-z0-9']+)\}", r"_\1", name)


def _target(text: str) -> tuple[int, str] | None:
    """``"2*P_H"`` -> ``(2, "P_H")``; ``"D_in"`` -> ``(1, "D_in")``; None for anything else."""
    match = _TARGET.fullmatch(text.strip())
    if not match or match.group(2) not in SYMBOLS:
        return None
    return int(match.group(1) or 1), match.group(2)


class Resolver:
    """Spelling -> canonical symbol: a notation and ``--alias`` first, then the alias table,
    then the same name with its subscript in any case (``D_{In}`` is ``D_in``)."""

    def __init__(self, notation: str | None = None, aliases: dict[str, str] | None = None):
        self.extra: dict[str, str] = {}
        self.identify: dict[str, str] = {}
        self.notation = notation
        if notation:
            notation = Words("notation", NOTATIONS).resolve(notation)  # MobileNet; did you mean
            table, self.identify = NOTATIONS[notation]
            self.extra = {spelling(k): v for k, v in table.items()}
            self.identify = dict(self.identify)
        for name, target in (aliases or {}).items():
            canonical = ALIASES.get(target) or (target if target in SYMBOLS else None)
            if canonical is None and _target(target.replace(" ", "")):  # pad_shape=2*P_W
                canonical = target.replace(" ", "")
            if canonical is None:  # a target is a symbol (or N*symbol), never another alias
                raise InputError(f"--alias {name}={target}: {target!r} is not a symbol; use one "
                                 f"of {', '.join(SYMBOLS)} (or a multiple, like 2*P_W)")
            key = spelling(name)
            if not key or not re.fullmatch(r"[A-Za-z\\][A-Za-z0-9_'{}\\\[\]]*", key):
                raise InputError(f"--alias {name}={target}: a name is letters, digits, '_' and "
                                 f"primes, like M, K1, in_height or padding[0]")
            self.extra[key] = canonical
        self._folded = {_fold(k): v for k, v in {**ALIASES, **self.extra}.items()}

    def _lookup(self, name: str) -> str | None:
        for candidate in dict.fromkeys((name, _unbrace(name), name.lstrip("\\"))):
            found = self.extra.get(candidate) or ALIASES.get(candidate) or (
                candidate if candidate in SYMBOLS else None)
            if found:
                return found
        return self._folded.get(_fold(_unbrace(name)))

    def value(self, name: str) -> sympy.Expr | None:
        """What ``name`` (a :func:`spelling`) stands for: a symbol, or a multiple of one."""
        found = self._lookup(name)
        target = _target(found) if found else None
        if target is None:
            return None
        factor, symbol = target
        return factor * SYMBOLS[symbol]

    def get(self, name: str) -> str | None:
        """The canonical name ``name`` stands for, when it stands for one symbol."""
        found = self._lookup(spelling(name))
        return found if found in SYMBOLS else None

    def suggestion(self, name: str) -> str:
        """How to read an unknown name: a notation that has it or a close spelling, and always
        the ``--alias`` that maps it."""
        shown = name if len(name) <= 40 else name[:40] + "..."
        alias = (f"{shown}=SYMBOL" if re.fullmatch(r"\w+", shown, re.ASCII)
                 else f"'{shown}=SYMBOL'")
        for notation, (table, _) in NOTATIONS.items():
            if name in table and notation != self.notation:
                return (f"; did you mean --notation {notation} ({name} = {table[name]})? "
                        f"Or map it with --alias {alias}")
        close = difflib.get_close_matches(name, list(ALIASES), n=1, cutoff=0.75)
        if close:
            target = ALIASES[close[0]]
            return (f"; did you mean {close[0]}" + (f" ({target})?" if target != close[0] else "?")
                    + f" Or map it with --alias {alias}")
        return f"; map it with --alias {alias} (symbols: {', '.join(SYMBOLS)})"


def parse_aliases(items: list[str] | None) -> dict[str, str]:
    """``["M=D_in", "X=K"]`` -> ``{"M": "D_in", "X": "K"}`` (checked by :class:`Resolver`)."""
    out = {}
    for item in items or []:
        name, sep, target = item.rpartition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputError(f"--alias takes NAME=SYMBOL, like M=D_in, not {item!r}")
        out[name.strip()] = target.strip()
    return out
