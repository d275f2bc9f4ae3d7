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

Limits on length, nesting, exponents (also after equal factors collect), the
expanded size, common denominators, floors and number size (:data:`MAX_LENGTH`
and its neighbours) keep parsing and checking any input under a second
(``benchmarks/parse_limits.py``). Names: :mod:`symconv.formula.notation`; tokens:
:mod:`symconv.formula.lexer`.
"""

from __future__ import annotations

import math

import sympy

from ..errors import InputError
from ..memo import remember
from .characters import OPEN_BRACKETS
from .lexer import Token, syntax_error, tokenize
from .notation import NOTATIONS, Resolver, parse_aliases

__all__ = ["parse", "expansion_size", "Resolver", "NOTATIONS", "parse_aliases"]

MAX_LENGTH = 4000       # characters in one formula
MAX_DEPTH = 60          # nested groups, signs and powers
MAX_EXPONENT = 12       # |n| in x^n
MAX_TERMS = 2000        # monomials after expanding products of sums
MAX_DENOMINATORS = 6    # different sums under a fraction bar (their product is the common one)
MAX_FLOORS = 12         # floors and ceilings
MAX_BITS = 4000         # size of any number that appears (about 1200 digits)

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
            raise syntax_error(col, f"nested more than {MAX_DEPTH} deep")

    def count_function(self, col: int) -> None:
        self.functions += 1
        if self.functions > MAX_FLOORS:
            raise syntax_error(col, f"more than {MAX_FLOORS} floors, ceilings and roots")

    def parse(self) -> sympy.Expr:
        expr = self.sum()
        tok = self.tok
        if tok.kind == "close":
            raise syntax_error(tok.col, f"unmatched {tok.text!r}")
        if tok.kind != "end":
            raise syntax_error(tok.col, f"unexpected {tok.text!r}")
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
            if tok.kind == "op" and tok.text in ("*", "/", "//"):
                self.take()
                right = self.unary()
                if tok.text in ("/", "//"):
                    _nonzero(right, tok.col)
                    left = left / right
                    if tok.text == "//":  # Python's floor division
                        self.count_function(tok.col)
                        left = sympy.floor(left)
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
            return tok.value
        if tok.kind == "open":
            return self.group(tok)
        if tok.kind == "frac":
            num, den = self.argument(tok), self.argument(tok)
            _nonzero(den, tok.col)
            return _guard(num / den, tok.col)
        if tok.kind in ("sqrt", "func"):
            self.count_function(tok.col)
        if tok.kind == "sqrt":
            return sympy.sqrt(self.argument(tok))
        if tok.kind == "func":
            return self.call(tok)
        if tok.kind == "end":
            if self.opened:
                raise syntax_error(self.opened[-1].col, f"unmatched {self.opened[-1].text!r}")
            raise syntax_error(tok.col, "the formula ends where a number or a symbol should be")
        if tok.kind == "close":
            raise syntax_error(tok.col, f"unmatched {tok.text!r}")
        raise syntax_error(tok.col, f"expected a number or a symbol, not {tok.text!r}")

    def call(self, func: Token) -> sympy.Expr:
        """``floor(x)``, ``int(x)`` (a size is never negative: the floor), ``max(a, b)``."""
        open_tok = self.take()
        if open_tok.kind != "open" or open_tok.text != "(":
            raise syntax_error(func.col, f"{func.text} needs its argument in parentheses")
        self.enter(open_tok.col)
        self.opened.append(open_tok)
        args = [self.sum()]
        while self.tok.kind == "comma":
            self.take()
            args.append(self.sum())
        close = self.tok
        if close.kind != "close" or close.text != ")":
            if close.kind == "end":
                raise syntax_error(open_tok.col, "unmatched '('")
            raise syntax_error(close.col, f"unexpected {close.text!r}")
        self.take()
        self.depth -= 1
        self.opened.pop()
        several = func.text in ("max", "min")
        if len(args) > 1 and not several:
            raise syntax_error(func.col, f"{func.text} takes one argument")
        if several and len(args) < 2:
            raise syntax_error(func.col, f"{func.text} takes two or more arguments")
        return func.value(*args)

    def argument(self, command: Token) -> sympy.Expr:
        """One argument of ``\\frac`` or ``\\sqrt``: a ``{...}`` group (or a single operand)."""
        tok = self.tok
        if tok.kind == "end":
            raise syntax_error(command.col, f"{command.text} is missing an argument")
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
                raise syntax_error(open_tok.col, f"unmatched {open_tok.text!r}")
            raise syntax_error(close.col, f"unexpected {close.text!r}")
        if close.text != OPEN_BRACKETS[open_tok.text]:
            raise syntax_error(close.col, f"{close.text!r} does not close {open_tok.text!r} "
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
        if open_tok.text == "|":
            self.count_function(open_tok.col)
            return sympy.Abs(inner)
        return inner


def _guard(expr: sympy.Expr, col: int) -> sympy.Expr:
    """Reject numbers too large to print (a product of many big literals)."""
    coeff = expr.as_coeff_Mul()[0] if isinstance(expr, sympy.Expr) else expr
    if coeff.is_Rational and max(abs(coeff.p).bit_length(), coeff.q.bit_length()) > MAX_BITS:
        raise syntax_error(col, "number too large")
    return expr


def _nonzero(den: sympy.Expr, col: int) -> None:
    """A divisor must not be zero, not even one that is zero for every size only once
    expanded (``(D_in + 1)^2 - D_in^2 - 2 D_in - 1``): ``X/X`` is no proof, ``1/X`` no number."""
    if den == 0 or (den.free_symbols and expansion_size(den) <= MAX_TERMS
                    and sympy.expand(den) == 0):
        shown = "" if den == 0 else f": {den} is 0 for every size"
        raise syntax_error(col, f"division by zero{shown}")


def _power(base: sympy.Expr, exponent: sympy.Expr, col: int) -> sympy.Expr:
    if not exponent.is_Integer:
        raise syntax_error(col, f"an exponent must be a whole number from -{MAX_EXPONENT} to "
                          f"{MAX_EXPONENT}, not {exponent}")
    n = int(exponent)
    if abs(n) > MAX_EXPONENT:
        raise syntax_error(col, f"exponent {n} is too large (at most {MAX_EXPONENT})")
    if n < 0:
        _nonzero(base, col)
    coeff = base.as_coeff_Mul()[0]
    if coeff.is_Rational and (max(abs(coeff.p).bit_length(), coeff.q.bit_length()) * abs(n)
                              > MAX_BITS):
        raise syntax_error(col, "number too large")
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


def _parse_key(text, notation=None, aliases=None, resolver=None):
    """What a parse depends on: the text and the resolver's spellings (or what builds it)."""
    if resolver is None:
        return (text, notation, tuple(sorted((aliases or {}).items())))
    return (text, resolver.notation, tuple(sorted(resolver.extra.items())))


@remember(_parse_key)  # a note repeats its formulas: each text is parsed once
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
    tokens = tokenize(text, resolver)
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
    functions = expr.atoms(sympy.floor, sympy.ceiling, sympy.Max, sympy.Min, sympy.Abs) | {
        p for p in expr.atoms(sympy.Pow) if not p.exp.is_Integer}
    if len(functions) > MAX_FLOORS:
        raise InputError(f"formula too large: more than {MAX_FLOORS} floors, ceilings and roots")
    common = math.prod(expansion_size(1 / d) for d in denominators)  # the common denominator
    if expansion_size(expr) * common > MAX_TERMS:
        raise InputError(f"formula too large: it would expand to more than {MAX_TERMS} terms")
    return expr
