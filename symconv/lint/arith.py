"""Plain arithmetic as people write it, evaluated exactly (no eval, no sympy).

Operands are numbers; operators ``+ - * / ^`` in every spelling (``x``, ``×``, ``∗``, ``·``,
``\\times``, ``\\cdot``, ``÷``, ``**``, ``−``), brackets ``() [] {}``, ``\\frac{a}{b}``,
``\\left( \\right)``. Two operands side by side multiply (``(5 5 + 1) 6 28 28``), and the
expression says so (``implicit``). ``a/b*c`` has two readings: the textbook's ``(a/b)*c`` and
the writer's ``a/(b*c)`` (``2*3*3/5*5 = 0.72``); both values are returned.

>>> [float(v) for v in evaluate("2∗3∗3/5∗5").values]
[18.0, 0.72]
>>> e = evaluate(r"(5 5 + 1) 6 28 28"); e.values, e.implicit
((Fraction(122304, 1),), True)
>>> evaluate("32(5*5*8+1)").implicit
False
>>> evaluate(r"\\frac{6400 \\times 4096}{2}").values
(Fraction(13107200, 1),)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_TOKENS = 400
MAX_EXPONENT = 64

_TOKEN = re.compile(r"""
    (?P<num>\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?|\.\d+)
  | (?P<op>\*\*|\\times|\\cdot|\\div|[-+*/^×∗·÷−–x])
  | (?P<frac>\\[dt]?frac)
  | (?P<open>\\left\s*[([{]|\\left\\\{|[([{])
  | (?P<close>\\right\s*[)\]}]|\\right\\\}|[)\]}])
  | (?P<space>\s+|\\[,;!:]|\\quad|~)
""", re.X)
_OPS = {"**": "^", "\\times": "*", "\\cdot": "*", "\\div": "/", "×": "*", "∗": "*", "·": "*", "÷": "/",
        "−": "-", "–": "-", "x": "*", "*": "*", "/": "/", "+": "+", "-": "-", "^": "^"}


class NotArithmetic(ValueError):
    """The text is not a plain arithmetic expression."""


@dataclass(frozen=True)
class Value:
    values: tuple[Fraction, ...]   # the readings' values, the textbook reading first
    implicit: bool                 # operands multiplied by juxtaposition
    operators: int                 # explicit operators (a bare number has none)


def _tokens(text: str) -> list[tuple[str, str]]:
    """Tokens as (kind, text); a token written after white space has kind + "_" in
    ``_spaced`` (kept apart so that tokens compare simply)."""
    out, pos = [], 0
    _tokens.spaced = set()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise NotArithmetic(f"unexpected {text[pos]!r}")
        kind = m.lastgroup
        if kind == "op" and m.group() == "x":
            # x multiplies only between operands: 5x5, 3 x 3 (not a variable x)
            prev = out[-1] if out else None
            nxt = _TOKEN.match(text, m.end())
            if not (prev and prev[0] in ("num", "close") and nxt and nxt.lastgroup in ("num", "open", "space")):
                raise NotArithmetic("x is a variable here")
        if kind == "space":
            _tokens.spaced.add(len(out))
        if kind != "space":
            value = m.group()
            if kind == "op":
                value = _OPS[value]
            elif kind in ("open", "close"):
                value = value[-1]
            out.append((kind, value))
        pos = m.end()
        if len(out) > MAX_TOKENS:
            raise NotArithmetic("too long")
    return out


class _Parser:
    def __init__(self, tokens, grouped_division: bool, spaced=frozenset()):
        self.t, self.i, self.grouped, self.spaced = tokens, 0, grouped_division, spaced
        self.implicit = False
        self.ops = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            self.ops += 1
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Fraction:
        value = self.unary()
        while True:
            kind, tok = self.peek()
            if kind == "op" and tok in ("*", "/"):
                self.take()
                self.ops += 1
                rhs = self.unary()
                if tok == "/" and self.grouped:   # a/b*c*d read as a/(b*c*d)
                    while self.peek() == ("op", "*"):
                        self.take()
                        self.ops += 1
                        rhs *= self.unary()
                if tok == "*":
                    value *= rhs
                else:
                    if rhs == 0:
                        raise NotArithmetic("division by zero")
                    value /= rhs
            elif kind in ("num", "open", "frac"):
                # juxtaposition: 32(5*5*8+1) is ordinary notation; 6 (5 5 + 1) is a guess
                if kind == "num" or self.i in self.spaced:
                    self.implicit = True
                self.ops += 1
                value *= self.unary()
            else:
                return value

    def unary(self) -> Fraction:
        if self.peek() == ("op", "-"):
            self.take()
            return -self.unary()
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Fraction:
        base = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            self.ops += 1
            exp = self.unary()
            if exp.denominator != 1 or abs(exp) > MAX_EXPONENT or abs(base) > 10**6:
                raise NotArithmetic("exponent too large")
            if base == 0 and exp < 0:
                raise NotArithmetic("division by zero")
            return base ** int(exp)
        return base

    def atom(self) -> Fraction:
        kind, tok = self.take()
        if kind == "num":
            return Fraction(tok.replace(",", ""))
        if kind == "open":
            value = self.expr()
            if self.take()[0] != "close":
                raise NotArithmetic("unbalanced brackets")
            return value
        if kind == "frac":
            num = self.atom()
            den = self.atom()
            if den == 0:
                raise NotArithmetic("division by zero")
            self.ops += 1
            return num / den
        raise NotArithmetic("expected a number")


def evaluate(text: str) -> Value:
    """The value(s) of a plain arithmetic expression; :class:`NotArithmetic` otherwise."""
    tokens = _tokens(text)
    spaced = frozenset(_tokens.spaced)
    if not tokens:
        raise NotArithmetic("empty")
    values = []
    implicit, ops = False, 0
    readings = (False, True) if any(t == ("op", "/") for t in tokens) else (False,)
    for grouped in readings:
        p = _Parser(tokens, grouped, spaced)
        value = p.expr()
        if p.i != len(tokens):
            raise NotArithmetic("trailing text")
        implicit, ops = implicit or p.implicit, max(ops, p.ops)
        if value not in values:
            values.append(value)
    return Value(tuple(values), implicit, ops)
