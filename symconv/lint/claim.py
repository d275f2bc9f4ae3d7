"""A claim read from a note, its candidate readings, and what the engine found for each.

The extractors (``chains``, ``examples``, ``catalog``) produce :class:`Claim` s whose
:class:`Reading` s carry the evaluated result; :mod:`.judge` alone turns them into a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reading:
    """One way to read a claim, and what the engine found under it."""

    how: str                      # "28*28*16*1*1*192 = 2.5 Mil (arithmetic)"
    holds: bool | None            # True / False, None: could not be evaluated
    expected: object = None       # the value (or formula) the claim should state
    given: object = None          # the value (or formula) it states
    firm: bool = True             # the reading itself is certain (no guessed context)
    convention: str | None = None  # the convention under which it holds ("weights only")
    stated: bool = False          # the note itself states that convention
    cause: str | None = None      # why it fails, when known ("a factor 2", "missing bias")
    source: str | None = None     # where its context came from ("worked example, line 9")
    detail: str | None = None     # what the engine found, when it says more than the values
    text: str = ""                # the part of the claim this reading evaluates


@dataclass
class Claim:
    """One claim of a note: a chain, a shape, a labelled formula, a total."""

    line: int
    text: str
    kind: str                     # arithmetic, total, output-size, params, macs, flops, ...
    readings: list[Reading] = field(default_factory=list)
    note: str | None = None       # why it cannot be checked, when no reading can be evaluated
    layer: str | None = None      # the layer type it is about, when one was read
