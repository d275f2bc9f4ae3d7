"""The author's notation, detected from the note itself: which letters mean what.

Another author's letters are mapped to the course's symbols through the one resolver of
:mod:`symconv.formula.notation`; this module only decides, from what the note writes, which
known notation it uses and which extra spellings to read (``C_i`` for ``D_in``, ``Dk`` for
MobileNet's ``D_K``, Andrew Ng's ``n[l-1]`` for the input size). Two notations that both
fit make the choice ambiguous: then none is chosen (and no claim rests on a guess).

>>> detect("cost $D_K \\\\cdot D_K \\\\cdot M \\\\cdot N \\\\cdot D_F \\\\cdot D_F$")
('mobilenet', {})
>>> detect("where n[l] = (n[l-1] + 2p[l] - f[l]) / s[l] + 1")[1]["n_prev"]
'W_in'
"""

from __future__ import annotations

import re

from ..formula.notation import NOTATIONS
from ..symbols import ALIASES
from .glossary import glossary, word_names
from .words import code_formula

_SIGNS = {
    "mobilenet": re.compile(r"\bD_?\{?[KF]\}?(?![a-z])|\bD[kf]\b|(?<![A-Za-z])D[kf](?=x|\b)"),
    "d2l": re.compile(r"\bn_(?:\\textrm\{)?h\b|\bk_(?:\\textrm\{)?h\b"),
    # Dumoulin & Visin's guide and the notes that follow it: o = (i - k) + 1, o = (i + 2p - k)/s + 1
    "dumoulin": re.compile(r"(?<![A-Za-z\\'])o'?\s*&?=\s*(?:\\left\s*)?(?:\\lfloor\s*)?(?:\\frac\s*\{)?"
                           r"\s*\(?\s*i'?\s*[-+]"),
}
#: spellings a note may use for the channels, read as the course's D_in / D_out
_CHANNELS = {"C_i": "D_in", "C_o": "D_out", "C_{i}": "D_in", "C_{o}": "D_out", "c_i": "D_in",
             "c_o": "D_out", "Ci": "D_in", "Co": "D_out", "c_in": "D_in", "c_out": "D_out",
             "c_{in}": "D_in", "c_{out}": "D_out"}
#: MobileNet written without the underscore, as many notes do
_MOBILENET = {"Dk": "K", "DK": "K", "Df": "W_out", "DF": "W_out", "Dg": "W_out"}
#: a glossary that says H and W measure the output map
_HW_OUT = re.compile(r"H\s*[,，、]\s*W[^\n]{0,30}(?:输出|output)|(?:输出|output)[^\n]{0,30}\bH\b[^\n]{0,10}\bW\b")
#: Andrew Ng's course: n[l-1] in, n[l] out, f[l], p[l], s[l], nc[l-1], nc[l]
_DLAI = re.compile(r"\b(?:n|f|p|s|nc)\[l(?:-1)?\]")
DLAI = {"n_prev": "W_in", "n": "W_out", "f": "K", "p": "P", "s": "S", "nc_prev": "D_in", "nc": "D_out"}


#: a lowercase k used as a square kernel's side: k^2, k^{2}, k², k \times k, k*k, k x k
_SQUARE_K = re.compile(r"(?<![A-Za-z\\_])k\s*(?:\^\s*\{?\s*2\s*\}?|²|(?:\\times|\\cdot|[*×x·])\s*k(?![A-Za-z_]))")


def detect(text: str) -> tuple[str | None, dict[str, str]]:
    """(a notation of :data:`symconv.formula.notation.NOTATIONS` or None, extra aliases)."""
    found = [name for name, sign in _SIGNS.items() if sign.search(text)]
    notation = found[0] if len(found) == 1 else None
    aliases = {k: v for k, v in _CHANNELS.items() if re.search(rf"(?<![A-Za-z]){re.escape(k)}(?![A-Za-z0-9])", text)}
    if notation == "mobilenet":
        aliases.update({k: v for k, v in _MOBILENET.items() if re.search(rf"(?<![A-Za-z]){k}", text)})
    if _DLAI.search(text) and notation is None:
        aliases.update(DLAI)
    if notation is None and any(v in ("D_in", "D_out") for v in aliases.values()) and _HW_OUT.search(text):
        notation = "cin-cout"   # C_i, C_o with H, W said to be the output map
    if notation == "d2l":   # d2l's own letters for the channels
        aliases = {k: v for k, v in aliases.items() if k not in ("c_i", "c_o")}
    if notation is None:   # letters the note defines itself ("n: input size"), when no known
        aliases = {**aliases, **glossary(text)}  # notation does
    # names that are words say what they are (\text{Input Size}, H_{Output}, Padding)
    code = "\n".join(f"${f[1]}$" for f in map(code_formula, text.splitlines()) if f)  # output_size = ...
    aliases = {**word_names(text + "\n" + code, frozenset(ALIASES)), **aliases}
    if "k" not in aliases and (notation is None or "k" not in NOTATIONS[notation][0]) and \
            _SQUARE_K.search(text):
        aliases["k"] = "K"   # k^2, k \times k: a square kernel's side, however the note names it
    return notation, aliases


def prepare(formula: str) -> str:
    """A formula in the author's spelling made readable: ``DfxDfxM`` -> ``Df*Df*M`` (names
    joined by x), ``n[l-1]`` -> ``n_prev``, ``f[l]`` -> ``f``, ``{a \\over b}`` -> ``\\frac{a}{b}``.

    >>> prepare(r"{4 - 3 + 2 \\times 1 \\over 1}+1")
    '\\\\frac{4 - 3 + 2 \\\\times 1 }{ 1}+1'
    """
    if re.search(r"[A-Za-z0-9]x[A-Z]|[A-Z][a-z]?x\d", formula):
        formula = re.sub(r"(?<=[A-Za-z0-9)])x(?=[A-Z0-9(])", "*", formula)
    formula = tex_over(formula)
    formula = re.sub(r"(?<![A-Za-z])(n|nc|f|p|s)\[l-1\]", r"\1_prev", formula)   # 2p[l] too
    return re.sub(r"(?<![A-Za-z])(n|nc|f|p|s)\[l\]", r"\1", formula)


def tex_over(formula: str) -> str:
    """TeX's ``{a \\over b}`` as ``\\frac{a}{b}`` (the group around each ``\\over``)."""
    for _ in range(8):
        at = formula.find("\\over")
        if at < 0 or formula[at + 5:at + 6].isalpha():
            return formula
        depth, start = 0, -1
        for i in range(at - 1, -1, -1):
            depth += {"}": 1, "{": -1}.get(formula[i], 0)
            if depth < 0:
                start = i
                break
        depth, end = 0, -1
        for i in range(at + 5, len(formula)):
            depth += {"{": 1, "}": -1}.get(formula[i], 0)
            if depth < 0:
                end = i
                break
        if start < 0 or end < 0:
            return formula
        formula = (formula[:start] + "\\frac{" + formula[start + 1:at] + "}{" + formula[at + 5:end]
                   + "}" + formula[end + 1:])
    return formula
