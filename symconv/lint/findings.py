"""The lint report: one :class:`Finding` per claim read, like a compiler, in each output format.

Text shows what is wrong and the notes (``--show-ok`` adds the claims that hold); JSON lists
every claim read, ok ones included, with its line, text, reading, verdict and message.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from ..printing import as_json_value, escape_latex, escape_markdown, to_latex


@dataclass(frozen=True)
class Finding:
    """One claim and its verdict."""

    path: str
    line: int
    kind: str            # the verdict: "ok", "wrong" or "note"
    message: str
    formula: str = ""    # the claim's text
    quantity: str | None = None
    given: object = None
    expected: object = None
    layer: str | None = None
    reading: str | None = None     # how the claim was read
    cause: str | None = None       # the likely cause, when wrong
    convention: str | None = None  # the convention it holds under, when one was needed
    source: str | None = None      # where its context came from

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.path, "line": self.line, "verdict": self.kind, "kind": self.kind,
                "text": self.formula, "formula": self.formula, "quantity": self.quantity,
                "layer": self.layer, "reading": self.reading, "message": self.message,
                "given": _json(self.given), "expected": _json(self.expected),
                "cause": self.cause, "convention": self.convention, "source": self.source}


def _json(value):
    """A value for JSON: exact integers as integers, other fractions as decimals."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, sympy.Basic) and not value.is_Integer:   # as as_json_value writes it
        expr, latex = _printed(value)
        return {"expr": expr, "latex": latex}
    return as_json_value(value)


@functools.lru_cache(maxsize=4096)   # a report repeats the catalog's few formulas
def _printed(expr: sympy.Basic) -> tuple[str, str]:
    """An expression's text and LaTeX (sympy's equality is structural: equal is same print)."""
    return str(expr), to_latex(expr)


@dataclass
class LintResult:
    claims: list[Finding] = field(default_factory=list)   # every claim, ok ones included
    skipped: str | None = None   # what the note's work budget left unchecked (lint/budget.py)

    @property
    def findings(self) -> list[Finding]:
        """What a reader must look at: the wrong claims and the notes."""
        return [f for f in self.claims if f.kind != "ok"]

    @property
    def checked(self) -> int:
        return sum(f.kind in ("ok", "wrong") for f in self.claims)

    @property
    def wrong(self) -> int:
        return sum(f.kind == "wrong" for f in self.claims)

    @property
    def notes(self) -> int:
        return sum(f.kind == "note" for f in self.claims)


def report(findings: list[Finding], files: list[str], checked: int, wrong: int, notes: int,
           fmt: str) -> str:
    """The findings and a summary line as ``text`` (``FILE:LINE: wrong: ...``), ``markdown``
    (a table, for a review comment), ``latex`` (a list) or ``json`` (for tools: every claim
    given, with ``claims`` and the counts)."""
    if fmt == "json":
        rows = [f.to_json() for f in findings]
        return json.dumps({"files": files, "checked": checked, "wrong": wrong, "notes": notes,
                           "ok": sum(f.kind == "ok" for f in findings),
                           "claims": rows,
                           "findings": [r for r in rows if r["verdict"] != "ok"]},
                          indent=2, ensure_ascii=False)
    summary = (f"{len(files)} file{'s' * (len(files) != 1)}: {checked} checked, {wrong} wrong, "
               f"{notes} note{'s' * (notes != 1)}")
    if fmt == "markdown":
        esc = escape_markdown
        rows = [f"| {esc(f.path)} | {f.line} | {f.kind} | {esc(f.message)} |" for f in findings]
        return "\n".join(["| file | line | finding | message |", "|---|---:|---|---|", *rows,
                          "", summary])
    if fmt == "latex":
        esc = escape_latex
        items = [rf"  \item \texttt{{{esc(f.path)}:{f.line}}} \textbf{{{f.kind}}}: {esc(f.message)}"
                 for f in findings]
        return "\n".join([r"\begin{itemize}", *items, rf"  \item[] {esc(summary)}",
                          r"\end{itemize}"])
    return "\n".join([*(f.text() for f in findings), summary])
