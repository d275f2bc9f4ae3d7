"""The safe formula parser: plain text and LaTeX, straight to sympy objects.

User text is data. This module has its own tokenizer and a small Pratt
(precedence-climbing) parser; nothing is ever evaluated as Python. Names map
through the alias table of :mod:`symconv.symbols` (a notation or ``--alias``
adds spellings); products may be implicit (``D_{out}(W_F H_F D_{in} + 1)`` is a
product, never a call).

>>> parse("D_out*(W_F*H_F*D_in + 1)")
D_out*(D_in*H_F*W_F + 1)
>>> parse(r"D_{out}(W_{F}H_{F}D_{in}+1)")
D_out*(D_in*H_F*W_F + 1)
>>> parse(r"\\frac{1}{D_{out}} + \\frac{1}{W_F H_F}")
1/(H_F*W_F) + 1/D_out
>>> parse(r"98\\,406\\,400"), parse("6,432"), parse("5x5x8x32")
(98406400, 6432, 6400)
>>> parse("D_K^2 M N", notation="mobilenet")
D_in*D_out*K**2
>>> parse("D_in + (")
Traceback (most recent call last):
  ...
symconv.errors.InputError: parse error at column 8: unmatched '('

Limits (:data:`MAX_LENGTH`, :data:`MAX_DEPTH`, :data:`MAX_EXPONENT`,
:data:`MAX_TERMS`, :data:`MAX_BITS`) keep every input well under a second.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

import sympy

from .errors import InputError
from .symbols import ALIASES, SYMBOLS

MAX_LENGTH = 4000       # characters in one formula
MAX_DEPTH = 60          # nested groups, signs and powers
MAX_EXPONENT = 12       # |n| in x^n
MAX_TERMS = 2000        # monomials after expanding products of sums
MAX_DENOMINATORS = 6    # different sums under a fraction bar (their product is the common one)
MAX_FLOORS = 12         # floors and ceilings
MAX_BITS = 4000         # size of any number that appears (about 1200 digits)

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

#: LaTeX commands that are only spacing or sizing: skipped.
_SKIP = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "big", "Big",
         "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
         "left", "right", "middle", "thinspace", "enspace", "nonumber"}
_TIMES = {"times", "cdot", "ast", "bullet"}
_OPEN = {"(": ")", "[": "]", "{": "}", "\\lfloor": "\\rfloor", "\\lceil": "\\rceil",
         "\\{": "\\}", "\\langle": "\\rangle"}
_CLOSE = set(_OPEN.values())
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


def _error(col: int, message: str) -> InputError:
    return InputError(f"parse error at column {col}: {message}")


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
            return f"; did you mean {close[0]} ({ALIASES[close[0]]})?"
        return f"; name it with --alias {name}=SYMBOL (symbols: {', '.join(SYMBOLS)})"


def _fold(name: str) -> str:
    base, sep, sub = name.partition("_")
    return base + sep + sub.strip("{}").lower()


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
                raise _error(col, f"unexpected character {c!r}")
        self.add("end", "end of formula", len(text) + 1)
        return self.tokens

    def unicode(self, meaning: str, col: int) -> None:
        self.pos += 1
        if meaning in "*-/":
            self.add("op", meaning, col)
        elif meaning in _OPEN:
            self.add("open", meaning, col)
        elif meaning in _CLOSE:
            self.add("close", meaning, col)

    def number(self) -> None:
        col = self.pos + 1
        match = _NUMBER.match(self.text, self.pos)
        digits = re.sub(r"\\,|\{,\}|[,\u2009\u202f]", "", match.group())
        if len(digits) > 100:
            raise _error(col, "number too long (more than 100 digits)")
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
            raise _error(col, "a lone backslash")
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
        elif "\\" + word in _OPEN:
            self.add("open", "\\" + word, col)
        elif "\\" + word in _CLOSE:
            self.add("close", "\\" + word, col)
        elif word.isalpha() and self.resolver.get("\\" + word):
            self.add("name", "\\" + word, col, self.resolver.get("\\" + word))
        else:
            raise _error(col, f"unsupported LaTeX command \\{word} (formulas use + - * / ^, "
                              f"\\frac, \\times, \\cdot, \\lfloor, \\lceil, \\left, \\right)")

    def _subscript(self) -> tuple[str, bool]:
        """The subscript after ``_``: ``(text, True)`` for braces, ``(run, False)`` for a bare run."""
        text, start = self.text, self.pos
        if start + 1 >= len(text):
            raise _error(start + 1, "a subscript is missing after '_'")
        if text[start + 1] == "{":
            depth, i = 0, start + 1
            while i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                if depth == 0:
                    break
                i += 1
            if depth:
                raise _error(start + 2, "unmatched '{' in a subscript")
            # \text{in} and friends: W_{\text{in}}
            inner = _TEXT_WRAP.sub("", text[start + 2:i]).replace("{", "").replace("}", "")
            inner = inner.replace(" ", "")
            if not re.fullmatch(r"[A-Za-z0-9]+", inner):
                raise _error(start + 2, "a subscript is letters or digits in braces, like D_{in}")
            self.pos = i + 1
            return inner, True
        match = re.compile(r"[A-Za-z0-9]+").match(text, start + 1)
        if not match:
            raise _error(start + 2, "a subscript is letters or digits, like D_in")
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
            raise _error(col + len(head), f"unknown symbol {shown!r}"
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
                raise _error(col, f"unknown symbol {run!r}" + self.resolver.suggestion(run))
        for part, offset in parts:
            self.add("name", part, col + offset, self.resolver.get(part))


class _Parser:
    """Precedence climbing over the tokens; builds sympy objects directly."""

    def __init__(self, tokens: list[Token]):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.opened: list[Token] = []  # groups not closed yet, innermost last
        self.functions = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def enter(self, col: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(col, f"nested more than {MAX_DEPTH} deep")

    def count_function(self, col: int) -> None:
        self.functions += 1
        if self.functions > MAX_FLOORS:
            raise _error(col, f"more than {MAX_FLOORS} floors, ceilings and roots")

    def parse(self) -> sympy.Expr:
        expr = self.sum()
        tok = self.tok
        if tok.kind == "close":
            raise _error(tok.col, f"unmatched {tok.text!r}")
        if tok.kind != "end":
            raise _error(tok.col, f"unexpected {tok.text!r}")
        return expr

    def sum(self) -> sympy.Expr:
        left = self.product()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take()
            right = self.product()
            left = _guard(left + right if op.text == "+" else left - right, op.col)
        return left

    def _starts_operand(self) -> bool:
        return self.tok.kind in ("num", "name", "open", "frac", "sqrt", "func")

    def product(self) -> sympy.Expr:
        left = self.unary()
        while True:
            tok = self.tok
            if tok.kind == "op" and tok.text in "*/":
                self.take()
                right = self.unary()
                if tok.text == "/":
                    if right == 0:
                        raise _error(tok.col, "division by zero")
                    left = left / right
                else:
                    left = left * right
            elif self._starts_operand():  # implicit product: 2 D_in, D_out(...)
                left = left * self.power()
            else:
                return left
            left = _guard(left, tok.col)

    def unary(self) -> sympy.Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text in "+-":
            self.take()
            self.enter(tok.col)
            value = self.unary()
            self.depth -= 1
            return -value if tok.text == "-" else value
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.primary()
        if self.tok.kind == "op" and self.tok.text == "^":
            caret = self.take()
            self.enter(caret.col)
            exponent = self.unary()
            self.depth -= 1
            return _power(base, exponent, caret.col)
        return base

    def primary(self) -> sympy.Expr:
        tok = self.take()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "name":
            return SYMBOLS[tok.value]
        if tok.kind == "open":
            return self.group(tok)
        if tok.kind == "frac":
            num, den = self.argument(tok), self.argument(tok)
            if den == 0:
                raise _error(tok.col, "division by zero")
            return _guard(num / den, tok.col)
        if tok.kind in ("sqrt", "func"):
            self.count_function(tok.col)
        if tok.kind == "sqrt":
            return sympy.sqrt(self.argument(tok))
        if tok.kind == "func":
            return tok.value(self.group(self.take()))
        if tok.kind == "end":
            if self.opened:
                raise _error(self.opened[-1].col, f"unmatched {self.opened[-1].text!r}")
            raise _error(tok.col, "the formula ends where a number or a symbol should be")
        if tok.kind == "close":
            raise _error(tok.col, f"unmatched {tok.text!r}")
        raise _error(tok.col, f"expected a number or a symbol, not {tok.text!r}")

    def argument(self, command: Token) -> sympy.Expr:
        """One argument of ``\\frac`` or ``\\sqrt``: a ``{...}`` group (or a single operand)."""
        tok = self.tok
        if tok.kind == "end":
            raise _error(command.col, f"{command.text} is missing an argument")
        if tok.kind == "num" and tok.text.isdigit() and len(tok.text) > 1:  # \frac12
            self.tokens[self.i] = Token("num", tok.text[1:], tok.col + 1, sympy.Integer(tok.text[1:]))
            return sympy.Integer(tok.text[0])
        return self.primary()

    def group(self, open_tok: Token) -> sympy.Expr:
        self.enter(open_tok.col)
        self.opened.append(open_tok)
        inner = self.sum()
        close = self.tok
        if close.kind != "close":
            if close.kind == "end":
                raise _error(open_tok.col, f"unmatched {open_tok.text!r}")
            raise _error(close.col, f"unexpected {close.text!r}")
        if close.text != _OPEN[open_tok.text]:
            raise _error(close.col, f"{close.text!r} does not close {open_tok.text!r} "
                                    f"(column {open_tok.col})")
        self.take()
        self.depth -= 1
        self.opened.pop()
        if open_tok.text in ("\\lfloor", "\\lceil"):
            self.count_function(open_tok.col)
        if open_tok.text == "\\lfloor":
            return sympy.floor(inner)
        if open_tok.text == "\\lceil":
            return sympy.ceiling(inner)
        return inner


def _guard(expr: sympy.Expr, col: int) -> sympy.Expr:
    """Reject numbers too large to print (a product of many big literals)."""
    coeff = expr.as_coeff_Mul()[0] if isinstance(expr, sympy.Expr) else expr
    if coeff.is_Rational and max(abs(coeff.p).bit_length(), coeff.q.bit_length()) > MAX_BITS:
        raise _error(col, "number too large")
    return expr


def _power(base: sympy.Expr, exponent: sympy.Expr, col: int) -> sympy.Expr:
    if not exponent.is_Integer:
        raise _error(col, f"an exponent must be a whole number from -{MAX_EXPONENT} to "
                          f"{MAX_EXPONENT}, not {exponent}")
    n = int(exponent)
    if abs(n) > MAX_EXPONENT:
        raise _error(col, f"exponent {n} is too large (at most {MAX_EXPONENT})")
    if base == 0 and n < 0:
        raise _error(col, "division by zero")
    coeff = base.as_coeff_Mul()[0]
    if coeff.is_Rational and (max(abs(coeff.p).bit_length(), coeff.q.bit_length()) * abs(n)
                              > MAX_BITS):
        raise _error(col, "number too large")
    return sympy.Pow(base, n)


def expansion_size(expr: sympy.Expr) -> int:
    """An upper bound on the number of monomials when ``expr`` is expanded.

    >>> from symconv.symbols import D_in, D_out
    >>> expansion_size((D_in + D_out + 1)**3)
    10
    """
    if expr.is_Add:
        return sum(expansion_size(a) for a in expr.args)
    if expr.is_Mul:
        return math.prod(expansion_size(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer:
        t, n = expansion_size(expr.base), abs(int(expr.exp))
        return math.comb(n + t - 1, t - 1) if t > 1 else 1
    if expr.args:
        return max(1, sum(expansion_size(a) for a in expr.args))
    return 1


def parse(text: str, notation: str | None = None, aliases: dict[str, str] | None = None,
          resolver: Resolver | None = None) -> sympy.Expr:
    """Parse one formula (plain text or LaTeX, with or without ``$...$``) into sympy.

    Raises :class:`InputError` naming the column for anything that is not a formula.
    """
    if not isinstance(text, str):
        raise InputError("a formula must be text")
    if len(text) > MAX_LENGTH:
        raise InputError(f"formula too long ({len(text)} characters, at most {MAX_LENGTH})")
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == "$" and stripped[-1] == "$":
        inner = stripped.strip("$")
        offset = text.index(inner) if inner else 0
        text = " " * offset + inner  # keep the columns of the original text
    if not text.strip():
        raise InputError("empty formula")
    resolver = resolver or Resolver(notation, aliases)
    tokens = _Lexer(text, resolver).run()
    expr = _Parser(tokens).parse()
    for power in expr.atoms(sympy.Pow):  # D_in*D_in*... collects into one power
        if power.exp.is_Integer and abs(int(power.exp)) > MAX_EXPONENT:
            base = f"({power.base})" if power.base.is_Add else str(power.base)
            raise InputError(f"formula too large: it has the power {base}^{power.exp} "
                             f"(at most {MAX_EXPONENT})")
    denominators = {p for p in expr.atoms(sympy.Pow) if p.exp.is_negative and not
                    p.base.is_Symbol}
    if len(denominators) > MAX_DENOMINATORS:
        raise InputError(f"formula too large: more than {MAX_DENOMINATORS} different sums "
                         f"under a fraction bar")
    functions = expr.atoms(sympy.floor, sympy.ceiling) | {
        p for p in expr.atoms(sympy.Pow) if not p.exp.is_Integer}
    if len(functions) > MAX_FLOORS:
        raise InputError(f"formula too large: more than {MAX_FLOORS} floors, ceilings and roots")
    common = math.prod(expansion_size(1 / d) for d in denominators)  # the common denominator
    if expansion_size(expr) * common > MAX_TERMS:
        raise InputError(f"formula too large: it would expand to more than {MAX_TERMS} terms")
    return expr


def parse_aliases(items: list[str] | None) -> dict[str, str]:
    """``["M=D_in", "X=K"]`` -> ``{"M": "D_in", "X": "K"}`` (checked by :class:`Resolver`)."""
    out = {}
    for item in items or []:
        name, sep, target = item.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputError(f"--alias takes NAME=SYMBOL, like M=D_in, not {item!r}")
        out[name.strip()] = target.strip()
    return out
