"""A set of notes as the author chose it: which layers, their example, notation, links,
exercises, a network note; rendered as ``{filename: text}`` (nothing written here).

>>> style = notation_style("mobilenet")
>>> from symconv.symbols import D_in, K, W_F
>>> style.names[D_in], style.names[K], style.identify[W_F]
('M', 'D_{K}', K)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..formula.notation import NOTATIONS
from ..layers import REGISTRY
from ..printing import escape_latex
from ..symbols import SYMBOLS
from . import render
from .content import index_context, layer_context, select
from .example import Examples
from .render import Style

DEFAULT_TITLE = "The cost of convolutional layers: course notes"


@dataclass(frozen=True)
class Book:
    """Everything the author chose (the CLI and notes.toml fill it in)."""

    title: str = DEFAULT_TITLE
    layers: tuple = ()  # empty: every layer
    template_dirs: tuple = ()
    examples: Examples = field(default_factory=Examples)
    notation: str | None = None
    links: str = "markdown"
    exercises: int = 0
    seed: int = 0
    net: str | None = None  # a zoo name or a spec file: adds a network note
    figures: bool = True


def _latex_name(spelling: str) -> str:
    """A notation's spelling as LaTeX: ``D_K`` -> ``D_{K}``, ``in_channels`` ->
    ``\\mathrm{in\\_channels}``, ``M`` -> ``M``."""
    match = re.fullmatch(r"([A-Za-z])_\{?([A-Za-z0-9]+)\}?('*)", spelling)
    if match:
        return f"{match.group(1)}_{{{match.group(2)}}}{match.group(3)}"
    if re.fullmatch(r"[A-Za-z]'*", spelling):
        return spelling
    word, bracket, rest = spelling.partition("[")
    return rf"\mathrm{{{escape_latex(word)}}}" + (f"[{rest}" if bracket else "")


def notation_style(notation: str | None, links: str = "markdown") -> Style:
    """The printing style of a notation from :data:`symconv.formula.notation.NOTATIONS`:
    each symbol written as the notation's first spelling of it, and the sizes it takes as
    equal (MobileNet's ``W_F = H_F = K``) identified."""
    if links not in ("markdown", "wiki"):
        raise InputError(f"links are markdown or wiki, not {links!r}")
    if not notation:
        return Style(links=links)
    if notation not in NOTATIONS:
        raise InputError(f"unknown notation {notation!r}; known notations: "
                         f"{', '.join(NOTATIONS)}")
    table, identify = NOTATIONS[notation]
    names = {}
    for spelling, target in table.items():
        if target in SYMBOLS and SYMBOLS[target] not in names:
            names[SYMBOLS[target]] = _latex_name(spelling)
    same = {SYMBOLS[a]: SYMBOLS[b] for a, b in identify.items()}
    return Style(names=names, identify=same, links=links)


def render_book(fmt: str, book: Book) -> dict[str, str]:
    """The whole set: ``{"index.md": ..., "conv.md": ..., "conv-window.svg": ...}``."""
    from . import figures as figs
    from .exercises import exercises_for

    names = select(book.layers)
    style = notation_style(book.notation, book.links)
    suffix = render.SUFFIX[fmt]
    files: dict[str, str] = {}
    extras = []
    if book.net:
        from .netnote import network_note

        net_files, extra = network_note(book.net, fmt, style, book.template_dirs, book.figures)
        files.update(net_files)
        extras.append(extra)
    index = {**index_context(names, book.title), "extras": extras,
             "notation": book.notation or "",
             "notation_symbols": [{"symbol": s, "name": s.name} for s in style.names]}
    files[f"index.{suffix}"] = render.render("index", fmt, index, book.template_dirs, style)
    if fmt == "latex":
        files["preamble.tex"] = render.render("preamble", fmt, {}, book.template_dirs, style)
    for name in names:
        figures = figs.layer_figures(name, book.examples, fmt) if book.figures else []
        context = {**layer_context(name, book.examples, style, figures), "notes": names,
                   "exercises": []}
        if book.exercises:
            exercises = exercises_for(name, book.exercises, book.seed)
            context["exercises"] = exercises
            answers = {"name": name, "title": context["title"], "exercises": exercises}
            files[f"answers-{name}.{suffix}"] = render.render(
                "answers", fmt, answers, book.template_dirs, style)
        files[f"{name}.{suffix}"] = render.render("layer", fmt, context, book.template_dirs,
                                                  style)
        for figure in figures:
            files.update(figure["files"])
    return files


def render_notes(fmt: str, names=None, template_dirs=(), title: str = DEFAULT_TITLE) -> dict:
    """The default set (every layer, the course example), as ``{filename: text}``."""
    return render_book(fmt, Book(title=title, layers=tuple(names or REGISTRY),
                                 template_dirs=tuple(template_dirs)))
