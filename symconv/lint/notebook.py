"""A Jupyter notebook (``.ipynb``) as a note: its Markdown cells as they are, its code cells
as fenced code, and every line traced back to its line in the notebook file.

A notebook is JSON; read as text, its formulas carry JSON's escapes (``\\\\times``) and one
note line holds a whole cell. Here the JSON is decoded as data (``json.loads``, nothing is
run), and a finding's line is the notebook file's line that holds that source line: Jupyter
writes each source line of a cell as its own JSON string on its own line, so an editor opened
on the ``.ipynb`` lands on it. Where a cell's source is one string (hand-written JSON), its
lines point to the first line of that string. Outputs and raw cells are not read: a note's
claims are what its author wrote.

>>> cell = {"cell_type": "markdown", "source": ["# Conv\\n", "$3 \\\\times 3 = 9$"]}
>>> raw = json.dumps({"cells": [cell]}, indent=1)
>>> text, lines = notebook_text(raw, "nb.ipynb")
>>> print(text.rstrip())
# Conv
$3 \\times 3 = 9$
>>> lines   # the notebook file's lines 6 and 7 hold them; the blank line after the cell
[6, 7, 7]
"""

from __future__ import annotations

import json

from ..errors import InputError


def notebook_text(raw: str, path: str) -> tuple[str, list[int]]:
    """``(the note's text, the notebook file's line of each of its lines)``."""
    cells = _cells(raw, path)
    raw_lines = raw.splitlines()
    out: list[str] = []
    where: list[int] = []
    at, start = 0, 0   # the search goes forward through the file, cell after cell
    for kind, source in cells:
        if kind not in ("markdown", "code"):
            continue
        pieces = source if isinstance(source, list) else [source]
        lines, found = [], []
        for piece in pieces:
            at = _find(raw_lines, piece, start)
            start = max(start, at + 1) if at >= start and _holds(raw_lines[at], piece) else start
            for line in piece.splitlines() or [""]:
                lines.append(line)
                found.append(at + 1)
        if not lines:
            continue
        first = found[0]
        if kind == "code":
            lines, found = ["```python", *lines, "```"], [first, *found, found[-1]]
        out += [*lines, ""]
        where += [*found, found[-1]]
    return "\n".join(out) + ("\n" if out else ""), where


def _cells(raw: str, path: str) -> list[tuple[str, object]]:
    """``(cell_type, source)`` of every cell, or one clear error for what is no notebook
    (an empty file has no cells, as an empty note has no lines)."""
    if not raw.strip():
        return []
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise InputError(f"{path} is not a Jupyter notebook: not JSON{where}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise InputError(f"{path} is not a Jupyter notebook: no list of cells (nbformat 4)")
    out = []
    for number, cell in enumerate(cells, 1):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not (isinstance(source, str) or isinstance(source, list)
                and all(isinstance(s, str) for s in source)):
            raise InputError(f"{path} is not a Jupyter notebook: cell {number} has no text "
                             "source")
        out.append((str(cell.get("cell_type", "")), source))
    return out


def _find(raw_lines: list[str], piece: str, start: int) -> int:
    """The index of the file's line, from ``start`` on, that holds ``piece`` as a JSON string
    (the line before ``start`` when none does: the last line found)."""
    for index in range(start, len(raw_lines)):
        if _holds(raw_lines[index], piece):
            return index
    return max(start - 1, 0)


def _holds(line: str, piece: str) -> bool:
    """Is ``line`` of the file the JSON string ``piece`` (a list item, or a key's value)?"""
    line = line.strip().rstrip(",").rstrip()
    return any(line == form or line.endswith(":" + form) or line.endswith(": " + form)
               for form in {json.dumps(piece, ensure_ascii=False), json.dumps(piece)})
