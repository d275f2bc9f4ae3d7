"""Totals: a figure that adds up numbers computed just before it (``total = 11,240,320``,
``So the total number are 12.5 Mil``, ``total of both layers = ...``) is arithmetic too.

The parts are the chains computed above the total in the same block (no blank line,
heading or fence between, nothing less indented); a total of totals adds the block's
earlier totals. The parts' exact values count, not their rounded figures.
"""

from __future__ import annotations

import re

from .claim import Claim, Reading
from .written import find_number

_TOTAL = re.compile(r"(?i)\btotal\b|\btogether\b|\bin all\b|总计|合计|总共|一共")
_BREAK = re.compile(r"^\s*(?:#|```|~~~|$)")


def _indent(raw: str) -> int:
    m = re.match(r"^(\s*)(?:[-*+]\s+|\d+[.)]\s+)?", raw)
    return len(m.group(1))


def total_claims(lines, chains_by_line: dict[int, list[Claim]]) -> list[Claim]:
    out = []
    index = {line.number: i for i, line in enumerate(lines)}
    totals_by_line: dict[int, Claim] = {}
    for line in lines:
        m = _TOTAL.search(line.text)
        if not m or any(c.readings and c.readings[0].holds is not None and
                        "=" in c.text and _TOTAL.search(c.text) for c in chains_by_line.get(line.number, [])):
            continue
        if any(r.holds is not None for c in chains_by_line.get(line.number, []) for r in c.readings):
            continue   # the line computes its own total
        found = find_number(line.text, m.end())
        if not found:
            continue
        written, nm = found
        between = line.text[m.end():nm.start()]
        if re.search(r"[A-Za-z]{3,}", between) and not re.search(r"(?i)\b(?:is|are|number|of|both|layers?)\b", between):
            continue
        parts, previous_totals, totals_only = [], [], False
        level = _indent(line.raw)
        i = index[line.number] - 1
        while i >= 0:
            above = lines[i]
            if _BREAK.match(above.raw) or (above.text.strip() and _indent(above.raw) < level):
                break
            if above.number in totals_by_line:
                previous_totals.append(totals_by_line[above.number])
                if not parts:
                    totals_only = True
                    i -= 1
                    continue
                break
            if totals_only:
                i -= 1
                continue
            for c in chains_by_line.get(above.number, []):
                r = c.readings[0] if c.readings else None
                if r is not None and r.expected is not None and r.holds is not None:
                    parts.append(r.expected)
            i -= 1
        claim = Claim(line.number, f"{m.group()} ... {written.text}", "total")
        if len(parts) >= 2:
            exact = sum(parts)
            claim.readings.append(Reading(f"the sum of the {len(parts)} values computed above = {written.text}",
                                          written.covers(exact), expected=exact, given=written.value,
                                          firm=True))
        elif len(previous_totals) >= 2 and not parts:
            values = [t.readings[0].expected for t in previous_totals if t.readings]
            if len(values) >= 2:
                exact = sum(values)
                claim.readings.append(Reading(f"the sum of the {len(values)} totals above = {written.text}",
                                              written.covers(exact), expected=exact, given=written.value))
        if claim.readings:
            totals_by_line[line.number] = claim
            out.append(claim)
        else:
            if parts:
                claim.readings.append(Reading("", None, expected=parts[0]))
            totals_by_line[line.number] = claim
    return out
