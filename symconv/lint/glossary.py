"""The letters a note defines for itself: ``n`` is the input size, ``f`` the filter size.

Many notes say what their letters mean before they use them, in a list, a quote or a
sentence, in English or Chinese::

    Input size: n            > 卷积核大小：$f \\times f$        - ``S``: stride
    where W is the input width, F the filter size, P the padding and S the stride

:func:`glossary` reads such definitions and maps each letter to the course's symbol
(``n`` -> ``W_in``), so that the note's formulas can be checked in its own letters.
A meaning is read from a few words (input, output, filter, kernel, padding, stride,
channels, ...); a letter given two different meanings, or a meaning the words do not
settle, is left out: no claim rests on a guess.

>>> glossary("Input size: n\\n\\nConvolutional filter size: f\\n\\nPadding: p\\n\\nStride: s")
{'n': 'W_in', 'f': 'K', 'p': 'P', 's': 'S'}
>>> glossary("where $W$ is the input width, $F$ the filter size and $S$ the stride")
{'W': 'W_in', 'F': 'K', 'S': 'S'}
>>> glossary("> 卷积核大小：$f \\\\times f$\\n> 步长 $S$\\n- O - output height")
{'f': 'K', 'S': 'S', 'O': 'H_out'}
"""

from __future__ import annotations

import re

from ..formula.characters import CONFUSABLES

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

#: a letter as notes write one: $n$, `n`, ``n``, \(n\), n, n_H, n_{in}, \text{F}
_LETTER = (r"(?<![A-Za-z0-9_\\])(?:\$|\\\(|`{1,2})?\s*(?:\\(?:text|mathrm|textrm)\{)?"
           r"(?P<letter>[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?)\}?"
           r"(?:\s*(?:\\times|×|x)\s*(?P=letter))?\s*(?:\$|\\\)|`{1,2})?")
#: letter first: "n: input size", "- O - output height", "S = stride", "s 为步长"
_LETTER_FIRST = re.compile(r"^[\s>*+\-#|]*" + _LETTER +
                           r"\s*(?:[:：=\-–—|]|\bis\b|\bdenotes\b|为|是|表示)\s*(?P<meaning>[^\n]{3,80})$")
#: meaning first: "Input size: n", "卷积核大小：$f \times f$", "Kernel Size ``K``: 4", "步长 $S$"
_MEANING_FIRST = re.compile(r"^[\s>*+\-#|]*(?P<meaning>[^\n$`:：]{2,60}?)\s*[:：]?\s*" + _LETTER +
                            r"\s*(?:[:：=]\s*[\d.]+\s*)?(?:[（(][^()（）]{0,40}[)）])?[。.,;；]?\s*$")
#: in a sentence: "where n is the input size, f the filter size and p the padding"
_IN_PROSE = re.compile(r"(?i:^|,|;|\band\b|\bwhere\b|\bwith\b|\blet\b|其中|设|，|、)\s*" + _LETTER +
                       r"(?:\s*(?:为|是|表示)|\s+(?:is|are|be|denotes|=)?)\s*"
                       r"(?P<meaning>(?:the\s+)?[^,;，、\n]{3,60}?)"
                       r"(?=,|;|\band\b|\.|，|、|。|$)")

#: a word in markup, $\text{Filter}$ or `Filter` (a letter alone stays marked up: it is a name)
_MARKUP_WORD = re.compile(r"\$?\\(?:text|mathrm|textrm)\{([^{}$]*)\}\$?|`([A-Za-z][A-Za-z ]+)`")
#: code, not a definition: an assignment or a call ("m = nn.MaxPool2d(3, stride=2)")
_CODE = re.compile(r"=|\w\(|\bnn\.|\bimport\b|\bdef\b")
_INPUT = re.compile(r"(?i)\binput|输入|图片|图像|image|原图")
_OUTPUT = re.compile(r"(?i)\boutput|输出|卷积后|结果|result")
_SIZE = re.compile(r"(?i)size|width|height|dimension|大小|尺寸|宽|高|维度|边长|长度")
_HEIGHT_ONLY = re.compile(r"(?i)height|高")
_WIDTH = re.compile(r"(?i)width|宽|size|大小|尺寸|dimension|维度")
_CHANNELS = re.compile(r"(?i)channel|通道|depth|深度|neurons?\b|units?\b|features\b|神经元")
_HOW_MANY = re.compile(r"(?i)number of|num\b|count|个数|数量|数目")
_WINDOW = re.compile(r"(?i)kernel|filter|卷积核|核|receptive field|window|窗口")
_WORDS = [(re.compile(r"(?i)padding|\bpad\b|填充|补零"), "P"),
          (re.compile(r"(?i)stride|\bstrid|步长|步幅|步距"), "S"),
          (re.compile(r"(?i)dilation|膨胀|空洞"), "d"),
          (re.compile(r"(?i)\bgroups?\b|分组"), "g")]


def meaning(words: str) -> str | None:
    """The course's name for what ``words`` describe, or None when they do not settle it.

    >>> [meaning(w) for w in ("input width", "the filter size", "number of filters",
    ...                       "输出通道数", "padding", "the weights")]
    ['W_in', 'K', 'D_out', 'D_out', 'P', None]
    """
    found = {name for pattern, name in _WORDS if pattern.search(words)}
    inp, out = bool(_INPUT.search(words)), bool(_OUTPUT.search(words))
    if _WINDOW.search(words):
        if _HOW_MANY.search(words):
            found.add("D_out")        # the number of filters is the output depth
        elif _SIZE.search(words) or not (inp or out or found):
            found.add("K")
    elif _CHANNELS.search(words) and inp != out:
        found.add("D_in" if inp else "D_out")
    elif _SIZE.search(words) and inp != out:
        axis = "H" if _HEIGHT_ONLY.search(words) and not _WIDTH.search(words) else "W"
        found.add(f"{axis}_in" if inp else f"{axis}_out")
    return found.pop() if len(found) == 1 else None


def glossary(text: str) -> dict[str, str]:
    """``{letter: course name}`` for every letter the note defines once, unambiguously."""
    seen: dict[str, set[str]] = {}
    fenced = False
    for line in text.splitlines():
        # letters as rendered math copies them (𝐶_out is C_out), no zero-width marks
        line = line.translate(CONFUSABLES).translate(_INVISIBLE)
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or len(line) > 300:
            continue
        line = _MARKUP_WORD.sub(lambda m: m.group(1) or m.group(2), line)
        cells = line.strip().strip("|").split("|")
        if line.lstrip().startswith("|") and len(cells) == 2:   # | Filter Size | $K$ |
            line = ":".join(cells)
        for letter, words in _definitions(line.strip()):
            name = None if _CODE.search(words) else meaning(words)
            if name is not None:
                seen.setdefault(letter, set()).add(name)
    return {letter: names.pop() for letter, names in seen.items() if len(names) == 1}


def _definitions(line: str):
    """``(letter, meaning words)`` a line may state."""
    for pattern in (_LETTER_FIRST, _MEANING_FIRST):
        m = pattern.match(line)
        if m:
            yield m.group("letter"), m.group("meaning")
            return
    for m in _IN_PROSE.finditer(line):
        if m.group("letter") not in _ARTICLES:   # "with a stride of 2": a word, not a name
            yield m.group("letter"), m.group("meaning")


_ARTICLES = {"a", "A", "I"}
