"""``symconv show``, ``ratio`` and ``net`` as Markdown or LaTeX, through the notes' templates."""

from __future__ import annotations

from ..net.report import template_context
from .content import ratio_context
from .render import glance, render


def render_report(layer, fmt: str, template_dirs=()) -> str:
    """``symconv show --format markdown|latex``: the ``quantities`` template."""
    return render("quantities", fmt, {"glance": glance(layer), "standalone": True},
                  template_dirs).strip("\n")


def render_ratio(a, b, quantity: str, names, title: str, fmt: str, template_dirs=()) -> str:
    """``symconv ratio --format markdown|latex``: the ``ratio`` template."""
    context = ratio_context(a, b, quantity, tuple(names), title)
    return render("ratio", fmt, context, template_dirs).strip("\n")


def render_network(analysis, fmt: str, table: bool = True) -> str:
    """``symconv net --format markdown|latex``: the ``network`` template."""
    return render("network", fmt, template_context(analysis, table)).rstrip("\n")
