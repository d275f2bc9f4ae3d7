"""The work one note may cost: a budget of CPU seconds, spent in the order of the note's lines.

Neither the number of formulas nor their size says what checking them costs: a note of
330,000 one-character formulas reads for 14 s, and one distinct formula of 8 terms can keep
sympy's solver busy for a second, while 455 terms take 0.2 s (issue 18's measurements). So
lint bounds the thing itself, the processor time spent on one note
(:data:`~symconv.limits.LINT_CPU_SECONDS`), measured with ``time.process_time`` (this
process only: other programs on the machine do not spend it). Every pass over the note
asks :meth:`Budget.allows` before the next line or formula; once the budget is spent, the
first line it could not reach is the *cut*, and the note's claims from the cut on are left
out and named (:func:`skipped_note`) rather than half checked. A real note never comes near
it (a 10,000-formula note costs about a second and a half), so its report does not
depend on the machine.

>>> ticks = iter([0.0, 1.0, 9.0])
>>> budget = Budget(5.0, clock=lambda: next(ticks))
>>> budget.allows(3), budget.allows(7), budget.allows(8, look=False), budget.cut
(True, False, False, 7)
"""

from __future__ import annotations

import time
from typing import Callable

from .. import limits


class Budget:
    """``seconds`` of ``clock`` (processor time; default
    :data:`~symconv.limits.LINT_CPU_SECONDS`) for one note, from its creation."""

    def __init__(self, seconds: float | None = None,
                 clock: Callable[[], float] = time.process_time):
        self.seconds = limits.LINT_CPU_SECONDS if seconds is None else seconds
        self.clock = clock
        self.start = clock()
        self.cut: int | None = None   # the first line left unchecked, once the budget is spent

    def allows(self, line: int, look: bool = True) -> bool:
        """Whether ``line`` may still be checked. ``look=False`` skips reading the clock (a
        pass that costs microseconds per line looks every so many lines)."""
        if self.cut is not None and line >= self.cut:
            return False
        if look and self.clock() - self.start > self.seconds:
            self.cut = line
            return False
        return True


def skipped_note(budget: Budget, last_line: int) -> str:
    """The finding that says what the budget left unchecked."""
    span = f"line {budget.cut}" if budget.cut >= last_line else f"lines {budget.cut}-{last_line}"
    return (f"{span} not checked: checking this note took more than its budget of "
            f"{budget.seconds:g} s of processor time (symconv.limits.LINT_CPU_SECONDS); "
            f"split the note to check the rest")
