"""The content of the course notes: one context per layer note, plus the index.

Every formula, step and number here comes from the layers and the engine; the
prose (:data:`PROSE`) is the only hand-written part, and it holds no numbers that
the engine could contradict. Contexts hold sympy objects and derivations;
:mod:`symconv.notes.render` prints them. :func:`render_notes` returns the whole set as
``{filename: text}``.

>>> ex = example(REGISTRY["conv"])
>>> ex["output"], ex["values"]["params"], ex["values"]["macs"]
([124, 124, 32], 6432, 98406400)
"""

from __future__ import annotations

import dataclasses

import sympy

from ..engine import equivalent, ratio, solve_for, substitute
from ..errors import InputError
from ..layers import REGISTRY, DepthwiseSeparable, layer_name
from ..layers.summary import quantity_report
from ..printing import math_number
from ..shapes import effective_kernel
from ..symbols import (
    ALIASES,
    H_F,
    MEANINGS,
    P_H,
    P_W,
    S_H,
    S_W,
    SYMBOLS,
    W_F,
    D_out,
    H_out,
    W_out,
    d_H,
    d_W,
)
from . import render
from .derive import comparison, macs_derivation, params_derivation, ratio_derivation

#: layer name -> (title, what it does, remarks). Plain sentences; ``$...$`` is inline math.
PROSE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "conv": ("Standard convolution",
             "Slides $D_{out}$ filters of size $W_{F} \\times H_{F} \\times D_{in}$ over the "
             "input; each output value is the dot product of one filter with the input patch "
             "under it, plus a bias.",
             ("The MAC count does not depend on the padding mode except through "
              "$W_{out} H_{out}$: taps that land on zero padding are still computed.",)),
    "grouped": ("Grouped convolution",
                "Splits the channels into $g$ groups and runs $g$ independent convolutions, "
                "each seeing $D_{in}/g$ input channels and producing $D_{out}/g$ output "
                "channels (AlexNet, ResNeXt).",
                ("$g = 1$ is the standard convolution; $g = D_{in} = D_{out}$ is the "
                 "depthwise convolution.",)),
    "depthwise": ("Depthwise convolution",
                  "Gives every input channel its own $W_{F} \\times H_{F}$ filter (times the "
                  "depth multiplier); channels are filtered spatially but never mixed, so "
                  "$D_{out} = D_{in}$.",
                  ("On its own it cannot mix channels; MobileNet follows it with a pointwise "
                   "convolution, which makes the depthwise separable layer.",)),
    "pointwise": ("Pointwise (1x1) convolution",
                  "A convolution with a $1 \\times 1$ kernel: at every pixel it mixes the "
                  "$D_{in}$ input channels into $D_{out}$ output channels, without looking "
                  "at neighbouring pixels.",
                  ("It changes the number of channels cheaply; bottleneck blocks use it to "
                   "shrink and restore the depth around an expensive spatial convolution.",)),
    "dw-sep": ("Depthwise separable convolution",
               "Factors a standard convolution into a depthwise convolution (spatial "
               "filtering, one filter per channel) followed by a pointwise $1 \\times 1$ "
               "convolution (channel mixing), as in MobileNet and Xception.",
               ("Its counts are the sums of its two parts, computed from the parts' own "
                "formulas.",)),
    "transposed-conv": ("Transposed convolution",
                        "The gradient of a convolution used as a layer: each input value "
                        "scatters a weighted copy of the filter into the output, so the "
                        "output grows with the stride (upsampling in decoders and GANs).",
                        ("Its MACs count input positions, $W_{in} H_{in}$, not output "
                         "positions: every input value meets every filter tap.",)),
    "dense": ("Dense (fully connected) layer",
              "Every one of the $D_{out}$ outputs is a weighted sum of all $D_{in}$ input "
              "features plus a bias; the input is a vector (a flattened feature map).",
              ("Flattening a $W \\times H \\times C$ feature map gives $D_{in} = W H C$, which "
               "is why the first dense layer after the convolutions often holds most of a "
               "classic network's parameters.",)),
    "max-pool": ("Max pooling",
                 "Keeps the largest value of each $W_{F} \\times H_{F}$ window, channel by "
                 "channel; the stride defaults to the window, so windows do not overlap.",
                 ("It has no weights and no MACs: a window costs $W_{F} H_{F} - 1$ "
                  "comparisons, which are not multiply-accumulates.",)),
    "avg-pool": ("Average pooling",
                 "Replaces each $W_{F} \\times H_{F}$ window by its mean, channel by "
                 "channel; the stride defaults to the window.",
                 ("Its adds and one scaling per window are not counted as MACs with "
                  "weights; it has no trainable parameters.",)),
    "global-avg-pool": ("Global average pooling",
                        "Averages each channel over the whole feature map, giving one "
                        "value per channel: $1 \\times 1 \\times D_{in}$.",
                        ("It replaces the large first dense layer of older classifiers: "
                         "no parameters, whatever the input size.",)),
    "batchnorm": ("Batch normalisation",
                  "Normalises every channel with running statistics, then applies a learned "
                  "scale and shift per channel.",
                  ("The running mean and variance ($2 D_{in}$ numbers) are buffers, not "
                   "trainable parameters; at inference the whole layer folds into the "
                   "preceding convolution.",)),
}

#: layer name -> the worked example's sizes and options (the course's 128x128x8, 5x5x8x32).
BASE_SIZES = {"D_in": 8, "D_out": 32, "W_F": 5, "H_F": 5, "W_in": 128, "H_in": 128}
EXAMPLES: dict[str, dict] = {
    "conv": {}, "depthwise": {}, "pointwise": {}, "dw-sep": {},
    "grouped": {"groups": 4},
    "transposed-conv": {"W_in": 32, "H_in": 32, "stride": 2},
    "dense": {"D_in": 512, "D_out": 10},
    "max-pool": {"W_F": 2, "H_F": 2}, "avg-pool": {"W_F": 2, "H_F": 2},
    "global-avg-pool": {}, "batchnorm": {},
}

#: notes a layer's note links to.
SEE_ALSO = {
    "conv": ("grouped", "dw-sep", "transposed-conv"),
    "grouped": ("conv", "depthwise"),
    "depthwise": ("pointwise", "dw-sep", "grouped"),
    "pointwise": ("depthwise", "dw-sep", "dense"),
    "dw-sep": ("conv", "depthwise", "pointwise"),
    "transposed-conv": ("conv",),
    "dense": ("pointwise", "global-avg-pool"),
    "max-pool": ("avg-pool", "conv"),
    "avg-pool": ("max-pool", "global-avg-pool"),
    "global-avg-pool": ("avg-pool", "dense"),
    "batchnorm": ("conv",),
}


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def example_layer(cls, symbolic: bool = False):
    """The worked example's layer (numbers), or the note's layer over symbols.

    The symbolic layer keeps an example option only where the default is a number
    (the transposed example's stride 2); a symbolic default (grouped's ``g``) stays.
    """
    spec = {**BASE_SIZES, **EXAMPLES.get(cls.name, {})}
    fields = _fields(cls)
    if not symbolic:
        return cls(**{k: v for k, v in spec.items() if k in fields})
    default = cls()
    options = {k: v for k, v in spec.items() if k in fields and k not in BASE_SIZES
               and not isinstance(getattr(default, k), sympy.Symbol)}
    return cls(**options)


def _example_values(layer, sym) -> dict:
    """symbol -> number: the symbolic layer's symbols, read off the numeric layer's fields."""
    values = {}
    for f in _fields(type(layer)):
        pairs = zip(getattr(sym, f), getattr(layer, f)) if isinstance(getattr(sym, f), tuple) \
            else [(getattr(sym, f), getattr(layer, f))]
        for s, v in pairs:
            if isinstance(s, sympy.Symbol) and isinstance(v, (int, sympy.Integer)):
                values[s] = int(v)
    if hasattr(layer, "W_in"):
        out = layer.output_size
        values.update({W_out: int(out.width), H_out: int(out.height)})
    return values


def example(cls) -> dict:
    """The worked example: inputs, the computation per quantity with numbers in, the values."""
    layer, sym = example_layer(cls), example_layer(cls, symbolic=True)
    values = _example_values(layer, sym)
    rows, numbers = [], {}
    for key, label, expr, derivation in (
            ("params", "params", sym.params, params_derivation(sym)),
            ("macs", "MACs", sym.macs, macs_derivation(sym))):
        value = int(substitute(sympy.Integer(0) + expr, values))
        if value != layer.quantity(key):
            raise AssertionError(f"{cls.name}: {label} example {value} != {layer.quantity(key)}")
        step = derivation.steps[0] if derivation else None
        computation = (render.numeric_step_latex(step, values) if step is not None
                       else "0")
        rows.append({"key": key, "label": label, "computation": computation, "value": value})
        numbers[key] = value
    numbers["flops"] = 2 * numbers["macs"]
    rows.append({"key": "flops", "label": "FLOPs",
                 "computation": rf"2 \cdot {math_number(numbers['macs'])}",
                 "value": numbers["flops"]})
    out = [int(v) for v in layer.output_size]
    size_rows = []
    if hasattr(layer, "W_in"):
        size_rows = [{"symbol": "W_{out}", "computation":
                      render.numeric_latex(sym.output_size.width, values), "value": out[0]},
                     {"symbol": "H_{out}", "computation":
                      render.numeric_latex(sym.output_size.height, values), "value": out[1]}]
    return {"inputs": "Setting: " + _inputs(layer), "rows": rows, "size_rows": size_rows, "output": out,
            "values": numbers}


def _inputs(layer) -> str:
    """The example's setting in words: ``input 128 x 128 x 8, filter 5 x 5 x 8 x 32, ...``."""
    parts = []
    if hasattr(layer, "W_in"):
        parts.append(f"input ${layer.W_in} \\times {layer.H_in} \\times {layer.D_in}$")
    else:
        parts.append(f"input vector of ${layer.D_in}$ features")
    if hasattr(layer, "W_F"):
        depth = layer.D_in / getattr(layer, "groups", 1)
        if layer.name in ("conv", "grouped", "transposed-conv", "dw-sep"):
            parts.append(f"${layer.D_out}$ filters of ${layer.W_F} \\times {layer.H_F} "
                         f"\\times {depth}$" if layer.name != "dw-sep" else
                         f"kernel ${layer.W_F} \\times {layer.H_F}$, ${layer.D_out}$ output "
                         f"channels")
        else:
            parts.append(f"window ${layer.W_F} \\times {layer.H_F}$")
    elif hasattr(layer, "D_out"):
        parts.append(f"${layer.D_out}$ outputs")
    for option in ("groups", "stride", "padding", "dilation"):
        if hasattr(layer, option):
            value = getattr(layer, option)
            value = value[0] if isinstance(value, tuple) and value[0] == value[1] else value
            if option == "groups" and value == 1:
                continue
            parts.append(f"{option} {value}")
    if hasattr(layer, "bias"):
        parts.append("bias " + ("on" if layer.bias else "off"))
    return ", ".join(parts)


def symbols_table(layer, *exprs) -> list[dict]:
    """The symbols a layer's formulas use, in the course order, with meaning and spellings."""
    used = {s.name for s in layer.free_symbols}
    for expr in exprs:
        used |= {s.name for s in expr.free_symbols}
    if hasattr(layer, "W_in") and layer.name not in ("global-avg-pool", "batchnorm"):
        used |= {"W_out", "H_out"}
    rows = []
    for name in MEANINGS:
        if name in used:
            base, _, sub = name.partition("_")
            spellings = sorted((a for a, c in ALIASES.items() if c == name and a != name
                                and (not sub or sub in a or sub.upper() not in a)),
                               key=lambda a: (a[0] != base, len(a), a))
            rows.append({"name": name, "latex": SYMBOLS[name], "meaning": MEANINGS[name],
                         "aliases": ", ".join(spellings[:4])})
    return rows


def output_size(cls) -> dict | None:
    """The general output-size formula and its special cases, each checked by the engine."""
    fields = _fields(cls)
    if "W_in" not in fields or cls.name in ("global-avg-pool", "batchnorm"):
        return None
    options = {}
    if "stride" in fields:
        options["stride"] = (S_W, S_H)
    if "padding" in fields:
        options["padding"] = (P_W, P_H)
    if "dilation" in fields and cls.name != "avg-pool":
        options["dilation"] = (d_W, d_H)
    general = cls(**options).output_size
    cases = []
    pool_default = (("stride = window (the default)", {P_W: 0, S_W: W_F, d_W: 1},
                     {"padding": "valid"}),) if cls.name.endswith("-pool") else ()
    for label, subs, kwargs in pool_default + (
            ("valid padding, stride 1", {P_W: 0, S_W: 1, d_W: 1},
             {"padding": "valid", "stride": 1}),
            ("valid padding, stride $S_{W}$", {P_W: 0, d_W: 1}, {"padding": "valid",
                                                                  "stride": (S_W, S_H)}),
            ("full padding, stride 1", {P_W: d_W * (W_F - 1), S_W: 1},
             {"padding": "full", "stride": 1, "dilation": (d_W, d_H)})):
        kwargs = {k: v for k, v in kwargs.items() if k in fields}
        if "padding" not in kwargs or (cls.name == "avg-pool" and "dilation" in kwargs):
            continue
        special = cls(**kwargs).output_size.width
        check = equivalent(general.width.xreplace(subs), special)
        if check.equal is not True:
            raise AssertionError(f"{cls.name}: {label}: {general.width} does not reduce to "
                                 f"{special}")
        assumes = ", ".join(f"{sympy.latex(s)} = {sympy.latex(v)}" for s, v in subs.items())
        cases.append({"label": label, "assumes": assumes, "width": special})
    if "padding" in fields and cls.name != "transposed-conv":
        cases.append({"label": "same padding", "assumes": "",
                      "width": cls(**{**options, "padding": "same"}).output_size.width})

    span = effective_kernel(W_F, d_W) if "dilation" in options else None
    return {"width": general.width, "height": general.height, "channels": general.channels,
            "cases": cases, "span": span}


def ratio_context(a, b, quantity: str = "macs", names=("", ""), title: str = "") -> dict:
    """A ratio of two layers' costs: derivation, limits and, for a 3x3 dw-sep, what it means."""
    result = ratio(a, b, quantity)
    label = {"macs": "MACs", "params": "params", "flops": "FLOPs"}[quantity]
    names = (names[0] or a.name, names[1] or b.name)
    derivation = render.derivation_context(ratio_derivation(a, b, quantity))
    derivation["lhs"] = render.ratio_lhs(label, *names)
    context = {"title": title, "numerator": names[0], "denominator": names[1],
               "quantity": label, "derivation": derivation,
               "expr": result.expr,
               "limits": [{"symbol": s, "value": v} for s, v in result.limits],
               "kernel": None, "example": None}
    if isinstance(a, DepthwiseSeparable) and quantity != "params" and a.W_F == W_F:
        at3 = substitute(result.expr, {W_F: 3, H_F: 3})
        floor_value = sympy.limit(at3, D_out, sympy.oo)
        bound = int(1 / floor_value) - 1  # the whole number of times cheaper it reaches
        (threshold,) = solve_for(at3, sympy.Rational(1, bound), D_out)
        table = [{"D_out": n, "ratio": substitute(at3, {D_out: n}),
                  "factor": float(1 / substitute(at3, {D_out: n}))} for n in (16, 32, 64, 128, 256, 512)]
        context["kernel"] = {"side": 3, "expr": at3, "limit": floor_value,
                             "limit_factor": int(1 / floor_value), "bound": bound,
                             "threshold": int(threshold),
                             "table": table}
    return context


def layer_context(name: str) -> dict:
    """Everything a layer note shows, as sympy objects and numbers."""
    cls = REGISTRY[name]
    layer = example_layer(cls, symbolic=True)
    title, what, remarks = PROSE[name]
    bias = None
    if hasattr(layer, "bias"):
        bias = {"with": layer.replace(bias=True).params, "without": layer.replace(bias=False).params}
    compare = comparison(layer)
    size = output_size(cls)
    return {
        "name": name, "title": title, "summary": cls.summary, "what": what,
        "remarks": list(remarks), "see_also": list(SEE_ALSO.get(name, ())),
        "symbols": symbols_table(layer, *(size["width"], size["height"]) if size else ()),
        "report": render.report_context(quantity_report(layer)),
        "output_size": size,
        "params": render.derivation_context(params_derivation(layer)),
        "macs": render.derivation_context(macs_derivation(layer)),
        "params_expr": layer.params, "macs_expr": layer.macs, "flops_expr": layer.flops,
        "buffers": layer.buffers if layer.buffers != 0 else None,
        "bias": bias,
        "example": example(cls),
        "comparison": None if compare is None else {
            **ratio_context(layer, compare[0], "macs", (name, compare[1])),
            "example": _example_ratio(cls, layer, compare[0])},
    }


def _example_ratio(cls, sym, reference) -> dict | None:
    """The comparison in numbers: the example's MACs over the reference layer's, and the
    closed-form ratio with the example's sizes put in (the two must agree)."""
    layer = example_layer(cls)
    numeric_reference = comparison(layer)[0]
    closed = substitute(ratio(sym, reference, "macs").expr, _example_values(layer, sym))
    if closed.free_symbols or numeric_reference.macs.free_symbols:
        return None  # the reference has sizes the example does not fix (pointwise: W_F)
    num, den = int(layer.macs), int(numeric_reference.macs)
    if closed != sympy.Rational(num, den):
        raise AssertionError(f"{cls.name}: example ratio {num}/{den} != closed form {closed}")
    return {"numerator": num, "denominator": den, "ratio": closed, "factor": float(1 / closed)}


def index_context(names, title: str) -> dict:
    rows = []
    for name in names:
        layer = example_layer(REGISTRY[name], symbolic=True)
        rows.append({"name": name, "title": PROSE[name][0], "summary": REGISTRY[name].summary,
                     "params": layer.params, "macs": layer.macs})
    conv = REGISTRY["conv"]
    general = conv(stride=(S_W, S_H), padding=(P_W, P_H), dilation=(d_W, d_H)).output_size.width
    same = conv(stride=(S_W, S_H), padding="same").output_size.width
    return {"title": title, "layers": rows, "output_width": general, "same_width": same}


def select(layers: str | None) -> list[str]:
    """The layer names of ``--layers a,b`` (all of them when not given), in catalog order;
    any of a layer's names works (``--layers Conv2d,bn``)."""
    if not layers:
        return list(REGISTRY)
    wanted = {layer_name(w.strip()) for w in layers.split(",") if w.strip()}
    if not wanted:
        raise InputError(f"--layers takes layer names, like conv,dw-sep, not {layers!r}")
    return [n for n in REGISTRY if n in wanted]


DEFAULT_TITLE = "The cost of convolutional layers: course notes"


def render_notes(fmt: str, names=None, template_dirs=(), title: str = DEFAULT_TITLE) -> dict:
    """The whole set: ``{"index.md": ..., "conv.md": ...}`` (nothing written)."""
    names = list(names or REGISTRY)
    suffix = render.SUFFIX[fmt]
    files = {f"index.{suffix}": render.render("index", fmt, index_context(names, title),
                                                template_dirs)}
    for name in names:
        context = {**layer_context(name), "notes": names}
        files[f"{name}.{suffix}"] = render.render("layer", fmt, context, template_dirs)
    return files
