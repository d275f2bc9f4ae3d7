r"""The tokenizer of the formula parser: plain text and LaTeX into a list of tokens.

Numbers (``6,432``, ``98\,406\,400``, ``5x5x8x32``), names resolved through a
:class:`~symconv.formula.notation.Resolver` (``D_{in}``; ``W_FH_F`` is ``W_F H_F``), operators
(``* \times \cdot ×``), groups (``( [ { \left( \lfloor \lceil``) and ``\frac``;
spacing commands are skipped, anything else is an error naming its column.

>>> from symconv.formula.notation import Resolver
>>> [t.text for t in tokenize(r"D_{out}\left(5x5 + 1\right)", Resolver())]
['D_out', '(', '5', '*', '5', '+', '1', ')', 'end of formula']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..errors import InputError
from .notation import Resolver

#: LaTeX commands that are only spacing or sizing: skipped.
_SKIP = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "big", "Big",
         "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
         "left", "right", "middle", "thinspace", "enspace", "nonumber"}
_TIMES = {"times", "cdot", "ast", "bullet"}
OPEN_BRACKETS = {"(": ")", "[": "]", "{": "}", "\\lfloor": "\\rfloor", "\\lceil": "\\rceil",
         "\\{": "\\}", "\\langle": "\\rangle"}
_CLOSE = set(OPEN_BRACKETS.values())
#: plain-text functions, always written with parentheses: floor(x), ceil(x)
_FUNCTIONS = {"floor": sympy.floor, "ceil": sympy.ceiling, "ceiling": sympy.ceiling,
              "sqrt": sympy.sqrt}
_UNICODE = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "−": "-", "÷": "/", "⌊": "\\lfloor",
            "⌋": "\\rfloor", "⌈": "\\lceil", "⌉": "\\rceil", "\u00a0": " ", "\u2009": " ",
            "\u202f": " "}
_NUMBER = re.compile(r"\d{1,3}(?:(?:,|\\,|\{,\}|\u2009|\u202f)\d{3})+(?!\d)|\d+(?:\.\d+)?", re.ASCII)
_PRODUCT_X = re.compile(r"\s*[xX]\s*(?=\d)", re.ASCII)
_TEXT_WRAP = re.compile(r"\\(?:text|mathrm|mathit|textrm|mathsf|rm|it|operatorname)\s*")


@dataclass(frozen=True)
class Token:
    kind: str    # num, name, op, open, close, frac, sqrt, func, end
    text: str
    col: int     # 1-based column in the original text
    value: object = None


def syntax_error(col: int, message: str) -> InputError:
    return InputError(f"parse error at column {col}: {message}")


class _Lexer:
    def __init__(self, text: str, resolver: Resolver):
        self.text, self.resolver, self.pos = text, resolver, 0
        self.tokens: list[Token] = []

    def add(self, kind: str, text: str, col: int, value=None) -> None:
        self.tokens.append(Token(kind, text, col, value))

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            c, col = text[self.pos], self.pos + 1
            if c.isspace() or c == "~":
                self.pos += 1
            elif c in "0123456789":
                self.number()
            elif c.isalpha() and c.isascii():
                self.name()
            elif c == "\\":
                self.command()
            elif c == "*" and text.startswith("**", self.pos):
                self.add("op", "^", col)
                self.pos += 2
            elif c in "+-*/^":
                self.add("op", c, col)
                self.pos += 1
            elif c in "([{":
                self.add("open", c, col)
                self.pos += 1
            elif c in ")]}":
                self.add("close", c, col)
                self.pos += 1
            elif c in _UNICODE:
                self.unicode(_UNICODE[c], col)
            else:
                raise syntax_error(col, f"unexpected character {c!r}")
        self.add("end", "end of formula", len(text) + 1)
        return self.tokens

    def unicode(self, meaning: str, col: int) -> None:
        self.pos += 1
        if meaning in "*-/":
            self.add("op", meaning, col)
        elif meaning in OPEN_BRACKETS:
            self.add("open", meaning, col)
        elif meaning in _CLOSE:
            self.add("close", meaning, col)

    def number(self) -> None:
        col = self.pos + 1
        match = _NUMBER.match(self.text, self.pos)
        digits = re.sub(r"\\,|\{,\}|[,\u2009\u202f]", "", match.group())
        if len(digits) > 100:
            raise syntax_error(col, "number too long (more than 100 digits)")
        self.pos = match.end()
        self.add("num", match.group(), col, sympy.Rational(digits))
        # 5x5x8x32: an x between numbers is a product.
        product = _PRODUCT_X.match(self.text, self.pos)
        if product:
            self.add("op", "*", self.pos + 1)
            self.pos = product.end()

    def command(self) -> None:
        col = self.pos + 1
        match = re.compile(r"\\([A-Za-z]+|.)").match(self.text, self.pos)
        if not match:
            raise syntax_error(col, "a lone backslash")
        word, self.pos = match.group(1), match.end()
        if word in _SKIP:
            return
        if word in _TIMES:
            self.add("op", "*", col)
        elif word == "div":
            self.add("op", "/", col)
        elif word in ("frac", "dfrac", "tfrac", "cfrac"):
            self.add("frac", "\\" + word, col)
        elif word == "sqrt":
            self.add("sqrt", "\\sqrt", col)
        elif "\\" + word in OPEN_BRACKETS:
            self.add("open", "\\" + word, col)
        elif "\\" + word in _CLOSE:
            self.add("close", "\\" + word, col)
        elif word.isalpha() and self.resolver.get("\\" + word):
            self.add("name", "\\" + word, col, self.resolver.get("\\" + word))
        else:
            raise syntax_error(col, f"unsupported LaTeX command \\{word} (formulas use + - * / ^, "
                              f"\\frac, \\times, \\cdot, \\lfloor, \\lceil, \\left, \\right)")

    def _subscript(self) -> tuple[str, bool]:
        """The subscript after ``_``: ``(text, True)`` for braces, ``(run, False)`` for a bare run."""
        text, start = self.text, self.pos
        if start + 1 >= len(text):
            raise syntax_error(start + 1, "a subscript is missing after '_'")
        if text[start + 1] == "{":
            depth, i = 0, start + 1
            while i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                if depth == 0:
                    break
                i += 1
            if depth:
                raise syntax_error(start + 2, "unmatched '{' in a subscript")
            # \text{in} and friends: W_{\text{in}}
            inner = _TEXT_WRAP.sub("", text[start + 2:i]).replace("{", "").replace("}", "")
            inner = inner.replace(" ", "")
            if not re.fullmatch(r"[A-Za-z0-9]+", inner):
                raise syntax_error(start + 2, "a subscript is letters or digits in braces, like D_{in}")
            self.pos = i + 1
            return inner, True
        match = re.compile(r"[A-Za-z0-9]+").match(text, start + 1)
        if not match:
            raise syntax_error(start + 2, "a subscript is letters or digits, like D_in")
        self.pos = match.end()
        return match.group(), False

    def name(self) -> None:
        col, text = self.pos + 1, self.text
        run = re.compile(r"[A-Za-z]+").match(text, self.pos).group()
        self.pos += len(run)
        if run in _FUNCTIONS and text[self.pos:].lstrip().startswith("("):  # floor(...)
            self.add("func", run, col, _FUNCTIONS[run])
            return
        if text.startswith("_", self.pos):
            sub, braced = self._subscript()
            head, last = run[:-1], run[-1]
            if head:
                self.letters(head, col)
            # W_FH_F is W_F H_F, but D_inn is not D_in n: split only before a capital or digit.
            subs = [sub] if braced else [sub[:n] for n in range(len(sub), 0, -1)
                                         if n == len(sub) or not sub[n].islower()]
            for s in subs:
                canonical = self.resolver.get(f"{last}_{s}")
                if canonical:
                    if not braced:  # W_FH_F: the subscript is F, then H_F follows
                        self.pos -= len(sub) - len(s)
                    self.add("name", f"{last}_{s}", col + len(head), canonical)
                    return
            shown = f"{last}_{{{sub}}}" if braced else f"{last}_{sub}"
            raise syntax_error(col + len(head), f"unknown symbol {shown!r}"
                         + self.resolver.suggestion(shown))
        self.letters(run, col)

    def letters(self, run: str, col: int) -> None:
        """A run of letters: a known name (``Din``, ``alpha``) or a product of known names (``gK``)."""
        canonical = self.resolver.get(run)
        if canonical:
            self.add("name", run, col, canonical)
            return
        parts, i = [], 0
        while i < len(run):
            for j in range(len(run), i, -1):
                if self.resolver.get(run[i:j]):
                    parts.append((run[i:j], i))
                    i = j
                    break
            else:
                raise syntax_error(col, f"unknown symbol {run!r}" + self.resolver.suggestion(run))
        for part, offset in parts:
            self.add("name", part, col + offset, self.resolver.get(part))



def _matching(text: str, i: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``i``, or -1."""
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return -1


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
            end = _matching(text, arg) if text[arg:arg + 1] == "{" else -1
            if end < 0:
                break
            text = text[:start] + " " * len(command) + text[start + len(command):]
            k = end + 1
            while k < len(text) and text[k] == " ":
                k += 1
            if text[k:k + 1] in ("_", "^") and text[k + 1:k + 2] == "{":
                close = _matching(text, k + 1)
                if close > 0:
                    text = text[:k] + " " * (close + 1 - k) + text[close + 1:]
            start = text.find(command, start + 1)
    return text


def tokenize(text: str, resolver: Resolver) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token."""
    if "brace" in text:
        text = strip_braces(text)
    return _Lexer(text, resolver).run()
