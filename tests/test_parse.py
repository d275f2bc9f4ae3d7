"""The safe formula parser: both dialects, aliases, notations, limits, hostile input, round trips."""

import re
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.formula.notation import spelling
from symconv.formula.parse import (MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, NOTATIONS, Resolver,
                           expansion_size, parse, parse_aliases)
from symconv.symbols import (D_in, D_out, H_F, H_in, H_out, K, S_W, SYMBOLS, W_F, W_in, W_out,
                             alpha, g)

CONV_PARAMS = D_out * (W_F * H_F * D_in + 1)
CONV_MACS = D_in * W_F * H_F * D_out * W_out * H_out


@pytest.mark.parametrize("text, expected", [
    # plain text
    ("D_out*(W_F*H_F*D_in + 1)", CONV_PARAMS),
    ("2*D_in*(K^2 + D_out)", 2 * D_in * (K**2 + D_out)),
    ("D_in W_F H_F D_out W_out H_out", CONV_MACS),
    ("K**2", K**2),
    ("D_in/g", D_in / g),
    ("1/2/3", sympy.Rational(1, 6)),
    ("2^3^2", sympy.Integer(512)),
    ("2 -3", sympy.Integer(-1)),
    ("-D_in + +D_out", D_out - D_in),
    ("floor((W_in - W_F)/S_W) + 1", sympy.floor((W_in - W_F) / S_W) + 1),
    ("ceil(W_in / S_W)", sympy.ceiling(W_in / S_W)),
    ("W_F × H_F · D_in − 1", W_F * H_F * D_in - 1),
    # LaTeX
    (r"D_{out}(W_{F}H_{F}D_{in}+1)", CONV_PARAMS),
    (r"D_{IN}W_{F}H_{F}D_{OUT}W_{OUT}H_{OUT}", CONV_MACS),
    (r"\frac{1}{D_{out}} + \frac{1}{W_F H_F}", 1 / D_out + 1 / (W_F * H_F)),
    (r"W_{F} \times H_{F} \times D_{in}", W_F * H_F * D_in),
    (r"D_{in} \cdot (W_F H_F + 1)", D_in * (W_F * H_F + 1)),
    (r"K^{2}", K**2),
    (r"\left( D_{in} + 1 \right)^{2}", (D_in + 1)**2),
    (r"\left\lfloor \frac{W_{in} - W_F}{S_W} \right\rfloor + 1", sympy.floor((W_in - W_F) / S_W) + 1),
    (r"\lceil W_{in} / S_W \rceil", sympy.ceiling(W_in / S_W)),
    (r"\frac12 D_{in}", D_in / 2),
    (r"W_FH_F", W_F * H_F),
    (r"D_{\text{in}} D_{\mathrm{out}}", D_in * D_out),
    (r"\alpha D_{in}", alpha * D_in),
    (r"$D_{out}(W_F H_F D_{in} + 1)$", CONV_PARAMS),
    (r"\dfrac{D_{in}}{g}\,W_F", D_in * W_F / g),
    (r"\underbrace{D_{out}}_{\text{filters}} \cdot \underbrace{\left(D_{in} + 1\right)}_{\text{w}}",
     D_out * (D_in + 1)),
    # numbers
    ("6432", sympy.Integer(6432)),
    ("6,432", sympy.Integer(6432)),
    (r"98\,406\,400", sympy.Integer(98406400)),
    (r"6{,}432", sympy.Integer(6432)),
    ("5x5x8x32", sympy.Integer(6400)),
    ("5 x 5", sympy.Integer(25)),
    ("0.5", sympy.Rational(1, 2)),
])
def test_dialects(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("spelling", ["D_in", "D_{in}", "D_{IN}", "Din", "C_in", "C_{in}",
                                      "D_{In}", "DIN", "D_{\\text{in}}"])
def test_aliases_of_d_in(spelling):
    assert parse(spelling) is D_in


def test_subscript_case_is_ignored_but_base_case_is_not():
    assert parse("W_f") is W_F and parse("W_{IN}") is W_in
    assert parse("d_W") is SYMBOLS["d_W"]
    with pytest.raises(InputError, match="unknown symbol"):
        parse("w_F")


def test_implicit_product_is_never_a_call():
    assert parse("D_out(D_in + 1)") == D_out * (D_in + 1)
    assert parse("gK") == g * K


def test_mobilenet_notation():
    r = Resolver("mobilenet")
    assert parse("D_K D_K M N D_F D_F", resolver=r) == K**2 * D_in * D_out * W_out**2
    assert r.identify == {"W_F": "K", "H_F": "K", "H_out": "W_out"}
    assert parse("D_{K}^2 M", notation="mobilenet") == K**2 * D_in


def test_cin_cout_notation():
    assert parse("C_in C_out K^2 H W", notation="cin-cout") == D_in * D_out * K**2 * H_out * W_out


def test_user_alias():
    assert parse("X Y", aliases=parse_aliases(["X=D_in", "Y=C_out"])) == D_in * D_out
    with pytest.raises(InputError, match="not a symbol"):
        parse("X", aliases={"X": "nonsense"})
    with pytest.raises(InputError, match="NAME=SYMBOL"):
        parse_aliases(["X"])
    with pytest.raises(InputError, match="unknown notation"):
        parse("M", notation="resnet")


def test_unknown_symbol_suggests_a_notation_or_alias():
    with pytest.raises(InputError, match=r"unknown symbol 'M'.*--notation mobilenet"):
        parse("M N")
    with pytest.raises(InputError, match=r"did you mean Din \(D_in\)\?"):
        parse("Dinn")
    with pytest.raises(InputError, match=r"did you mean D_in\?"):
        parse("D_inn")
    with pytest.raises(InputError, match=r"--alias q=SYMBOL"):
        parse("q")


@pytest.mark.parametrize("text, column, message", [
    ("D_in + (", 8, "unmatched '('"),
    ("D_in + )", 8, "unmatched ')'"),
    ("(D_in]", 6, "']' does not close '('"),
    (r"\left( D_in", 6, "unmatched '('"),
    (r"\lfloor D_in )", 14, "does not close"),
    ("D_in +", 7, "the formula ends"),
    ("D_in $ 2", 6, "unexpected character '$'"),
    ("2^D_in", 2, "exponent must be a whole number"),
    ("1/0", 2, "division by zero"),
    ("D_in = 2", 6, "unexpected character '='"),
])
def test_errors_name_the_column(text, column, message):
    with pytest.raises(InputError) as info:
        parse(text)
    assert str(info.value).startswith(f"parse error at column {column}: ")
    assert message in str(info.value)


def test_limits():
    with pytest.raises(InputError, match="too long"):
        parse("1+" * MAX_LENGTH + "1")
    with pytest.raises(InputError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert parse("(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1)) == 1
    with pytest.raises(InputError, match="too large"):
        parse(f"K^{MAX_EXPONENT + 1}")
    assert parse(f"K^{MAX_EXPONENT}") == K**MAX_EXPONENT
    with pytest.raises(InputError, match="expand to more than"):
        parse("(D_in+D_out+W_F+H_F+K+g)^12 (W_in+H_in+S_W+1)^12")
    with pytest.raises(InputError, match="number too large"):
        parse(("9" * 90 + "*") * 40 + "1")
    with pytest.raises(InputError, match="number too long"):
        parse("1" * 101)


@pytest.mark.parametrize("text, message", [
    ("D_in*" * 20 + "D_in", "the power D_in^21"),
    ("(D_in+D_out)" * 13, "the power (D_in + D_out)^13"),
    ("+".join(f"1/(D_in+{i})" for i in range(1, 9)), "different sums under a fraction bar"),
    ("+".join(f"1/(D_in+W_F+{i})^12" for i in range(1, 7)), "expand to more than"),
    ("+".join(f"floor(W_in/{i})" for i in range(1, 15)), "floors, ceilings and roots"),
    ("sqrt(" * 13 + "D_in" + ")" * 13, "floors, ceilings and roots"),
])
def test_limits_after_equal_factors_collect(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse(text)


def test_expansion_size_bounds_the_expanded_terms():
    e = (D_in + D_out + 1)**3 * (K + 1)
    assert len(sympy.expand(e).args) <= expansion_size(e) == 20


# --- hostile input: a clean InputError, no code run ------------------------------------
HOSTILE = [
    "__import__('os').system('id')",
    "().__class__.__bases__",
    "lambda: 0",
    'exec("1")',
    "eval('1')",
    "10**10**10**10",
    "((((" * 10000,
    "1" * 1_000_000,
    "D_in\x00",
    "\x00",
    r"\left( D_{in}",
    r"\input{/etc/passwd}",
    r"\include{x}",
    r"\def\x{1}",
    "D_in; import os",
    "$$$$",
    "os.system",
    "_",
    "9" * 99 + "^12^12",
]


def test_the_no_code_guard_itself_fails_on_eval(no_code):
    with pytest.raises(AssertionError, match="code was run"):
        eval("1")  # the guard must be able to fail, or the hostile tests prove nothing


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_is_a_clean_error(text, no_code):
    with pytest.raises(InputError) as info:
        parse(text)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400


def test_no_evaluating_calls_in_the_package():
    """eval, exec, sympify and parse_expr are used nowhere in symconv."""
    bad = re.compile(r"(?<![\w.])(eval|exec)\s*\(|sympify|parse_expr|sympy\.S\(")
    package = Path(__file__).resolve().parent.parent / "symconv"
    offenders = [f"{p.name}:{i}" for p in package.rglob("*.py")
                 for i, line in enumerate(p.read_text().splitlines(), 1) if bad.search(line)]
    assert offenders == []


# --- property tests --------------------------------------------------------------------
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_random_text_parses_or_fails_cleanly(text):
    try:
        result = parse(text)
    except InputError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(result, sympy.Expr)


_ALPHABET = "D_inoutWFHKgS{}()[]+-*/^ 0123456789x\\fraclefightimesdot,"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_formula_like_text_parses_or_fails_cleanly(text):
    try:
        assert isinstance(parse(text), sympy.Expr)
    except InputError as error:
        assert "\n" not in str(error)


_LEAVES = st.sampled_from([D_in, D_out, W_F, H_F, K, W_in, H_in, W_out, H_out, S_W, g, alpha]) | \
    st.integers(1, 9).map(sympy.Integer)


def _trees(children):
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] - t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: t[0] / t[1]),
        st.tuples(children, st.integers(-3, 3)).map(lambda t: t[0] ** t[1]),
        children.map(sympy.floor),
        children.map(sympy.ceiling),
    )


EXPRESSIONS = st.recursive(_LEAVES, _trees, max_leaves=10)


def _same(parsed, expr) -> bool:
    """Equal as expressions: sympy may group 2*(a + b)/a differently when it rebuilds it."""
    return parsed == expr or sympy.simplify(parsed - expr) == 0


def _finite(expr) -> bool:
    """No infinity, and no power past the parser's limit (x^4^4 collects to x^16, refused)."""
    powers = [p.exp for p in expr.atoms(sympy.Pow) if p.exp.is_Integer]
    return not expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) and all(
        abs(int(n)) <= MAX_EXPONENT for n in powers)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_round_trip_plain_text(expr):
    """sympy's str() of any expression over the course symbols parses back to it."""
    assume(_finite(expr))
    assert _same(parse(str(expr)), expr)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_round_trip_latex(expr):
    """sympy's LaTeX of any expression over the course symbols parses back to it."""
    assume(_finite(expr))
    assert _same(parse(sympy.latex(expr)), expr)


def test_every_notation_maps_to_known_symbols():
    for notation, (table, identify) in NOTATIONS.items():
        resolver = Resolver(notation)
        assert all(resolver.value(spelling(name)) is not None for name in table), notation
        assert set(identify) | set(identify.values()) <= set(SYMBOLS)


# --- names and operators as people write them (issue 17) ---------------------------------
from symconv.symbols import P, S, a, d, rho  # noqa: E402




def _aliased(*pairs):
    return Resolver(aliases=parse_aliases(list(pairs)))


@pytest.mark.parametrize("text, aliases, expected", [
    ("in_height - kernel_size", ["in_height=H_in", "kernel_size=K"], H_in - K),
    ("K1 K2", ["K1=H_F", "K2=W_F"], H_F * W_F),
    ("M' N'", ["M'=H_out", "N'=W_out"], H_out * W_out),
    ("i' + 1", ["i'=W_in"], W_in + 1),
    ("h_w[0] + 2", ["h_w[0]=H_in"], H_in + 2),
    (r"\text{padding}[0] + \text{kernel\_size[1]}", ["padding[0]=P_H", "kernel_size[1]=W_F"],
     SYMBOLS["P_H"] + W_F),
    (r"\mathrm{C} \cdot \tilde{k}", ["C=D_in", "\\tilde{k}=K"], D_in * K),
    (r"n_{H_{prev}} - f", ["n_{H_{prev}}=H_in", "f=K"], H_in - K),
    ("X_{pad} + X_pad", ["X_{pad}=P_W"], 2 * SYMBOLS["P_W"]),
    ("neurons_in_layer", ["neurons_in_layer=D_out"], D_out),
    ("height_ - kernel_h_", ["height_=H_in", "kernel_h_=H_F"], H_in - H_F),  # C++ members
    ("shape[i] + pad[i]", ["shape[i]=W_in", "pad[i]=2*P_W"], W_in + 2 * SYMBOLS["P_W"]),
])
def test_names_as_people_write_them(text, aliases, expected):
    assert parse(text, resolver=_aliased(*aliases)) == expected


@pytest.mark.parametrize("text, expected", [
    ("K^2 x C_in x C_out", K**2 * D_in * D_out),
    ("(3x3x3) x (4x4) x (2)", sympy.Integer(864)),
    ("W_in // S_W", sympy.floor(W_in / S_W)),
    ("int((W_in - W_F)/S_W) + 1", sympy.floor((W_in - W_F) / S_W) + 1),
    ("math.floor(W_in / 2)", sympy.floor(W_in / 2)),
    ("np.ceil(W_in / S_W)", sympy.ceiling(W_in / S_W)),
    ("max(D_in, D_out)", sympy.Max(D_in, D_out)),
    (r"\max(W_in, 2)", sympy.Max(W_in, 2)),
    ("|W_in - W_F| + 1", sympy.Abs(W_in - W_F) + 1),
    (r"\left| D_in - D_out \right|", sympy.Abs(D_in - D_out)),
    ("1,28,800", sympy.Integer(128800)),
    ("10–3+1", sympy.Integer(8)),
    ("αD_in + ɑD_out + ρW_out + 𝜌H_out", alpha * D_in + alpha * D_out + rho * W_out + rho * H_out),
    (r"\rho^2 \alpha", rho**2 * alpha),
    ("S P d a", S * P * d * a),
    ("W_FH_FD_in", W_F * H_F * D_in),
    ("gKxK", g * K * K),
    ("Κ^2 D_in Сout".replace("Сout", "D_out"), K**2 * D_in * D_out),  # Greek capital kappa
    ("С_in Н_out", D_in * H_out),  # Cyrillic С and Н, as copy-paste brings them
])
def test_operators_as_people_write_them(text, expected):
    assert parse(text) == expected


def test_notations_for_documentation_and_books():
    assert parse(r"\text{stride}[0] \text{padding}[1] \text{output\_padding}[0]",
                 notation="pytorch") == SYMBOLS["S_H"] * SYMBOLS["P_W"] * SYMBOLS["a_H"]
    assert parse("n_h - k_h + p_h", notation="d2l") == H_in - H_F + 2 * SYMBOLS["P_H"]
    assert parse("(i - 1)s - 2p + k", notation="dumoulin") == (
        (W_in - 1) * S_W - 2 * SYMBOLS["P_W"] + W_F)


@pytest.mark.parametrize("text, name", [
    ("img_height", "img_height"), ("K1 + 1", "K1"), ("kernel_size", "kernel_size"),
    ("add", "add"), (r"\text{padding}[0]", "padding[0]"), ("M'", "M'"),
    ("filter_h * 2", "filter_h"), (r"\tilde{k}", "\\tilde{k}"), (r"\beta", "\\beta"),
])
def test_an_unknown_name_is_never_split_and_says_how_to_map_it(text, name):
    with pytest.raises(InputError) as info:
        parse(text)
    message = str(info.value)
    assert f"unknown symbol {name!r}" in message and "--alias" in message and "\n" not in message


def test_a_product_of_known_names_splits_only_when_the_whole_is_unknown():
    assert parse("HW", notation="cin-cout") == H_out * W_out
    assert parse("WHN", resolver=_aliased("W=W_in", "H=H_in", "N=D_in")) == W_in * H_in * D_in
    assert parse("K1", resolver=_aliased("K1=D_in", "K=H_F")) == D_in  # the whole wins
    with pytest.raises(InputError, match="unknown symbol 'K1'"):  # never K*1
        parse("K1")


def test_an_alias_target_is_a_symbol_never_another_alias():
    r = _aliased("K=D_out", "F=K")  # CS231n: K filters of F x F
    assert parse("K F F D_in", resolver=r) == D_out * K**2 * D_in


@pytest.mark.parametrize("text", ["max(D_in)", "floor(D_in, D_out)", "D_in, D_out", "x D_in",
                                  "|D_in", "floor D_in", r"\tilde{2+3}"])
def test_operator_misuse_is_a_clean_error(text):
    with pytest.raises(InputError) as info:
        parse(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("written, plain", [
    ("K² D_in D_out", "K^2 D_in D_out"),             # superscript digits, as notes type them
    ("W_F³", "W_F^3"),
    ("𝐶_in 𝐾² + 1", "C_in K^2 + 1"),                  # mathematical italic, copied from rendered math
    ("𝐃_𝐢𝐧 ⋅ 𝟑", "D_in * 3"),                          # mathematical bold letters and digits
])
def test_unicode_math_letters_and_superscripts_read_as_plain_text(written, plain):
    assert parse(written) == parse(plain)
