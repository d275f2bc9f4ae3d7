"""The tiny arithmetic of network specs: numbers, names, ``+ - * / //``, parentheses and
the integer functions ``floor``, ``ceil``, ``round``, ``max``, ``min`` and
``make_divisible(v, divisor[, min_value])`` (torchvision's, see :mod:`.rounding`).

A spec's channel counts may be expressions such as ``"32*alpha"`` or
``"(mid + 16) * 4"``. The text is data: it is tokenised and parsed here by
recursive descent into sympy objects; nothing is evaluated as Python. Names
are the network's (``alpha``, ``H``, ``W``, ``C``), a block's parameters and
``D_in``, the channels coming in. ``a // b`` is ``floor(a/b)``; ``round`` rounds a
half to the even neighbour, as Python and ``torch.round`` do.

>>> from symconv.symbols import alpha
>>> parse_arith("32*alpha", {"alpha": alpha})
32*alpha
>>> parse_arith("(mid + 16) * 4 / 2", {"mid": 8})
48
>>> parse_arith("0.75")
3/4
>>> parse_arith("make_divisible(32*alpha, 8)", {"alpha": alpha})
make_divisible(32*alpha, 8, 8)
>>> parse_arith("max(1, 96 // 4) + floor(7/2) + ceil(7/2) + round(5/2)")
33
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from ..errors import InputError
from ..limits import check_digits
from ..symbols import as_expr
from .rounding import make_divisible, round_half_even

MAX_LENGTH = 200
MAX_DEPTH = 20
_TOKEN = re.compile(r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
                    r"|(?P<op>//|[-+*/(),]))")
#: name -> (sympy function, fewest and most arguments).
FUNCTIONS = {
    "floor": (sympy.floor, 1, 1),
    "ceil": (sympy.ceiling, 1, 1),
    "round": (round_half_even, 1, 1),
    "max": (sympy.Max, 2, 8),
    "min": (sympy.Min, 2, 8),
    "make_divisible": (lambda v, d, m=None: make_divisible(v, d, d if m is None else m), 2, 3),
}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            start = len(text) - len(text[pos:].lstrip())
            raise InputError(f"unexpected {text[start]!r} at column {start + 1} of {text!r}; "
                             "use numbers, names, + - * / //, parentheses and "
                             f"{', '.join(FUNCTIONS)}")
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
        while self.peek()[1] in ("*", "/", "//") and self.peek()[0] == "op":
            op = self.tokens[self.i][1]
            self.i += 1
            rhs = self.factor(depth)
            if op != "*" and rhs == 0:
                raise InputError(f"division by zero in {self.text!r}")
            value = value * rhs if op == "*" else value / rhs if op == "/" else sympy.floor(value / rhs)
        return value

    def call(self, name: str, col: int, depth: int):
        function, fewest, most = FUNCTIONS[name]
        self.i += 1  # the name; then '('
        if self.peek()[1] != "(":
            self.fail(f"'(' after {name}")
        self.i += 1
        args = [self.expression(depth + 1)]
        while self.peek()[1] == ",":
            self.i += 1
            args.append(self.expression(depth + 1))
        if self.peek()[1] != ")":
            self.fail("',' or ')'")
        self.i += 1
        if not fewest <= len(args) <= most:
            count = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise InputError(f"{name}() at column {col} of {self.text!r} takes {count} "
                             f"argument{'s' if most > 1 else ''}, not {len(args)}")
        return function(*args)

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
            check_digits(value, f"the number at column {col} of {self.text[:40]!r}")
            return sympy.Rational(Fraction(value))
        if kind == "name" and value in FUNCTIONS and value not in self.names:
            return self.call(value, col, depth)
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
        raise InputError(f"{name} must be a positive number such as 224 or 0.5, not {text[:40]!r}")
    check_digits(text, name)
    value = sympy.Rational(Fraction(text.strip()))
    if value <= 0:
        raise InputError(f"{name} must be positive, not {text}")
    return value
