"""The words of a note that place a formula: the layer a heading or list item names, the
quantity a label states (``Params =``, ``参数量：``, ``输出大小为``), the worked example
(``Input: 128x128x8``, ``Filter = 5x5x8x32``) and the options said before a formula
(``same padding``, ``without bias``). :mod:`.scan` reads the note's lines with them.
"""

from __future__ import annotations

import functools
import re

_WIKI = re.compile(r"\[\[[^\]]*\]\]")

#: (pattern, layer name, options for a symbolic layer), first match wins.
KINDS = (
    (r"depth[- ]?wise[- ]separable|dw-sep|separable conv|深度可分离", "dw-sep", {}),
    (r"depth[- ]?wise|逐通道卷积|深度卷积|(?<![A-Za-z])DW(?:卷积|层|\s+conv)", "depthwise", {}),
    (r"point[- ]?wise|\b1\s*[x×]\s*1\b|逐点卷积|(?<![A-Za-z])PW(?:卷积|层|\s+conv)", "pointwise", {}),
    (r"\bgroup(?:ed)?\s*(?:conv|卷积)|分组卷积|组卷积", "grouped", {}),
    (r"transposed|deconvolution|fractionally[- ]strided|转置卷积|反卷积", "transposed-conv", {}),
    (r"fully[- ]connected|\bdense\b|全连接|\bfc\b", "dense", {}),
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
    # code's names for an output's side: new_height = (input_height - filter_height + 2P)/S + 1
    "new height": "output-size", "new width": "output-size", "output height": "output-size",
    "output width": "output-size", "out height": "output-size", "out width": "output-size",
    "参数量": "params", "参数数量": "params", "参数个数": "params", "计算量": "macs", "乘加次数": "macs",
    "乘加数": "macs",
}
#: the label words of Chinese notes, after which a formula may follow without $...$
CJK_LABEL = re.compile(r"(?P<w>参数量|参数数量|参数个数|计算量|乘加次数|乘加数)\s*(?:为|是|[:=：])\s*\**"
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
PER_OUTPUT = re.compile(r"(?i)^\W*per\s+output\s+(?P<what>value|element|pixel|position|location)")
#: a labelled formula in a code block: ``params = (K*K*C_in + 1)*C_out``, ``# FLOPs = 2*MACs``
#: (an expression of names and numbers only: no call, no attribute, no string; not a bare
#: ``output =``, which code uses for anything)
CODE_LABEL = re.compile(rf"(?i)^\s*(?:#+|//)?\s*(?P<w>{_WORDS.replace(chr(92) + ' ', '[ _]')})\s*=\s*"
                        r"(?P<f>[\w ()+\-*/×·^]*[A-Za-z][\w ()+\-*/×·^]*)\s*;?\s*$")
PLAIN_LABEL = re.compile(rf"(?i)(?<![A-Za-z#])#?(?P<w>{_WORDS})\b\s*[:=]\s*"
                    r"(?P<f>\d[\d\s,.*x×·()+\-/^]*)")

ROUNDED = re.compile(r"(?i)\s*(?:million|billion|thousand|mio|bn|[kmgb])\b")
DECIMAL = re.compile(r"\d\.\d")
DIMS = r"(\d+)\s*x\s*(\d+)(?:\s*x\s*(\d+))?(?:\s*x\s*(\d+))?"
#: a Chinese note's "is" between a field and its value: 为, 是, ：, (大小)为
_ZH_IS = r"(?:的?(?:大小|尺寸|形状))?\s*(?:为|是)?\s*[:=：]?\s*"
EXAMPLE = {
    # Input: 32x32x3; 输入（特征图）为 32×32×64
    "input": re.compile(rf"(?i)\binput(?:\s+of)?(?:\s+size|\s+shape)?\s*[:=]?\s*{DIMS}"
                        rf"|输入(?:特征图|图片|图像|矩阵|数据)?{_ZH_IS}{DIMS}"),
    # Filter = 5x5x8x32, kernel: 3x3, 32 filters of 5x5x8, window 2x2; 卷积核（大小）为 3×3
    "filter": re.compile(rf"(?i)\b(?:filters?|kernel|window)(?:\s+of)?(?:\s+size|\s+shape)?\s*"
                         rf"[:=]?\s*{DIMS}|(?:卷积核|滤波器|过滤器){_ZH_IS}{DIMS}"),
    "vector": re.compile(r"(?i)\binput vector of\s*(\d+)"),
    "padding": re.compile(r"(?i)\bpadding(?:\s+of(?:\s+size)?)?\s*[:=]?\s*(valid|same|full|\d+)\b"
                          rf"|填充{_ZH_IS}(\d+)"),
    "stride": re.compile(rf"(?i)\bstride(?:\s+of)?\s*[:=]?\s*(\d+)\b|步长{_ZH_IS}(\d+)"),
    "dilation": re.compile(r"(?i)\bdilation(?:\s+rate)?\s*[:=]?\s*(\d+)\b"),
    "groups": re.compile(r"(?i)\bgroups\s*[:=]?\s*(\d+)\b"),
    # 128 filters, output channels: 128; 128 个卷积核, 输出通道（数）为 128
    "filters": re.compile(r"(?i)\b(\d+)\s+(?:filters|output channels|outputs)\b"
                          r"|\b(?:output channels|D_out)\s*[:=]\s*(\d+)"
                          rf"|(\d+)\s*个(?:卷积核|滤波器|过滤器|输出通道)|输出通道数?{_ZH_IS}(\d+)"),
    "nobias": re.compile(r"(?i)\b(?:no|without)[\s-]+bias|\bbias\s*(?:[:=]\s*)?(?:off|false)"),
}
#: words in the text before a formula that set its layer's options
_MODIFIERS = {
    "padding": re.compile(r"(?i)\b(valid|same|full)\s+padding\b|\bpadding\s*[:=]?\s*(valid|same|full)"),
    "stride": EXAMPLE["stride"], "dilation": EXAMPLE["dilation"], "groups": EXAMPLE["groups"],
}
OUTPUT_CLAIM = re.compile(rf"(?i)\boutput(?:\s+size|\s+shape)?\s*[:=]\s*{DIMS}")
def detect_kind(text: str) -> tuple[str, dict] | None:
    """The layer type a heading or list item names (not counting ``[[links]]``)."""
    found = _detect_kind(text)
    return (found[0], dict(found[1])) if found else None


@functools.lru_cache(maxsize=4096)   # pure; a note repeats its headings and list items
def _detect_kind(text: str) -> tuple[str, dict] | None:
    text = _WIKI.sub(" ", text)
    for field_re in (EXAMPLE["input"], EXAMPLE["filter"]):
        text = field_re.sub(" ", text)
    for pattern, name, opts in _KIND_RES:
        if pattern.search(text):
            return name, dict(opts)
    return None


def flattened(text: str) -> str:
    """Text with LaTeX products and dollars flattened, so 5 \\times 5 reads as 5x5."""
    text = re.sub(r"\\times|\\cdot|×|\*", "x", text)
    return text.replace("$", " ").replace("\\,", "")


#: a word every pattern of :data:`EXAMPLE` needs: a line without one states no example
_EXAMPLE_WORD = re.compile(r"(?i)input|filter|kernel|window|padding|stride|dilation|groups|output"
                           r"|d_out|bias|输入|卷积核|滤波器|过滤器|填充|步长|输出通道")


def read_example(text: str, example: dict, flat: str | None = None) -> dict:
    """Update a worked example from one line; a second Input or Filter starts a new example.
    (``flat`` is ``flattened(text)`` when the caller has it.)"""
    flat = flattened(text) if flat is None else flat
    if not _EXAMPLE_WORD.search(flat):
        return dict(example)
    found = {k: r.search(flat) for k, r in EXAMPLE.items()}
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
        v = next(g for g in found["padding"].groups() if g).lower()
        example["padding"] = int(v) if v.isdigit() else v
    for key in ("stride", "dilation", "groups"):
        if found[key]:
            example[key] = int(next(g for g in found[key].groups() if g))
    if found["vector"]:
        example["D_in"] = int(found["vector"].group(1))
    if found["filters"]:
        example["D_out"] = int(next(g for g in found["filters"].groups() if g))
    if found["nobias"] and (found["input"] or found["filter"]):  # else it is one line's
        example["bias"] = False
    return example


def per_output(quantity: str | None, what: str | None) -> str | None:
    """``macs`` per output value or pixel -> ``macs-per-output-value`` / ``-pixel``."""
    if quantity != "macs" or not what:
        return quantity
    return f"macs-per-output-{'value' if what.lower() in ('value', 'element') else 'pixel'}"


@functools.lru_cache(maxsize=4096)   # pure; "- Params = " comes back on every section
def label_before(before: str) -> str | None:
    """The quantity labelled just before a formula (``Params = ``, ``| MACs | `` in a table)."""
    before = before.replace("*", " ").replace("_", " ").replace("|", " : ")
    m = _LABEL_BEFORE.search(before[-80:])
    if m is None:
        return "output-size" if _CJK_OUTPUT.search(before[-40:]) else None
    return per_output(LABEL_WORDS[m.group("w").lower()], m.group("per"))


def modifiers(text: str) -> dict:
    """Options that the words just before a formula set: ``without bias``, ``same padding``,
    ``stride 2``."""
    return dict(_modifiers(text))


@functools.lru_cache(maxsize=4096)   # pure; the text before a formula repeats
def _modifiers(text: str) -> dict:
    flat = flattened(text)
    out: dict = {}
    if EXAMPLE["nobias"].search(flat):
        out["bias"] = False
    for option, pattern in _MODIFIERS.items():
        m = None
        for m in pattern.finditer(flat):   # the last one said before the formula holds
            pass
        if m:
            value = next(g for g in m.groups() if g)
            out[option] = int(value) if value.isdigit() else value.lower()
    return out


PREMISE = re.compile(r"(?i)\b(?:if|when|assum\w*|suppose|provided|given that|for the case)\b|如果|若|假设|当|设置")


@functools.lru_cache(maxsize=4096)   # pure; the text before a formula repeats
def closest_kind(text: str) -> tuple | None:
    """The layer type named nearest before a formula on its line (the last one named)."""
    best, end = None, -1
    text = _WIKI.sub(" ", text)
    for rx, name, opts in _KIND_RES:
        for m in rx.finditer(text):
            if m.end() > end:
                best, end = (name, opts), m.end()
    return best


def code_formula(line: str) -> tuple[str, str] | None:
    """``(quantity, formula)`` when a line of a code block states a labelled formula, else None.

    >>> code_formula("  parameters=( F×F × C_in +1 ) × C_out")
    ('params', '( F×F × C_in +1 ) × C_out')
    >>> code_formula("params = sum(p.numel() for p in model.parameters())") is None
    True
    """
    m = CODE_LABEL.match(line)
    if not m or m.group("w").lower() == "output":
        return None
    formula = m.group("f").strip()
    if re.search(r"\w\s*\(", formula) or not re.search(r"[+\-*/×·^]", formula):
        return None   # a call (sum(...)), or one name: code, not a formula
    return LABEL_WORDS[m.group("w").lower().replace("_", " ")], formula
