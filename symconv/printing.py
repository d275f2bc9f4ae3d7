"""Printing: expressions, numbers and user text, and one :class:`Report` in four formats.

The core printers every output goes through: :func:`escape_latex` and
:func:`escape_markdown` for user text, :func:`number` and :func:`math_number` for whole
numbers, :func:`to_latex`, :func:`course_str` and :func:`pretty_form` for expressions.

Expressions are printed the way a lecturer writes them (:func:`course_form`): numbers
first, then the symbols in the course's order (``W_F H_F D_in D_out W_out H_out``), sums
after the symbols they multiply (``D_out (W_F H_F D_in + 1)``), positive terms before
negative ones and constants last (``W_in - W_F + 1``), higher degree first
(``1/D_out + 1/(W_F H_F)``); the width and height formulas have the same shape, and a
floor that folds its ``+ 1`` away is folded (max-pool's ``floor(W_in/W_F)``). The value
is never changed, only its written form; ``names`` prints the symbols in another
author's letters (``{D_in: "M"}``).

>>> from symconv.symbols import D_in, D_out, W_F, H_F, W_in, H_in, W_out, H_out
>>> course_str(D_out * (W_F * H_F * D_in + 1))
'D_out*(W_F*H_F*D_in + 1)'
>>> course_str(1 - W_F + W_in), course_str(1 - H_F + H_in)
('W_in - W_F + 1', 'H_in - H_F + 1')
>>> to_latex(D_in * D_out * H_F * H_out * W_F * W_out)
'W_{F} H_{F} D_{in} D_{out} W_{out} H_{out}'
>>> print(to_latex(sympy.floor((W_in - W_F) / W_F) + 1))
\\left\\lfloor{\\frac{W_{in}}{W_{F}}}\\right\\rfloor
>>> print(to_latex(1 / (H_F * W_F) + 1 / D_out))
\\frac{1}{D_{out}} + \\frac{1}{W_{F} H_{F}}
>>> print(to_latex(D_in * (W_F * H_F + 1), {D_in: "M"}))
M \\left(W_{F} H_{F} + 1\\right)
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from dataclasses import dataclass, field

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.str import StrPrinter
from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
from sympy.printing.pretty.stringpict import prettyForm

from .errors import CONTROL, escape_terminal  # noqa: F401  (the terminal's escaper, here with the others)

_LATEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "#": r"\#",
               "_": r"\_", "&": r"\&", "$": r"\$", "^": r"\^{}", "~": r"\~{}",
               "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
               "\n": " ", "\r": " ", "\t": " ", "×": r"\texttimes{}",
               "→": r"\textrightarrow{}", "∞": r"\ensuremath{\infty}"}
_MARKDOWN_TEXT = {c: "\\" + c for c in "\\`*_{}[]#|$~^"}
_MARKDOWN_TEXT.update({"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})


def escape_latex(text) -> str:
    """User text made safe for LaTeX text mode; characters pdflatex cannot set (control
    characters, most of Unicode) become ``?``."""
    return "".join(_LATEX_TEXT.get(c, "?" if ord(c) >= 256 or CONTROL.match(c) else c)
                   for c in str(text))


def escape_markdown(text) -> str:
    """User text made safe for Markdown: no emphasis, links, HTML, math or table cells, no
    control characters (shown as ``?``)."""
    return "".join(_MARKDOWN_TEXT.get(c, "?" if CONTROL.match(c) else c) for c in str(text))


# --- expressions in the course's written form ---------------------------------------

#: factor order inside a product: ``2 W_F H_F D_in D_out W_out H_out / g``.
FACTOR_ORDER = ("W_F", "H_F", "K", "D_in", "D_out", "W_out", "H_out", "W_in", "H_in",
                "S_W", "S_H", "S", "P_W", "P_H", "P", "d_W", "d_H", "d", "a_W", "a_H", "a",
                "g", "m", "rho", "C", "H", "W", "alpha")
#: term order inside a sum, after sign and degree: ``W_in + 2 P_W - d_W (W_F - 1) - 1``.
TERM_ORDER = ("W_in", "H_in", "H", "W", "W_out", "H_out", "S_W", "S_H", "S", "P_W", "P_H",
              "P", "d_W", "d_H", "d", "W_F", "H_F", "K", "a_W", "a_H", "a", "D_in", "D_out", "C",
              "g", "m", "rho", "alpha")


def _rank(symbol, order) -> tuple:
    name = getattr(symbol, "name", "")
    return (order.index(name), "") if name in order else (len(order), name)


def _degree(e) -> int:
    if e.is_Symbol:
        return 1
    if e.is_Pow and e.exp.is_Number:
        return int(e.exp * _degree(e.base)) if e.exp.is_Integer else 0
    if e.is_Mul:
        return sum(_degree(a) for a in e.args)
    if e.is_Add:
        return max(_degree(a) for a in e.args)
    return 0 if e.is_number else 1


def _natural(text: str) -> list:
    """``ceiling(H/2)`` before ``ceiling(H/16)``: digits compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text)]


def _term_key(term) -> tuple:
    """Constants last, negative terms after positive ones; then the term led by the
    earliest symbol of the course order (``W_in`` before ``d_W (W_F - 1)``), higher degree
    first (weights before biases, ``1/D_out`` before ``1/(W_F H_F)``)."""
    coeff, rest = term.as_coeff_Mul()
    numerator = sympy.fraction(rest)[0]
    ranks = sorted(_rank(s, TERM_ORDER) for s in numerator.free_symbols)
    first = ranks[0] if ranks else (len(TERM_ORDER) + 1, "")
    return (rest.is_number, bool(coeff.is_negative), first, -_degree(rest), ranks,
            _natural(str(rest)))


def _factor_key(factor) -> tuple:
    base = factor.base if factor.is_Pow else factor
    if base.is_Symbol:
        return (1, _rank(base, FACTOR_ORDER), "")
    ranks = sorted(_rank(s, FACTOR_ORDER) for s in factor.free_symbols)
    return (2, ranks[0] if ranks else (0, ""), str(factor))


def _ordered(e):
    """``e`` rebuilt unevaluated, its sums and products in the course's order."""
    if e.is_Atom:
        return e
    if e.is_Add:
        return sympy.Add(*[_ordered(t) for t in sorted(e.args, key=_term_key)], evaluate=False)
    if e.is_Mul:
        coeff, rest = e.as_coeff_Mul()
        args = [_ordered(f) for f in sorted(sympy.Mul.make_args(rest), key=_factor_key)]
        if coeff != 1:
            args.insert(0, coeff)
        return sympy.Mul(*args, evaluate=False) if len(args) > 1 else args[0]
    if e.is_Pow:
        return sympy.Pow(_ordered(e.base), e.exp, evaluate=False)
    if isinstance(e, sympy.Function):
        return e.func(*[_ordered(a) for a in e.args], evaluate=False)
    return e


def _tidy(e):
    """Fold a floor's integer part where that makes the formula shorter:
    ``floor((W_in - W_F)/W_F) + 1`` is ``floor(W_in/W_F)``."""
    rounding = (sympy.floor, sympy.ceiling)
    if not e.has(*rounding):
        return e
    folded = e.replace(lambda x: isinstance(x, rounding), lambda x: x.func(sympy.expand(x.args[0])))
    return folded if sympy.count_ops(folded) < sympy.count_ops(e) else e


def course_form(expr):
    """``expr`` as an unevaluated tree in the course's written order (same value)."""
    expr = sympy.Integer(expr) if isinstance(expr, int) else expr
    return _ordered(_tidy(expr))


class _CourseLatex(LatexPrinter):
    def __init__(self, names=None, **settings):
        super().__init__({"order": "none", **settings})
        self._names = names or {}

    def _print_Symbol(self, e, style="plain"):
        return self._names[e] if e in self._names else super()._print_Symbol(e, style)


class _CourseStr(StrPrinter):
    def __init__(self, names=None):
        super().__init__({"order": "none"})
        self._names = names or {}

    def _print_Symbol(self, e):
        return self._names.get(e, e.name)


def to_latex(value, names: dict | None = None) -> str:
    """A sympy expression (or a number) as LaTeX in the course's order; a string is taken to
    be LaTeX already. ``names``: symbol -> LaTeX to print instead (another author's letters)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return math_number(value)
    if isinstance(value, sympy.Integer):
        return math_number(int(value))
    return _CourseLatex(names).doprint(course_form(value))


def shape_latex(shape, names: dict | None = None) -> str:
    r"""``W x H x C`` as LaTeX, a sum in parentheses: ``\left(W_{in} - W_{F} + 1\right) \times ...``."""
    return r" \times ".join(rf"\left({to_latex(v, names)}\right)" if course_form(v).is_Add
                             else to_latex(v, names) for v in shape)


def numbers_latex(expr, values: dict) -> str:
    r"""``expr`` with numbers put in for its symbols, not evaluated, products as ``\cdot``:
    the computation line of a worked example.

    >>> from symconv.symbols import D_in, D_out, W_F, W_in
    >>> print(numbers_latex(D_out * (W_F * W_F * D_in + 1), {D_out: 32, W_F: 5, D_in: 8}))
    32 \cdot \left(5^{2} \cdot 8 + 1\right)
    >>> print(numbers_latex(W_in - W_F + 1, {W_in: 128, W_F: 5}))
    128 - 5 + 1
    """
    names = {s: str(int(v)) for s, v in values.items()}
    return _CourseLatex(names, mul_symbol="dot").doprint(course_form(expr))


def course_str(value, names: dict | None = None) -> str:
    """One line of plain text in the course's order, that symconv's parser reads back:
    ``D_out*(W_F*H_F*D_in + 1)``. For messages (lint, check)."""
    if isinstance(value, (int, sympy.Integer)):
        return str(int(value))
    return _CourseStr(names).doprint(course_form(value))


def number(value) -> str:
    """A whole number with thousands separators, for prose: ``98,406,400``."""
    return f"{int(value):,}"


def math_number(value) -> str:
    """A whole number with thousands separators, for math mode: ``98{,}406{,}400``."""
    return f"{int(value):,}".replace(",", "{,}")


@dataclass(frozen=True)
class Row:
    """One labelled value: ``key`` names it in JSON (empty: not in JSON), ``label`` in text,
    ``latex_label`` (math mode) in LaTeX, where the text label would not typeset."""

    key: str
    label: str
    value: object
    note: str = ""
    latex_label: str = ""


@dataclass
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # prose after the rows (text formats)
    data: dict = field(default_factory=dict)  # extra JSON fields

    def add(self, key: str, label: str, value, note: str = "", latex_label: str = "") -> None:
        self.rows.append(Row(key, label, value, note, latex_label))


def as_json_value(value):
    """An integer stays an integer; an expression becomes ``{"expr", "latex"}``."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [as_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_json_value(v) for k, v in value.items()}
    if isinstance(value, sympy.Basic):
        if value.is_Integer:
            return int(value)
        return {"expr": str(value), "latex": to_latex(value)}
    if hasattr(value, "__iter__"):  # a Shape
        return as_json_value(dict(zip(("width", "height", "channels"), value)))
    raise TypeError(f"cannot put {value!r} in JSON")


class _NoUnits:
    """Stands in for ``sympy.physics.units`` while pretty-printing.

    sympy's pretty printer imports the units package (150 ms, a third of a CLI
    call) on every product only to sort unit ``Quantity`` factors last. symconv's
    expressions never hold units, so a module whose ``Quantity`` nothing is an
    instance of prints the same; the stand-in is removed right after.
    """

    class Quantity:
        pass


@contextlib.contextmanager
def without_units_import():
    """Pretty-print inside this block without importing ``sympy.physics.units``."""
    name = "sympy.physics.units"
    if name in sys.modules:
        yield
        return
    sys.modules[name] = _NoUnits  # type: ignore[assignment]
    try:
        yield
    finally:
        del sys.modules[name]


class _NamePrinter(PrettyPrinter):
    """sympy's unicode pretty printer, but a symbol with a subscript keeps its name
    (``D_in``, not ``Dᵢₙ``; sympy has no subscript F), so text output can be typed back."""

    def _print_Symbol(self, e, bold_name=False):
        if "_" in e.name:
            return prettyForm(e.name)
        return super()._print_Symbol(e, bold_name)


def pretty_form(value) -> prettyForm:
    """The unicode picture of an expression (its lines and baseline)."""
    flag = pretty_use_unicode(True)  # Greek names (alpha -> α) follow this global flag
    try:
        with without_units_import():
            return _NamePrinter({"use_unicode": True, "wrap_line": False, "order": "none"})._print(
                course_form(value) if isinstance(value, sympy.Basic) else value)
    finally:
        pretty_use_unicode(flag)


def _pretty(value) -> str:
    if isinstance(value, sympy.Basic):
        return str(pretty_form(value))
    if hasattr(value, "__iter__") and not isinstance(value, str):  # a Shape: one line
        parts = [_pretty(v) if "\n" not in _pretty(v) else course_str(v) for v in value]
        return " × ".join(f"({p})" if course_form(v).is_Add else p for p, v in zip(parts, value))
    return str(value)


def _latex(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, sympy.Basic) and value.is_Integer):
        return math_number(value)  # 98{,}406{,}400
    if isinstance(value, sympy.Basic):
        return to_latex(value) if not value.is_Integer else str(value)
    if hasattr(value, "__iter__") and not isinstance(value, str):  # a Shape
        return shape_latex(value)
    return str(value)


def _text(report: Report) -> str:
    out = [report.title, ""] if report.rows else [report.title]
    for row in report.rows:
        block = _pretty(row.value).split("\n")
        note = f"  ({row.note})" if row.note else ""
        if len(block) == 1:
            out.append(f"{row.label} = {block[0]}{note}")
        else:
            pad = " " * (len(row.label) + 3)
            middle = max(range(len(block)), key=lambda i: "─" in block[i])
            for i, line in enumerate(block):
                head = f"{row.label} = " if i == middle else pad
                out.append(f"{head}{line}{note if i == middle else ''}".rstrip())
    if report.lines:
        out += [""] + report.lines
    return "\n".join(out)


def _latex_doc(report: Report) -> str:
    out = [f"% {line}" for line in report.title.split("\n")] + [r"\begin{align*}"]
    for i, row in enumerate(report.rows):
        end = r" \\" if i < len(report.rows) - 1 else ""
        note = rf" && \text{{{escape_latex(row.note)}}}" if row.note else ""
        label = row.latex_label or rf"\text{{{escape_latex(row.label)}}}"
        out.append(rf"  {label} &= {_latex(row.value)}{note}{end}")
    out.append(r"\end{align*}")
    out += [f"% {line}" for line in report.lines]
    return "\n".join(out)


def _markdown(report: Report) -> str:
    first, *rest = report.title.split("\n")
    out = [f"**{first}**", ""] + ([" ".join(r.strip() for r in rest), ""] if rest else [])
    for row in report.rows:
        note = f" ({row.note})" if row.note else ""
        out.append(f"- {row.label}: ${_latex(row.value)}${note}")
    if report.lines:
        out += [""] + report.lines
    return "\n".join(out)


def render(report: Report, fmt: str) -> str:
    """The report in one of ``text``, ``latex``, ``markdown``, ``json``."""
    if fmt == "json":
        data = {"title": report.title, **as_json_value(report.data)}
        data.update({row.key: as_json_value(row.value) for row in report.rows if row.key})
        return json.dumps(data, indent=2)
    return {"text": _text, "latex": _latex_doc, "markdown": _markdown}[fmt](report)
