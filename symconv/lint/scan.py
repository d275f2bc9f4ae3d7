"""Reading a Markdown course note: its formulas, with the context that places them.

:func:`scan` walks the note line by line and yields one :class:`Formula` per
``$...$`` or ``$$...$$`` (and per plain-text ``Params = 6432``), each with the
quantity its line labels (``Params =``, ``#MACs``, ``Parameters:``, a ``- = ...``
continuation), the layer type named by the headings and list items above it,
and the worked example (``Input: 128x128x8``, ``Filter = 5x5x8x32``,
``padding = same``, ``stride = 2``) in force in its section. Nothing here
parses a formula; :mod:`symconv.lint` checks them.

>>> note = '''# Convolution
... - Example: Input: 128x128x8, Filter = 5x5x8x32, padding = valid
... - Params = $32(5*5*8+1) = 6432$'''
>>> [(f.line, f.text, f.quantity, f.kind, f.example["D_out"]) for f in scan(note)]
[(3, '32(5*5*8+1) = 6432', 'params', 'conv', 32)]
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

#: formulas scanned on one line; a longer line is generated or hostile
MAX_PER_LINE = 100

#: (pattern, layer name, options for a symbolic layer), first match wins.
KINDS = (
    (r"depth[- ]?wise[- ]separable|dw-sep|separable conv|深度可分离", "dw-sep", {}),
    (r"depth[- ]?wise|逐通道卷积|深度卷积|(?<![A-Za-z])DW(?:卷积|层|\s+conv)", "depthwise", {}),
    (r"point[- ]?wise|\b1\s*[x×]\s*1\b|逐点卷积|(?<![A-Za-z])PW(?:卷积|层|\s+conv)", "pointwise", {}),
    (r"\bgroup(?:ed)? conv|分组卷积", "grouped", {}),
    (r"transposed|deconvolution|fractionally[- ]strided|转置卷积|反卷积", "transposed-conv", {}),
    (r"fully[- ]connected|\bdense\b|全连接", "dense", {}),
    (r"global[- ]average[- ]pool|global[- ]avg[- ]pool|\bGAP\b|全局平均池化", "global-avg-pool", {}),
    (r"max[- ]?pool|最大池化", "max-pool", {}),
    (r"av(?:era)?g(?:e)?[- ]?pool|mean[- ]pool|平均池化", "avg-pool", {}),
    (r"batch[- ]?norm|(?<![A-Za-z])BN(?![A-Za-z])|批归一化|批量归一化", "batchnorm", {}),
    (r"dilated|atrous|空洞卷积|膨胀卷积", "conv", {"dilation": "d"}),
    (r"strided", "conv", {"stride": "S"}),
    (r"convolution|\bconv\b|卷积", "conv", {}),
)
_KIND_RES = [(re.compile(p, re.I), name, opts) for p, name, opts in KINDS]

#: label word -> quantity
LABEL_WORDS = {
    "params": "params", "parameters": "params", "parameter count": "params",
    "weights": "weights", "macs": "macs", "mac count": "macs", "mult-adds": "macs",
    "multiply-adds": "macs", "multiply-accumulates": "macs", "multiplications": "macs",
    "flops": "flops", "output size": "output-size", "output shape": "output-size",
    "output": "output-size", "maccs": "macs", "macc": "macs",
    "参数量": "params", "参数数量": "params", "参数个数": "params", "计算量": "macs", "乘加次数": "macs",
    "乘加数": "macs",
}
#: the label words of Chinese notes, after which a formula may follow without $...$
_CJK_LABEL = re.compile(r"(?P<w>参数量|参数数量|参数个数|计算量|乘加次数|乘加数)\s*(?:为|是|[:=：])\s*\**"
                        r"(?P<f>[A-Za-z(][A-Za-z0-9_()+\-*/^× ]*[A-Za-z0-9)])")
_WORDS = "|".join(sorted((re.escape(w) for w in LABEL_WORDS), key=len, reverse=True))
# A label just before a formula: "Params = ", "#MACs: ", "MACs (stride 2) = ", "number of parameters is".
_LABEL_BEFORE = re.compile(
    rf"(?i)(?:^|[^A-Za-z])\#?\s*(?P<w>{_WORDS})(?![A-Za-z0-9_])\s*"
    r"(?:(?:of|for|in)\s+(?:the\s+|a\s+|an\s+)?[A-Za-z0-9\- ]{1,40}?\s*)?"
    r"(?:per\s+output\s+(?P<per>value|element|pixel|position|location)\s*)?"
    r"(?:\([^()$]*\))?\s*(?:[:=：]|is|are|为|是)?\s*$")
#: a Chinese note's words for an output size: 输出大小, 卷积后的尺寸, 池化后的特征图维度 (then 为, ：)
_CJK_OUTPUT = re.compile(r"(?:输出|卷积后|池化后)的?(?:特征图|图片|图像|矩阵|结果)?的?(?:尺寸大小|大小|尺寸|维度)"
                         r"(?:的?计算公式)?\s*(?:为|是|[:=：])?\s*$")
_CONTINUE = re.compile(r"^\s*(?:[-*+]\s+)?=\s*$")
_PER = re.compile(r"(?i)^\W*per\s+output\s+(?P<what>value|element|pixel|position|location)")
_PLAIN = re.compile(rf"(?i)(?<![A-Za-z#])#?(?P<w>{_WORDS})\b\s*[:=]\s*"
                    r"(?P<f>\d[\d\s,.*x×·()+\-/^]*)")

_ROUNDED = re.compile(r"(?i)\s*(?:million|billion|thousand|mio|bn|[kmgb])\b")
_DECIMAL = re.compile(r"\d\.\d")
_DIMS = r"(\d+)\s*x\s*(\d+)(?:\s*x\s*(\d+))?(?:\s*x\s*(\d+))?"
_EXAMPLE = {
    "input": re.compile(rf"(?i)\binput(?:\s+size|\s+shape)?\s*[:=]?\s*{_DIMS}"),
    # Filter = 5x5x8x32, kernel: 3x3, 32 filters of 5x5x8, window 2x2
    "filter": re.compile(rf"(?i)\b(?:filters?|kernel|window)(?:\s+size|\s+shape|\s+of)?\s*"
                         rf"[:=]?\s*{_DIMS}"),
    "vector": re.compile(r"(?i)\binput vector of\s*(\d+)"),
    "padding": re.compile(r"(?i)\bpadding\s*[:=]?\s*(valid|same|full|\d+)\b"),
    "stride": re.compile(r"(?i)\bstride\s*[:=]?\s*(\d+)\b"),
    "dilation": re.compile(r"(?i)\bdilation(?:\s+rate)?\s*[:=]?\s*(\d+)\b"),
    "groups": re.compile(r"(?i)\bgroups\s*[:=]?\s*(\d+)\b"),
    "filters": re.compile(r"(?i)\b(\d+)\s+(?:filters|output channels|outputs)\b"
                          r"|\b(?:output channels|D_out)\s*[:=]\s*(\d+)"),
    "nobias": re.compile(r"(?i)\b(?:no|without)[\s-]+bias|\bbias\s*(?:[:=]\s*)?(?:off|false)"),
}
#: words in the text before a formula that set its layer's options
_MODIFIERS = {
    "padding": re.compile(r"(?i)\b(valid|same|full)\s+padding\b|\bpadding\s*[:=]?\s*(valid|same|full)"),
    "stride": _EXAMPLE["stride"], "dilation": _EXAMPLE["dilation"], "groups": _EXAMPLE["groups"],
}
_OUTPUT_CLAIM = re.compile(rf"(?i)\boutput(?:\s+size|\s+shape)?\s*[:=]\s*{_DIMS}")
_TABLE_VALUE = re.compile(r"(?<!\$)\$([^$|]+)\$\s*\|\s*(\d[\d,]*)\s*(?=\|)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(?:>\s*)*(```|~~~)")
_QUOTE = re.compile(r"^\s*(?:>\s?)+(?:\[![A-Za-z]+\][+-]?\s*)?")
_WIKI = re.compile(r"\[\[[^\]]*\]\]")
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


def detect_kind(text: str) -> tuple[str, dict] | None:
    """The layer type a heading or list item names (not counting ``[[links]]``)."""
    found = _detect_kind(text)
    return (found[0], dict(found[1])) if found else None


@functools.lru_cache(maxsize=4096)   # pure; a note repeats its headings and list items
def _detect_kind(text: str) -> tuple[str, dict] | None:
    text = _WIKI.sub(" ", text)
    for field_re in (_EXAMPLE["input"], _EXAMPLE["filter"]):
        text = field_re.sub(" ", text)
    for pattern, name, opts in _KIND_RES:
        if pattern.search(text):
            return name, dict(opts)
    return None


def _flat(text: str) -> str:
    """Text with LaTeX products and dollars flattened, so 5 \\times 5 reads as 5x5."""
    text = re.sub(r"\\times|\\cdot|×|\*", "x", text)
    return text.replace("$", " ").replace("\\,", "")


#: a word every pattern of :data:`_EXAMPLE` needs: a line without one states no example
_EXAMPLE_WORD = re.compile(r"(?i)input|filter|kernel|window|padding|stride|dilation|groups|output"
                           r"|d_out|bias")


def read_example(text: str, example: dict, flat: str | None = None) -> dict:
    """Update a worked example from one line; a second Input or Filter starts a new example.
    (``flat`` is ``_flat(text)`` when the caller has it.)"""
    flat = _flat(text) if flat is None else flat
    if not _EXAMPLE_WORD.search(flat):
        return dict(example)
    found = {k: r.search(flat) for k, r in _EXAMPLE.items()}
    if (found["input"] and "W_in" in example) or (found["filter"] and "W_F" in example):
        example = {}
    example = dict(example)
    if found["input"]:
        dims = [int(d) for d in found["input"].groups() if d]
        example.update(zip(("W_in", "H_in", "D_in"), dims))
    if found["filter"]:
        dims = [int(d) for d in found["filter"].groups() if d]
        names = ("W_F", "H_F", "D_in", "D_out")
        if len(dims) == 3 and "D_in" in example and dims[2] != example["D_in"]:
            names = ("W_F", "H_F", "D_out")
        for name, value in zip(names, dims):
            if name == "D_in" and example.get("D_in", value) != value:
                example["_conflict"] = f"the input has {example['D_in']} channels but the " \
                                       f"filter {value}"
            example[name] = value
    if found["padding"]:
        v = found["padding"].group(1).lower()
        example["padding"] = int(v) if v.isdigit() else v
    for key in ("stride", "dilation", "groups"):
        if found[key]:
            example[key] = int(found[key].group(1))
    if found["vector"]:
        example["D_in"] = int(found["vector"].group(1))
    if found["filters"]:
        example["D_out"] = int(next(g for g in found["filters"].groups() if g))
    if found["nobias"] and (found["input"] or found["filter"]):  # else it is one line's
        example["bias"] = False
    return example


def _segments(line: str):
    """``(text, math)`` pairs: the text before each formula and the formula; a last (text, None)."""
    pos = 0
    for m in _MATH.finditer(line):
        yield line[pos:m.start()], (m.group(1) if m.group(1) is not None else m.group(2)), m
        pos = m.end()
    yield line[pos:], None, None


#: a whole line that is an equation: a name = an expression of names and numbers
_EQUATION = re.compile(r"^[\s>*+\-]*(?P<f>(?P<lhs>[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?)\s*=\s*"
                       r"[A-Za-z0-9_{}()+\-−*/×·^ .]+?)\s*[.,;]?\s*$")
_IDENTIFIER = re.compile(r"[A-Za-z](?:_\{?[A-Za-z0-9]{1,4}\}?)?")


def _plain_equation(line: str, letters: frozenset) -> str | None:
    """``line`` when it is an equation in plain text whose every name is one of ``letters``
    (with a number or an operator between them), else None: ``S = 2`` sets a value."""
    m = _EQUATION.match(line)
    if not m or not re.search(r"[A-Za-z]", m.group("f")[m.end("lhs") - m.start("f"):]):
        return None
    names = _IDENTIFIER.findall(re.sub(r"\d[A-Za-z]", lambda d: d.group(0)[0] + " " + d.group(0)[1],
                                       m.group("f")))
    return m.group("f") if names and set(names) <= letters else None


def _per(quantity: str | None, what: str | None) -> str | None:
    """``macs`` per output value or pixel -> ``macs-per-output-value`` / ``-pixel``."""
    if quantity != "macs" or not what:
        return quantity
    return f"macs-per-output-{'value' if what.lower() in ('value', 'element') else 'pixel'}"


@functools.lru_cache(maxsize=4096)   # pure; "- Params = " comes back on every section
def _label(before: str) -> str | None:
    """The quantity labelled just before a formula (``Params = ``, ``| MACs | `` in a table)."""
    before = before.replace("*", " ").replace("_", " ").replace("|", " : ")
    m = _LABEL_BEFORE.search(before[-80:])
    if m is None:
        return "output-size" if _CJK_OUTPUT.search(before[-40:]) else None
    return _per(LABEL_WORDS[m.group("w").lower()], m.group("per"))


def scan(text: str, letters: frozenset = frozenset()):
    """Yield every :class:`Formula` of a Markdown note, in order; ``letters`` are the names the
    note defines (its glossary): an equation in plain text over them alone is a formula too."""
    frames = [_Frame(0, example={})]
    last_label: str | None = None
    pending: str | None = None       # "MACs:" at the end of a line labels the next formula
    display: list[str] | None = None
    display_start = 0
    in_fence = in_front = False
    # lines end at \n, \r\n or \r (CommonMark, and every editor); not at \x0c, \x1c-\x1e,
    # \x85 or U+2028, where str.splitlines() also cuts, so line numbers stay the editor's
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if display is not None:  # inside a $$ ... $$ block
            if "$$" in raw:
                display.append(raw.split("$$", 1)[0])
                yield _place(frames, display_start, " ".join(display), pending)
                last_label = pending or last_label
                pending, display = None, None
            else:
                display.append(raw)
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
        flat = _flat(line)
        section.example = read_example(line, section.example, flat)
        claim = _OUTPUT_CLAIM.search(flat)
        if claim and "$" not in line:
            dims = tuple(int(d) for d in claim.groups() if d)
            yield _place(frames, number, claim.group(0), "output-size", plain=True, claim=dims)
        if line.count("$$") % 2 == 1:  # a display block opens here
            before = line.split("$$", 1)[0]
            pending = _label(before) or carry
            display, display_start = [line.split("$$", 1)[1]], number
            continue
        found = False
        for count, (before, math, match) in enumerate(_segments(line)):
            if count > MAX_PER_LINE:  # the linter notes the overflow; scan no further
                break
            if math is None:
                if not found and "$" not in line:
                    for plain in itertools.islice(_CJK_LABEL.finditer(before), MAX_PER_LINE + 1):
                        formula = plain.group("f")
                        if re.search(r"[A-Za-z]", formula) and re.search(r"[x×*+/^]", formula):
                            yield _place(frames, number, formula, LABEL_WORDS[plain.group("w")],
                                         plain=True, before=before[:plain.start()])
                            found = True
                if not found and "$" not in line and not _OUTPUT_CLAIM.search(_flat(before)):
                    for plain in itertools.islice(_PLAIN.finditer(before), MAX_PER_LINE + 1):
                        quantity = LABEL_WORDS[plain.group("w").lower()]
                        # "6,432 (weights + biases)": the formula ends before a spaced "("
                        formula = re.split(r"(?<=[\d)])\s+\(", plain.group("f"))[0]
                        formula = formula.strip(" ,.;(")
                        if _ROUNDED.match(before, plain.end("f")) or _DECIMAL.search(formula):
                            continue  # 98.4 million: a rounded figure, not a claim
                        yield _place(frames, number, formula, quantity, plain=True)
                        last_label = quantity
                if letters and not found and "$" not in line:
                    equation = _plain_equation(before, letters)
                    if equation:   # O = (W + 2P - F)/S + 1, after "O: output size"
                        yield _place(frames, number, equation, None, plain=True)
                        found = True
                if _label(before) and not found:
                    pending = _label(before)
                break
            found = True
            label = _label(before)
            if label is None and (_CONTINUE.match(before) or before.strip() == ""
                                  and math.lstrip().startswith("=")):
                label = last_label
            elif label is None and carry and not before.strip(" -*+"):
                label = carry
            per = _PER.match(line[match.end():])
            label = _per(label, per.group("what") if per else None)
            at = spoken.find(match.group(0))   # code spans state options too: `padding = same`
            yield _place(frames, number, math.strip(), label, before=before,
                         context=spoken[:at].replace("`", " ") if at >= 0 else None)
            if label:
                last_label = label.split("-per-")[0]
            carry = None
    if display is not None:
        yield _place(frames, display_start, " ".join(display), pending)


def modifiers(text: str) -> dict:
    """Options that the words just before a formula set: ``without bias``, ``same padding``,
    ``stride 2``."""
    return dict(_modifiers(text))


@functools.lru_cache(maxsize=4096)   # pure; the text before a formula repeats
def _modifiers(text: str) -> dict:
    flat = _flat(text)
    out: dict = {}
    if _EXAMPLE["nobias"].search(flat):
        out["bias"] = False
    for option, pattern in _MODIFIERS.items():
        m = None
        for m in pattern.finditer(flat):   # the last one said before the formula holds
            pass
        if m:
            value = next(g for g in m.groups() if g)
            out[option] = int(value) if value.isdigit() else value.lower()
    return out


_IF = re.compile(r"(?i)\b(?:if|when|assum\w*|suppose|provided|given that|for the case)\b|如果|若|假设|当|设置")


@functools.lru_cache(maxsize=4096)   # pure; the text before a formula repeats
def _closest_kind(text: str) -> tuple | None:
    """The layer type named nearest before a formula on its line (the last one named)."""
    best, end = None, -1
    text = _WIKI.sub(" ", text)
    for rx, name, opts in _KIND_RES:
        for m in rx.finditer(text):
            if m.end() > end:
                best, end = (name, opts), m.end()
    return best


def _place(frames, line, text, quantity, plain=False, claim=None, before="",
           context=None) -> Formula:
    """The formula, placed: its layer, the example above it, and the options its line states
    before it (``context``: the whole line up to the formula, code spans included)."""
    # a layer named on the line itself ("DW卷积的计算量为", "MACs of the depthwise:") wins
    kind = _closest_kind(before) if before.strip() else None
    kind = kind or next((f.kind for f in reversed(frames) if f.kind), None)
    example: dict = {}
    for f in frames:
        if f.example:
            example.update(f.example)
    mods = modifiers(before if context is None else context)
    if _IF.search(before):
        mods["_if"] = True   # "if we set p = k - 1, the output is ...": a premise the formula needs
    return Formula(line, text, quantity, kind[0] if kind else None,
                   dict(kind[1]) if kind else {}, example, output_claim=claim, plain=plain,
                   modifiers=mods)
