"""Why a formula is wrong: the known slips, each a small rule that rebuilds the catalog's
formula with that slip made and reports it when the result equals the formula exactly.

One diagnosis for ``check`` and ``lint``. A rule gets the formula, the layer, the quantity
and ``expect(layer, quantity)``, which gives the catalog's value in the formula's own
symbols (so a rule that changes the layer, e.g. drops its bias, is compared like for
like, for symbols and for numbers alike). The first rule that explains the formula
exactly wins; when none does, the caller falls back to the difference and a
counterexample. Equality is decided by :func:`same`, with every sympy call bounded.

>>> from symconv.layers import Conv
>>> from symconv.symbols import D_in, D_out, W_F, H_F, W_out, H_out
>>> expect = lambda layer, q: layer.quantity(q)
>>> diagnose(D_in * W_F * H_F * D_out, Conv(), "params", expect).code
'missing-bias'
>>> diagnose(D_in * W_F * H_F * D_out * W_out * H_out, Conv(), "flops", expect).message
'this is the MAC count; FLOPs = 2 x MACs'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ..engine import canonical, is_monomial
from ..symbols import D_in, D_out, H_in, H_out, W_in, W_out, as_expr
from .equality import MAX_TERMS, normalize, same, simplify, terms_bound  # noqa: F401
from .size_slips import size_slips, size_variants


@dataclass(frozen=True)
class Cause:
    """A named slip: ``code`` is stable (tests, JSON), ``message`` is one sentence."""

    code: str
    message: str


Expect = Callable[[object, str], sympy.Expr]


# --- the context every rule sees ---------------------------------------------------------
@dataclass
class Context:
    given: sympy.Expr
    layer: object
    quantity: str
    expect: Expect
    expected: sympy.Expr

    def value(self, layer, quantity: str | None = None):
        """The catalog's value for another layer or quantity, or None when it has none."""
        try:
            return self.expect(layer, quantity or self.quantity)
        except Exception:  # a rule's variant that cannot exist (InputError, no such field)
            return None

    def changed(self, **changes):
        """The layer with ``changes``, or None when it has no such field or cannot exist."""
        try:
            return self.layer.replace(**changes)
        except Exception:
            return None

    def matches(self, alternative) -> bool:
        return alternative is not None and same(self.given, alternative)


Rule = Callable[[Context], "Cause | None"]
RULES: list[Rule] = []


def rule(function: Rule) -> Rule:
    """Register a rule; rules run in the order they are defined."""
    RULES.append(function)
    return function


def diagnose(given, layer, quantity: str, expect: Expect, expected=None) -> Cause | None:
    """The slip that turns the catalog's formula into ``given`` exactly, or None."""
    expected = expect(layer, quantity) if expected is None else expected
    if given is None or expected is None:
        return None
    ctx = Context(as_expr(given), layer, quantity, expect, as_expr(expected))
    for function in RULES:
        cause = function(ctx)
        if cause is not None:
            return cause
    return None


def _has(layer, field: str) -> bool:
    return field in getattr(layer, "__dataclass_fields__", {})


def _terms(expr) -> str:
    return str(canonical(expr))


# --- biases in the parameter count ---------------------------------------------------------
@rule
def missing_bias(ctx: Context) -> Cause | None:
    if ctx.quantity != "params" or not getattr(ctx.layer, "bias", False):
        return None
    without = ctx.value(ctx.changed(bias=False)) if ctx.changed(bias=False) else None
    if without is None or not ctx.matches(without):
        return None
    biases = canonical(ctx.expected - without)
    n = len(sympy.Add.make_args(biases))
    if n == 1:
        return Cause("missing-bias", f"the bias term {biases} is missing")
    word = {2: "two", 3: "three", 4: "four"}.get(n, str(n))
    return Cause("missing-bias", f"the {word} bias terms {biases} are missing")


@rule
def extra_bias(ctx: Context) -> Cause | None:
    if ctx.quantity != "params" or not _has(ctx.layer, "bias") or ctx.layer.bias:
        return None
    with_bias = ctx.changed(bias=True)
    if with_bias is not None and ctx.matches(ctx.value(with_bias)):
        return Cause("extra-bias", "counts biases, but the layer has none (--no-bias)")
    return None


@rule
def keras_separable_bias(ctx: Context) -> Cause | None:
    """Keras' SeparableConv2D has one bias vector, after the pointwise step."""
    if ctx.quantity != "params" or not hasattr(ctx.layer, "pointwise") or not ctx.layer.bias:
        return None
    without = ctx.value(ctx.changed(bias=False))
    pointwise = ctx.layer.pointwise
    pw_biases = ctx.value(pointwise) - ctx.value(pointwise.replace(bias=False))
    if without is not None and ctx.matches(without + pw_biases):
        return Cause("keras-separable-bias",
                     "counts one bias vector, on the pointwise output only, as Keras' "
                     "SeparableConv2D does; depthwise then pointwise with a bias each has "
                     f"{_terms(ctx.expected - without)} biases")
    return None


@rule
def keras_batchnorm(ctx: Context) -> Cause | None:
    if ctx.quantity != "params" or getattr(ctx.layer, "name", "") != "batchnorm":
        return None
    if ctx.matches(2 * ctx.expected):
        return Cause("keras-bn-4c",
                     "counts the running mean and variance too (4 per channel), as Keras' "
                     "model summary does; the trainable parameters are gamma and beta, 2 per "
                     "channel")
    return None


@rule
def bias_per_input(ctx: Context) -> Cause | None:
    if ctx.quantity != "params" or not getattr(ctx.layer, "bias", False) or not (
            _has(ctx.layer, "D_in") and _has(ctx.layer, "D_out")):
        return None
    without = ctx.value(ctx.changed(bias=False))
    if without is None:
        return None
    biases = ctx.expected - without
    if biases.has(D_out):
        per_input = biases.xreplace({D_out: D_in})
    elif biases == ctx.layer.D_out:
        per_input = ctx.layer.D_in
    else:
        return None
    if ctx.matches(without + per_input):
        return Cause("bias-per-input",
                     "counts a bias per input channel (D_in); there is one per output channel "
                     "(D_out), one per filter")
    return None


# --- MACs, FLOPs and bias adds -------------------------------------------------------------
@rule
def macs_as_flops(ctx: Context) -> Cause | None:
    if ctx.quantity == "flops" and ctx.matches(ctx.value(ctx.layer, "macs")):
        return Cause("macs-as-flops", "this is the MAC count; FLOPs = 2 x MACs")
    return None


@rule
def flops_as_macs(ctx: Context) -> Cause | None:
    if ctx.quantity == "macs" and ctx.matches(ctx.value(ctx.layer, "flops")):
        return Cause("flops-as-macs", "this is the FLOP count; MACs = FLOPs / 2")
    return None


def _bias_adds(ctx: Context, layer=None):
    layer = ctx.layer if layer is None else layer
    if not getattr(layer, "bias", False):
        return None
    adds = ctx.value(layer, "bias-adds")
    return None if adds is None or adds == 0 else adds


@rule
def bias_adds_counted(ctx: Context) -> Cause | None:
    if ctx.quantity not in ("macs", "flops"):
        return None
    adds = _bias_adds(ctx)
    if adds is not None and ctx.matches(ctx.expected + adds):
        what = "MACs" if ctx.quantity == "macs" else "FLOPs = 2 x MACs"
        return Cause("bias-adds-counted",
                     f"counts one bias add per output value ({_terms(adds)}), as thop, ptflops "
                     f"and Paddle do; {what} leave the bias adds out")
    if adds is not None and ctx.quantity == "flops" and \
            ctx.matches(ctx.value(ctx.layer, "macs") + adds):
        return Cause("macs-as-flops", "this is the MAC count plus one bias add per output value "
                                      "(params x output size); FLOPs = 2 x MACs")
    return None


@rule
def adds_n_minus_one(ctx: Context) -> Cause | None:
    """n multiplications and n - 1 additions per output value: 2n - 1, not 2n."""
    if ctx.quantity != "flops":
        return None
    with_bias = ctx.changed(bias=True) if _has(ctx.layer, "bias") else None
    outputs = _bias_adds(ctx, with_bias) if with_bias is not None else None
    if outputs is not None and ctx.matches(ctx.expected - outputs):
        return Cause("adds-n-minus-1",
                     "counts n multiplications and n - 1 additions per output value (2n - 1); "
                     "FLOPs here are 2 x MACs, one multiply and one add per MAC")
    return None


@rule
def wrong_grid(ctx: Context) -> Cause | None:
    """A transposed conv counted over its output grid (or a conv over its input grid)."""
    layer = ctx.layer
    if ctx.quantity not in ("macs", "flops") or not _has(layer, "W_in"):
        return None
    shape = layer.output_size
    inputs, outputs = layer.W_in * layer.H_in, shape.width * shape.height
    transposed = getattr(layer, "name", "") == "transposed-conv"
    factor = outputs / inputs if transposed else inputs / outputs
    candidates = [ctx.expected * factor]
    if transposed and ctx.expected.has(W_in, H_in):
        candidates.append(ctx.expected.xreplace({W_in: W_out, H_in: H_out}))
    adds = _bias_adds(ctx)
    for candidate in candidates:
        for extra, note in ((0, ""), (adds, " and adds one bias per output value")):
            if extra is None or (extra == 0 and note):
                continue
            if ctx.matches(candidate + extra):
                if transposed:
                    return Cause("transposed-output-grid",
                                 "counted over the output grid" + note + "; a transposed conv "
                                 "applies every tap once per input value (W_in H_in)")
                return Cause("conv-input-grid",
                             "counted over the input grid" + note + "; a conv computes one "
                             "dot product per output position (W_out H_out)")
    return None


# --- output sizes: the slips are listed in size_slips.py ---------------------------
@rule
def rounding_missing(ctx: Context) -> Cause | None:
    """A floor or ceiling left out (of a size, or of a count over the output size)."""
    if ctx.expected.is_number:
        return None
    for expr, slip in size_variants(ctx.expected)[1:]:
        if ctx.matches(expr):
            return Cause(*slip)
    return None


@rule
def constant_off(ctx: Context) -> Cause | None:
    """A size off by a whole number: the + 1 of the first window lost, doubled or negated."""
    if ctx.quantity not in ("output-size", "effective-kernel") or ctx.expected.is_number:
        return None
    if terms_bound(ctx.given) + terms_bound(ctx.expected) > MAX_TERMS:
        return None
    difference = simplify(normalize(ctx.given) - normalize(ctx.expected))
    if difference.is_Integer and difference != 0:
        return Cause("constant-off", f"off by {difference}: the windows are the first one, "
                                     f"then one per stride (... + 1)")
    return None


@rule
def output_size_slips(ctx: Context) -> Cause | None:
    if ctx.quantity not in ("output-size", "area") or ctx.expected.is_number:
        return None
    for expr, slip in size_variants(ctx.expected):
        for alternative, code, message in size_slips(expr):
            if ctx.matches(alternative):
                if slip is None:
                    return Cause(code, message)
                return Cause(code, f"{message}, and {slip[1]}")
    return None


# --- channels, groups, factors -----------------------------------------------------------
@rule
def channels_swapped(ctx: Context) -> Cause | None:
    if not (_has(ctx.layer, "D_in") and _has(ctx.layer, "D_out")):
        return None
    swapped = ctx.changed(D_in=ctx.layer.D_out, D_out=ctx.layer.D_in)
    if swapped is not None and not same(ctx.value(swapped), ctx.expected) \
            and ctx.matches(ctx.value(swapped)):
        return Cause("channels-swapped", "D_in and D_out are swapped")
    return None


@rule
def groups_forgotten(ctx: Context) -> Cause | None:
    groups = getattr(ctx.layer, "groups", 1)
    if not _has(ctx.layer, "groups") or groups == 1:
        return None
    if ctx.matches(ctx.value(ctx.changed(groups=1))):
        return Cause("groups-forgotten",
                     f"the groups are forgotten: each filter sees D_in/{groups} channels")
    if ctx.matches(ctx.expected / groups):
        return Cause("groups-twice", f"divides by the groups ({groups}) twice")
    return None


def _named_sizes(layer) -> dict:
    """The layer's sizes that are numbers, by name (to name a numeric factor)."""
    out = {}
    for name in ("D_in", "D_out", "W_F", "H_F", "W_in", "H_in"):
        value = getattr(layer, name, None)
        if value is not None and getattr(value, "is_Integer", False) and value > 1:
            out.setdefault(value, name)
    return out


@rule
def factor_dropped(ctx: Context) -> Cause | None:
    if ctx.quantity in ("output-size", "area", "effective-kernel") or ctx.expected == 0:
        return None
    if terms_bound(ctx.given) + terms_bound(ctx.expected) > MAX_TERMS:
        return None
    ratio = canonical(ctx.given / ctx.expected)
    if ratio == 1 or not is_monomial(ratio):
        return None
    if ratio.is_number:
        names = _named_sizes(ctx.layer)
        if ratio.is_Rational and ratio.p == 1 and ratio.q in names:
            name = names[ratio.q]
            return Cause("factor-dropped", f"a factor {name} = {ratio.q} is missing")
        if ratio.is_Integer and ratio in names:
            return Cause("extra-factor", f"an extra factor {names[ratio]} = {ratio}")
        return None
    numerator, denominator = sympy.fraction(ratio)
    if numerator == 1 and not denominator.is_number:
        return Cause("factor-dropped", f"the factor {denominator} is missing")
    if denominator == 1 and not numerator.is_number:
        return Cause("extra-factor", f"an extra factor {numerator}")
    return None


@rule
def size_dropped(ctx: Context) -> Cause | None:
    """One size left out of a product: the layer's count with that size set to 1."""
    if ctx.quantity in ("output-size", "area", "effective-kernel"):
        return None
    if ctx.expected.is_number:
        for name in ("D_in", "D_out", "W_F", "H_F", "W_in", "H_in"):
            value = getattr(ctx.layer, name, None)
            if not _has(ctx.layer, name) or not getattr(value, "is_Integer", False) or value < 2:
                continue
            if ctx.matches(ctx.value(ctx.changed(**{name: 1}))):
                return Cause("factor-dropped", f"{name} = {value} is missing (the count is the "
                                               f"layer's with {name} = 1)")
        return None
    for symbol in sorted(ctx.expected.free_symbols, key=lambda s: s.name)[:12]:
        if ctx.matches(ctx.expected.xreplace({symbol: 1})):
            return Cause("factor-dropped", f"{symbol} is missing (the formula is the layer's "
                                           f"with {symbol} = 1)")
    return None
