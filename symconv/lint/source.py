"""The text of a note as the checker reads it: one entry per line, in the author's order.

A UTF-8 BOM and CRLF endings are dropped; full-width digits and operators (``５×5``,
``（``, ``＝``) read as ASCII; HTML entities are decoded; Markdown escapes (``32\\*32``)
and bold markers are removed outside code; inline math and code delimiters (``$``,
``\\(``, a backtick) become spaces. Lines inside fenced code keep their text but are
marked as code.

>>> [l.text for l in read_lines("\\ufeffa = 32\\\\*32\\r\\n```\\nx = 2**3\\n```")]
['a = 32*32', '```', 'x = 2**3', '```']
>>> read_lines("so $2+2 = 4$ and `3`")[0].text
'so  ; 2+2 = 4 ;  and  ; 3 ; '
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９（）＋－＝／＊［］"}
_FULLWIDTH.update({ord("　"): ord(" "), ord("，"): ord("，")})
_DELIMS = re.compile(r"\\\\[()\[\]]|\\[()\[\]]|\$+|`+")
_THIN = re.compile(r"(?<=\d)(?:\\,|\{,\}|\\ |\u2009|\u202f)(?=\d{3}(?!\d))")
_TABLE_VALUE = re.compile(r"\|\s*(?<!\$)\$([^$|]+)\$\s*\|\s*(\d[\d,]*)\s*(?=\|)")
_FENCE = re.compile(r"^\s*(?:>\s*)*(```|~~~)")


MAX_DISPLAY = 50     # lines of one display block read as one
_ALIGN = re.compile(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|&|\\\\")


@dataclass(frozen=True)
class Line:
    number: int
    raw: str          # as written (no line ending)
    text: str         # as read
    code: bool        # inside a fenced code block


def clean(text: str, code: bool = False) -> str:
    """One line as read (see the module docstring)."""
    text = html.unescape(text.translate(_FULLWIDTH))
    if not code and text.lstrip().startswith("|"):   # | $128 - 5 + 1$ | 124 |: computation, value
        text = _TABLE_VALUE.sub(lambda m: f"| {m.group(1)} = {m.group(2)} |", text)
    text = _THIN.sub(",", text)
    if not code:
        text = text.replace("\\*", "*").replace("\\_", "_").replace("**", "").replace("__", "")
    return _DELIMS.sub(" ; ", text) if not code else text.replace("`", " ; ")


def read_lines(text: str) -> list[Line]:
    """The note's lines as read; a display block (``$$`` on lines of its own, an ``aligned``
    environment) is one logical line, numbered by its first line with a formula on it."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, in_fence = [], False
    raw_lines = text.split("\n")
    display: list[str] | None = None
    for number, raw in enumerate(raw_lines, 1):
        if display is not None and not in_fence:
            display.append(raw)
            if raw.count("$$") % 2 == 1 or len(display) > MAX_DISPLAY:
                joined = " ".join(_ALIGN.sub(" ", d) for d in display)
                first = next((i for i, d in enumerate(display) if _ALIGN.sub("", d).replace("$$", "").strip()), 0)
                lines.append(Line(start + first, display[first], clean(joined), False))
                display = None
            continue
        if not in_fence and raw.count("$$") % 2 == 1 and not _FENCE.match(raw):
            display, start = [raw], number
            continue
        fence = bool(_FENCE.match(raw))
        if fence:
            lines.append(Line(number, raw, raw.strip(), True))
            in_fence = not in_fence
            continue
        lines.append(Line(number, raw, clean(raw, in_fence), in_fence))
    if display is not None:   # an unclosed block: its lines as they are
        lines.extend(Line(start + i, d, clean(d), False) for i, d in enumerate(display))
    return lines
