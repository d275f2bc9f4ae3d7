"""The lint report: one :class:`Finding` per line, like a compiler, in each output format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..printing import as_json_value, escape_latex, escape_markdown


@dataclass(frozen=True)
class Finding:
    """One line of the lint report."""

    path: str
    line: int
    kind: str            # "wrong" or "note"
    message: str
    formula: str = ""
    quantity: str | None = None
    given: object = None
    expected: object = None
    layer: str | None = None

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.path, "line": self.line, "kind": self.kind, "layer": self.layer,
                "message": self.message, "formula": self.formula, "quantity": self.quantity,
                "given": as_json_value(self.given), "expected": as_json_value(self.expected)}


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0

    @property
    def wrong(self) -> int:
        return sum(f.kind == "wrong" for f in self.findings)

    @property
    def notes(self) -> int:
        return sum(f.kind == "note" for f in self.findings)


def report(findings: list[Finding], files: list[str], checked: int, wrong: int, notes: int,
           fmt: str) -> str:
    """The findings and a summary line as ``text`` (``FILE:LINE: wrong: ...``), ``markdown``
    (a table, for a review comment), ``latex`` (a list) or ``json`` (for tools)."""
    if fmt == "json":
        return json.dumps({"files": files, "checked": checked, "wrong": wrong, "notes": notes,
                           "findings": [f.to_json() for f in findings]}, indent=2)
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
