"""Jinja2 rendering: the template search path, one environment per output, every filter.

Templates live in ``templates/`` at the repository root; the wheel ships them as
``symconv/templates`` and :func:`builtin_template_dir` finds either. A user's
``--template-dir`` is searched first, so overriding one template keeps the rest.

Templates receive structured values: sympy expressions, numbers, derivation steps,
settings. They print them through the filters registered in :data:`FILTERS` (one
block below): ``latex`` writes an expression the lecturer's way (in the notation the
author chose), ``numbers`` puts a worked example's numbers into it, ``step`` writes a
derivation step, ``num`` groups digits, ``text`` escapes user text, ``link`` links
another note. A custom template changes presentation without any Python.

The author's style (notation letters, link style) is set for one render by
:func:`render` and read by the filters, so every template prints the same way.
"""

from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
import sympy

from ..errors import InputError
from ..layers.options import OPTION_NAMES, SWITCHES
from ..layers.summary import quantity_report
from ..printing import (
    escape_latex,
    escape_markdown,
    math_number,
    number,
    numbers_latex,
    shape_latex,
    to_latex,
)
from ..symbols import SYMBOLS, as_expr
from .sandbox import render_bounded, sandboxed_environment

#: output format -> file suffix of its templates and notes.
SUFFIX = {"markdown": "md", "latex": "tex"}


@dataclass(frozen=True)
class Style:
    """How one set of notes prints: the notation's letters and the link style."""

    names: dict = field(default_factory=dict)  # symbol -> LaTeX (another author's letters)
    identify: dict = field(default_factory=dict)  # symbol -> symbol it is taken equal to
    links: str = "markdown"  # "markdown" ([conv](conv.md)) or "wiki" ([[conv]])

    def expr(self, value):
        """``value`` with the notation's identifications (``W_F = H_F = K``) made."""
        return value.xreplace(self.identify) if self.identify else value


_STYLE: contextvars.ContextVar[Style] = contextvars.ContextVar("symconv_notes_style",
                                                               default=Style())


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


# --- filters ---------------------------------------------------------------------------

def math(value) -> str:
    """An expression, number or shape as LaTeX, the lecturer's way, in the author's letters.
    A string is taken to be LaTeX already."""
    style = _STYLE.get()
    if isinstance(value, (str, int)) or value is None:
        return to_latex(value if value is not None else "")
    if isinstance(value, sympy.Basic):
        return to_latex(style.expr(value), style.names)
    if hasattr(value, "__iter__"):  # a Shape
        return shape_latex([style.expr(as_expr(v)) for v in value], style.names)
    return to_latex(value)


def numbers(value, values: dict) -> str:
    """An expression (or a derivation step) with the worked example's numbers put in."""
    if hasattr(value, "terms"):
        return numeric_step_latex(value, values)
    return numbers_latex(as_expr(value), values)


def symbol(value) -> str:
    """One symbol as LaTeX in the author's letters (``D_{in}``, or ``M`` for MobileNet)."""
    return math(value)


def symbol_name(name: str) -> str:
    """A symbol given by its symconv name (``"W_out"``), as LaTeX in the author's letters."""
    return math(SYMBOLS[name])


def prose(text) -> str:
    """Hand-written prose whose ``$...$`` math names symbols the course's way (``D_{out}``),
    with those symbols written in the author's letters (``N`` for MobileNet)."""
    style = _STYLE.get()
    if not style.names and not style.identify:
        return text
    table = {}
    for symbol in SYMBOLS.values():
        shown = math(symbol)
        plain = sympy.latex(symbol)
        if shown != plain:
            table[plain] = shown
    if not table:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return re.sub(r"\$[^$]+\$", lambda m: pattern.sub(lambda t: table[t.group(0)], m.group(0)),
                  text)


def math_text(text) -> str:
    r"""A label inside math: ``\text{...}`` with the label escaped."""
    return r"\text{" + escape_latex(text) + "}"


def decimal(value, places: int = 2) -> str:
    """A rational shown as a decimal: ``8.00``, ``places`` digits after the point."""
    return f"{float(value):.{places}f}"


def md_link(name, text=None) -> str:
    """A link to another note: ``[conv](conv.md)``, or ``[[conv]]`` with ``--links wiki``."""
    if _STYLE.get().links == "wiki":
        return f"[[{name}]]" if text is None else f"[[{name}|{escape_markdown(text)}]]"
    return f"[{escape_markdown(text if text is not None else name)}]({name}.md)"


def tex_link(name, text=None) -> str:
    r"""A cross-reference to another note: its name and, in the book, ``(Chapter \ref{..})``."""
    shown = rf"\texttt{{{escape_latex(name)}}}" if text is None else escape_latex(text)
    return rf"{shown}\noteref{{{escape_latex(name)}}}"


def tex_label(name) -> str:
    return rf"\label{{layer:{name}}}"


def step_filter(step, labelled: bool = True) -> str:
    """One derivation step: its terms joined by ``\\cdot`` or ``+``, each labelled."""
    return step_latex(step, labelled)


#: Every filter, per output format. Templates see nothing else.
FILTERS = {
    "markdown": {"text": escape_markdown, "latex": math, "symbol": symbol, "symbolname": symbol_name,
                 "prose": prose, "numbers": numbers, "step": step_filter, "num": number, "mathnum": math_number,
                 "mathtext": math_text, "decimal": decimal, "link": md_link},
    "latex": {"text": escape_latex, "latex": math, "symbol": symbol, "symbolname": symbol_name,
              "prose": prose, "numbers": numbers, "step": step_filter, "num": number, "mathnum": math_number,
              "mathtext": math_text, "decimal": decimal, "link": tex_link,
              "label": tex_label},
}

#: Jinja delimiters per format: LaTeX's braces and ``%`` never read as Jinja syntax.
DELIMITERS = {
    "markdown": {},
    "latex": {"block_start_string": r"\BLOCK{", "block_end_string": "}",
              "variable_start_string": r"\VAR{", "variable_end_string": "}",
              "comment_start_string": r"\#{", "comment_end_string": "}",
              "line_statement_prefix": "%%", "line_comment_prefix": "%#"},
}


def _styled(function):
    """A filter whose output depends on the render's :class:`Style`: Jinja must not fold it
    into a constant when it compiles a template (``{{ "index"|link }}``)."""
    @functools.wraps(function)
    @jinja2.pass_context
    def filtered(_context, *args, **kwargs):
        return function(*args, **kwargs)
    return filtered


for _filters in FILTERS.values():
    for _name in ("latex", "symbol", "symbolname", "prose", "numbers", "step", "link",
                  "setting"):
        if _name in _filters:
            _filters[_name] = _styled(_filters[_name])


@lru_cache(maxsize=16)
def _environment(fmt: str, dirs: tuple[str, ...]) -> jinja2.Environment:
    env = sandboxed_environment(dirs, DELIMITERS[fmt])  # user templates are code: a sandbox
    env.filters.update(FILTERS[fmt])
    return env


def environment(fmt: str, template_dirs=()) -> jinja2.Environment:
    """The Jinja2 environment of one output format (``markdown`` or ``latex``)."""
    if fmt not in SUFFIX:
        raise InputError(f"notes are written as markdown or latex, not {fmt!r}")
    return _environment(fmt, tuple(search_path(template_dirs)))


def render(name: str, fmt: str, context: dict, template_dirs=(), style: Style | None = None) -> str:
    """Render template ``name.<suffix>.j2`` of format ``fmt`` with ``context``, printing in
    ``style``.

    A template that fails (a syntax error, an undefined name) is an :class:`InputError`
    naming the template, so a broken user template never leaves a half-written note.
    """
    env = environment(fmt, template_dirs)
    filename = f"{name}.{SUFFIX[fmt]}.j2"
    # A user's template may fail in any way Python can (1 // 0, a recursive macro); the
    # built-in ones failing is a bug in symconv, left to reach main (exit 3).
    user_errors = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
                   RecursionError) if template_dirs else ()
    token = _STYLE.set(style or Style())
    try:
        text = render_bounded(env.get_template(filename), context)
        return re.sub(r"\n{3,}", "\n\n", text).lstrip("\n")  # optional sections leave no gaps
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"template {error.filename or filename}, line {error.lineno}: "
                         f"{error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise InputError(f"template {error.name} not found in {search_path(template_dirs)}") from None
    except jinja2.UndefinedError as error:
        raise InputError(f"template {filename}: {error.message}") from None
    except jinja2.TemplateError as error:  # the sandbox refused something, or the template did
        raise InputError(f"template {filename}: {error}") from None
    except user_errors as error:
        raise InputError(f"template {filename}: {type(error).__name__}: {error}") from None
    finally:
        _STYLE.reset(token)


# --- derivations and formulas as LaTeX ------------------------------------------------

def _term_latex(term, labelled: bool, parenthesize: bool) -> str:
    if term.num is not None:
        body = rf"\frac{{{math(term.num)}}}{{{math(term.den)}}}"
    else:
        body = math(term.expr)
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


# --- a layer's quantities at a glance (the notes, and show --format markdown|latex) ------

#: report row key -> its name as math (symbols, printed in the author's letters).
_MATH_LABEL = {"output_size": (SYMBOLS["W_out"], SYMBOLS["H_out"], SYMBOLS["D_out"]),
               "W_out": SYMBOLS["W_out"], "H_out": SYMBOLS["H_out"]}


def glance(layer) -> dict:
    """A layer's output size, params, MACs and FLOPs as structured rows (``label``, ``symbol``
    as math, ``value``, what it counts as ``note`` or as ``parts``), and its settings."""
    report = quantity_report(layer)
    rows = []
    for row in report.rows:
        parts = []
        if row.key == "params" and layer.biases != 0:
            parts = [{"label": "weights", "value": layer.weights},
                     {"label": "biases", "value": layer.biases}]
        rows.append({"key": row.key, "label": row.label, "symbol": _MATH_LABEL.get(row.key),
                     "value": row.value, "note": "" if parts else row.note, "parts": parts})
    title = "; ".join(line.strip() for line in report.title.splitlines() if line.strip())
    return {"title": title, "rows": rows, "settings": settings_of(layer)}


def settings_of(layer) -> list[dict]:
    """Every option of a layer with its value: ``[{"name": "stride", "value": 1}, ...]``."""
    out = []
    for option in OPTION_NAMES:
        if not hasattr(layer, option):
            continue
        value = getattr(layer, option)
        if option in SWITCHES:
            value = "on" if value else "off"
        elif isinstance(value, tuple):
            value = value[0] if value[0] == value[1] else value
        out.append({"name": option.replace("_", " "), "value": value})
    return out


def setting_text(value) -> str:
    """A setting's value for prose: ``2``, ``valid``, ``(2, 1)``, a symbol as math ``$W_{F}$``."""
    if isinstance(value, tuple):
        return "(" + ", ".join(setting_text(v) for v in value) + ")"
    if isinstance(value, sympy.Basic) and not value.is_number:
        return f"${math(value)}$"
    return str(value)


FILTERS["markdown"]["setting"] = FILTERS["latex"]["setting"] = _styled(setting_text)
