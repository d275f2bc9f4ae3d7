"""Numbers as people write them in notes: ``2.4M``, ``2.5 Mil``, ``1.2 million``, ``4.1 GFLOPs``,
``2.4 \\times 10^{6}``, ``1,28,800``, ``100K``, ``1.6兆``, with the precision they are written at.

A written figure is *right* for an exact value when the value rounds to it, or truncates to it,
at the precision of its last digit (``2.4M`` covers [2.35M, 2.5M)). Trailing zeros of a whole
number with a scale word are not significant (``800K`` is 800K ± 50K, ``120 Mil`` ± 5M); a
bare integer (``6432``, ``924,844,032``) is exact unless an approximation word stands before it.

>>> w = read_number("2.5 Mil"); w.value, w.unit
(Fraction(2500000, 1), Fraction(100000, 1))
>>> read_number("2.5 Mil").covers(2408448), read_number("2.4M").covers(2408448)
(False, True)
>>> read_number("1,28,800").value
Fraction(128800, 1)
>>> read_number("13.500").covers(13500), read_number("13.500").covers(Fraction(27, 2))
(True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

#: scale words and their factors; a word with two meanings has two factors (readings)
SCALES: dict[str, tuple[int, ...]] = {
    "k": (10**3,), "K": (10**3,), "thousand": (10**3,), "千": (10**3,),
    "M": (10**6,), "Mil": (10**6,), "mil": (10**6,), "mln": (10**6,), "million": (10**6,),
    "Million": (10**6,), "millions": (10**6,), "百万": (10**6,),
    "B": (10**9,), "bn": (10**9,), "billion": (10**9,), "Billion": (10**9,), "G": (10**9,), "十亿": (10**9,),
    "T": (10**12,), "trillion": (10**12,),
    "万": (10**4,), "亿": (10**8,), "兆": (10**6, 10**12),
}
#: what may follow the scale: the quantity's unit (dropped)
_UNIT = r"(?:FLOPs|FLOPS|flops|FLOP|MACs|MACCs|MACC|MAC|MAdds|mult-adds|params|parameters|weights|bytes|B)?"
_SCALE_WORDS = "|".join(sorted(map(re.escape, SCALES), key=len, reverse=True))
# 1,234,567 (western) or 1,23,45,678 (Indian): only then is a comma a digit separator
_GROUPED = r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,2}(?:,\d{2})+,\d{3}(?!\d)"
_MANTISSA = rf"(?:{_GROUPED}|\d+(?:\.\d+)?|\.\d+)"
_POWER = r"(?:\s*(?:\\times|×|x|\*|\\cdot|·)\s*10\s*\^\s*\{?\s*(?P<exp>[+-]?\d{1,3})\s*\}?|e(?P<e>[+-]?\d{1,3}))"
NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_.])(?P<mant>{_MANTISSA})(?:{_POWER})?(?:\s?(?P<scale>{_SCALE_WORDS}))?(?:\s?{_UNIT})"
    r"(?!\.\d)(?![A-Za-z\d^])")
APPROX_BEFORE = re.compile(r"(?:≈|~|～|\\approx|\\sim|about|around|roughly|approximately|approx\.?|nearly|约|大约|近)\s*$",
                           re.I)


@dataclass(frozen=True)
class Written:
    """A number as written: its value, the unit of its last significant digit, its text."""

    value: Fraction
    unit: Fraction
    text: str
    readings: tuple[Fraction, ...] = ()   # other values a scale word may mean (兆)

    @property
    def exact(self) -> bool:
        return self.unit == 1 and self.value.denominator == 1 and not self.readings

    def covers(self, exact) -> bool:
        """Whether ``exact`` rounds or truncates to this figure at its precision."""
        exact = Fraction(exact)
        for value in (self.value, *self.readings):
            unit = self.unit * (value / self.value) if self.value else self.unit
            if value - unit / 2 <= exact < value + unit or abs(exact - value) <= unit / 2:
                return True
        return False


def _digits_unit(mant: str, approx: bool, scaled: bool) -> Fraction:
    """The unit of the last significant digit of a mantissa (before scaling)."""
    plain = mant.replace(",", "")
    if "." in plain:
        return Fraction(1, 10 ** len(plain.split(".")[1]))
    if scaled or approx:
        zeros = len(plain) - len(plain.rstrip("0"))
        return Fraction(10 ** min(zeros, len(plain) - 1))
    return Fraction(1)


def read_number(text: str, approx: bool = False) -> Written | None:
    """The number that is the whole of ``text`` (surrounding space and a unit allowed)."""
    m = NUMBER.fullmatch(text.strip())
    return _written(m, approx) if m else None


def _written(m: re.Match, approx: bool = False) -> Written | None:
    mant = m.group("mant")
    if "," in mant and not re.fullmatch(_GROUPED, mant):
        return None
    value = Fraction(mant.replace(",", ""))
    exp = m.group("exp") or m.group("e")
    scale_word = m.group("scale")
    factors = SCALES.get(scale_word, (1,)) if scale_word else (1,)
    unit = _digits_unit(mant, approx, scaled=bool(scale_word) or exp is not None)
    power = Fraction(10) ** int(exp) if exp is not None else Fraction(1)
    if exp is not None and "." not in mant and not approx:
        unit = Fraction(1)  # 4 \times 10^6 written as a product is exact
    first = value * power * factors[0]
    others = tuple(value * power * f for f in factors[1:])
    if exp is None and not scale_word and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", mant):
        others += (Fraction(mant.replace(".", "")),)   # 13.500: a thousands point (13,500) too
    return Written(first, unit * power * factors[0], m.group(0).strip(), others)


def find_number(text: str, start: int = 0):
    """The first written number at or after ``start``: (Written, match) or None."""
    for m in NUMBER.finditer(text, start):
        approx = bool(APPROX_BEFORE.search(text[:m.start()]))
        w = _written(m, approx)
        if w is not None:
            return w, m
    return None
