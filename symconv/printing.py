"""Printing: expressions, numbers and user text, and one :class:`Report` in four formats.

The core printers every output goes through: :func:`escape_latex` and
:func:`escape_markdown` for user text, :func:`number` and :func:`math_number` for whole
numbers, :func:`to_latex` and :func:`pretty_form` for expressions.

Data and formatting stay apart: a command builds a :class:`Report` (a title and
labelled values), and :func:`render` prints it as ``text`` (sympy's unicode
pretty printing), ``latex``, ``markdown`` or ``json``. JSON carries every
expression as ``{"expr": str(e), "latex": latex(e)}`` and every number as an integer.

>>> escape_latex("a_b & 50% {x}")
'a\\\\_b \\\\& 50\\\\% \\\\{x\\\\}'
>>> escape_markdown("*bold* [link](x) <b>")
'\\\\*bold\\\\* \\\\[link\\\\](x) &lt;b&gt;'
>>> number(98406400), math_number(98406400)
('98,406,400', '98{,}406{,}400')
"""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass, field

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
from sympy.printing.pretty.stringpict import prettyForm

_LATEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "#": r"\#",
               "_": r"\_", "&": r"\&", "$": r"\$", "^": r"\^{}", "~": r"\~{}",
               "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
               "\n": " ", "\r": " ", "\t": " ", "×": r"\texttimes{}",
               "→": r"\textrightarrow{}", "∞": r"\ensuremath{\infty}"}
_MARKDOWN_TEXT = {c: "\\" + c for c in "\\`*_{}[]#|$~^"}
_MARKDOWN_TEXT.update({"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})


def escape_latex(text) -> str:
    """User text made safe for LaTeX text mode; characters pdflatex cannot set become ``?``."""
    return "".join(_LATEX_TEXT.get(c, c if ord(c) < 256 else "?") for c in str(text))


def escape_markdown(text) -> str:
    """User text made safe for Markdown: no emphasis, links, HTML, math or table cells."""
    return "".join(_MARKDOWN_TEXT.get(c, c) for c in str(text))


def to_latex(value) -> str:
    """A sympy expression (or a number) as LaTeX; a string is taken to be LaTeX already."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return math_number(value)
    if isinstance(value, sympy.Integer):
        return math_number(int(value))
    return sympy.latex(value)


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
    if isinstance(value, int):
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
        return {"expr": str(value), "latex": sympy.latex(value)}
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
            return _NamePrinter({"use_unicode": True, "wrap_line": False})._print(value)
    finally:
        pretty_use_unicode(flag)


def _pretty(value) -> str:
    if isinstance(value, sympy.Basic):
        return str(pretty_form(value))
    if hasattr(value, "__iter__") and not isinstance(value, str):  # a Shape: one line
        parts = [_pretty(v) if "\n" not in _pretty(v) else str(v) for v in value]
        return " × ".join(f"({p})" if v.is_Add else p for p, v in zip(parts, value))
    return str(value)


def _latex(value) -> str:
    if isinstance(value, sympy.Basic):
        return sympy.latex(value)
    if hasattr(value, "__iter__") and not isinstance(value, str):  # a Shape
        return r" \times ".join(rf"\left({_latex(v)}\right)" if getattr(v, "is_Add", False)
                                 else _latex(v) for v in value)
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
