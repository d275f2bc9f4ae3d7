"""The one judge: a claim is *ok* when a firm reading holds, *wrong* when every plausible
reading fails and its context is firm, else a *note* that says why it cannot tell. A claim
that holds only under another known convention (weights without biases, FLOPs = MACs) is
a *note* that names the convention, or *ok* when the note states that convention itself.

Precision first: a false alarm is worse than a miss, so a failed reading that rests on a
guess (a juxtaposition read as a product, an example the note does not tie to the claim)
never makes a claim wrong.

>>> from symconv.lint.claim import Claim, Reading
>>> judge(Claim(3, "2*3 = 7", "arithmetic", [Reading("2*3 = 7", False, 6, 7)])).verdict
'wrong'
>>> judge(Claim(3, "2*3 = 7", "arithmetic", [Reading("2*3 = 7", False, 6, 7)])).message
'read as 2*3 = 7; expected 6'
>>> judge(Claim(3, "2 3 = 7", "arithmetic", [Reading("2 3 = 7", False, 6, 7, firm=False)])).verdict
'note'
"""

from __future__ import annotations

from dataclasses import dataclass

from .claim import Claim, Reading


@dataclass(frozen=True)
class Verdict:
    verdict: str                  # ok, wrong, note
    reading: Reading | None       # the reading the verdict rests on
    message: str


def judge(claim: Claim) -> Verdict:
    evaluated = [r for r in claim.readings if r.holds is not None]
    holding = [r for r in evaluated if r.holds]
    if holding:
        best = min(holding, key=lambda r: (r.convention is not None and not r.stated, not r.firm))
        if best.convention:   # right under that convention: silent when the note states it
            said = f"holds under a convention: {best.convention}" + (f" ({best.detail})" if best.detail else "")
            return Verdict("ok" if best.stated else "note", best, f"{said}; read as {best.how}")
        return Verdict("ok", best, f"{best.detail} (read as {best.how})" if best.detail
                       else f"read as {best.how}")
    if not evaluated:
        return Verdict("note", None, claim.note or "cannot evaluate this claim")
    firm = [r for r in evaluated if r.firm]
    if firm and len(firm) == len(evaluated):
        r = firm[0]
        if r.detail:
            message = f"{r.detail} (read as {r.how})"
        else:
            message = f"read as {r.how}" + (f"; expected {show_value(r.expected)}" if r.expected is not None else "")
        if r.cause:
            message += f"; likely cause: {r.cause}"
        return Verdict("wrong", r, message)
    r = evaluated[0]
    said = r.detail or (f"read as {r.how}" + (f", expected {show_value(r.expected)}" if r.expected is not None else ""))
    return Verdict("note", r, f"{said}, but this reading is a guess (read as {r.how}); not called wrong")


def show_value(value) -> str:
    from fractions import Fraction

    if isinstance(value, Fraction):
        if value.denominator == 1:
            return f"{value.numerator:,}" if abs(value) >= 10000 else str(value.numerator)
        return f"{float(value):.6g}"
    return str(value)
