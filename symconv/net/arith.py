"""The tiny arithmetic of network specs: numbers, names, ``+ - * /`` and parentheses.

A spec's channel counts may be expressions such as ``"32*alpha"`` or
``"(mid + 16) * 4"``. The text is data: it is tokenised and parsed here by
recursive descent into sympy objects; nothing is evaluated as Python. Names
are the network's (``alpha``, ``H``, ``W``, ``C``) and a block's parameters.

>>> from symconv.symbols import alpha
>>> parse_arith("32*alpha", {"alpha": alpha})
32*alpha
>>> parse_arith("(mid + 16) * 4 / 2", {"mid": 8})
48
>>> parse_arith("0.75")
3/4
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from ..errors import InputError
from ..symbols import as_expr

MAX_LENGTH = 200
MAX_DEPTH = 20
_TOKEN = re.compile(r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
                    r"|(?P<op>[-+*/()]))")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            start = len(text) - len(text[pos:].lstrip())
            raise InputError(f"unexpected {text[start]!r} at column {start + 1} of {text!r}; "
                             "use numbers, names, + - * / and parentheses")
        kind = match.lastgroup
        out.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, names: dict):
        self.text, self.names = text, names
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", len(self.text) + 1)

    def fail(self, what: str):
        kind, value, col = self.peek()
        seen = "the end" if kind == "end" else repr(value)
        raise InputError(f"expected {what} at column {col} of {self.text!r}, found {seen}")

    def expression(self, depth: int):
        if depth > MAX_DEPTH:
            raise InputError(f"{self.text!r} nests deeper than {MAX_DEPTH} levels")
        value = self.term(depth)
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            rhs = self.term(depth)
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self, depth: int):
        value = self.factor(depth)
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            rhs = self.factor(depth)
            if op == "/" and rhs == 0:
                raise InputError(f"division by zero in {self.text!r}")
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self, depth: int):
        kind, value, col = self.peek()
        if kind == "op" and value in "+-":
            self.i += 1
            inner = self.factor(depth + 1)
            return -inner if value == "-" else inner
        if kind == "op" and value == "(":
            self.i += 1
            inner = self.expression(depth + 1)
            if self.peek()[1] != ")":
                self.fail("')'")
            self.i += 1
            return inner
        if kind == "num":
            self.i += 1
            return sympy.Rational(Fraction(value))
        if kind == "name":
            self.i += 1
            if value not in self.names:
                known = ", ".join(self.names) or "none"
                raise InputError(f"unknown name {value!r} at column {col} of {self.text!r}; "
                                 f"known names: {known}")
            found = self.names[value]
            return as_expr(found)
        self.fail("a number, a name or '('")


def parse_arith(text: str, names: dict | None = None) -> sympy.Expr:
    """``text`` as a sympy expression over ``names`` (name -> value or symbol)."""
    if not isinstance(text, str):
        raise InputError(f"expected an expression, not {text!r}")
    if len(text) > MAX_LENGTH:
        raise InputError(f"expression longer than {MAX_LENGTH} characters: {text[:30]!r}...")
    parser = _Parser(text, dict(names or {}))
    if not parser.tokens:
        raise InputError("empty expression")
    value = parser.expression(0)
    if parser.i != len(parser.tokens):
        parser.fail("an operator or the end")
    return value


def parse_number_value(text: str, name: str) -> sympy.Expr:
    """A command-line value such as ``224`` or ``0.5`` (exact: ``0.5`` is ``1/2``)."""
    if not re.fullmatch(r"\s*[0-9]+(\.[0-9]+)?\s*|\s*[0-9]+/[0-9]+\s*", text):
        raise InputError(f"{name} must be a positive number such as 224 or 0.5, not {text!r}")
    value = sympy.Rational(Fraction(text.strip()))
    if value <= 0:
        raise InputError(f"{name} must be positive, not {text}")
    return value
