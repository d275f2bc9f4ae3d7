"""A network note (``symconv notes --net mobilenet-v1``): the per-layer table at one input
size, the totals in closed form, how the closed form was obtained, and MACs against the
input size as a plot.

The closed form is the sum of the layers' own formulas at their propagated input sizes
(:meth:`symconv.net.network.Network.analyse`). The note groups that sum by feature-map
size, and shows that with ``H`` and ``W`` multiples of the total stride every ceiling is an
exact division, so the total is a polynomial; both steps are checked by the engine.
"""

from __future__ import annotations

import sympy

from ..engine import equivalent, substitute
from ..net.network import Network
from ..symbols import SYMBOLS
from . import render
from .canvas import Canvas
from .derive import Derivation, Step, Term
from .figures import plot

H, W, alpha = SYMBOLS["H"], SYMBOLS["W"], SYMBOLS["alpha"]
SIDE = 224


def _grouped(total) -> list[tuple]:
    """``total`` as ``[(coefficient, map factor)]``: terms with the same feature-map factor
    (``ceiling(H/2)*ceiling(W/2)``) together, the coefficient in alpha."""
    groups: dict = {}
    for term in sympy.Add.make_args(sympy.expand(total)):
        coeff, rest = sympy.Integer(1), sympy.Integer(1)
        for factor in sympy.Mul.make_args(term):
            if factor.is_number or factor.free_symbols <= {alpha}:
                coeff *= factor
            else:
                rest *= factor
        groups[rest] = groups.get(rest, 0) + coeff
    return [(c, f) for f, c in sorted(groups.items(), key=lambda kv: -_side(kv[0]))]


def _side(factor) -> float:
    """How large a map factor is at H = W = 1024 (for ordering: the largest maps first)."""
    return float(factor.subs({H: 1024, W: 1024}))


def _map_label(factor) -> str:
    if factor == 1:
        return "dense layers"
    if factor.has(sympy.ceiling, sympy.floor):
        return "layers on the map this size"
    return "per input pixel"


def network_context(name: str) -> dict:
    net = Network.resolve(name)
    width = {"alpha": 1} if alpha in net.analyse().total["macs"].free_symbols else {}
    closed = net.analyse(width)  # in H and W; channel counts at the width multiplier 1
    poly = net.analyse(width, assume_divisible=True)
    values = {"H": SIDE, "W": SIDE, **width}
    numeric = net.analyse(values)
    rows = [r for r in numeric.rows if r.params != 0 or r.macs != 0]
    skipped = len(numeric.rows) - len(rows)
    macs = int(numeric.total["macs"])
    table = [{"label": r.label, "type": r.type, "output": [int(v) for v in r.output],
              "params": int(r.params), "macs": int(r.macs),
              "share": f"{100 * int(r.macs) / macs:.1f}%" if macs else "-"} for r in rows]
    groups = _grouped(closed.total["macs"])
    grouped = Step(tuple(Term(sympy.expand(c) * f, _map_label(f)) for c, f in groups), "+",
                   note="the layers' MACs at their propagated input sizes, added and grouped "
                        "by feature-map size")
    by_size = Derivation("net-macs", "MACs", (grouped,), closed.total["macs"])
    stride = [int(s) for s in poly.total_stride]
    exact = {f: f.args[0] for f in closed.total["macs"].atoms(sympy.ceiling, sympy.floor)}
    dropped = Step(tuple(Term(sympy.expand(c) * f.xreplace(exact), "") for c, f in groups), "+",
                   note=f"H a multiple of {stride[1]}, W of {stride[0]}: every ceiling is an "
                        f"exact division")
    polynomial = Derivation("net-macs-divisible", "MACs", (dropped,), poly.total["macs"])
    if equivalent(sympy.Add(*[c * f.xreplace(exact) for c, f in groups]),
                  poly.total["macs"]).equal is not True:
        raise AssertionError(f"{name}: the divisible closed form does not follow")
    return {"name": closed.name, "file": f"net-{closed.name}", "side": SIDE, "net": net,
            "values": values, "rows": table, "skipped": skipped,
            "totals": {k: numeric.total[k] for k in ("params", "macs", "flops")},
            "closed": {k: closed.total[k] for k in ("params", "macs")},
            "polynomial": {k: poly.total[k] for k in ("params", "macs")},
            "stride": stride, "input": [int(numeric.input.channels)],
            "by_size": _derivation(by_size), "divisible": _derivation(polynomial),
            "groups": len(groups)}


def _derivation(d: Derivation) -> dict:
    return {"key": d.key, "lhs": render.math_text(d.lhs), "steps": list(d.steps),
            "final": d.final}


def resolution_plot(name: str, net, alphas) -> tuple[Canvas, str]:
    """MACs against the input side (``H = W``), for several width multipliers: each curve
    is the closed form in ``H``, ``W`` at that multiplier, evaluated."""
    sides = list(range(96, 513, 32))
    series = []
    top = 0
    for a, colour in zip(alphas, ("line4", "line3", "line2", "line1")):
        total = net.analyse({"alpha": a} if a else {}).total["macs"]
        points = []
        for side in sides:
            value = float(substitute(total, {H: side, W: side})) / 1e6
            points.append((side, value))
            top = max(top, value)
        label = (f"alpha = {a}", rf"\alpha = {a}") if a else ("MACs", r"\text{MACs}")
        series.append((label, colour, points))
    step = _nice(top / 4)
    y_ticks = [float(step * i) for i in range(0, int(top / step) + 2)]
    canvas = plot(series, [96, 160, 224, 288, 352, 416, 480], y_ticks,
                  ("input side H = W", r"\text{input side } H = W"),
                  ("MACs (millions)", r"\text{MACs (millions)}"))
    caption = (f"{name}: MACs (millions) against the input side H = W, from the closed form "
               f"with its ceilings, evaluated at every multiple of 32 from 96 to 512"
               + (" for four width multipliers." if alphas[0] else "."))
    return canvas, caption


def _nice(x: float) -> float:
    for unit in (1, 2, 2.5, 5):
        for power in range(-2, 8):
            if unit * 10 ** power >= x:
                candidate = unit * 10 ** power
                return candidate
    return x


def network_note(name: str, fmt: str, style, template_dirs=(), figures: bool = True):
    """``({filename: text}, index entry)`` of one network note."""
    context = network_context(name)
    files = {}
    context["figures"] = []
    if figures:
        alphas = (0.25, 0.5, 0.75, 1.0) if context["values"].get("alpha") else (None,)
        canvas, caption = resolution_plot(context["name"], context.pop("net"), alphas)
        stem = f"{context['file']}-macs"
        if fmt == "markdown":
            files[f"{stem}.svg"] = canvas.svg(caption)
            context["figures"].append({"file": f"{stem}.svg", "tex": "", "caption": caption,
                                       "alt": f"{context['name']}: MACs against input size"})
        else:
            files[f"fig-{stem}.tex"] = canvas.tikz()
            context["figures"].append({"file": "", "tex": f"fig-{stem}", "caption": caption,
                                       "alt": ""})
    suffix = render.SUFFIX[fmt]
    context.pop("net", None)
    files[f"{context['file']}.{suffix}"] = render.render("network-note", fmt, context,
                                                         template_dirs, style)
    entry = {"name": context["file"], "title": f"The network {context['name']}",
             "summary": "per-layer table, closed-form totals and MACs against input size"}
    return files, entry
