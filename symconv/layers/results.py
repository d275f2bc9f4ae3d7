"""Layer counts as properties: a count with numeric sizes is a plain :class:`~symconv.counts.Count`."""

from __future__ import annotations

from ..counts import Count, Quotient, plain

__all__ = ["Count", "Quotient", "count", "plain"]


def count(method):
    """``@property`` whose numeric value is a plain :class:`Count` (see :mod:`symconv.counts`)."""
    def get(self):
        return plain(method(self))

    return property(get, doc=method.__doc__)
