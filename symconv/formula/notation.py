"""Names in formulas: the alias table, other authors' notations and ``--alias``.

A :class:`Resolver` maps a spelling to a canonical symbol name: a notation or a
user's ``--alias`` first, then :data:`symconv.symbols.ALIASES`, then the same name
with its subscript in any case (``D_{In}`` is ``D_in``). A notation also says which
sizes it takes as equal (MobileNet's square kernel ``D_K`` is ``W_F = H_F = K``).

>>> r = Resolver("mobilenet")
>>> r.get("M"), r.get("D_{in}"), r.get("D_{In}"), r.get("nonsense")
('D_in', 'D_in', 'D_in', None)
>>> r.identify
{'W_F': 'K', 'H_F': 'K', 'H_out': 'W_out'}
"""

from __future__ import annotations

import difflib
import re

from ..errors import InputError
from ..symbols import ALIASES, SYMBOLS

#: notation -> (spelling -> canonical name, identifications the notation implies).
NOTATIONS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    # Howard et al., MobileNets (arXiv 1704.04861): M input channels, N output
    # channels, a D_K x D_K kernel, a D_F x D_F (output) feature map.
    "mobilenet": ({"M": "D_in", "N": "D_out", "D_K": "K", "D_{K}": "K", "DK": "K",
                   "D_F": "W_out", "D_{F}": "W_out", "DF": "W_out"},
                  {"W_F": "K", "H_F": "K", "H_out": "W_out"}),
    # PyTorch / paper style: C_in, C_out channels, a K x K kernel, an H x W output map.
    "cin-cout": ({"K": "K", "H": "H_out", "W": "W_out", "k": "K"},
                 {"W_F": "K", "H_F": "K"}),
}

class Resolver:
    """Spelling -> canonical symbol: a notation and ``--alias`` first, then the alias table,
    then the same name with its subscript in any case (``D_{In}`` is ``D_in``)."""

    def __init__(self, notation: str | None = None, aliases: dict[str, str] | None = None):
        self.extra: dict[str, str] = {}
        self.identify: dict[str, str] = {}
        if notation:
            if notation not in NOTATIONS:
                raise InputError(f"unknown notation {notation!r}; known notations: "
                                 f"{', '.join(NOTATIONS)}")
            self.extra, self.identify = dict(NOTATIONS[notation][0]), dict(NOTATIONS[notation][1])
        for name, target in (aliases or {}).items():
            canonical = self._known(target)
            if canonical is None:
                raise InputError(f"--alias {name}={target}: {target!r} is not a symbol; use one "
                                 f"of {', '.join(SYMBOLS)}")
            if not re.fullmatch(r"[A-Za-z]+(?:_(?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+))?", name):
                raise InputError(f"--alias {name}={target}: a name is letters with an optional "
                                 f"subscript, like M or D_K")
            self.extra[name] = canonical
        self._folded = {_fold(k): v for k, v in {**ALIASES, **self.extra}.items()}

    def _known(self, name: str) -> str | None:
        return self.extra.get(name) or ALIASES.get(name) or (name if name in SYMBOLS else None)

    def get(self, name: str) -> str | None:
        return self._known(name) or self._folded.get(_fold(name))

    def suggestion(self, name: str) -> str:
        """A hint for an unknown name: a notation that has it, a close spelling, or ``--alias``."""
        for notation, (table, _) in NOTATIONS.items():
            if name in table:
                return f"; did you mean --notation {notation} ({name} = {table[name]})?"
        close = difflib.get_close_matches(name, list(ALIASES), n=1, cutoff=0.75)
        if close:
            target = ALIASES[close[0]]
            return f"; did you mean {close[0]}" + (f" ({target})?" if target != close[0] else "?")
        return f"; name it with --alias {name}=SYMBOL (symbols: {', '.join(SYMBOLS)})"


def _fold(name: str) -> str:
    base, sep, sub = name.partition("_")
    return base + sep + sub.strip("{}").lower()


def parse_aliases(items: list[str] | None) -> dict[str, str]:
    """``["M=D_in", "X=K"]`` -> ``{"M": "D_in", "X": "K"}`` (checked by :class:`Resolver`)."""
    out = {}
    for item in items or []:
        name, sep, target = item.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputError(f"--alias takes NAME=SYMBOL, like M=D_in, not {item!r}")
        out[name.strip()] = target.strip()
    return out
