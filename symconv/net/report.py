"""An analysed network as a per-layer table and totals: text, Markdown, LaTeX, JSON.

Data and formatting stay apart: :class:`symconv.net.network.Analysis` holds sympy
values; this module only prints them. Every total says what it counts
(:data:`symconv.net.network.TOTALS`); the per-layer rows sum to the totals.

>>> from symconv.net.network import Network, layer
>>> a = Network([layer("conv", D_out=8, K=3, padding=1), layer("global-avg-pool"),
...              layer("dense", D_out=2)], H=4, W=4).analyse()
>>> print(table_lines(a)[2])
1      conv             4 x 4 x 8              224  3,456     92.6%   99.5%
"""

from __future__ import annotations

import json

import sympy

from ..printing import as_json_value, math_number, pretty_form
from .network import TOTALS, Analysis

_LABELS = {"params": "params", "weights": "weights", "biases": "biases", "bn_affine": "BN affine",
           "bn_buffers": "BN buffers", "macs": "MACs", "flops": "FLOPs"}


def _num(value) -> str:
    """A count: digits grouped, or the expression on one line."""
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return sympy.sstr(value)


def _shape(shape) -> str:
    return " x ".join(f"({_num(v)})" if v.is_Add else _num(v) for v in shape)


def _tex_shape(shape) -> str:
    return r" \times ".join(rf"\left({_tex(v)}\right)" if v.is_Add else _tex(v) for v in shape)


def _share(part, whole) -> str | None:
    if isinstance(whole, sympy.Basic) and whole.is_Integer and whole != 0 and part.is_number:
        return f"{100 * float(part) / float(whole):.1f}%"
    return None


def _outside(analysis: Analysis, row) -> bool:
    """A side head's row that the totals leave out."""
    return row.head is not None and not analysis.with_heads


def _columns(analysis: Analysis) -> list[tuple[str, list[str]]]:
    rows, total = analysis.rows, analysis.total
    cols = [("layer", [r.label for r in rows]), ("type", [r.type for r in rows]),
            ("output (W x H x C)", [_shape(r.output) for r in rows]),
            ("params", [_num(r.params) for r in rows]), ("MACs", [_num(r.macs) for r in rows])]
    for key, title in (("params", "% params"), ("macs", "% MACs")):
        shares = ["head" if _outside(analysis, r) else _share(r.value(key), total[key]) for r in rows]
        if all(s is not None for s in shares):
            cols.append((title, shares))
    return cols


def table_lines(analysis: Analysis) -> list[str]:
    """The per-layer table as aligned text lines (header, rule, one line per row)."""
    cols = _columns(analysis)
    widths = [max(len(title), *(len(c) for c in cells)) for title, cells in cols]
    right = {"params", "MACs", "% params", "% MACs"}

    def line(cells):
        return "  ".join(c.rjust(w) if t in right else c.ljust(w)
                         for (t, _), c, w in zip(cols, cells, widths)).rstrip()

    out = [line([t for t, _ in cols]), line(["-" * w for w in widths])]
    out += [line([cells[i] for _, cells in cols]) for i in range(len(analysis.rows))]
    return out


def heading(analysis: Analysis) -> str:
    """What was analysed: the network, its input, the values given, the assumptions."""
    c = analysis.input
    text = f"{analysis.name}: input {_num(c.channels)} x {_num(c.height)} x {_num(c.width)} (C x H x W)"
    shown = {k: v for k, v in analysis.values.items() if str(k) not in ("C", "H", "W")}
    if shown:
        text += ", " + ", ".join(f"{k} = {v}" for k, v in shown.items())
    if analysis.divisible:
        sw, sh = analysis.total_stride
        text += f"; H, W assumed multiples of the total stride ({sh}, {sw})"
    return text


def _heads_lines(analysis: Analysis) -> list[str]:
    """One line per side head: its own params and MACs, and whether the totals include it."""
    if not analysis.heads and not analysis.head_errors:
        return []
    how = "included in the totals" if analysis.with_heads else "not in the totals; --heads adds them"
    out = [f"side heads ({how})"]
    for name, total in analysis.heads.items():
        out.append(f"  {name}: params = {_num(total['params'])}, MACs = {_num(total['macs'])}")
    for name, why in analysis.head_errors.items():
        out.append(f"  {name}: left out, it does not fit this input ({why})")
    return out


#: How a matrix product of two activations (attention) is counted, said where a network has one.
MATMUL = ("matrix products count a*b*c MACs for an (a x b) by (b x c) product, per batch "
          "element (attention's Q K^T and A V, rows of type matmul, as FlopCounterMode counts them)")


def _has_matmul(analysis: Analysis) -> bool:
    return any(row.type == "matmul" for row in analysis.rows)


def conventions(analysis: Analysis) -> dict:
    """What each total counts (:data:`TOTALS`), with the matrix-product rule where it applies."""
    out = dict(TOTALS)
    if _has_matmul(analysis):
        out["macs"] = f"{TOTALS['macs']}; {MATMUL}"
    return out


def _notes(analysis: Analysis) -> list[str]:
    notes = ["MACs count conv and dense layers, batch 1; pooling, BN, add and concat count none."]
    if _has_matmul(analysis):
        notes[0] = (f"MACs count conv and dense layers and matrix products, batch 1: {MATMUL}; "
                    "pooling, BN, add and concat count none.")
    notes += _heads_lines(analysis)
    if not analysis.exact_polynomial:
        sw, sh = analysis.total_stride
        notes.append(f"Floors and ceilings remain: with --assume-divisible (H a multiple of {sh}, W of {sw}) "
                     "the totals become polynomials.")
    return notes


def _pretty_lines(value) -> tuple[list[str], int]:
    """sympy's unicode picture of ``value`` and the index of its baseline."""
    if value.is_number:
        return [_num(value)], 0

    picture = pretty_form(value)
    lines = str(picture).split("\n")
    if len(lines) > 4 or max(len(line) for line in lines) > 100:  # nested floors: one line reads better
        return [sympy.sstr(value)], 0
    return lines, picture.baseline


def render_text(analysis: Analysis, table: bool = True) -> str:
    out = [heading(analysis), ""]
    if table:
        out += table_lines(analysis) + [""]
    out.append("totals")
    said = conventions(analysis)
    for key, label in _LABELS.items():
        value = analysis.total[key]
        lines, mid = _pretty_lines(value)
        note = f"  ({said[key]})"
        out += [(f"  {label:<10} = " if i == mid else " " * 15) + text + (note if i == mid else "")
                for i, text in enumerate(lines)]
    out += [""] + _notes(analysis)
    return "\n".join(line.rstrip() for line in out)


def _tex(value) -> str:
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return math_number(value)
    return sympy.latex(value)


def template_context(analysis: Analysis, table: bool = True) -> dict:
    """Plain strings for the notes' templates (``templates/network.*.j2``); rendered by
    :func:`symconv.notes.snippets.render_network`."""
    rows = [{"label": row.label, "type": row.type,
             "output": _tex_shape(row.output),
             "params": _tex(row.params), "macs": _tex(row.macs),
             "share": "head" if _outside(analysis, row) else _share(row.macs, analysis.total["macs"]) or ""}
            for row in analysis.rows] if table else []
    totals = [{"label": label, "value": _tex(analysis.total[key]), "note": conventions(analysis)[key]}
              for key, label in _LABELS.items()]
    return {"heading": heading(analysis), "rows": rows, "totals": totals, "notes": _notes(analysis)}


def to_json(analysis: Analysis) -> dict:
    """``{"network", "input", "values", "layers": [...], "total": {...}}``; values are ints or
    ``{"expr", "latex"}``."""
    def shape(s):
        return {"width": as_json_value(s.width), "height": as_json_value(s.height),
                "channels": as_json_value(s.channels)}

    def share(row):
        parts = {k: _share(row.value(k), analysis.total[k]) for k in ("params", "macs")}
        return {k: round(100 * float(row.value(k)) / float(analysis.total[k]), 4)
                for k, v in parts.items() if v is not None}

    layers = [{"label": r.label, "type": r.type, "input": shape(r.input), "output": shape(r.output),
               **{k: as_json_value(r.value(k)) for k in TOTALS},
               "percent": {} if _outside(analysis, r) else share(r),
               **({"head": r.head} if r.head is not None else {})}
              for r in analysis.rows]
    return {"network": analysis.name, "input": shape(analysis.input),
            "values": {str(k): as_json_value(v) for k, v in analysis.values.items()},
            "assume_divisible": analysis.divisible,
            "total_stride": [int(s) for s in analysis.total_stride],
            "layers": layers,
            "total": {k: as_json_value(v) for k, v in analysis.total.items()},
            **({"heads": {name: {k: as_json_value(v) for k, v in t.items()}
                          for name, t in analysis.heads.items()},
                "heads_left_out": dict(analysis.head_errors),
                "total_includes_heads": analysis.with_heads}
               if analysis.heads or analysis.head_errors else {}),
            "conventions": conventions(analysis)}


def render(analysis: Analysis, fmt: str, table: bool = True) -> str:
    """The analysis in ``text`` or ``json`` (Markdown and LaTeX: the notes' templates)."""
    if fmt == "json":
        data = to_json(analysis)
        if not table:
            data.pop("layers")
        return json.dumps(data, indent=2)
    if fmt == "text":
        return render_text(analysis, table)
    raise ValueError(f"{fmt}: use symconv.notes.snippets.render_network")


#: Columns of the CSV table, in order (each a Row attribute).
CSV_COLUMNS = ("params", "weights", "biases", "bn_affine", "bn_buffers", "macs", "flops")


def to_csv(analysis: Analysis, convention: str | None = None) -> str:
    """The per-layer table as CSV (one row per layer, then a ``total`` row); with a
    convention, a column of that tool's count. Sizes and counts may be formulas. A side
    head's rows name their head; the total counts them only when the analysis includes heads.

    >>> from .network import Network, layer
    >>> print(to_csv(Network([layer("conv", D_out=2, K=1)], H=2, W=2).analyse()), end="")
    layer,type,head,width,height,channels,params,weights,biases,bn_affine,bn_buffers,macs,flops
    1,conv,,2,2,2,8,6,2,0,0,24,48
    total,,,2,2,2,8,6,2,0,0,24,48
    """
    import csv
    import io

    extra = []
    if convention:
        from .conventions import per_row, total

        extra = [per_row(analysis, convention)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["layer", "type", "head", "width", "height", "channels", *CSV_COLUMNS,
                     *([convention] if convention else [])])
    for i, row in enumerate(analysis.rows):
        writer.writerow([row.label, row.type, row.head or "", *map(sympy.sstr, row.output),
                         *(sympy.sstr(row.value(k)) for k in CSV_COLUMNS),
                         *(sympy.sstr(col[i]) for col in extra)])
    last = analysis.output
    writer.writerow(["total", "", "", *map(sympy.sstr, last),
                     *(sympy.sstr(analysis.total[k]) for k in CSV_COLUMNS),
                     *([sympy.sstr(total(analysis, convention)[0])] if convention else [])])
    return out.getvalue()
