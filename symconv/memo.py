"""Remembering the answers of pure functions that a long note asks again and again.

A note of thousands of claims repeats a handful of formulas (``D_{out}(W_F H_F D_{in}+1)``
in every section); parsing one and proving it against the catalog is pure (the same
text, notation and layer always give the same answer), so it is done once and the
answer, or the :class:`~symconv.errors.InputError` it raised, is given again.

>>> calls = []
>>> @remember(lambda x: x)
... def double(x):
...     calls.append(x)
...     return 2 * x
>>> double(3), double(3), calls
(6, 6, [3])
"""

from __future__ import annotations

import copy
import functools
from typing import Callable

from .errors import InputError

#: Entries kept per function; past it the memo starts afresh (a bound on memory, not a policy).
SIZE = 20_000


def remember(key: Callable[..., object]):
    """Decorator: answer a call from memory when ``key(*args, **kwargs)`` was seen before.

    A key that is ``None`` or cannot be hashed means "compute, do not remember". An
    :class:`InputError` is remembered too and raised again (a copy) for the same key.
    """
    def wrap(fn):
        store: dict = {}

        @functools.wraps(fn)
        def call(*args, **kwargs):
            try:
                k = key(*args, **kwargs)
                hash(k)
            except TypeError:
                k = None
            if k is None:
                return fn(*args, **kwargs)
            try:
                ok, value = store[k]
            except KeyError:
                try:
                    ok, value = True, fn(*args, **kwargs)
                except InputError as error:
                    ok, value = False, error
                if len(store) >= SIZE:
                    store.clear()
                store[k] = (ok, value)
            if ok:
                return value
            raise copy.copy(value)

        call.forget = store.clear
        return call
    return wrap
