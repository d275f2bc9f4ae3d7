"""Did you mean ...? The words a user types, matched to the words symconv knows.

One helper for every closed set of words (layer names, quantities, formats, padding
modes, network names): :class:`Words` takes a word as written, a listed alias, or the
same word in another case or without ``-``/``_``/spaces when that picks out exactly
one word (no two words collide); anything else is an :class:`InputError` that names
the closest words (:mod:`difflib`). Pure Python: the command line uses it before
sympy is imported.

>>> layers = Words("layer", ["conv", "dw-sep"], {"separable": "dw-sep"})
>>> layers.resolve("Conv"), layers.resolve("DW_SEP"), layers.resolve("Separable")
('conv', 'dw-sep', 'dw-sep')
>>> layers.resolve("convv")
Traceback (most recent call last):
...
symconv.errors.InputError: unknown layer 'convv'; did you mean conv? (layers: conv, dw-sep)
"""

from __future__ import annotations

import difflib
import re

from .errors import InputError


def fold(word: str) -> str:
    """The word in lower case without ``-``, ``_``, spaces or dots: ``Conv_2D`` -> ``conv2d``."""
    return re.sub(r"[\s_\-.]+", "", word).lower()


def close(word: str, choices, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices nearest to ``word`` (compared folded), best first."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(fold(choice), choice)
    hits = difflib.get_close_matches(fold(word), list(folded), n=n, cutoff=cutoff)
    return [folded[h] for h in hits]


def did_you_mean(word: str, choices, n: int = 1) -> str:
    """``"did you mean X?"`` for the nearest choice, or ``""``."""
    hits = close(word, choices, n)
    return f"did you mean {' or '.join(hits)}?" if hits else ""


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 note``, ``2 notes``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


class Words:
    """A closed set of words with aliases; case and ``-``/``_`` do not matter unless two
    words would then collide. ``hints`` are words that are not accepted but point at one
    (``text`` -> ``markdown`` where a note cannot be plain text)."""

    def __init__(self, what: str, words, aliases: dict[str, str] | None = None,
                 hints: dict[str, str] | None = None, plural_what: str | None = None):
        self.what, self.words = what, list(words)
        self.plural_what = plural_what or what + "s"
        self.aliases = dict(aliases or {})
        self.hints = dict(hints or {})
        spellings = {**{w: w for w in self.words}, **self.aliases}
        self._exact = spellings
        folded: dict[str, str] = {}
        collide: set[str] = set()
        for spelling, word in spellings.items():
            key = fold(spelling)
            if folded.setdefault(key, word) != word:
                collide.add(key)
        self._folded = {k: v for k, v in folded.items() if k not in collide}

    def get(self, text: str) -> str | None:
        """The word ``text`` stands for, or None."""
        text = text.strip()
        return self._exact.get(text) or self._folded.get(fold(text))

    def suggestion(self, text: str) -> str | None:
        """The word to suggest for an unknown ``text``, or None."""
        hint = self.hints.get(text) or {fold(k): v for k, v in self.hints.items()}.get(fold(text))
        if hint:
            return hint
        hits = close(text, list(self._exact))
        return self._exact[hits[0]] if hits else None

    def unknown(self, text: str) -> str:
        """The message for an unknown word: what it is, the nearest word, all the words."""
        best = self.suggestion(text)
        known = f"{self.plural_what}: {', '.join(self.words)}"
        if best:
            return f"unknown {self.what} {text!r}; did you mean {best}? ({known})"
        return f"unknown {self.what} {text!r}; {known}"

    def resolve(self, text: str) -> str:
        """The word ``text`` stands for; an unknown one is an :class:`InputError`."""
        word = self.get(text)
        if word is None:
            raise InputError(self.unknown(text))
        return word

    def __contains__(self, text: str) -> bool:
        return self.get(text) is not None

    def __iter__(self):
        return iter(self.words)
