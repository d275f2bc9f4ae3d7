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

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import sympy

from ..engine import as_expr, assignments, canonical, counterexample, is_monomial
from ..errors import InputError
from ..limits import factorable
from ..memo import remember
from ..printing import as_json_value
from ..symbols import SYMBOLS, D_in, D_out, H_in, H_out, W_in, W_out
from .diagnose import diagnose
from .equality import normalize, simplify
from .expected import LABELS, QUANTITIES, Expected, expected_for  # noqa: F401 (re-exported)

#: causes that are a factor: shown with the factor, not repeated as a hint
FACTOR_CAUSES = ("factor-dropped", "extra-factor")

#: Small, distinct, valid sizes tried first, so a counterexample reads like a real layer.
TYPICAL = {"D_in": 2, "D_out": 3, "W_F": 3, "H_F": 3, "K": 3, "W_in": 7, "H_in": 7,
           "W_out": 5, "H_out": 5, "S_W": 2, "S_H": 2, "P_W": 1, "P_H": 1, "d_W": 2, "d_H": 2,
           "g": 1, "m": 2, "C": 3, "H": 8, "W": 8, "alpha": 1, "rho": 1, "S": 2, "P": 1,
           "d": 2, "a": 1, "a_W": 1, "a_H": 1}


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
    cause: str | None = None  # the code of the slip that explains a wrong formula
    cause_message: str | None = None

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
                "never_equal": self.never_equal, "hints": list(self.hints), "cause": self.cause,
                "cause_message": self.cause_message,
                "assumptions": list(self.assumptions)}

    def lines(self) -> list[str]:
        """The verdict as text, one fact per line."""
        head = f"{self.verdict}: {self.what}" if self.what else self.verdict
        out = [head, f"  yours:    {self.given}", f"  expected: {self.expected}"]
        out += [f"  assuming {a}" for a in self.assumptions]
        if self.verdict == "correct":
            return out
        hint = f": {'; '.join(self.hints)}" if self.hints else ""
        out.append(f"  yours - expected = {_shown(self.difference)}{hint}")
        if self.factor is not None:
            reading = f": {self.cause_message}" if self.cause in FACTOR_CAUSES else ""
            out.append(f"  off by a factor of {self.factor} (yours / expected = {self.factor})"
                       + reading)
        if self.counterexample:
            out.append(f"  counterexample: {self.at_counterexample()}")
        if self.condition:
            out.append(f"  equal only when {self.condition}")
        elif self.never_equal:
            out.append("  never equal for positive sizes")
        if self.verdict == "unproven":
            out.append("  could not prove them equal, and found no counterexample")
        return out

    def at_counterexample(self) -> str:
        """``D_in=2, K=3: yours 18, expected 5``: the sizes where the two sides differ."""
        values = ", ".join(f"{k}={v}" for k, v in self.counterexample.items())
        return f"{values}: yours {self.given_value}, expected {self.expected_value}"


def _shown(difference):
    """A long difference factored when that is shorter (bounded: at most 40 terms)."""
    terms = len(sympy.Add.make_args(difference))
    if terms <= 4 or terms > 40 or difference.has(sympy.floor, sympy.ceiling):
        return difference
    factored = sympy.factor(difference)
    return factored if len(str(factored)) < len(str(difference)) else difference


def _expr_json(e) -> dict | int:
    return as_json_value(e)




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


@remember(lambda difference: difference)  # pure; a note's layer variants share differences
def agreement(difference: sympy.Expr) -> tuple[str | None, bool]:
    """``(condition, never)``: when a nonzero difference vanishes, e.g. ``'D_in = D_out'``;
    ``never`` is True when no positive sizes make it vanish."""
    if difference.has(sympy.floor, sympy.ceiling):
        return None, False
    num = sympy.fraction(sympy.together(difference))[0]
    if not num.free_symbols:
        return None, True
    if not factorable(num):  # factoring a large polynomial is slow: no condition then
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
    g, e = normalize(given), normalize(expected)
    diff = simplify(g - e)
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


def _check_key(given, layer, quantity, identify=None, multipliers=None):
    """What a check depends on: the formula, the layer (a frozen dataclass: equal layers hash
    alike), the quantity, the notation's identifications and the diagnosis rules in force."""
    return (given, layer, quantity, tuple(sorted((identify or {}).items())),
            tuple(sorted((multipliers or {}).items())), tuple(diagnose.__globals__["RULES"]))


@remember(_check_key)  # a note repeats its formulas: each is proven once per layer
def check_formula(given: sympy.Expr, layer, quantity: str,
                  identify: dict[str, str] | None = None,
                  multipliers: dict[str, sympy.Expr] | None = None) -> CheckResult:
    """Check a parsed formula against ``layer``'s ``quantity`` from the catalog; when it is
    wrong, name the slip (:mod:`symconv.lint.diagnose`) if one explains it exactly."""
    if identify:
        given = given.xreplace({SYMBOLS[a]: SYMBOLS[b] for a, b in identify.items()})
    same_channels = ()
    if D_out in given.free_symbols and "D_out" not in getattr(layer, "__dataclass_fields__", {}) \
            and getattr(layer, "D_out", None) is not None and hasattr(layer, "D_in"):
        # a depthwise conv, pooling, BatchNorm: as many output channels as the layer has
        given = given.xreplace({D_out: layer.D_out})
        same_channels = (f"{layer.name} has D_out = {layer.D_out}",)
    over_output = ()
    if getattr(layer, "name", "") == "transposed-conv" and layer.W_in == W_in \
            and given.free_symbols & {W_out, H_out} and quantity != "output-size":
        # its counts are over the input grid: W_out, H_out in a formula are the output's sizes
        shape = layer.output_size
        given = given.xreplace({W_out: shape.width, H_out: shape.height})
        over_output = (f"W_out = {shape.width}", f"H_out = {shape.height}")
    expected = expected_for(layer, quantity, given, identify, multipliers=multipliers)
    expected = dataclasses.replace(
        expected, assumptions=same_channels + over_output + expected.assumptions)
    result = compare(given, expected.expr, expected.what, expected.valid, None,
                     expected.assumptions)
    if quantity == "output-size" and not result.ok:  # it may be right for another axis
        for axis in ("width", "height", "elements"):
            other = expected_for(layer, quantity, given, identify, axis, multipliers)
            if other.expr != expected.expr and canonical(given - other.expr) == 0:
                return compare(given, other.expr, other.what, other.valid, None,
                               other.assumptions)
    if result.ok:
        return result

    def expect(other_layer, other_quantity):
        return expected_for(other_layer, other_quantity, given, identify, None,
                            multipliers).expr

    cause = diagnose(given, layer, quantity, expect, expected.expr)
    if cause is None:
        return result
    if cause.code in FACTOR_CAUSES and result.factor is not None:  # the factor line says it
        return dataclasses.replace(result, cause=cause.code, cause_message=cause.message)
    return dataclasses.replace(result, hints=(cause.message,), cause=cause.code,
                               cause_message=cause.message)
