"""The content of the course notes: one context per layer note, plus the index.

Every formula, step and number here comes from the layers and the engine; the
prose (:data:`PROSE`) is the only hand-written part, and it holds no numbers that
the engine could contradict. Contexts hold sympy objects and derivations;
:mod:`symconv.notes.render` prints them. :func:`render_notes` returns the whole set as
``{filename: text}``.

>>> size = output_size(REGISTRY["max-pool"])
>>> size["width"], [case["width"] for case in size["cases"]][:1]
(floor((2*P_W + W_in - d_W*(W_F - 1) - 1)/S_W) + 1, [floor((-W_F + W_in)/W_F) + 1])
"""

from __future__ import annotations

import dataclasses

import sympy

from ..engine import equivalent, ratio, solve_for, substitute
from ..errors import InputError
from ..layers import REGISTRY, DepthwiseSeparable, layer_name
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
    a_H,
    a_W,
    as_expr,
    d_H,
    d_W,
)
from . import render
from .derive import comparison, macs_derivation, params_derivation, ratio_derivation
from .example import Examples, example, example_layer, example_values
from .render import Style

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

#: what a symbol means in one layer's note, where the general meaning would mislead.
MEANING_IN = {
    "dense": {"D_in": "input features (a flattened W x H x C map has W H C)",
              "D_out": "output features (units)"},
    "global-avg-pool": {"D_in": "channels"},
    "batchnorm": {"D_in": "channels"},
    "max-pool": {"D_in": "channels (kept)"},
    "avg-pool": {"D_in": "channels (kept)"},
}


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def note_layer(cls):
    """The layer a note's formulas are about: every size a symbol, every option its default."""
    return cls()


def symbols_table(name: str, style: Style, *exprs) -> list[dict]:
    """The symbols a note's formulas use (after the notation's identifications), in the
    course order, with their meaning in this layer and the spellings symconv accepts."""
    used = set()
    for expr in exprs:
        used |= {s.name for s in style.expr(as_expr(expr)).free_symbols}
    rows = []
    for symbol_name in MEANINGS:
        if symbol_name in used:
            base, _, sub = symbol_name.partition("_")
            spellings = sorted((a for a, c in ALIASES.items() if c == symbol_name
                                and a != symbol_name and "\\" not in a
                                and (not sub or sub in a or sub.upper() not in a)),
                               key=lambda a: (a[0] != base, len(a), a))
            meaning = MEANING_IN.get(name, {}).get(symbol_name, MEANINGS[symbol_name])
            rows.append({"symbol": SYMBOLS[symbol_name], "name": symbol_name,
                         "meaning": meaning, "aliases": ", ".join(spellings[:4])})
    return rows


def _general(cls):
    """The layer with every option a symbol: stride S, padding P, dilation d, output padding a."""
    fields = _fields(cls)
    options = {}
    for option, pair in (("stride", (S_W, S_H)), ("padding", (P_W, P_H)),
                         ("dilation", (d_W, d_H)), ("output_padding", (a_W, a_H))):
        if option in fields and not (cls.name == "avg-pool" and option == "dilation"):
            options[option] = pair
    return cls(**options), options


_STRIDE_1 = ("stride 1, no padding", {P_W: 0, S_W: 1, d_W: 1, a_W: 0},
             {"padding": "valid", "stride": 1})
_STRIDE_S = ("stride $S_{W}$, no padding", {P_W: 0, d_W: 1, a_W: 0},
             {"padding": "valid", "stride": (S_W, S_H)})
_FULL = ("full padding, stride 1", {P_W: d_W * (W_F - 1), S_W: 1, a_W: 0},
         {"padding": "full", "stride": 1, "dilation": (d_W, d_H)})
_WINDOW = ("stride = window (the default), no padding", {P_W: 0, S_W: W_F, d_W: 1},
           {"padding": "valid"})


def output_size(cls) -> dict | None:
    """The general output-size formula and its special cases, each checked by the engine."""
    fields = _fields(cls)
    if "W_in" not in fields or cls.name in ("global-avg-pool", "batchnorm"):
        return None
    layer, options = _general(cls)
    general = layer.output_size
    if cls.name.endswith("-pool"):
        wanted = (_WINDOW, _STRIDE_S)
    elif "padding" in fields:
        wanted = (_STRIDE_1, _STRIDE_S, _FULL)
    else:
        wanted = (("stride 1", {S_W: 1}, {"stride": 1}),)
    cases = []
    for label, subs, kwargs in wanted:
        subs = {s: v for s, v in subs.items() if s in general.width.free_symbols}
        special = cls(**{k: v for k, v in kwargs.items() if k in options}).output_size.width
        check = equivalent(general.width.xreplace(subs), special)
        if check.equal is not True:
            raise AssertionError(f"{cls.name}: {label}: {general.width} does not reduce to "
                                 f"{special}")
        cases.append({"label": label, "assumes": [{"symbol": k, "value": v}
                                                   for k, v in subs.items()],
                      "width": special})
    if "padding" in fields and cls.name != "transposed-conv":
        cases.append({"label": "same padding (TensorFlow's rule)", "assumes": [],
                      "width": cls(**{**options, "padding": "same"}).output_size.width})
    span = effective_kernel(W_F, d_W) if "dilation" in options else None
    words = {"stride": "stride $S$", "padding": "zero padding $P$ on each side",
             "dilation": "dilation $d$", "output_padding": "output padding $a$"}
    return {"width": general.width, "height": general.height, "channels": general.channels,
            "cases": cases, "span": span, "options": [words[o] for o in options],
            "symbols": [general.width, general.height]}


def ratio_context(a, b, quantity: str = "macs", names=("", ""), title: str = "") -> dict:
    """A ratio of two layers' costs: derivation, limits and, for a 3x3 dw-sep, what it means."""
    result = ratio(a, b, quantity)
    label = {"macs": "MACs", "params": "params", "flops": "FLOPs"}[quantity]
    names = (names[0] or a.name, names[1] or b.name)
    derivation = derivation_context(ratio_derivation(a, b, quantity),
                                    render.ratio_lhs(label, *names))
    context = {"title": title, "numerator": names[0], "denominator": names[1],
               "quantity": label, "derivation": derivation, "expr": result.expr,
               "limits": [{"symbol": s, "value": v} for s, v in result.limits],
               "kernel": None, "example": None}
    if isinstance(a, DepthwiseSeparable) and quantity != "params" and a.W_F == W_F:
        at3 = substitute(result.expr, {W_F: 3, H_F: 3})
        floor_value = sympy.limit(at3, D_out, sympy.oo)
        bound = int(1 / floor_value) - 1  # the whole number of times cheaper it reaches
        (threshold,) = solve_for(at3, sympy.Rational(1, bound), D_out)
        table = [{"D_out": n, "ratio": substitute(at3, {D_out: n}),
                  "factor": float(1 / substitute(at3, {D_out: n}))}
                 for n in (16, 32, 64, 128, 256, 512)]
        context["kernel"] = {"side": 3, "expr": at3, "limit": floor_value,
                             "limit_factor": int(1 / floor_value), "bound": bound,
                             "threshold": int(threshold), "table": table}
    return context


def derivation_context(derivation, lhs: str | None = None) -> dict | None:
    """A derivation for the templates: ``lhs`` (math), ``steps`` (each with ``terms`` and
    ``note``; the ``step`` filter prints one) and ``final`` (an expression)."""
    if derivation is None:
        return None
    return {"key": derivation.key, "lhs": lhs or render.math_text(derivation.lhs),
            "steps": list(derivation.steps), "final": derivation.final}


def layer_context(name: str, examples: Examples, style: Style, figures=()) -> dict:
    """Everything a layer note shows, as expressions, numbers, steps and settings."""
    cls = REGISTRY[name]
    layer = note_layer(cls)
    title, what, remarks = PROSE[name]
    bias = None
    if hasattr(layer, "bias"):
        bias = {"with": layer.replace(bias=True).params,
                "without": layer.replace(bias=False).params}
    size = output_size(cls)
    glance = render.glance(layer)
    ex = example(cls, examples)
    compare = comparison(layer)
    context = {
        "name": name, "title": title, "summary": cls.summary, "what": what,
        "remarks": list(remarks), "see_also": list(SEE_ALSO.get(name, ())),
        "glance": glance, "output_size": size,
        "params": derivation_context(params_derivation(layer)),
        "macs": derivation_context(macs_derivation(layer)),
        "params_expr": layer.params, "macs_expr": layer.macs, "flops_expr": layer.flops,
        "buffers": layer.buffers if layer.buffers != 0 else None,
        "bias": bias, "example": ex, "figures": list(figures),
        "comparison": None if compare is None else {
            **ratio_context(layer, compare[0], "macs", (name, compare[1])),
            "example": _example_ratio(cls, examples, layer, compare[0])},
    }
    shown = list(expressions({k: v for k, v in context.items() if k != "example"}))
    if size:  # the output-size section names W_out and H_out
        shown += [W_out, H_out]
    context["symbols"] = symbols_table(name, style, *shown, *layer.output_size)
    return context


def expressions(value):
    """Every expression a context shows (in dicts, lists, derivation steps and terms)."""
    if isinstance(value, sympy.Basic):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from expressions(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from expressions(v)
    elif hasattr(value, "terms"):  # a derivation step
        for term in value.terms:
            yield term.expr


def _example_ratio(cls, examples: Examples, sym, reference) -> dict | None:
    """The comparison in numbers: the example's MACs over the reference layer's, and the
    closed-form ratio with the example's sizes put in (the two must agree)."""
    layer = example_layer(cls, examples)
    spec = examples.spec(cls.name)
    numeric_reference = comparison(layer, spec.get("D_out", D_out))[0]
    values = {**example_values(layer, example_layer(cls, examples, symbolic=True)),
              D_out: numeric_reference.D_out}
    closed = substitute(ratio(sym, reference, "macs").expr, values)
    if closed.free_symbols or numeric_reference.macs.free_symbols:
        return None  # the reference has sizes the example does not fix (pointwise: W_F)
    num, den = int(layer.macs), int(numeric_reference.macs)
    if closed != sympy.Rational(num, den):
        raise AssertionError(f"{cls.name}: example ratio {num}/{den} != closed form {closed}")
    return {"numerator": num, "denominator": den, "ratio": closed, "factor": float(1 / closed),
            "reference": numeric_reference}


def index_context(names, title: str) -> dict:
    rows = []
    for name in names:
        layer = note_layer(REGISTRY[name])
        rows.append({"name": name, "title": PROSE[name][0], "summary": REGISTRY[name].summary,
                     "params": layer.params, "macs": layer.macs})
    conv = REGISTRY["conv"]
    general = conv(stride=(S_W, S_H), padding=(P_W, P_H), dilation=(d_W, d_H)).output_size.width
    same = conv(stride=(S_W, S_H), padding="same").output_size.width
    return {"title": title, "layers": rows, "output_width": general, "same_width": same}


def select(layers) -> list[str]:
    """The layer names of ``--layers a,b`` or a list (all of them when not given), in catalog
    order; any of a layer's names works (``--layers Conv2d,bn``)."""
    if not layers:
        return list(REGISTRY)
    words = layers.split(",") if isinstance(layers, str) else list(layers)
    wanted = {layer_name(w.strip()) for w in words if w.strip()}
    if not wanted:
        raise InputError(f"--layers takes layer names, like conv,dw-sep, not {layers!r}")
    return [n for n in REGISTRY if n in wanted]
