"""Worked examples and the shapes they lead to, however they are written.

Prose and lists: an input shape (``Input: 32x32x3``, ``a0 = 39x39x3``, ``images of size
227X227X3``, ``X0 shape is (28, 28, 192)``), then a layer (``96 filters of size 11X11 with
stride 4``, ``f1 = 3, s1 = 1, p1 = 0``, ``number of filters = 10``, ``max-pooling layer of
size 3X3 and stride 2``), then an output claim (``The output feature map is 55X55X96``,
``Then output are a1 = 37x37x10``). The output a note states becomes the next layer's
input, as the author chains them. PyTorch code: ``torch.randn(20, 16, 50, 100)`` and
``nn.Conv2d(16, 33, 3, stride=2)`` lead to the ``torch.Size([...])`` a comment claims
(channels first).

Readings: a stride or padding the text does not state is read both ways a framework would
(padding 0, or "same" padding that keeps the size; stride 1, or a pooling window's size);
the claim is ok when one reading gives it, wrong only when none does and the input, the
window and the stride are stated.

>>> from symconv.lint.source import read_lines
>>> text = "Input: 227x227x3. A conv with 96 filters of size 11x11 and stride 4. Output: 55x55x96"
>>> [(c.text, c.readings[0].holds) for c in example_claims(read_lines(text))]
[('55x55x96', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .claim import Claim, Reading

_N = r"(\d{1,5})"
_X = r"\s*[xX×*]\s*"
_SHAPE3 = re.compile(rf"(?<![\d.])(?:\[\s*)?{_N}{_X}{_N}{_X}{_N}(?!\d|\.\d|\s*[xX×*]\s*\d)|\(\s*{_N}\s*,\s*{_N}\s*,\s*{_N}\s*\)")
_SHAPE2 = re.compile(rf"(?<![\d.])(?<![xX×*]\s)(?<![xX×*]){_N}{_X}{_N}(?![\d.]|\s*[xX×*]\s*\d)")
_INPUT = re.compile(r"(?i)\binput\b|\bimages? of size\b|\ba0\s*=|\bX0\b|输入|原始图|原图")
_OUTPUT = re.compile(r"(?i)\boutput|\bresult|\bproduces|\bwe get\b|\bresulting\b|\bfeature map\b|输出|得到")
_POOL = re.compile(r"(?i)pool|池化|汇聚")
_CONV = re.compile(r"(?i)\bconv|convolution|filters?\b|kernels?\b|卷积")
_STRIDE = re.compile(r"(?i)\bstride(?:s)?\s*(?:of\s*|=\s*|:\s*|is\s*)?(\d+)|\bs\d*p?\s*=\s*(\d+)|\bS\s*=\s*(\d+)")
_PAD = re.compile(r"(?i)\bpad(?:ding)?\s*(?:of\s*|=\s*|:\s*|is\s*)?(\d+)|\bp\d*\s*=\s*(\d+)|\bP\s*=\s*(\d+)")
_BOTH_ONE = re.compile(r"(?i)\bstride (?:along with the|and) padding (?:is|are set to) (?:1|one)\b")
_SAME = re.compile(r"(?i)\bsame\b")
_VALID = re.compile(r"(?i)\bvalid\b|no (?:zero[- ])?padding")
_KERNEL_EQ = re.compile(r"(?i)\bf\d*p?\s*=\s*(\d+)|\bF\s*=\s*(\d+)|\b(?:pool(?:ing)? size|kernel[_ ]size|window)\s*=\s*(\d+)")
_KERNEL_OF = re.compile(rf"(?i)(?:size|filters?|kernels?|window|of)\s*(?:is\s*|=\s*|:\s*)?(?:reduced to\s*)?{_N}{_X}{_N}\b"
                        rf"|{_N}{_X}{_N}\s*(?:filters?|kernels?|conv|convolution|max|pool|window|same)"
                        rf"|{_N}{_X}{_N}\s*的?(?:卷积核|滤波器|过滤器|池化)")
#: a width x height alone (no channels) is an input or an output by the word after it, or by
#: the verb before it ("a 7x7 input", "在4x4的图片上", "we would get a 5x5 output", "得到一个2x2的图片")
_AFTER_INPUT = re.compile(r"(?i)^\s*(?:的)?\s*(?:input\b|images?\b|pictures?\b|matrix convolved\b|图片|图像|输入|原图)")
_INPUT_BEFORE = re.compile(r"(?i)(?:\binput(?:\s+(?:is|of|size|shape))?|原始图|原图|输入(?:图片|图像)?)\s*(?:为|是|[:=：])?\s*(?:an?\s+)?$")
_AFTER_OUTPUT = re.compile(r"(?i)^\s*(?:的)?\s*(?:output\b|输出)")
_OUTPUT_2D = re.compile(r"(?i)\bgives?(?:\s+us)?\s+an?\s*$|\bwould get\s+an?\s*$|\bproduces\s+an?\s*$|得到一个\s*$|变成了?\s*$|变为\s*$")
_FILTERS = re.compile(r"(?i)\b(\d{1,6})\s+(?:such\s+|same\s+)?(?:filters|kernels|output channels)\b"
                      r"|number of filters\s*=\s*(\d{1,6})|\bK\s*=\s*(\d{1,6})|apply\s+(\d{1,6})\s*\("
                      r"|\b(\d{1,6})\s+Filters")
_BREAK = re.compile(r"^\s*#|^\s*```")
MAX_LINE = 4000   # longest line read for worked examples (as chains.MAX_LINE)
NEAR = 12   # lines between an input (or the last output) and a claim that rests on it


@dataclass
class _Layer:
    kernel: int | None = None
    stride: int | None = None
    padding: int | str | None = None
    filters: int | None = None
    pool: bool = False
    conv: bool = False
    stated: set = field(default_factory=set)


def _first(m: re.Match | None) -> int | None:
    if not m:
        return None
    return next(int(g) for g in m.groups() if g is not None)


def _size(n: int, k: int, p, s: int) -> int | None:
    if p == "same":
        return -(-n // s)
    if n + 2 * p < k:
        return None
    return (n + 2 * p - k) // s + 1


def _outputs(shape, layer: _Layer, same_in_note: bool):
    """(expected shape, how, firm) for each reading of the layer."""
    w, h, c = shape
    k = layer.kernel
    strides = [layer.stride] if layer.stride else ([1, k] if layer.pool else [1])
    if layer.padding is not None:
        pads = [layer.padding]
    else:
        pads = [0, "same"]
    firm = {"kernel", "stride"} <= layer.stated or ("kernel" in layer.stated and layer.conv and not layer.pool)
    out = []
    for s in strides:
        for p in pads:
            ow, oh = _size(w, k, p, s), _size(h, k, p, s)
            if ow is None or oh is None:
                continue
            oc = c if layer.pool else layer.filters
            kind = "pooling" if layer.pool else "conv"
            how = (f"{kind} {k}x{k}" + (f", {layer.filters} filters" if layer.filters and not layer.pool else "")
                   + f", stride {s}" + ("" if "stride" in layer.stated else " (not stated)")
                   + f", padding {p}" + ("" if "padding" in layer.stated else " (not stated)")
                   + f" on {w}x{h}" + (f"x{c}" if c is not None else ""))
            out.append(((ow, oh, oc), how))
    return out, firm


def _claim(line: int, text: str, stated: tuple, shape, layer: _Layer, source: str, same: bool) -> Claim | None:
    if layer.kernel is None:
        return None
    readings, firm = _outputs(shape, layer, same)
    if not readings:
        return None
    claim = Claim(line, text, "output-size", layer="max-pool" if layer.pool else "conv")
    for (ow, oh, oc), how in readings:
        ok = (ow, oh) == stated[:2] and (oc is None or len(stated) < 3 or oc == stated[2])
        want = f"{ow}x{oh}" + (f"x{oc}" if oc is not None else "")
        claim.readings.append(Reading(how, ok, expected=want, given=text, firm=firm, source=source,
                                      detail=f"output {text} holds" if ok else
                                      f"output {text} does not follow: expected {want}"))
        if ok:
            break
    return claim


def _prose(lines) -> list[Claim]:
    claims = []
    same = any(_SAME.search(l.text) for l in lines)
    shape, source, layer, since = None, None, _Layer(), 0
    for line in lines:
        text = line.text.replace(" ; ", " ").replace("\\times", "x")
        if line.code or len(text) > MAX_LINE:   # a generated or hostile line
            continue
        if _BREAK.match(line.raw):
            layer = _Layer()
            continue
        pos = 0
        shapes = list(_SHAPE3.finditer(text))
        taken = [(m.start(), m.end()) for m in shapes]
        shapes += [m for m in _SHAPE2.finditer(text) if not any(a <= m.start() < b for a, b in taken)]
        shapes.sort(key=lambda m: m.start())
        for m in shapes:
            dims = tuple(int(g) for g in m.groups() if g is not None)
            before = text[max(0, pos, m.start() - 60):m.start()]
            clause = re.split(r"(?<!\d)[.。!?](?:\s|$)", before)[-1]
            if len(dims) == 2:   # width x height: placed by the words around it, else a kernel's
                after = text[m.end():m.end() + 20]
                if _AFTER_OUTPUT.match(after) or (_OUTPUT_2D.search(before) and shape is not None):
                    role = "output"
                elif (_AFTER_INPUT.match(after) or _INPUT_BEFORE.search(before)) and not _OUTPUT.search(clause):
                    role = "input"
                else:
                    continue   # 3x3 (a kernel, read with the text around it), 2x2 pooling, ...
                dims = dims if role == "output" else dims + (None,)
            between = text[pos:m.start()]
            _read_layer(between, layer)
            if len(dims) == 3 and dims[2] is None:   # a 2-D input: what its sentence said before it
                shape, source, since = dims, f"input {m.group().strip()} on line {line.number}", line.number
                layer = _Layer()
                _read_layer(clause, layer)   # "a 3x3 kernel on a 4x4 input"
            elif len(dims) == 2:
                c = _claim(line.number, m.group().strip(" []"), dims, shape, layer, source, same)
                if c is not None:
                    if line.number - since > NEAR:
                        for r in c.readings:
                            r.firm = False
                    claims.append(c)
                    holds = any(r.holds for r in c.readings)
                    if not holds:
                        dims = tuple(int(v) for v in c.readings[0].expected.split("x")[:2])
                shape, source, layer, since = (dims + (shape[2] if shape else None,),
                                               f"the output {m.group().strip(' []')} on line {line.number}",
                                               _Layer(), line.number)
            elif _INPUT.search(clause) and not _OUTPUT.search(clause):
                shape, source, layer, since = dims, f"input {m.group().strip()} on line {line.number}", _Layer(), line.number
            elif _OUTPUT.search(clause) and shape is not None:
                c = _claim(line.number, m.group().strip(" []"), dims, shape, layer, source, same)
                if c is not None:
                    if line.number - since > NEAR:   # an input stated far above: not a firm context
                        for r in c.readings:
                            r.firm = False
                    claims.append(c)
                    holds = any(r.holds for r in c.readings)
                    if not holds:   # carry on from what the layer gives, not from the slip
                        want = c.readings[0].expected.split("x")
                        dims = tuple(int(v) for v in want) + dims[len(want):]
                    shape, source, layer, since = (dims, f"the output {m.group().strip(' []')} on line {line.number}",
                                                   _Layer(), line.number)
            elif re.search(r"(?i)filters?\s*:?[\s;]*$", clause) and len(dims) == 3:
                layer.kernel, layer.conv = dims[0], True   # 10 Filters: 3x3x3
                layer.stated.add("kernel")
            else:
                shape = None   # a shape this reader does not place: the flow is broken
            pos = m.end()
        _read_layer(text[pos:], layer)
    return claims


def _read_layer(text: str, layer: _Layer) -> None:
    """Collect what a stretch of text says about the next layer."""
    if not text.strip():
        return
    if _POOL.search(text):
        layer.pool = True
    if _CONV.search(text):
        layer.conv = True
    k = _first(_KERNEL_EQ.search(text)) or _first(_KERNEL_OF.search(text))
    if k is not None:
        layer.kernel = k
        layer.stated.add("kernel")
    if _BOTH_ONE.search(text):
        layer.stride, layer.padding = 1, 1
        layer.stated |= {"stride", "padding"}
    s = _first(_STRIDE.search(text))
    if s is not None:
        layer.stride = s
        layer.stated.add("stride")
    p = _first(_PAD.search(text))
    if p is not None:
        layer.padding = p
        layer.stated.add("padding")
    elif _VALID.search(text):
        layer.padding = 0
        layer.stated.add("padding")
    f = _first(_FILTERS.search(text))
    if f is not None:
        layer.filters = f


# ------------------------------------------------------------------ PyTorch code
_TENSOR = re.compile(r"torch\.(?:randn|rand|zeros|ones|empty)\(\s*\[?\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
_CONV2D = re.compile(r"nn\.(Conv2d|MaxPool2d|AvgPool2d)\(([^#]*?)\)\s*(?:#|$)")
_SIZE = re.compile(r"torch\.Size\(\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]\)")


def _pair(value: str) -> tuple[int, int] | None:
    value = value.strip()
    m = re.fullmatch(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)", value)
    if m:
        return int(m.group(1)), int(m.group(2))
    if re.fullmatch(r"\d+", value):
        return int(value), int(value)
    return None


def _torch_layer(kind: str, args: str) -> dict | None:
    parts = [a.strip() for a in re.split(r",(?![^()]*\))", args) if a.strip()]
    names = ["in", "out", "kernel", "stride", "padding", "dilation", "groups"] if kind == "Conv2d" \
        else ["kernel", "stride", "padding", "dilation"]
    out = {}
    for i, part in enumerate(parts):
        key, _, value = part.partition("=")
        if value:
            key = {"kernel_size": "kernel", "in_channels": "in", "out_channels": "out"}.get(key.strip(), key.strip())
        else:
            if i >= len(names):
                return None
            key, value = names[i], key
        if key in ("in", "out", "groups"):
            if not value.strip().isdigit():
                return None
            out[key] = int(value)
        elif key in ("kernel", "stride", "padding", "dilation"):
            pair = _pair(value)
            if pair is None:
                return None
            out[key] = pair
        elif key in ("bias", "ceil_mode", "padding_mode", "return_indices"):
            if key == "ceil_mode" and value.strip() == "True":
                return None
        else:
            return None
    if "kernel" not in out:
        return None
    out.setdefault("stride", out["kernel"] if kind != "Conv2d" else (1, 1))
    out.setdefault("padding", (0, 0))
    out.setdefault("dilation", (1, 1))
    out["kind"] = kind
    return out


def _torch_out(layer: dict, shape: tuple[int, int, int, int]):
    n, c, h, w = shape
    if layer["kind"] == "Conv2d":
        if layer.get("in") is not None and layer["in"] != c:
            return None
        c = layer["out"]
    sizes = []
    for axis, size in ((0, h), (1, w)):
        k, s, p, d = (layer[x][axis] for x in ("kernel", "stride", "padding", "dilation"))
        span = size + 2 * p - d * (k - 1) - 1
        if span < 0:
            return None
        sizes.append(span // s + 1)
    return n, c, sizes[0], sizes[1]


def _code(lines) -> list[Claim]:
    """Per fenced block: the input tensor and each Conv2d / pooling line with its claimed size."""
    claims, block = [], []
    for line in lines + [None]:
        if line is not None and line.code and not line.text.startswith(("```", "~~~")):
            block.append(line)
            continue
        if block:
            claims.extend(_code_block(block))
        block = []
    return claims


def _code_block(block) -> list[Claim]:
    tensors = [tuple(int(g) for g in m.groups()) for l in block for m in [_TENSOR.search(l.text)] if m]
    if len(tensors) != 1:
        return []
    shape = tensors[0]
    claims, current = [], None
    for line in block:
        conv = _CONV2D.search(line.text)
        layer = _torch_layer(conv.group(1), conv.group(2)) if conv else None
        commented = line.text.lstrip().startswith("#")
        if layer is not None and not commented:
            current = layer
        size = _SIZE.search(line.text)
        if not size:
            continue
        target = layer if layer is not None else (current if "shape" in line.text or "size" in line.text else None)
        if target is None:
            continue
        want = _torch_out(target, shape)
        if want is None:
            continue
        stated = tuple(int(g) for g in size.groups())
        text = f"torch.Size([{', '.join(map(str, stated))}])"
        how = (f"nn.{target['kind']}(...) on torch.Size({list(shape)}) (channels first, from this code block)")
        ok = stated == want
        axis = next((i for i in range(4) if stated[i] != want[i]), None)
        cause = None if ok else ["batch", "channels", "height", "width"][axis] + " differs"
        claims.append(Claim(line.number, text, "output-size", [Reading(
            how, ok, expected=f"torch.Size({list(want)})", given=text, firm=True, cause=cause,
            detail=f"{text} holds" if ok else f"{text} does not follow: expected torch.Size({list(want)})")],
            layer=target["kind"]))
    return claims


def example_claims(lines) -> list[Claim]:
    return _prose(lines) + _code(lines)
