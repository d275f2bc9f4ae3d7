"""Checking a hand-derived formula against the catalog.

:func:`compare` proves two expressions equal (their canonical forms agree), or
says how they differ: the simplified difference, the factor when the ratio is
a monomial, a small counterexample, and the condition under which they agree.
:func:`check_formula` first chooses what the catalog expects for a layer and a
quantity, in the symbols the formula uses.

>>> from symconv.layers import Conv
>>> from symconv.formula.parse import parse
>>> r = check_formula(parse("D_out W_F H_F D_in"), Conv(), "params")
>>> r.verdict, r.difference, r.hints
('wrong', -D_out, ('the bias term D_out is missing',))
>>> r = check_formula(parse("D_out(W_F H_F D_out + 1)"), Conv(), "params")
>>> r.condition
'D_in = D_out'
>>> check_formula(parse(r"D_{out}(W_{F}H_{F}D_{in}+1)"), Conv(), "params").verdict
'correct'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy

from ..engine import as_expr, assignments, canonical, counterexample, is_monomial
from ..errors import InputError
from ..printing import as_json_value
from ..symbols import H_F, SYMBOLS, W_F, D_out, H_in, H_out, K, W_in, W_out

QUANTITIES = ("params", "macs", "flops", "output-size", "macs-per-output-pixel",
              "macs-per-output-value", "weights")
LABELS = {"params": "params", "macs": "MACs", "flops": "FLOPs", "output-size": "output size",
          "macs-per-output-pixel": "MACs per output pixel",
          "macs-per-output-value": "MACs per output value", "weights": "weights"}

#: Small, distinct, valid sizes tried first, so a counterexample reads like a real layer.
TYPICAL = {"D_in": 2, "D_out": 3, "W_F": 3, "H_F": 3, "K": 3, "W_in": 7, "H_in": 7,
           "W_out": 5, "H_out": 5, "S_W": 2, "S_H": 2, "P_W": 1, "P_H": 1, "d_W": 2, "d_H": 2,
           "g": 1, "m": 2, "C": 3, "H": 8, "W": 8, "alpha": 1}


@dataclass(frozen=True)
class Expected:
    """What the catalog expects, in the formula's symbols, and the assumptions that took."""

    expr: sympy.Expr
    what: str
    assumptions: tuple[str, ...] = ()
    valid: Callable[[dict], bool] | None = None


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one formula: ``correct`` (proven), ``wrong`` (refuted) or ``unproven``."""

    verdict: str
    given: sympy.Expr
    expected: sympy.Expr
    difference: sympy.Expr
    what: str = ""
    factor: sympy.Expr | None = None
    counterexample: dict | None = None
    given_value: sympy.Expr | None = None
    expected_value: sympy.Expr | None = None
    condition: str | None = None
    never_equal: bool = False
    hints: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.verdict == "correct"

    def to_json(self) -> dict:
        ce = None
        if self.counterexample is not None:
            ce = {"values": dict(self.counterexample),
                  "given": as_json_value(self.given_value),
                  "expected": as_json_value(self.expected_value)}
        return {"verdict": self.verdict, "what": self.what,
                "expected": _expr_json(self.expected), "given": _expr_json(self.given),
                "difference": _expr_json(self.difference),
                "factor": None if self.factor is None else _expr_json(self.factor),
                "counterexample": ce, "condition": self.condition,
                "never_equal": self.never_equal, "hints": list(self.hints),
                "assumptions": list(self.assumptions)}

    def lines(self) -> list[str]:
        """The verdict as text, one fact per line."""
        head = f"{self.verdict}: {self.what}" if self.what else self.verdict
        out = [head, f"  yours:    {self.given}", f"  expected: {self.expected}"]
        out += [f"  assuming {a}" for a in self.assumptions]
        if self.verdict == "correct":
            return out
        hint = f": {'; '.join(self.hints)}" if self.hints else ""
        out.append(f"  yours - expected = {self.difference}{hint}")
        if self.factor is not None:
            out.append(f"  off by a factor of {self.factor} (yours / expected = {self.factor})")
        if self.counterexample:
            values = ", ".join(f"{k}={v}" for k, v in self.counterexample.items())
            out.append(f"  counterexample: {values}: yours {self.given_value}, "
                       f"expected {self.expected_value}")
        if self.condition:
            out.append(f"  equal only when {self.condition}")
        elif self.never_equal:
            out.append("  never equal for positive sizes")
        if self.verdict == "unproven":
            out.append("  could not prove them equal, and found no counterexample")
        return out


def _expr_json(e) -> dict | int:
    return as_json_value(e)


def _normalize(expr: sympy.Expr) -> sympy.Expr:
    """Floors and ceilings with their arguments in one form, so equal ones cancel."""
    return expr.replace(lambda x: isinstance(x, (sympy.floor, sympy.ceiling)),
                        lambda x: x.func(sympy.together(sympy.expand(x.args[0]))))


def _simplify(expr: sympy.Expr) -> sympy.Expr:
    """:func:`canonical`, but a polynomial is only expanded (the same form, much faster)."""
    if not expr.has(sympy.floor, sympy.ceiling) and expr.is_polynomial():
        return sympy.expand(expr)
    return canonical(expr)


def find_counterexample(a: sympy.Expr, b: sympy.Expr, valid: Callable[[dict], bool] | None = None):
    """The first assignment of small positive integers (typical sizes first) where ``a`` and
    ``b`` differ, as ``({name: value}, a_value, b_value)``, or None."""
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    candidates = assignments(symbols, first={s: TYPICAL.get(s.name, 2) for s in symbols},
                             equal_up_to=5, grid_up_to=5, random_up_to=12, tries=150)
    found = counterexample(a, b, candidates, valid)
    if found is None:
        return None
    values, va, vb = found
    return {s.name: v for s, v in values.items()}, va, vb


def agreement(difference: sympy.Expr) -> tuple[str | None, bool]:
    """``(condition, never)``: when a nonzero difference vanishes, e.g. ``'D_in = D_out'``;
    ``never`` is True when no positive sizes make it vanish."""
    if difference.has(sympy.floor, sympy.ceiling):
        return None, False
    num = sympy.fraction(sympy.together(difference))[0]
    if not num.free_symbols:
        return None, True
    if len(sympy.Add.make_args(num)) > 40:  # factoring a large polynomial is slow
        return None, False
    conditions, open_factors = [], 0
    for f, _ in sympy.factor_list(num)[1]:
        if not f.free_symbols or f.is_positive or f.is_negative:
            continue
        open_factors += 1
        for s in sorted(f.free_symbols, key=lambda s: s.name):
            poly = f.as_poly(s)
            if poly is None or poly.degree() > 2:
                continue
            solutions = [x for x in sympy.solve(f, s) if x.is_positive is not False
                         and x.is_real is not False]
            # sizes are whole numbers: D_in = 3/2 is no agreement; long roots say little
            solutions = [x for x in solutions if sympy.count_ops(x) <= 8
                         and not (x.is_number and not x.is_Integer)]
            if solutions:
                whole = [x for x in solutions if sympy.fraction(sympy.together(x))[1] == 1]
                conditions.append(" or ".join(f"{s} = {x}" for x in (whole or solutions)))
                break
    if not open_factors:
        return None, True
    return (" or ".join(conditions) if conditions else None), False


def compare(given: sympy.Expr, expected: sympy.Expr, what: str = "",
            valid: Callable[[dict], bool] | None = None, hints: Callable | None = None,
            assumptions: tuple[str, ...] = ()) -> CheckResult:
    """Prove ``given == expected``, or show how they differ."""
    given, expected = as_expr(given), as_expr(expected)
    g, e = _normalize(given), _normalize(expected)
    diff = _simplify(g - e)
    if diff == 0:
        return CheckResult("correct", given, expected, diff, what, assumptions=assumptions)
    factor = None
    if e != 0 and g != 0 and len(sympy.Add.make_args(diff)) <= 40:
        ratio = canonical(g / e)
        coeff = ratio.as_coeff_Mul()[0]
        whole = coeff.is_Integer or (1 / coeff).is_Integer  # not "a factor of 200/201"
        if is_monomial(ratio) and ratio != 1 and whole:
            factor = ratio
    found = find_counterexample(g, e, valid)
    condition, never = agreement(diff) if g.free_symbols | e.free_symbols else (None, False)
    extra = tuple(hints(diff, factor)) if hints else ()
    if found is None:
        return CheckResult("unproven", given, expected, diff, what, factor, None, None, None,
                           condition, never, extra, assumptions)
    values, gv, ev = found
    return CheckResult("wrong", given, expected, diff, what, factor, values, gv, ev,
                       condition, never, extra, assumptions)


def _course_out(layer):
    """The output width and height as the layer's MAC formula states them."""
    return layer._course_out(layer.output_size)


def expected_for(layer, quantity: str, given: sympy.Expr | None = None,
                 identify: dict[str, str] | None = None, axis: str | None = None) -> Expected:
    """What the catalog says ``layer``'s ``quantity`` is, written in ``given``'s symbols.

    An output size is one of ``axis`` width, height or elements (W_out H_out D_out); without
    ``axis``, the one the formula's symbols point to."""
    if quantity not in QUANTITIES:
        raise InputError(f"unknown quantity {quantity!r}; use one of {', '.join(QUANTITIES)}")
    used = given.free_symbols if given is not None else set()
    shape = layer.output_size
    what = f"{LABELS[quantity]} of {layer.name}"
    if quantity == "output-size":
        h_axis = {SYMBOLS[n] for n in ("H_in", "H_F", "S_H", "P_H", "d_H", "H_out")}
        w_axis = {SYMBOLS[n] for n in ("W_in", "W_F", "S_W", "P_W", "d_W", "W_out")}
        channels = shape.channels.free_symbols
        if axis is None:
            axis = ("elements" if D_out in used or (channels and channels <= used) else
                    "height" if used & h_axis and not used & w_axis else "width")
        if axis == "elements":
            expr, what = shape.elements, f"output size W_out H_out D_out of {layer.name}"
        elif axis == "height":
            expr, what = shape.height, f"output height of {layer.name}"
        else:
            expr, what = shape.width, f"output width of {layer.name}"
    elif quantity == "macs-per-output-pixel":
        w, h = _course_out(layer)
        expr = layer.macs / (w * h)
    elif quantity == "macs-per-output-value":
        w, h = _course_out(layer)
        expr = layer.macs / (w * h * shape.channels)
    elif quantity == "weights":
        expr = layer.weights
    else:
        expr = layer.quantity(quantity)
    assumptions: list[str] = []

    def apply(subs: dict, note: str | None = None) -> None:
        nonlocal expr
        if subs:
            expr = expr.xreplace(subs)
            if note:
                assumptions.append(note)

    if identify:
        pairs = ", ".join(f"{a} = {b}" for a, b in identify.items())
        apply({SYMBOLS[a]: SYMBOLS[b] for a, b in identify.items()}, f"the notation's {pairs}")
    if used & {W_in, H_in} and not used & {W_out, H_out}:  # a formula over the input size
        if getattr(layer, "W_in", None) == W_in and expr.has(W_out):
            apply({W_out: shape.width}, f"W_out = {shape.width}")
        if getattr(layer, "H_in", None) == H_in and expr.has(H_out):
            apply({H_out: shape.height}, f"H_out = {shape.height}")
    if K in used and not used & {W_F, H_F} and expr.has(W_F, H_F):
        apply({W_F: K, H_F: K}, "a square kernel, W_F = H_F = K")
    h_axis = {SYMBOLS[n] for n in ("H_in", "H_out", "H_F", "S_H", "P_H", "d_H")}
    if not used & h_axis:
        if W_in in used and expr.has(H_in):
            apply({H_in: W_in}, "a square input, H_in = W_in")
        if W_out in used and expr.has(H_out):
            apply({H_out: W_out}, "a square output, H_out = W_out")
    sizes = [s for s in (shape.width, shape.height) if s.free_symbols]

    def valid(values: dict) -> bool:
        for size in sizes:
            v = size.xreplace(values)
            if v.is_number and v < 1:
                return False
        groups = getattr(layer, "groups", 1)
        if getattr(groups, "free_symbols", None):
            for channels in (layer.D_in, layer.D_out):
                q = (channels / groups).xreplace(values)
                if q.is_number and not q.is_integer:
                    return False
        return True

    return Expected(expr, what, tuple(assumptions), valid)


_COUNT = {2: "two", 3: "three", 4: "four"}


def _hints(layer, quantity: str):
    """Explanations of common slips (a missing bias, MACs for FLOPs), as a function of the difference."""
    def hints(diff, factor) -> list[str]:
        out = []
        if quantity == "params" and hasattr(layer, "bias"):
            with_bias = canonical(layer.replace(bias=True).biases)
            if layer.bias and with_bias != 0 and _simplify(diff + with_bias) == 0:
                n = len(sympy.Add.make_args(with_bias))
                out.append(f"the bias term {with_bias} is missing" if n == 1 else
                           f"the {_COUNT.get(n, n)} bias terms {with_bias} are missing")
            elif not layer.bias and _simplify(diff - with_bias) == 0:
                out.append("counts biases, but the layer has none (--no-bias)")
        if factor == sympy.Rational(1, 2) and quantity == "flops":
            out.append("this is the MAC count; FLOPs = 2 x MACs")
        if factor == 2 and quantity == "macs":
            out.append("this is the FLOP count; MACs = FLOPs / 2")
        return out
    return hints


def check_formula(given: sympy.Expr, layer, quantity: str,
                  identify: dict[str, str] | None = None) -> CheckResult:
    """Check a parsed formula against ``layer``'s ``quantity`` from the catalog."""
    if identify:
        given = given.xreplace({SYMBOLS[a]: SYMBOLS[b] for a, b in identify.items()})
    expected = expected_for(layer, quantity, given, identify)
    result = compare(given, expected.expr, expected.what, expected.valid,
                     _hints(layer, quantity), expected.assumptions)
    if quantity == "output-size" and not result.ok:  # it may be right for another axis
        for axis in ("width", "height", "elements"):
            other = expected_for(layer, quantity, given, identify, axis)
            if other.expr != expected.expr and canonical(given - other.expr) == 0:
                return compare(given, other.expr, other.what, other.valid, None,
                               other.assumptions)
    return result
