"""Reading a Markdown course note: its formulas, with the context that places them.

:func:`scan` walks the note line by line and yields one :class:`Formula` per
``$...$`` or ``$$...$$`` (and per plain-text ``Params = 6432``), each with the
quantity its line labels (``Params =``, ``#MACs``, ``Parameters:``, a ``- = ...``
continuation), the layer type named by the headings and list items above it,
and the worked example (``Input: 128x128x8``, ``Filter = 5x5x8x32``,
``padding = same``, ``stride = 2``) in force in its section. Nothing here
parses a formula; :mod:`symconv.lint` checks them. The words it reads are :mod:`.words`.

>>> note = '''# Convolution
... - Example: Input: 128x128x8, Filter = 5x5x8x32, padding = valid
... - Params = $32(5*5*8+1) = 6432$'''
>>> [(f.line, f.text, f.quantity, f.kind, f.example["D_out"]) for f in scan(note)]
[(3, '32(5*5*8+1) = 6432', 'params', 'conv', 32)]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .notation import prepare
from .words import (CJK_LABEL, DECIMAL, LABEL_WORDS, OUTPUT_CLAIM, PER_OUTPUT, PLAIN_LABEL,
                    PREMISE, ROUNDED, closest_kind, code_formula, detect_kind, flattened, label_before,
                    modifiers, per_output, read_example)

#: formulas scanned on one line; a longer line is generated or hostile
MAX_PER_LINE = 100

_CONTINUE = re.compile(r"^\s*(?:[-*+]\s+)?=\s*$")
_TABLE_VALUE = re.compile(r"(?<!\$)\$([^$|]+)\$\s*\|\s*(\d[\d,]*)\s*(?=\|)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
#: a LaTeX heading (a .tex note): \chapter{...} is level 1, \section 2, ... \paragraph 5
_TEX_HEADING = re.compile(r"^\s*\\(chapter|section|subsection|subsubsection|paragraph)\*?\{(.*)\}\s*$")
_TEX_LEVEL = {"chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5}
#: a LaTeX display block: \begin{equation} ... \end{equation} (align, gather, ...), \[ ... \]
_TEX_DISPLAY = re.compile(r"^\s*(?:\\begin\{(?P<env>equation|align|gather|multline|displaymath|eqnarray)"
                          r"(?P<star>\*?)\}|\\\[)(?P<rest>.*)$")
#: the sentence leading into a display block sets a value its formula needs ("for p = k - 1
#: and s = 1,", "described by p' = k - 1"): then the formula holds under that premise only;
#: a value of 0 or 1 (s = 1, p = 0) restates what the check takes anyway and is no premise
_LEAD_PREMISE = re.compile(r"(?i)(?:\bfor\b|\bwith\b|\bwhere\b|\bdescribed by\b|\bif\b|\bwhen\b|当|若|如果|其中)")
_SETS = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?:_\{?\w{1,4}\}?)?'?\s*=(?!=)\s*(?P<value>[^,$;。；]*)")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(?:>\s*)*(```|~~~)")
_QUOTE = re.compile(r"^\s*(?:>\s?)+(?:\[![A-Za-z]+\][+-]?\s*)?")
_CODE = re.compile(r"`[^`]*`")
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$")


@dataclass
class Formula:
    """One formula of a note, with what placed it."""

    line: int
    text: str
    quantity: str | None = None         # params, macs, ..., from the label
    kind: str | None = None             # a layer name from the registry
    options: dict = field(default_factory=dict)   # symbolic options of the kind
    example: dict = field(default_factory=dict)   # the worked example's numbers
    output_claim: tuple | None = None   # Output: 124x124x32 (width, height, channels)
    modifiers: dict = field(default_factory=dict)  # "without bias: $...$", "same padding"
    plain: bool = False                 # written without $...$
    window: bool = False                # kind "conv" stands for any sliding window (no layer named)


@dataclass
class _Frame:
    rank: int                      # heading level 1-6; list items 10 + indent
    kind: tuple | None = None      # (name, options)
    example: dict | None = None    # only on headings (and the document root)


#: a label word that is a term of a product (2 x MACs, 2 MACs), and a number followed by a
#: word (FLOPs = 2 MACs): neither is a claim about that quantity
_IN_A_PRODUCT = re.compile(r"(?:\d|[x×*·]|\\times|\\cdot)\s*$")
#: after 'FLOPs = 2 x' the rest of the product and the figure it comes to: 'MACs = 132,710,400'
_PRODUCT_TOTAL = re.compile(r"\s*(?:[x×*·]\s*)?[A-Za-z]{2,}\s*=\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?!\d|[.,]\d)")
_WORD_NEXT = re.compile(r"[\d\s,.]*\d\s*(?:[x×*·]\s*)?(?P<word>[A-Za-z]{2,})")


def _a_term(text: str, plain: re.Match) -> bool:
    """Is the labelled number a term of something larger: ``2 x MACs`` after ``FLOPs =``, or
    the label itself a factor (``2 x MACs = ...``)? A unit of the label's own quantity
    (``Params: 73,856 parameters``) is not."""
    if _IN_A_PRODUCT.search(text, 0, plain.start()):
        return True
    after = _WORD_NEXT.match(text, plain.start("f"))
    if after is None:
        return False
    word = LABEL_WORDS.get(after.group("word").lower())
    return word != LABEL_WORDS[plain.group("w").lower()]

def _segments(line: str):
    """``(text, math)`` pairs: the text before each formula and the formula; a last (text, None)."""
    pos = 0
    for m in _MATH.finditer(line):
        yield line[pos:m.start()], (m.group(1) if m.group(1) is not None else m.group(2)), m
        pos = m.end()
    yield line[pos:], None, None


#: a whole line that is an equation: a name = an expression of names and numbers
_EQUATION = re.compile(r"^[\s>*+\-]*(?:(?i:where|so|then|thus|hence)\b\s*[,:]?\s*|其中\s*[,:，：]?\s*)?"
                       r"(?P<f>(?P<lhs>[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?(?:\[[^\]=]{1,8}\])?)\s*=\s*"
                       r"[A-Za-z0-9_{}()\[\]+\-−*/×·^ .]+?)\s*[.,;]?\s*$")
_IDENTIFIER = re.compile(r"[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?")


def _plain_equation(line: str, letters: frozenset) -> str | None:
    """``line`` when it is an equation in plain text whose every name is one of ``letters``
    (with a number or an operator between them), else None: ``S = 2`` sets a value."""
    m = _EQUATION.match(line)
    if not m or not re.search(r"[A-Za-z]", m.group("f")[m.end("lhs") - m.start("f"):]):
        return None
    names = _IDENTIFIER.findall(re.sub(r"\d[A-Za-z]", lambda d: d.group(0)[0] + " " + d.group(0)[1],
                                       prepare(m.group("f"))))   # n[l-1] is n_prev
    return m.group("f") if names and set(names) <= letters else None


def scan(text: str, letters: frozenset = frozenset()):
    """Yield every :class:`Formula` of a Markdown note, in order; ``letters`` are the names the
    note defines (its glossary): an equation in plain text over them alone is a formula too."""
    frames = [_Frame(0, example={})]
    last_label: str | None = None
    pending: str | None = None       # "MACs:" at the end of a line labels the next formula
    display: list[str] | None = None
    display_start, display_end = 0, "$$"
    lead: list[str] = []             # the paragraph's lines before a display block
    in_fence = in_front = False
    # lines end at \n, \r\n or \r (CommonMark, and every editor); not at \x0c, \x1c-\x1e,
    # \x85 or U+2028, where str.splitlines() also cuts, so line numbers stay the editor's
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:   # code: only a labelled formula (params = (K*K*C_in + 1)*C_out)
            code = code_formula(raw)
            equation = None if code or not letters else _plain_equation(raw, letters)
            if code:
                yield _place(frames, number, code[1], code[0], plain=True)
            elif equation:   # n[l] = (n[l-1] + 2p[l] - f[l])/s[l] + 1, in the note's letters
                yield _place(frames, number, equation, None, plain=True)
            continue
        if display is not None:  # inside a $$ ... $$ block (or a LaTeX display environment)
            if display_end in raw:
                display.append(raw.split(display_end, 1)[0])
                yield _display(frames, display_start, display, pending, lead)
                last_label = pending or last_label
                pending, display = None, None
            else:
                display.append(raw)
            continue
        tex = _TEX_DISPLAY.match(raw)
        if tex and not raw.lstrip().startswith("%"):
            env = tex.group("env")
            display_end = f"\\end{{{env}{tex.group('star')}}}" if env else "\\]"
            display, display_start = [], number
            if display_end in tex.group("rest"):   # \[ o = i - k + 1 \] on one line
                display = [tex.group("rest").split(display_end, 1)[0]]
                yield _display(frames, number, display, pending, lead)
                pending, display = None, None
            else:
                display.append(tex.group("rest"))
            continue
        lead = lead[-2:] + [raw] if raw.strip() else []
        heading = _TEX_HEADING.match(raw)
        if heading:
            level = _TEX_LEVEL[heading.group(1)]
            frames = [f for f in frames if f.rank < level]
            frames.append(_Frame(level, detect_kind(heading.group(2)), example={}))
            last_label = pending = None
            continue
        if number == 1 and raw.strip() == "---":  # YAML front matter
            in_front = True
            continue
        if in_front:
            in_front = raw.strip() != "---"
            continue
        # block quotes and callouts (> [!note] Title) hold notes too; a callout's title
        # names a layer type like a heading does, until the quote ends
        quote = _QUOTE.match(raw)
        if not quote:
            frames = [f for f in frames if f.rank != 7]
        spoken = raw.replace("\t", "    ")[quote.end():] if quote else raw.replace("\t", "    ")
        line = _CODE.sub(" ", spoken)
        if quote and "[!" in quote.group():
            frames = [f for f in frames if f.rank < 7]
            frames.append(_Frame(7, detect_kind(line)))
            continue
        if line.strip():  # "MACs:" labels the formula on the next line only
            carry, pending = pending, None
        else:
            carry = pending
        if line.lstrip().startswith("|"):  # | $128 - 5 + 1$ | 124 |: a computation and its value
            line = _TABLE_VALUE.sub(lambda m: f"${m.group(1)} = {m.group(2)}$ |", line)
        heading, item = _HEADING.match(line), _ITEM.match(line)
        if heading:
            level = len(heading.group(1))
            frames = [f for f in frames if f.rank < level]
            frames.append(_Frame(level, detect_kind(heading.group(2)), example={}))
            last_label = pending = None
            continue
        if item:
            rank = 10 + len(item.group(1))
            frames = [f for f in frames if f.rank < rank]
            frames.append(_Frame(rank, detect_kind(item.group(2))))
        elif line.strip() and not line[:1].isspace():
            frames = [f for f in frames if f.rank < 10]
        section = next(f for f in reversed(frames) if f.example is not None)
        flat = flattened(line)
        section.example = read_example(line, section.example, flat)
        claim = OUTPUT_CLAIM.search(flat)
        if claim and "$" not in line:
            dims = tuple(int(d) for d in claim.groups() if d)
            yield _place(frames, number, claim.group(0), "output-size", plain=True, claim=dims)
        if line.count("$$") % 2 == 1:  # a display block opens here
            before = line.split("$$", 1)[0]
            pending = label_before(before) or carry
            display, display_start, display_end = [line.split("$$", 1)[1]], number, "$$"
            lead = lead[:-1] + ([before] if before.strip() else [])
            continue
        found = False
        for count, (before, math, match) in enumerate(_segments(line)):
            if count > MAX_PER_LINE:  # the linter notes the overflow; scan no further
                break
            if math is None:
                if not found and "$" not in line:
                    for plain in itertools.islice(CJK_LABEL.finditer(before), MAX_PER_LINE + 1):
                        formula = plain.group("f")
                        if re.search(r"[A-Za-z]", formula) and re.search(r"[x×*+/^]", formula):
                            yield _place(frames, number, formula, LABEL_WORDS[plain.group("w")],
                                         plain=True, before=before[:plain.start()])
                            found = True
                if not found and "$" not in line and not OUTPUT_CLAIM.search(flattened(before)):
                    for plain in itertools.islice(PLAIN_LABEL.finditer(before), MAX_PER_LINE + 1):
                        quantity = LABEL_WORDS[plain.group("w").lower()]
                        # "6,432 (weights + biases)": the formula ends before a spaced "("
                        formula = re.split(r"(?<=[\d)])\s+\(", plain.group("f"))[0]
                        formula = formula.strip(" ,.;(")
                        if ROUNDED.match(before, plain.end("f")) or DECIMAL.search(formula):
                            continue  # 98.4 million: a rounded figure, not a claim
                        if _a_term(before, plain):
                            # FLOPs = 2 x MACs = 132,710,400: a term, not a label; the
                            # figure the product comes to is the labelled quantity's
                            total = _PRODUCT_TOTAL.match(before, plain.end("f"))
                            if total and not _IN_A_PRODUCT.search(before, 0, plain.start()) \
                                    and not ROUNDED.match(before, total.end()):
                                yield _place(frames, number, total.group("n").replace(",", ""),
                                             quantity, plain=True)
                                last_label = quantity
                            continue
                        yield _place(frames, number, formula, quantity, plain=True)
                        last_label = quantity
                if letters and not found and "$" not in line:
                    equation = _plain_equation(before, letters)
                    if equation:   # O = (W + 2P - F)/S + 1, after "O: output size"
                        yield _place(frames, number, equation, None, plain=True)
                        found = True
                if label_before(before) and not found:
                    pending = label_before(before)
                break
            found = True
            label = label_before(before)
            if label is None and (_CONTINUE.match(before) or before.strip() == ""
                                  and math.lstrip().startswith("=")):
                label = last_label
            elif label is None and carry and not before.strip(" -*+"):
                label = carry
            per = PER_OUTPUT.match(line[match.end():])
            label = per_output(label, per.group("what") if per else None)
            at = spoken.find(match.group(0))   # code spans state options too: `padding = same`
            yield _place(frames, number, math.strip(), label, before=before,
                         context=spoken[:at].replace("`", " ") if at >= 0 else None)
            if label:
                last_label = label.split("-per-")[0]
            carry = None
    if display is not None:
        yield _display(frames, display_start, display, pending, lead)


def _display(frames, start: int, lines: list[str], quantity, lead: list[str]) -> Formula:
    """A display block, placed at its first line with a formula on it; a premise in the
    sentence that leads into it ("for p = k - 1 and s = 1,") goes with it."""
    first = next((i for i, d in enumerate(lines) if re.sub(r"\\(?:begin|end)\{[a-z*]+\}", "", d).strip()), 0)
    formula = _place(frames, start + first, " ".join(lines), quantity)
    said = " ".join(lead)
    if _LEAD_PREMISE.search(said) and any(m.group("value").strip() not in ("0", "1")
                                          for m in _SETS.finditer(said)):
        formula.modifiers["_if"] = True
    return formula


def _place(frames, line, text, quantity, plain=False, claim=None, before="",
           context=None) -> Formula:
    """The formula, placed: its layer, the example above it, and the options its line states
    before it (``context``: the whole line up to the formula, code spans included)."""
    # a layer named on the line itself ("DW卷积的计算量为", "MACs of the depthwise:") wins
    kind = closest_kind(before) if before.strip() else None
    kind = kind or next((f.kind for f in reversed(frames) if f.kind), None)
    example: dict = {}
    for f in frames:
        if f.example:
            example.update(f.example)
    mods = modifiers(before if context is None else context)
    if PREMISE.search(before):
        mods["_if"] = True   # "if we set p = k - 1, the output is ...": a premise the formula needs
    return Formula(line, text, quantity, kind[0] if kind else None,
                   dict(kind[1]) if kind else {}, example, output_claim=claim, plain=plain,
                   modifiers=mods)
