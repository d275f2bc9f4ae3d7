"""Why two tools disagree: their totals side by side, and the gap as a sum of named terms.

Each convention counts a network as named terms (weight MACs, bias adds,
normalisation, activations, pooling, the transposed-conv grid, ...); the gap
between two tools is the sum, over the categories, of what each counts there.
Every term is a formula in the input size and a number.

>>> from symconv.net.network import Network, layer
>>> a = Network([layer("conv", D_out=8, K=3, padding=1), layer("batchnorm")], H=4, W=4).analyse()
>>> c = compare(a, "ptflops", "thop")
>>> [(t.category, t.a, t.b) for t in c.terms]
[('bias adds', 128, 0), ('normalisation', 256, 512)]
>>> c.total_b - c.total_a
128
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..errors import InputError
from .conventions import convention, terms


@dataclass(frozen=True)
class Term:
    category: str
    a: sympy.Expr            # what tool a counts in this category
    b: sympy.Expr
    layers: int              # how many operations contribute
    note_a: str
    note_b: str
    formula: sympy.Expr      # b - a as a formula in the input size (when one was given)

    @property
    def gap(self) -> sympy.Expr:
        return self.b - self.a


@dataclass(frozen=True)
class Comparison:
    network: str
    a: str
    b: str
    unit_a: str
    unit_b: str
    total_a: sympy.Expr
    total_b: sympy.Expr
    terms: tuple             # only the categories where the two differ


def _by_category(analysis, name: str) -> dict:
    out: dict = {}
    for category, expr, note, index in terms(analysis, name):
        value, ops, notes = out.get(category, (sympy.Integer(0), set(), []))
        ops.add(index)
        if note and note not in notes:
            notes.append(note)
        out[category] = (value + expr, ops, notes)
    return out


def compare(analysis, a: str, b: str, symbolic=None) -> Comparison:
    """Tools ``a`` and ``b`` on one analysed network; ``symbolic`` (the same network analysed
    without sizes) gives each term's formula."""
    for name in (a, b):
        if name == "keras":
            raise InputError("keras reports parameters only; compare tools that count operations")
    ca, cb = _by_category(analysis, a), _by_category(analysis, b)
    sa = _by_category(symbolic, a) if symbolic is not None else ca
    sb = _by_category(symbolic, b) if symbolic is not None else cb
    zero = sympy.Integer(0)
    out = []
    for category in list(dict.fromkeys([*ca, *cb])):
        va, oa, na = ca.get(category, (zero, set(), []))
        vb, ob, nb = cb.get(category, (zero, set(), []))
        gap = sympy.expand(vb - va)
        if gap == 0:
            continue
        formula = sympy.expand(sb.get(category, (zero,))[0] - sa.get(category, (zero,))[0])
        out.append(Term(category, sympy.expand(va), sympy.expand(vb), len(oa | ob),
                        "; ".join(na) or "none", "; ".join(nb) or "none", formula))
    total_a = sympy.expand(sum((v for v, _, _ in ca.values()), zero))
    total_b = sympy.expand(sum((v for v, _, _ in cb.values()), zero))
    return Comparison(analysis.name, a, b, convention(a).unit, convention(b).unit,
                      total_a, total_b, tuple(out))


def compare_tools(analysis, a: str, b: str, symbolic=None) -> Comparison:
    """Public name of :func:`compare` (``symconv.compare_tools``)."""
    return compare(analysis, a, b, symbolic)


def _num(value) -> str:
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return f"{int(value):,}"
    return sympy.sstr(value)


def _signed(value) -> str:
    if isinstance(value, sympy.Basic) and value.is_Integer:
        return f"{int(value):+,}"
    return "+ " + sympy.sstr(value) if not str(value).startswith("-") else sympy.sstr(value)


def render_text(c: Comparison, heading: str) -> str:
    width = max(len(c.a), len(c.b))
    lines = [f"{heading}: {c.a} vs {c.b}", "",
             f"  {c.a:<{width}}  {_num(c.total_a):>15}  {c.unit_a}",
             f"  {c.b:<{width}}  {_num(c.total_b):>15}  {c.unit_b}", ""]
    gap = sympy.expand(c.total_b - c.total_a)
    if gap == 0:
        lines.append(f"  {c.b} - {c.a} = 0: the two tools agree on this network")
        return "\n".join(lines)
    lines.append(f"  {c.b} - {c.a} = {_num(gap)}, the sum of these terms:")
    for t in c.terms:
        layers = f"{t.layers} layer{'s' if t.layers != 1 else ''}"
        lines.append(f"    {_signed(t.gap):>15}  {t.category} ({layers})")
        lines.append(f"{'':20}{c.b}: {t.note_b}")
        lines.append(f"{'':20}{c.a}: {t.note_a}")
        if not t.formula.is_number:
            lines.append(f"{'':20}formula: {sympy.sstr(t.formula)}")
    return "\n".join(line.rstrip() for line in lines)


def to_json(c: Comparison) -> dict:
    from ..printing import as_json_value

    return {"network": c.network, "a": c.a, "b": c.b, "unit_a": c.unit_a, "unit_b": c.unit_b,
            "total_a": as_json_value(c.total_a), "total_b": as_json_value(c.total_b),
            "gap": as_json_value(sympy.expand(c.total_b - c.total_a)),
            "terms": [{"category": t.category, "a": as_json_value(t.a), "b": as_json_value(t.b),
                       "gap": as_json_value(t.gap), "layers": t.layers, "note_a": t.note_a,
                       "note_b": t.note_b, "formula": as_json_value(t.formula)} for t in c.terms]}
