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
_WINDOW = re.compile(r"(?i)kernel|kernal|filter|卷积核|核|receptive field|window|窗口")
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


#: two or three letters defined at once: "$W, H$：输入宽、高", "where W and H are the input
#: width and height", "H, W 分别为输出的高和宽"
_NAME = r"\$?`?(?<![A-Za-z\\])[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?`?\$?"
_LIST = re.compile(r"(?:^[\s>*+\-#|]*|\bwhere\s+|\blet\s+|其中\s*|设\s*)"
                   rf"(?P<letters>{_NAME}(?:\s*(?:,|，|、|\band\b|和)\s*{_NAME}){{1,2}})"
                   r"\s*(?:[:：]|\bare\b|\bdenote\b|分别(?:为|是|表示)|为|是|表示)\s*(?P<meaning>[^\n;；。]{3,80})")
_SPLIT = re.compile(r"\s*(?:、|,|，|\band\b|和|与|及)\s*")
_QUALIFIER = re.compile(r"(?i)\b(?:input|output)\b|输入|输出|卷积核|\bkernel\b|\bfilter\b")
#: a Chinese sentence naming the meaning first: "输入通道数为$M$", "把卷积核简写为$K$"
_CJK_MEANING_FIRST = re.compile(r"(?:^|[，,。；;、：:]|其中|设|假设|把)\s*(?P<meaning>[^，,。；;、：:$`\n]{2,16}?)\s*"
                                r"(?:分别)?(?:简写为|记为|记作|为|是)\s*" + _LETTER + r"(?=\s*(?:[，,。；;、)）]|$))")


def _listed(line: str):
    """``(letter, meaning words)`` for letters defined together, their meanings listed in the
    same order; a qualifier said once (input, 输出) holds for the meanings after it."""
    m = _LIST.search(line)
    if not m:
        return []
    letters = re.findall(r"(?<![A-Za-z\\])[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?(?![A-Za-z])",
                         re.sub(r"\band\b|和", ",", m.group("letters")))
    parts = [p for p in _SPLIT.split(m.group("meaning").strip(" .。")) if p]
    if len(parts) != len(letters) or len(set(letters)) != len(letters):
        return []
    qualifier = _QUALIFIER.search(parts[0])
    if qualifier:
        parts = [parts[0]] + [p if _QUALIFIER.search(p) else f"{qualifier.group(0)} {p}" for p in parts[1:]]
    return list(zip(letters, parts))


def _definitions(line: str):
    """``(letter, meaning words)`` a line may state."""
    listed = _listed(line)
    if listed:
        yield from listed
        return
    for pattern in (_LETTER_FIRST, _MEANING_FIRST):
        m = pattern.match(line)
        if m:
            yield m.group("letter"), m.group("meaning")
            return
    for m in _IN_PROSE.finditer(line):
        if m.group("letter") not in _ARTICLES:   # "with a stride of 2": a word, not a name
            yield m.group("letter"), m.group("meaning")
    for m in _CJK_MEANING_FIRST.finditer(line):
        yield m.group("letter"), m.group("meaning")


_ARTICLES = {"a", "A", "I"}


#: math in a note: $...$, $$...$$ and LaTeX display environments
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\begin\{(?:equation|align|gather)\*?\}(.+?)\\end\{", re.S)
#: a name made of words: \text{Input Size}, Output\_Size, H_{Input}, Padding
_WORD_NAME = re.compile(r"\\(?:text|mathrm|textrm|operatorname)\{(?P<t>[A-Za-z][A-Za-z ]{2,40})\}"
                        r"|(?<![\\A-Za-z])(?P<n>[A-Za-z]+(?:\\?_\{?[A-Za-z]+\}?)*)(?![A-Za-z{])")
_AXIS_LETTER = {"H": "height", "W": "width"}
#: parts of a name that stand for a word: channel_in, H_out
_ABBREVIATED = {"in": "input", "out": "output", "inp": "input"}


def word_names(text: str, known=frozenset()) -> dict[str, str]:
    """``{name: course name}`` for the names of the note's formulas that are words and say
    what they measure (``\\text{Input Size}``, ``Output\\_Size``, ``H_{Input}``, ``Padding``),
    leaving out ``known`` names and words that do not settle a meaning.

    >>> word_names(r"$\\text{Output Size} = \\frac{\\text{Input Size} - K + 2P}{\\text{Stride}} + 1$")
    {'\\\\text{Output Size}': 'W_out', '\\\\text{Input Size}': 'W_in', '\\\\text{Stride}': 'S'}
    >>> word_names(r"$$H_{Output}= {H_{Input} - H_{Kernal} + 2Padding \\over Stride} + 1$$")
    {'H_{Output}': 'H_out', 'H_{Input}': 'H_in', 'H_{Kernal}': 'K', 'Padding': 'P', 'Stride': 'S'}
    """
    found: dict[str, set[str]] = {}
    for m in _MATH.finditer(text):
        math = next(g for g in m.groups() if g is not None)
        for w in _WORD_NAME.finditer(math):
            name = w.group(0)
            if w.group("t"):
                words = w.group("t")
            else:
                parts = [x for x in re.split(r"\\?_|[{}]", w.group("n")) if x]
                if max(map(len, parts)) < 3 or name in known:
                    continue   # letters (K, C_in), not words
                parts = [_AXIS_LETTER.get(x, _ABBREVIATED.get(x.lower(), x)) for x in parts]
                words = " ".join(parts)
            name_meaning = meaning(words)
            if name_meaning:
                found.setdefault(name, set()).add(name_meaning)
    return {name: m.pop() for name, m in found.items() if len(m) == 1}
