r"""The characters and LaTeX words a formula may be written with, for the lexer.

Operators written as Unicode (``×``, ``−``, ``⌊``), letters that only look Latin (Greek
and Cyrillic capitals, mathematical italic and bold, as copied from rendered math),
superscript digits, spacing commands, wrappers around a name (``\text{padding}``),
accents, Greek letter names, and the ``\underbrace`` notes people add to a formula.
"""

from __future__ import annotations

import re
import unicodedata

import sympy


#: LaTeX commands that are only spacing or sizing: skipped.
SKIP = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "big", "Big",
         "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
         "left", "right", "middle", "thinspace", "enspace", "nonumber", "limits"}
TIMES = {"times", "cdot", "ast", "bullet", "cross"}
OPEN_BRACKETS = {"(": ")", "[": "]", "{": "}", "\\lfloor": "\\rfloor", "\\lceil": "\\rceil",
                 "\\{": "\\}", "\\langle": "\\rangle", "|": "|"}
CLOSE = set(OPEN_BRACKETS.values())
#: functions, written with parentheses: floor(x), int(x), max(a, b)
FUNCTIONS = {"floor": sympy.floor, "ceil": sympy.ceiling, "ceiling": sympy.ceiling,
             "sqrt": sympy.sqrt, "int": sympy.floor, "abs": sympy.Abs, "max": sympy.Max,
             "min": sympy.Min}
#: ``math.floor``, ``np.ceil``: the module name is left out
MODULES = {"math", "np", "numpy", "torch", "tf"}
UNICODE = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "•": "*", "∙": "*", "✕": "*", "⨯": "*",
            "−": "-", "–": "-", "—": "-", "‐": "-", "÷": "/", "⌊": "\\lfloor", "⌋": "\\rfloor",
            "⌈": "\\lceil", "⌉": "\\rceil", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
            "\u200b": " ", "∣": "|"}
#: letters that look like Latin ones (Greek and Cyrillic capitals, Cyrillic lower case), as
#: copy-paste brings them: read as the Latin letter (one character for one, columns stay)
CONFUSABLES = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВСЕНКМОРТХасеорх",
                             "ABEZHIKMNOPTYXABCEHKMOPTXaceopx")
#: mathematical italic, bold, ... letters and digits (𝐶, 𝑊, 𝟑, as text copied from rendered
#: math brings them): the plain letter or digit, one character for one
CONFUSABLES.update({code: ord(plain) for code in range(0x1D400, 0x1D800)
                     for plain in (unicodedata.normalize("NFKC", chr(code)),)
                     if len(plain) == 1 and plain.isascii()})
#: superscript digits: K² is K^2
SUPERSCRIPTS = {"²": "2", "³": "3", "⁴": "4"}
#: LaTeX wrappers whose argument is a name (or a number): \text{padding}, \mathrm{C}
WRAPPERS = {"text", "mathrm", "textrm", "mathit", "textit", "mathsf", "textsf", "mathbf",
             "textbf", "boldsymbol", "operatorname", "textnormal", "mathtt", "texttt", "bm"}
#: accents that make a new name: \tilde{k}, \hat{k}
ACCENTS = {"tilde", "hat", "bar", "widetilde", "widehat", "overline", "vec", "dot", "check"}
GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
          "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "varrho", "sigma", "tau",
          "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
          "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"}


def matching(text: str, i: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``i``, or -1."""
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return -1


def greek_name(c: str) -> str | None:
    """``α`` and look-alikes (``ɑ``, ``𝛼``) -> ``alpha``; ``ρ``, ``𝜌`` -> ``rho``."""
    try:
        name = unicodedata.name(c)
    except ValueError:
        return None
    match = re.fullmatch(r"(?:MATHEMATICAL (?:BOLD |ITALIC |SANS-SERIF )*|(?:GREEK|LATIN) )"
                         r"(SMALL|CAPITAL) (?:LETTER )?([A-Z]+)(?: SYMBOL)?", name)
    if not match:
        return None
    word = match.group(2).lower()
    if word == "lamda":
        word = "lambda"
    if word not in GREEK and word.capitalize() not in GREEK:
        return None
    return word.capitalize() if match.group(1) == "CAPITAL" else word


def strip_braces(text: str) -> str:
    r"""``\underbrace{X}_{\text{note}}`` -> ``{X}``, blanked in place so columns stay right.

    >>> strip_braces(r"\underbrace{D_{out}}_{\text{filters}} + 1")
    '           {D_{out}}                  + 1'
    """
    for command in ("\\underbrace", "\\overbrace"):
        start = text.find(command)
        while start >= 0:
            arg = start + len(command)
            while arg < len(text) and text[arg] == " ":
                arg += 1
            end = matching(text, arg) if text[arg:arg + 1] == "{" else -1
            if end < 0:
                break
            text = text[:start] + " " * len(command) + text[start + len(command):]
            k = end + 1
            while k < len(text) and text[k] == " ":
                k += 1
            if text[k:k + 1] in ("_", "^") and text[k + 1:k + 2] == "{":
                close = matching(text, k + 1)
                if close > 0:
                    text = text[:k] + " " * (close + 1 - k) + text[close + 1:]
            start = text.find(command, start + 1)
    return text
