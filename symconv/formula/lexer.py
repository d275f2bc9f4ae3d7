r"""The tokenizer of the formula parser: plain text and LaTeX into a list of tokens.

Numbers (``6,432``, ``1,28,800``, ``98\,406\,400``, ``5x5x8x32``); names as people write
them, resolved through a :class:`~symconv.formula.notation.Resolver`; operators
(``* \times \cdot × x // ^``, ``x`` between two operands); groups (``( [ { \left(
\lfloor \lceil |...|``), ``\frac``, functions (``floor ceil int max min abs sqrt``).
Spacing commands are skipped; anything else is an error naming its column.

A name is letters, digits, underscores and primes together, with its subscripts and
indices: ``in_height``, ``K1``, ``M'``, ``kernel_size[0]``, ``\text{padding}[0]``,
``n_{H_{prev}}``, ``\tilde{k}``, ``ρ``. It is never split into a product unless the whole
is unknown and every piece is known (``HW``, ``W_FH_F``, ``gK``).

>>> from symconv.formula.notation import Resolver
>>> [t.text for t in tokenize(r"D_{out}\left(5x5 + 1\right)", Resolver())]
['D_{out}', '(', '5', '*', '5', '+', '1', ')', 'end of formula']
>>> [t.text for t in tokenize("K1 x C_in", Resolver(aliases={"K1": "H_F"}))]
['K1', '*', 'C_in', 'end of formula']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..errors import InputError
from .characters import (ACCENTS, CLOSE, CONFUSABLES, FUNCTIONS, GREEK, MODULES, OPEN_BRACKETS,
                         SKIP, SUPERSCRIPTS, TIMES, UNICODE, WRAPPERS, greek_name, matching,
                         strip_braces)
from .notation import Resolver, spelling

_NUMBER = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])"  # 1,28,800 (Indian grouping)
                     r"|\d{1,3}(?:(?:,|\\,|\{,\}|\u2009|\u202f)\d{3})+(?!\d)|\d+(?:\.\d+)?",
                     re.ASCII)
_PRODUCT_X = re.compile(r"\s*[xX]\s*(?=\d)", re.ASCII)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*", re.ASCII)
_BARE_SUB = re.compile(r"[A-Za-z0-9']+", re.ASCII)
_INDEX = re.compile(r"\[\s*(?:\d{1,3}|[A-Za-z_][A-Za-z0-9_]{0,11})\s*\]", re.ASCII)
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
MAX_NAME = 100        # characters in one name
_MAX_SPLIT = 40       # longest unknown name tried as a product of known ones
#: one-letter names too common inside words to be pieces of a split (``add`` is no a*d*d)
_NO_SPLIT = {"a", "d", "m"}


@dataclass(frozen=True)
class Token:
    kind: str    # num, name, op, open, close, comma, frac, sqrt, func, end
    text: str
    col: int     # 1-based column in the original text
    value: object = None


def syntax_error(col: int, message: str) -> InputError:
    return InputError(f"parse error at column {col}: {message}")


class _Lexer:
    def __init__(self, text: str, resolver: Resolver):
        self.text, self.resolver, self.pos = text, resolver, 0
        self.tokens: list[Token] = []
        self.bars = 0  # |...| groups open

    def add(self, kind: str, text: str, col: int, value=None) -> None:
        self.tokens.append(Token(kind, text, col, value))

    def _operand_ended(self) -> bool:
        """Whether the last token ends an operand (so ``|`` closes and ``x`` multiplies)."""
        last = self.tokens[-1] if self.tokens else None
        return last is not None and last.kind in ("num", "name", "close")

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            c, col = text[self.pos], self.pos + 1
            if c.isspace() or c == "~":
                self.pos += 1
            elif c in "0123456789":
                self.number()
            elif c.isascii() and c.isalpha():
                self.word()
            elif c == "\\":
                self.command()
            elif c == "*" and text.startswith("**", self.pos):
                self.add("op", "^", col)
                self.pos += 2
            elif c == "/" and text.startswith("//", self.pos):
                self.add("op", "//", col)
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
            elif c == ",":
                self.add("comma", ",", col)
                self.pos += 1
            elif c in "|∣":
                self.bar(col)
                self.pos += 1
            elif c in UNICODE:
                self.unicode(UNICODE[c], col)
            elif c in SUPERSCRIPTS:
                self.add("op", "^", col)
                self.add("num", c, col, sympy.Integer(SUPERSCRIPTS[c]))
                self.pos += 1
            elif greek_name(c):
                self.pos += 1
                self.name_from(greek_name(c), col, self.pos)
            else:
                raise syntax_error(col, f"unexpected character {c!r}")
        self.add("end", "end of formula", len(text) + 1)
        return self.tokens

    def bar(self, col: int, side: str | None = None) -> None:
        """``|x|``: a bar after an operand closes, any other opens."""
        if side == "close" or (side is None and self._operand_ended() and self.bars):
            self.bars -= 1
            self.add("close", "|", col)
        else:
            self.bars += 1
            self.add("open", "|", col)

    def unicode(self, meaning: str, col: int) -> None:
        self.pos += 1
        if meaning in "*-/":
            self.add("op", meaning, col)
        elif meaning == "|":
            self.bar(col)
        elif meaning in OPEN_BRACKETS:
            self.add("open", meaning, col)
        elif meaning in CLOSE:
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
        match = _COMMAND.match(self.text, self.pos)
        if not match:
            raise syntax_error(col, "a lone backslash")
        word, self.pos = match.group(1), match.end()
        if word in SKIP:
            return
        if word in TIMES:
            self.add("op", "*", col)
        elif word == "div":
            self.add("op", "/", col)
        elif word in ("frac", "dfrac", "tfrac", "cfrac"):
            self.add("frac", "\\" + word, col)
        elif word == "sqrt":
            self.add("sqrt", "\\sqrt", col)
        elif word in ("max", "min"):
            self.add("func", word, col, FUNCTIONS[word])
        elif word in ("vert", "lvert", "rvert", "|", "mid"):
            self.bar(col, {"lvert": "open", "rvert": "close"}.get(word))
        elif "\\" + word in OPEN_BRACKETS:
            self.add("open", "\\" + word, col)
        elif "\\" + word in CLOSE:
            self.add("close", "\\" + word, col)
        elif word in WRAPPERS:
            self.wrapped(word, col)
        elif word in ACCENTS:
            self.accent(word, col)
        elif word in GREEK:
            self.name_from("\\" + word, col, self.pos)
        elif word == "prime":
            raise syntax_error(col, "a prime belongs after a name, like M'")
        else:
            raise syntax_error(col, f"unsupported LaTeX command \\{word} (formulas use + - * / ^, "
                                    f"\\frac, \\times, \\cdot, \\lfloor, \\lceil, \\left, \\right)")

    def _braced(self, col: int, what: str) -> str:
        """The ``{...}`` argument at the current position, without its braces."""
        while self.text.startswith(" ", self.pos):
            self.pos += 1
        if not self.text.startswith("{", self.pos):
            raise syntax_error(col, f"{what} needs an argument in braces")
        end = matching(self.text, self.pos)
        if end < 0:
            raise syntax_error(self.pos + 1, "unmatched '{'")
        inner = self.text[self.pos + 1:end]
        self.pos = end + 1
        return inner

    def wrapped(self, word: str, col: int) -> None:
        r"""``\text{padding}[0]`` is the name ``padding[0]``; ``\text{2}`` is the number 2."""
        inner = spelling(self._braced(col, "\\" + word))
        if not inner:
            return
        if re.fullmatch(r"\d+", inner):
            self.add("num", inner, col, sympy.Integer(inner))
        elif inner in FUNCTIONS and self.text[self.pos:].lstrip().startswith(("(", "\\left")):
            self.add("func", inner, col, FUNCTIONS[inner])
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_']*(?:\[\d{1,3}\])*", inner):
            self.name_from(inner, col, self.pos)
        else:
            shown = inner if len(inner) <= 40 else inner[:40] + "..."
            raise syntax_error(col, f"unknown symbol {shown!r}" + self.resolver.suggestion(shown))

    def accent(self, word: str, col: int) -> None:
        r"""``\tilde{k}`` is a name of its own (map it with ``--alias '\tilde{k}=K'``)."""
        inner = spelling(self._braced(col, "\\" + word))
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_']*|\\[A-Za-z]+", inner):
            raise syntax_error(col, f"\\{word} takes one name, like \\{word}{{k}}")
        self.name_from(f"\\{word}{{{inner}}}", col, self.pos)

    def word(self) -> None:
        """A plain-text word: a function call, a module prefix, ``x`` as times, or a name."""
        col, text = self.pos + 1, self.text
        match = _WORD.match(text, self.pos)
        head, after = match.group(), match.end()
        if head in MODULES and text.startswith(".", after):  # math.floor(...)
            call = _WORD.match(text, after + 1)
            if call and call.group() in FUNCTIONS and text[call.end():].lstrip().startswith("("):
                self.pos = call.end()
                self.add("func", call.group(), col, FUNCTIONS[call.group()])
                return
        if head in FUNCTIONS and text[after:].lstrip().startswith("("):
            self.pos = after
            self.add("func", head, col, FUNCTIONS[head])
            return
        self.name_from(head, col, after)

    def _rest_of_name(self) -> None:
        """Subscripts (``_in``, ``_{H_{prev}}``, ``_\text{in}``), primes and ``[0]`` indices."""
        text = self.text
        while True:
            if text.startswith("\\_", self.pos):
                at = self.pos + 2
            elif text.startswith("_", self.pos):
                at = self.pos + 1
            else:
                break
            c = text[at:at + 1]
            if c == "{":
                end = matching(text, at)
                if end < 0:
                    raise syntax_error(at + 1, "unmatched '{' in a subscript")
                self.pos = end + 1
                break
            if c == "\\":
                sub = re.compile(r"\\[A-Za-z]+\s*(?:\{[^{}]*\})?").match(text, at)
                if not sub:
                    raise syntax_error(at + 1, "a subscript is letters or digits, like D_in")
                self.pos = sub.end()
                break
            sub = _BARE_SUB.match(text, at)
            if not sub:  # a trailing underscore is part of the name: height_, pad_h_
                self.pos = at
                break
            self.pos = sub.end()
        while text.startswith(("'", "′"), self.pos):
            self.pos += 1
        while True:
            index = _INDEX.match(text, self.pos)
            if not index:
                break
            self.pos = index.end()

    def name_from(self, head: str, col: int, pos: int) -> None:
        """The name starting with ``head`` (already read up to ``pos``): read its subscripts
        and indices, then resolve it."""
        self.pos = pos
        rest_start = self.pos
        self._rest_of_name()
        raw = head + self.text[rest_start:self.pos]
        name = spelling(raw)
        if len(name) > MAX_NAME:
            raise syntax_error(col, f"a name longer than {MAX_NAME} characters")
        value = self.resolver.value(name)
        if value is not None:
            self.add("name", name, col, value)
            return
        if name in ("x", "X"):  # K^2 x C x N
            if not self._operand_ended():
                raise syntax_error(col, "'x' as a product needs something before it")
            self.add("op", "*", col)
            return
        parts = self._split(name)
        if parts is None:
            raise syntax_error(col, f"unknown symbol {name!r}" + self.resolver.suggestion(name))
        for offset, piece, piece_value in parts:
            if piece_value is None:
                self.add("op", "*", col + offset)
            else:
                self.add("name", piece, col + offset, piece_value)

    def _split(self, name: str) -> list[tuple[int, str, object]] | None:
        """``HW`` -> H, W; ``W_FH_F`` -> W_F, H_F: the fewest known pieces that make up an
        unknown name, or None. An ``x`` between two pieces is a product (``KxK``)."""
        if len(name) > _MAX_SPLIT or not re.fullmatch(r"[A-Za-z0-9_']+", name):
            return None
        n = len(name)
        best: list[list | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            if best[i] is None or not name[i].isalpha():
                continue
            for j in range(i + 1, n + 1):
                piece = name[i:j]
                if piece.endswith("_"):
                    continue
                value = None if piece in _NO_SPLIT else self.resolver.value(piece)
                if value is None and piece in ("x", "X") and best[i] and j < n:
                    value = "times"
                if value is None:
                    continue
                candidate = best[i] + [(i, piece, None if value == "times" else value)]
                if best[j] is None or len(candidate) < len(best[j]):
                    best[j] = candidate
        found = best[n]
        if not found or len(found) < 2 or found[-1][2] is None:
            return None
        return found


def tokenize(text: str, resolver: Resolver) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token."""
    if "brace" in text:
        text = strip_braces(text)
    return _Lexer(text.translate(CONFUSABLES), resolver).run()
