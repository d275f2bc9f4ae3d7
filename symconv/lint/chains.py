"""Arithmetic chains: ``expression = number`` (and ``a = b = c``, ``a ≈ b``) wherever they are
written, checked without any context. The safest check, and the most common real error
(``(6x16x5x5)+6 = 2416``).

A link holds when both sides agree exactly, or when the exact side rounds (or truncates)
to a written figure at its precision (``28*28*16*192 = 2.4 Mil``). The left side may start
where the text puts two operands side by side (``28 * 28 (32-5 + 1) = 28`` reads
``(32-5+1) = 28`` too); such a guessed reading never makes a link wrong.

>>> [(c.text, [r.holds for r in c.readings]) for c in chains("so 55*55*96 = 290,400 neurons", 1)]
[('55*55*96 = 290,400', [True])]
>>> judge(chains("`28 * 28 * 16 * 1 * 1 * 192 = 2.5 Mil`", 1)[0]).verdict
'wrong'
"""

from __future__ import annotations

import functools
import re

from .arith import NotArithmetic, evaluate
from .claim import Claim, Reading
from .judge import judge  # noqa: F401  (doctest)
from .notation import tex_over
from .written import NUMBER, Written, find_number

#: longest line read for chains; a longer line is generated or hostile
MAX_LINE = 4000
MAX_LINKS = 100   # equalities read on one line (as many formulas as scan.MAX_PER_LINE)

_SIGN = re.compile(r"\\approx|≈|≃|~=|\\simeq|(?<![=<>!+\-*/:%&|^~])=(?![=>])")
_ARITH = r"(?:\\times|\\cdot|\\div|\\frac|\\dfrac|\\left|\\right|\\,|\\;|[\d\s.,+\-*/^×∗·÷−–()\[\]{}xX])"
_TAIL = re.compile(rf"{_ARITH}+$")
_HEAD = re.compile(rf"^{_ARITH}+")
_OPERAND_START = re.compile(r"\d|\(|\[|\{|\\frac|\\dfrac|\\left|\.\d")
_LETTER = re.compile(r"[A-Za-z_\\]")


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_RUN_CHARS = set("0123456789 \t.,+-*/^×∗·÷−–()[]{}xX")
_RUN_WORDS = ("\\times", "\\cdot", "\\div", "\\frac", "\\dfrac", "\\left", "\\right", "\\,", "\\;")


#: a LaTeX function name just before an operand (\log, \sqrt, \exp): the run is its argument
_COMMAND_BEFORE = re.compile(r"\\(?!times\b|cdot\b|div\b|left\b|right\b)[A-Za-z]+\s*$")
#: a bare power of ten on the right: 10^{12}, 10^6 (a magnitude, written to one figure)
_POWER_OF_TEN = re.compile(r"10\s*\^\s*\{?\s*(-?\d{1,3})\s*\}?")


def _one_figure(value, exponent: int) -> bool:
    """Does ``value`` round to ``10**exponent`` at one significant figure (0.95e n to 1.5e n)?"""
    from fractions import Fraction

    power = Fraction(10) ** exponent
    return Fraction(95, 100) * power <= Fraction(value) < Fraction(15, 10) * power


def _tail_start(part: str) -> int:
    """Where the run of arithmetic at the end of ``part`` starts (one pass from the right)."""
    i = len(part)
    while i > 0:
        if part[i - 1] in _RUN_CHARS:
            i -= 1
            continue
        for word in _RUN_WORDS:
            if part.endswith(word, 0, i):
                i -= len(word)
                break
        else:
            break
    return i


def _tail_candidates(part: str) -> list[str]:
    """Left operands at the end of ``part``: the longest first, then the suffixes that start
    where two operands sit side by side. [] when the expression runs on into letters."""
    start = _tail_start(part)
    if start == len(part):
        return []
    run, before = part[start:], part[:start]
    stripped = run.lstrip()
    if not stripped:
        return []
    lead = len(run) - len(stripped)
    if _COMMAND_BEFORE.search(before):
        return []   # - \log \left( \frac{1}{2^4} \right) = 4: the operand of a function
    if before and _LETTER.match(before[-1]):
        # glued to a name (f1 = 3, \max(...), 2p) or an operator after a name (S + 1 = ...)
        if lead == 0 or stripped[0] in "+*/^×∗·÷x-−–":
            return []
    if stripped[0] in "+*/^×∗·÷xX,.)]}":
        return []
    while stripped[:1] in ("(", "[", "{") and not _balanced(stripped) and \
            stripped.count(stripped[0]) > stripped.count(")]}"["([{".index(stripped[0])]):
        stripped = stripped[1:].lstrip()   # (28/2 = 14): the bracket opens the remark
    if not stripped:
        return []
    out = []
    for m2 in _OPERAND_START.finditer(stripped):
        cand = stripped[m2.start():].strip()
        if m2.start() and stripped[m2.start() - 1] not in " \t":
            continue   # inside an operand (the 8 of 28)
        if m2.start() and re.search(r"[+\-*/^×∗·÷−–xX]\s*$|\\times\s*$|\\cdot\s*$|\\frac\s*$|[(\[{]\s*$",
                                    stripped[:m2.start()]):
            continue   # after an operator: not the start of an operand's run
        if cand and _balanced(cand):
            out.append(cand)
    if out and out[0] != stripped.strip() and not _balanced(stripped):
        pass
    return out


def _head(part: str) -> tuple[str, Written | None] | None:
    """The right operand at the start of ``part``: an expression or a written number."""
    stripped = part.lstrip()
    written = None
    wm = NUMBER.match(stripped)
    if wm:
        found = find_number(stripped, 0)
        if found and found[1].start() == 0:
            written = found[0]
    m = _HEAD.match(stripped)
    if not m:
        return None
    run = m.group().rstrip()
    # cut an unmatched closing bracket: (28/2 = 14)
    depth, end = 0, len(run)
    for i, c in enumerate(run):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                end = i
                break
    run = run[:end].rstrip().rstrip(",.;").rstrip()
    after = stripped[len(run):]
    if after[:1] == "!" and after[1:2] != "=":
        return None   # 3! is a factorial, not 3
    if written is not None and len(written.text) >= len(run.strip()):
        return written.text, written
    if written is not None:
        value = _value(run)
        if value is None or value.implicit or value.operators == 0:
            return written.text, written   # 864(0.01%): a figure and a remark
    if after[:1] and _LETTER.match(after[0]) and not (written and after.startswith(written.text[len(run):])):
        if written is not None:
            return written.text, written
        return None   # the expression runs on into a name: 2\pi r, 4n+1
    if run and re.search(r"[+\-*/^×∗·÷x−–]$", run):
        return None
    return (run, written) if run else None


@functools.lru_cache(maxsize=4096)   # pure; a note writes the same operands and figures again
def _value(text: str):
    try:
        return evaluate(text)
    except (NotArithmetic, ValueError, ZeroDivisionError, OverflowError):
        return None


def _link(left: list[str], right: tuple[str, Written | None], approx: bool,
          continued: bool = False) -> Reading | None:
    """Evaluate one link; None when it is not a claim (no operator on either side, unless
    the link continues a chain: 2*3 = 6 = 7)."""
    rtext, written = right
    rval = _value(rtext)
    rexpr = rval is not None and rval.operators > 0
    best, explicit = None, False
    for i, ltext in enumerate(left):
        lval = _value(ltext)
        if lval is None:
            continue
        if lval.operators == 0 and not rexpr and not continued:
            continue   # 3 = 3: a name's value, not a computation
        if rexpr and not rval.implicit:
            holds = any(a == b for a in lval.values for b in rval.values)
            power = _POWER_OF_TEN.fullmatch(rtext.strip())
            if not holds and power and lval.operators > 0:   # = 10^{12}: an order of magnitude
                holds = any(_one_figure(a, int(power.group(1))) for a in lval.values)
            if not holds and lval.operators == 0:
                lw = find_number(ltext)
                holds = bool(lw and lw[1].start() == 0 and any(lw[0].covers(v) for v in rval.values))
            expected = rval.values[0] if lval.operators == 0 else lval.values[0]
        elif written is not None:
            holds = any(written.covers(v) for v in lval.values)
            expected = lval.values[0]
        elif rval is not None:
            holds = any(a == b for a in lval.values for b in rval.values)
            expected = lval.values[0]
        else:
            continue
        firm = (len(left) == 1 and not lval.implicit and not (rval is not None and rval.implicit)
                and (lval.operators > 0 or rexpr or continued))
        text = f"{ltext} = {rtext}"
        reading = Reading("plain arithmetic", holds, expected=expected,
                          given=written.value if written is not None and not rexpr else None,
                          firm=firm, cause=None,
                          detail=f"{text} holds" if holds else
                          f"{text} does not hold: the left side is {_show(expected)}"
                          + (f", not {written.text}" if written is not None and not rexpr and not written.exact else ""))
        reading.text = text
        if holds:
            return reading
        if best is None:
            best = reading
        explicit = explicit or (lval.operators > 0 and not lval.implicit) or continued
    if best is not None and not best.holds:
        # every way to start the left side fails: wrong when one of them is an explicit
        # computation (not a juxtaposition, 4 5 = 20) and the right side is a figure
        best.firm = explicit and not (rval is not None and rval.implicit and rexpr)
        best.cause = _cause(best.expected, best.given)
    return best


def _show(value) -> str:
    from .judge import show_value

    return show_value(value)


def _cause(expected, given) -> str | None:
    from fractions import Fraction

    if expected is None or given is None or not expected or not given:
        return None
    ratio = Fraction(given) / Fraction(expected)
    for k in (2, 4, 10, 100, 1000):
        if ratio == k or ratio == Fraction(1, k):
            return f"off by a factor of {ratio}"
    return None


def chains(text: str, line: int) -> list[Claim]:
    """Every arithmetic chain on one line of text (as read by :mod:`.source`)."""
    if len(text) > MAX_LINE or "=" not in text and "≈" not in text and "approx" not in text:
        return []
    if "\\over" in text:   # {5 - 3 \over 2} + 1 = 2: TeX's fraction, as \frac
        text = tex_over(text)
    signs = list(_SIGN.finditer(text))
    capped = len(signs) > MAX_LINKS
    signs = signs[:MAX_LINKS]
    if not signs:
        return []
    parts, start = [], 0
    for s in signs:
        parts.append(text[start:s.start()])
        start = s.end()
    parts.append(text[start:])
    claims, current = [], None
    for i, sign in enumerate(signs):
        left_part, right_part = parts[i], parts[i + 1]
        middle = left_part.strip()
        continued = current is not None and _value(middle) is not None and bool(_HEAD.fullmatch(middle))
        if continued:
            left = [middle]
        else:
            left = _tail_candidates(left_part)
            current = None
        right = _head(right_part)
        approx = sign.group() != "="
        reading = _link(left, right, approx, continued) if left and right else None
        if reading is None:
            current = None
            continue
        if current is None:
            current = Claim(line, "", "arithmetic")
            claims.append(current)
            current.text = reading.text
        else:
            current.text += " = " + right[0]
        current.readings.append(reading)
        if not (i + 1 < len(signs) and _HEAD.fullmatch(right_part.strip() or "x")):
            current = None
    # a chain is one claim: all its links must hold; report the first that fails
    out = []
    if capped:
        out.append(Claim(line, "", "limit", note=f"more than {MAX_LINKS} formulas on one line; "
                                                 f"the rest of the line is not checked"))
    for c in claims:
        failing = [r for r in c.readings if not r.holds]
        c.readings = [failing[0]] if failing else [c.readings[-1]]
        out.append(c)
    return out
