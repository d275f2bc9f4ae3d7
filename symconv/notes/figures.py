"""Figures of the notes, drawn from the same layer objects as the formulas beside them.

- the sliding window (Dumoulin and Visin's pictures): the input grid with its padding,
  the kernel's taps (dilated), the next window one stride on, and the output grid; its
  sizes come from a small layer with the worked example's kernel and options, and the
  output grid is that layer's own ``output_size``;
- the transposed convolution's scatter, the depthwise separable layer as two stages,
  a grouped convolution's channels;
- a plot of the dw-sep / standard MAC ratio against ``D_out`` for several kernels, with
  the limits the engine derives.

Each figure is one :class:`~symconv.notes.canvas.Canvas`, written as SVG for Markdown and
as TikZ for LaTeX.

>>> d = window_layer(REGISTRY["conv"], Examples(common={"stride": 2, "padding": 1}))
>>> d.W_in, d.W_F, d.stride, d.output_size.width
(7, 5, (2, 2), 3)
"""

from __future__ import annotations

import sympy

from ..engine import ratio, substitute
from ..errors import InputError
from ..layers import REGISTRY, Conv, DepthwiseSeparable
from ..shapes import PaddingMode, effective_kernel
from ..symbols import H_F, W_F, D_out
from .canvas import Canvas
from .example import Examples, example_layer

#: layer -> (figure kind, where in the note it goes).
FIGURES = {
    "conv": (("window", "size"),),
    "grouped": (("groups", "top"), ("window", "size")),
    "depthwise": (("window", "size"),),
    "pointwise": (("window", "size"),),
    "dw-sep": (("stages", "top"), ("window", "size"), ("ratio-plot", "compare")),
    "transposed-conv": (("scatter", "size"),),
    "max-pool": (("window", "size"),),
    "avg-pool": (("window", "size"),),
}


def layer_figures(name: str, examples: Examples, fmt: str) -> list[dict]:
    """The figures of one note: ``place``, ``caption``, the file to link (``file``) or input
    (``tex``), and ``files`` (``{filename: text}``) to write beside the note."""
    out = []
    for kind, place in FIGURES.get(name, ()):
        canvas, caption = DRAW[kind](REGISTRY[name], examples)
        stem = f"{name}-{kind}"
        if fmt == "markdown":
            files = {f"{stem}.svg": canvas.svg(caption)}
            out.append({"place": place, "caption": caption, "file": f"{stem}.svg",
                        "alt": f"{name}: {kind.replace('-', ' ')}",
                        "tex": "", "files": files})
        else:
            files = {f"fig-{stem}.tex": canvas.tikz()}
            out.append({"place": place, "caption": caption, "file": "", "alt": "",
                        "tex": f"fig-{stem}", "files": files})
    return out


# --- the sliding window ------------------------------------------------------------------

def _options(layer) -> dict:
    return {k: getattr(layer, k) for k in ("stride", "padding", "dilation")
            if hasattr(layer, k)}


def window_layer(cls, examples: Examples):
    """A small layer with the worked example's kernel and options: the smallest square
    input (from 3) on which the window lands at least three times per axis."""
    model = example_layer(cls, examples)
    kernel = {k: getattr(model, k) for k in ("W_F", "H_F") if hasattr(model, k)}
    last = None
    for n in range(3, 40):
        try:
            layer = cls(D_in=model.D_in, W_in=n, H_in=n, **kernel, **_options(model),
                        **({"D_out": model.D_out} if "D_out" in cls.__dataclass_fields__
                           else {}))
        except InputError:
            continue
        last = layer
        if layer.output_size.width >= 3 and layer.output_size.height >= 3:
            return layer
    if last is None:
        raise InputError(f"{cls.name}: no small input fits the example's kernel")
    return last


def _padding(layer, axis: int) -> tuple[int, int]:
    """Zero padding before and after the input along one axis (``same`` as TensorFlow)."""
    padding = layer.padding[axis] if hasattr(layer, "padding") else PaddingMode.VALID
    k = int((layer.W_F, layer.H_F)[axis]) if hasattr(layer, "W_F") else 1
    d = int(layer.dilation[axis]) if hasattr(layer, "dilation") else 1
    s, n = int(layer.stride[axis]), int((layer.W_in, layer.H_in)[axis])
    span = int(effective_kernel(k, d))
    if padding == PaddingMode.VALID:
        return 0, 0
    if padding == PaddingMode.FULL:
        return span - 1, span - 1
    if padding == PaddingMode.SAME:
        out = int(tuple(layer.output_size)[axis])
        total = max((out - 1) * s + span - n, 0)
        return total // 2, total - total // 2
    return int(padding), int(padding)


def _window(cls, examples):
    layer = window_layer(cls, examples)
    k = (int(layer.W_F), int(layer.H_F)) if hasattr(layer, "W_F") else (1, 1)
    d = tuple(int(v) for v in layer.dilation) if hasattr(layer, "dilation") else (1, 1)
    s = tuple(int(v) for v in layer.stride)
    n = (int(layer.W_in), int(layer.H_in))
    (pl, pr), (pt, pb) = _padding(layer, 0), _padding(layer, 1)
    out = (int(layer.output_size.width), int(layer.output_size.height))
    cols, rows = n[0] + pl + pr, n[1] + pt + pb
    gap, top = 3, 1.6
    canvas = Canvas(1 + cols + gap + out[0] + 1, top + max(rows, out[1]) + 2.2)
    ox, oy = 1, top
    for r in range(rows):
        for c in range(cols):
            inside = pl <= c < pl + n[0] and pt <= r < pt + n[1]
            canvas.rect(ox + c, oy + r, 1, 1, fill="input" if inside else "pad",
                        dashed=not inside)
    taps = [(i * d[0], j * d[1]) for i in range(k[0]) for j in range(k[1])]
    span = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
    if out[0] > 1:  # the next window, one stride to the right
        for x, y in taps:
            canvas.rect(ox + s[0] + x + 0.12, oy + y + 0.12, 0.76, 0.76, fill="window",
                        stroke=None)
        canvas.rect(ox + s[0], oy, span[0], span[1], stroke="hit", dashed=True, thick=True)
    for x, y in taps:
        canvas.rect(ox + x + 0.12, oy + y + 0.12, 0.76, 0.76, fill="kernel", stroke=None)
    canvas.rect(ox, oy, span[0], span[1], stroke="kernel", thick=True)
    px = ox + cols + gap
    for r in range(out[1]):
        for c in range(out[0]):
            canvas.rect(px + c, oy + r, 1, 1, fill="hit" if (r, c) == (0, 0) else "output")
    if out[0] > 1:
        canvas.rect(px + 1, oy, 1, 1, stroke="hit", dashed=True, thick=True)
    middle = oy + min(rows, out[1]) / 2
    canvas.line(ox + cols + 0.4, middle, px - 0.4, middle, arrow=True)
    pad = f", padding {pl}" if pl == pr and pt == pb and pl == pt else (
        f", padding {pl}/{pr} (left/right)" if pl + pr + pt + pb else "")
    canvas.text(ox + cols / 2, oy + rows + 0.8, f"input {n[0]} x {n[1]}{pad}",
                math=rf"{n[0]} \times {n[1]}\text{{ input{pad}}}")
    canvas.text(px + out[0] / 2, oy + out[1] + 0.8, f"output {out[0]} x {out[1]}",
                math=rf"{out[0]} \times {out[1]}\text{{ output}}")
    what = "window" if cls.name.endswith("-pool") else "kernel"
    canvas.text(ox, 0.7, f"{what} {k[0]} x {k[1]}, stride {s[0]}"
                + (f", dilation {d[0]}" if hasattr(layer, "dilation") else ""),
                math=rf"\text{{{what} }}{k[0]} \times {k[1]}\text{{, stride {s[0]}"
                     + (f", dilation {d[0]}" if hasattr(layer, "dilation") else "") + "}",
                anchor="start")
    options = ", ".join(f"{o} {v[0] if isinstance(v, tuple) else v}"
                        for o, v in _options(layer).items())
    caption = (f"The sliding window of the {what} ({k[0]} x {k[1]}, {options}, the worked "
               f"example's) on a {n[0]} x {n[1]} input: "
               f"the first window (solid) gives the first output value; the next one "
               f"(dashed) starts {s[0]} column{'s' if s[0] != 1 else ''} on. The output is "
               f"{out[0]} x {out[1]}, as the output-size formula gives.")
    return canvas, caption


def _scatter(cls, examples):
    model = example_layer(cls, examples)
    k, s = int(model.W_F), int(model.stride[0])
    layer = cls(D_in=model.D_in, D_out=model.D_out, W_F=k, H_F=k, W_in=3, H_in=3,
                **_options(model))
    out = int(layer.output_size.width)
    canvas = Canvas(1 + 3 + 3 + out + 1, 1.6 + out + 2.2)
    oy = 1.6
    for r in range(3):
        for c in range(3):
            canvas.rect(1 + c, oy + r, 1, 1, fill="hit" if (r, c) == (0, 0) else "input")
    canvas.rect(2, oy, 1, 1, stroke="kernel", dashed=True, thick=True)
    px = 7
    for r in range(out):
        for c in range(out):
            canvas.rect(px + c, oy + r, 1, 1, fill="output")
    for r in range(k):
        for c in range(k):
            canvas.rect(px + c + 0.12, oy + r + 0.12, 0.76, 0.76, fill="kernel", stroke=None)
    canvas.rect(px, oy, k, k, stroke="hit", thick=True)
    canvas.rect(px + s, oy, k, k, stroke="kernel", dashed=True, thick=True)
    canvas.line(4.4, oy + 0.5, px - 0.4, oy + 0.5, arrow=True)
    canvas.text(2.5, oy + 3.8, "input 3 x 3", math=r"3 \times 3\text{ input}")
    canvas.text(px + out / 2, oy + out + 0.8, f"output {out} x {out}",
                math=rf"{out} \times {out}\text{{ output}}")
    canvas.text(1, 0.7, f"kernel {k} x {k}, stride {s}",
                math=rf"\text{{kernel }}{k} \times {k}\text{{, stride {s}}}", anchor="start")
    caption = (f"A transposed convolution ({k} x {k} kernel, stride {s}, the worked example's) "
               f"on a 3 x 3 input: each input value scatters a {k} x {k} copy of the kernel "
               f"into the output; the next input value's copy (dashed) lands {s} columns on. "
               f"The output is {out} x {out}, as the output-size formula gives.")
    return canvas, caption


# --- the depthwise separable layer as two stages, grouped channels ---------------------------

def _stages(cls, examples):
    layer = example_layer(cls, examples)
    dw, pw = layer.parts
    sizes = [(int(layer.W_in), int(layer.D_in)), (int(dw.output_size.width), int(dw.D_out)),
             (int(pw.output_size.width), int(pw.D_out))]
    top_channels = max(c for _, c in sizes)
    canvas = Canvas(24, 13)
    xs, middle = (1, 9.5, 18), 7.6
    for (side, channels), x in zip(sizes, xs):
        h = 1 + 5 * channels / top_channels
        canvas.rect(x, middle - h / 2, 4, h, fill="input" if x == 1 else "output")
        canvas.text(x + 2, middle + h / 2 + 0.7, f"{side} x {side} x {channels}",
                    math=rf"{side} \times {side} \times {channels}")
    stages = (("depthwise", f"{dw.D_in} filters {int(dw.W_F)} x {int(dw.H_F)} x 1",
               rf"{int(dw.D_in)}\text{{ filters }}{int(dw.W_F)} \times {int(dw.H_F)} \times 1",
               int(dw.macs)),
              ("pointwise", f"{pw.D_out} filters 1 x 1 x {pw.D_in}",
               rf"{int(pw.D_out)}\text{{ filters }}1 \times 1 \times {int(pw.D_in)}",
               int(pw.macs)))
    for (stage, text, math, macs), x in zip(stages, (5.2, 13.7)):
        canvas.line(x, middle, x + 4, middle, arrow=True, thick=True)
        canvas.text(x + 2, 1.3, stage)
        canvas.text(x + 2, 2.3, text, math=math, size=0.85)
        canvas.text(x + 2, 3.3, f"{macs:,} MACs", math=rf"{macs:,}".replace(",", "{,}")
                    + r"\text{ MACs}", size=0.85)
    caption = (f"The worked example's depthwise separable layer as two stages: the depthwise "
               f"stage filters each of the {dw.D_in} channels on its own "
               f"({int(dw.macs):,} MACs), the pointwise stage mixes them into {pw.D_out} "
               f"({int(pw.macs):,} MACs); {int(layer.macs):,} MACs in all.")
    return canvas, caption


def _groups(cls, examples):
    layer = example_layer(cls, examples)
    g, d_in, d_out = int(layer.groups), int(layer.D_in), int(layer.D_out)
    step = min(0.5, 14 / max(d_in, d_out))
    tall = max(d_in, d_out) * step
    canvas = Canvas(16, tall + 3.6)
    top = 1.6
    left_y, right_y = top + (tall - d_in * step) / 2, top + (tall - d_out * step) / 2
    for i in range(d_in):
        canvas.rect(2, left_y + i * step, 2, step, fill=f"g{i * g // d_in % 4 + 1}")
    for i in range(d_out):
        canvas.rect(12, right_y + i * step, 2, step, fill=f"g{i * g // d_out % 4 + 1}")
    for group in range(g):
        a = left_y + (group + 0.5) * d_in / g * step
        b = right_y + (group + 0.5) * d_out / g * step
        canvas.line(4.2, a, 11.8, b, arrow=True)
    canvas.text(3, 0.8, f"D_in = {d_in}", math=rf"D_{{in}} = {d_in}")
    canvas.text(13, 0.8, f"D_out = {d_out}", math=rf"D_{{out}} = {d_out}")
    canvas.text(8, tall + 2.6, f"g = {g} groups", math=rf"g = {g}\text{{ groups}}")
    caption = (f"A grouped convolution with g = {g} (the worked example's): the {d_in} input "
               f"channels split into {g} groups of {d_in // g}; each group has its own "
               f"{d_out // g} filters of depth {d_in // g}, so no filter sees another group's "
               f"channels.")
    return canvas, caption


# --- plots -----------------------------------------------------------------------------------

def plot(series, x_ticks, y_ticks, x_label, y_label, limits=(), log_x=False) -> Canvas:
    """Lines over axes: ``series`` is ``[(label, colour, [(x, y), ...])]``; ``limits`` are
    ``[(label, colour, y)]`` dashed horizontal lines."""
    import math

    fx = (lambda v: math.log2(v)) if log_x else (lambda v: v)
    x0, x1 = fx(x_ticks[0]), fx(x_ticks[-1])
    y0, y1 = y_ticks[0], y_ticks[-1]
    width, height, left, top = 16.0, 9.0, 2.6, 0.8
    canvas = Canvas(left + width + 6.5, top + height + 2.4)

    def at(x, y):
        return (left + (fx(x) - x0) / (x1 - x0) * width,
                top + height - (min(max(y, y0), y1) - y0) / (y1 - y0) * height)

    canvas.rect(left, top, width, height, stroke="grid")
    for t in x_ticks:
        x, _ = at(t, y0)
        canvas.line(x, top + height, x, top + height + 0.2, stroke="grid")
        canvas.text(x, top + height + 0.6, f"{t:,}", size=0.8)
    for t in y_ticks:
        _, y = at(x_ticks[0], t)
        canvas.line(left - 0.2, y, left, y, stroke="grid")
        canvas.text(left - 0.35, y, _tick(t), anchor="end", size=0.8)
    canvas.text(left + width / 2, top + height + 1.5, x_label[0], math=x_label[1])
    canvas.text(0.4, top - 0.35, y_label[0], math=y_label[1], anchor="start", size=0.85)
    for i, (label, colour, y) in enumerate(limits):
        (a, b), (c, _) = at(x_ticks[0], y), at(x_ticks[-1], y)
        canvas.line(a, b, c, b, stroke=colour, dashed=True)
    for i, (label, colour, points) in enumerate(series):
        canvas.polyline([at(x, y) for x, y in points], stroke=colour)
        canvas.line(left + width + 0.6, top + 0.6 + i, left + width + 1.6, top + 0.6 + i,
                    stroke=colour, thick=True)
        canvas.text(left + width + 1.8, top + 0.6 + i, label[0], math=label[1], anchor="start",
                    size=0.85)
    if limits:
        y = top + 0.6 + len(series)
        canvas.line(left + width + 0.6, y, left + width + 1.6, y, stroke="grid", dashed=True)
        canvas.text(left + width + 1.8, y, "limit", anchor="start", size=0.85)
    return canvas


def _tick(value) -> str:
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


def _ratio_plot(cls, examples):
    result = ratio(DepthwiseSeparable(), Conv())
    (limit,) = [v for s, v in result.limits if s == D_out]
    xs = [2 ** i for i in range(2, 10)]
    fine = [2 ** (i / 4) for i in range(8, 37)]
    series, limits = [], []
    for k, colour in ((3, "line1"), (5, "line2"), (7, "line3")):
        at_k = substitute(result.expr, {W_F: k, H_F: k})
        points = [(x, float(at_k.subs(D_out, sympy.Rational(x).limit_denominator(1000))))
                  for x in fine]
        series.append(((f"K = {k}", rf"K = {k}"), colour, points))
        limits.append((f"1/{k * k}", colour, float(substitute(limit, {W_F: k, H_F: k}))))
    canvas = plot(series, xs, [0.0, 0.1, 0.2, 0.3, 0.4],
                  ("D_out (output channels)", r"D_{out}\text{ (output channels)}"),
                  ("MACs(dw-sep) / MACs(conv)",
                   r"\text{MACs(dw-sep)} / \text{MACs(conv)}"), limits, log_x=True)
    caption = ("The ratio 1/D_out + 1/(W_F H_F) against D_out for K x K kernels, K = 3, 5, 7 "
               "(the engine's closed form, evaluated); dashed: the limits 1/K^2 it tends to as "
               "D_out grows.")
    return canvas, caption


DRAW = {"window": _window, "scatter": _scatter, "stages": _stages, "groups": _groups,
        "ratio-plot": _ratio_plot}
