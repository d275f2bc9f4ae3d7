"""Jinja2 rendering: the template search path, one environment per output, every filter.

Templates live in ``templates/`` at the repository root; the wheel ships them as
``symconv/templates`` and :func:`builtin_template_dir` finds either. A user's
``--template-dir`` is searched first, so overriding one template keeps the rest.

Templates receive plain strings and numbers only: :func:`plain` turns sympy
objects into LaTeX strings before rendering, and all printing (sympy to LaTeX,
numbers, escaping of user text) is done by the functions registered in
:data:`FILTERS` below, in one block.

"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
import sympy

from ..errors import InputError
from ..printing import (
    escape_latex,
    escape_markdown,
    math_number,
    number,
    numbers_latex,
    shape_latex,
    to_latex,
)
from ..symbols import as_expr

#: output format -> file suffix of its templates and notes.
SUFFIX = {"markdown": "md", "latex": "tex"}


# --- where the templates are ------------------------------------------------------------

def builtin_template_dir() -> Path:
    """The built-in templates: ``symconv/templates`` in a wheel, ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the symconv package
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "layer.md.j2").is_file():
            return candidate
    raise RuntimeError(f"symconv's templates are missing (looked in {here / 'templates'} "
                       f"and {here.parent / 'templates'}); reinstall symconv")


def search_path(template_dirs=()) -> list[str]:
    """The user's template directories, then the built-in ones."""
    dirs = []
    for d in template_dirs or ():
        if not Path(d).is_dir():
            raise InputError(f"template directory {str(d)!r} does not exist")
        dirs.append(str(d))
    return dirs + [str(builtin_template_dir())]


# --- filters: the core printers, and these ---------------------------------------------

def math_text(text) -> str:
    r"""A label inside math: ``\text{...}`` with the label escaped."""
    return r"\text{" + escape_latex(text) + "}"


def decimal(value, places: int = 2) -> str:
    """A rational shown as a decimal: ``8.0`` style, ``places`` digits after the point."""
    return f"{float(value):.{places}f}"


def md_link(name) -> str:
    """An Obsidian wiki link to another note."""
    return f"[[{name}]]"


def tex_link(name) -> str:
    r"""A LaTeX cross-reference to another note's section (``\ref``)."""
    return rf"\texttt{{{escape_latex(name)}}} (Section~\ref{{layer:{name}}})"


def tex_label(name) -> str:
    return rf"\label{{layer:{name}}}"


#: Every filter, per output format. Templates see nothing else.
FILTERS = {
    "markdown": {"text": escape_markdown, "latex": to_latex, "num": number,
                 "mathnum": math_number, "mathtext": math_text, "decimal": decimal,
                 "link": md_link},
    "latex": {"text": escape_latex, "latex": to_latex, "num": number,
              "mathnum": math_number, "mathtext": math_text, "decimal": decimal,
              "link": tex_link, "label": tex_label},
}

#: Jinja delimiters per format: LaTeX's braces and ``%`` never read as Jinja syntax.
DELIMITERS = {
    "markdown": {},
    "latex": {"block_start_string": r"\BLOCK{", "block_end_string": "}",
              "variable_start_string": r"\VAR{", "variable_end_string": "}",
              "comment_start_string": r"\#{", "comment_end_string": "}",
              "line_statement_prefix": "%%", "line_comment_prefix": "%#"},
}


@lru_cache(maxsize=16)
def _environment(fmt: str, dirs: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(list(dirs)),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             **DELIMITERS[fmt])
    env.filters.update(FILTERS[fmt])
    return env


def environment(fmt: str, template_dirs=()) -> jinja2.Environment:
    """The Jinja2 environment of one output format (``markdown`` or ``latex``)."""
    if fmt not in SUFFIX:
        raise InputError(f"notes are written as markdown or latex, not {fmt!r}")
    return _environment(fmt, tuple(search_path(template_dirs)))


def plain(value):
    """``value`` with every sympy object turned into a LaTeX string (lists, dicts, tuples too)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, sympy.Integer):
        return int(value)
    if isinstance(value, sympy.Basic):
        return to_latex(value)
    return value


def render(name: str, fmt: str, context: dict, template_dirs=()) -> str:
    """Render template ``name.<suffix>.j2`` of format ``fmt`` with a plain context.

    A template that fails (a syntax error, an undefined name) is an :class:`InputError`
    naming the template, so a broken user template never leaves a half-written note.
    """
    env = environment(fmt, template_dirs)
    filename = f"{name}.{SUFFIX[fmt]}.j2"
    try:
        text = env.get_template(filename).render(**plain(context))
        return re.sub(r"\n{3,}", "\n\n", text).lstrip("\n")  # optional sections leave no gaps
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"template {error.filename or filename}, line {error.lineno}: "
                         f"{error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise InputError(f"template {error.name} not found in {search_path(template_dirs)}") from None
    except jinja2.UndefinedError as error:
        raise InputError(f"template {filename}: {error.message}") from None


# --- derivations and formulas as LaTeX ------------------------------------------------

def _term_latex(term, labelled: bool, parenthesize: bool) -> str:
    if term.num is not None:
        body = rf"\frac{{{to_latex(term.num)}}}{{{to_latex(term.den)}}}"
    else:
        body = to_latex(term.expr)
    if parenthesize:
        body = rf"\left({body}\right)"
    if labelled and term.label:
        return rf"\underbrace{{{body}}}_{{{math_text(term.label)}}}"
    return body


def step_latex(step, labelled: bool = True) -> str:
    """One derivation step: its terms joined by ``\\cdot`` or ``+``, each labelled."""
    parts = [_term_latex(term, labelled, step.op == "*" and term.num is None
                         and term.expr.is_Add and len(step.terms) > 1)
             for term in step.terms]
    return (r" \cdot " if step.op == "*" else " + ").join(parts)


def derivation_context(derivation, values: dict | None = None) -> dict | None:
    """A derivation as plain data: ``lhs``, ``steps`` (``latex``, ``note``), ``final``."""
    if derivation is None:
        return None
    return {"key": derivation.key, "lhs": math_text(derivation.lhs),
            "steps": [{"latex": step_latex(s), "note": s.note} for s in derivation.steps],
            "final": to_latex(derivation.final)}


def ratio_lhs(quantity: str, numerator: str, denominator: str) -> str:
    r"""``\frac{\text{MACs}(\text{dw-sep})}{\text{MACs}(\text{conv})}``, names escaped."""
    return (rf"\frac{{{math_text(quantity)}({math_text(numerator)})}}"
            rf"{{{math_text(quantity)}({math_text(denominator)})}}")


def numeric_latex(expr, values: dict) -> str:
    """``expr`` as LaTeX with ``values`` put in for its symbols, not evaluated
    (:func:`symconv.printing.numbers_latex`, in the course's order)."""
    return numbers_latex(as_expr(expr), values)


def numeric_step_latex(step, values: dict) -> str:
    """A derivation step with numbers in: ``32 \\cdot (5 \\cdot 5 \\cdot 8 + 1)``."""
    parts = []
    for term in step.terms:
        text = numeric_latex(term.expr, values)
        if step.op == "*" and (term.expr.is_Add or term.expr.is_Mul) and len(step.terms) > 1:
            text = rf"\left({text}\right)"
        parts.append(text)
    return (r" \cdot " if step.op == "*" else " + ").join(parts)


# --- show and ratio through the same templates -----------------------------------------

def report_context(report) -> dict:
    """A :class:`symconv.printing.Report` as plain data (title, rows of label/latex/note)."""
    rows = []
    for row in report.rows:
        value = row.value
        if hasattr(value, "__iter__") and not isinstance(value, (str, sympy.Basic)):
            shown = shape_latex(value)
        else:
            shown = to_latex(value)
        rows.append({"key": row.key, "label": row.label, "latex": shown, "note": row.note})
    title = "; ".join(line.strip() for line in report.title.splitlines() if line.strip())
    return {"title": title, "rows": rows, "lines": list(report.lines)}
