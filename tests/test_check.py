"""Checking formulas against the catalog: verdicts, differences, factors, counterexamples,
conditions; and the ``symconv check`` command."""

import json

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings

from symconv.errors import InputError
from symconv.lint.check import QUANTITIES, agreement, check_formula, compare, expected_for
from symconv.cli import main
from symconv.layers import REGISTRY, Conv, DepthwiseSeparable, Grouped, Pointwise
from symconv.formula.parse import Resolver, parse
from symconv.symbols import D_in, D_out, H_F, H_out, K, S_H, S_W, SYMBOLS, W_F, W_out

from cli_run import run as run_cli
from test_parse import EXPRESSIONS, HOSTILE, _finite


def check(text, layer=None, quantity="params", notation=None):
    resolver = Resolver(notation)
    return check_formula(parse(text, resolver=resolver), layer or Conv(), quantity,
                         resolver.identify)


def _catalog_value(layer, quantity):
    return expected_for(layer, quantity).expr


CASES = [(name, q) for name in REGISTRY for q in QUANTITIES]


@pytest.mark.parametrize("name, quantity", CASES)
def test_catalog_formula_printed_and_parsed_back_is_correct(name, quantity):
    """Every layer's every quantity, printed as plain text and as LaTeX, checks as correct."""
    layer = REGISTRY[name]()
    no_kernel = quantity == "effective-kernel" and not hasattr(layer, "W_F")
    not_a_conv = quantity == "ratio" and (layer.macs == 0 or not hasattr(layer, "W_in"))
    if no_kernel or not_a_conv:
        with pytest.raises(InputError):
            _catalog_value(layer, quantity)
        return
    expr = _catalog_value(layer, quantity)
    for text in (str(expr), sympy.latex(expr)):
        result = check_formula(parse(text), layer, quantity)
        assert result.verdict == "correct", (text, result.lines())


@pytest.mark.parametrize("name", list(REGISTRY))
def test_catalog_formula_plus_one_is_wrong_with_a_true_counterexample(name):
    layer = REGISTRY[name]()
    expected = layer.params
    result = check_formula(parse(str(expected + 1)), layer, "params")
    assert result.verdict == "wrong" and result.difference == 1
    values = {SYMBOLS[k]: v for k, v in result.counterexample.items()}
    # independently: substitute the counterexample into both formulas
    assert (expected + 1).xreplace(values) == result.given_value
    assert expected.xreplace(values) == result.expected_value
    assert result.given_value != result.expected_value
    assert result.condition is None
    assert result.never_equal == bool(expected.free_symbols)  # not said of two numbers


def test_correct_is_a_proof_not_a_sample():
    r = check("D_out*(W_F*H_F*D_in + 1)")
    assert r.verdict == "correct" and r.difference == 0 and r.counterexample is None


def test_missing_biases_of_dw_sep():
    r = check("D_{in}W_{F}H_{F}+D_{in}D_{out}", DepthwiseSeparable())
    assert r.verdict == "wrong"
    assert r.difference == -D_in - D_out
    assert r.hints == ("the two bias terms D_in + D_out are missing",)
    assert r.never_equal


def test_off_by_a_monomial_factor():
    r = check("D_in W_F H_F D_out W_out H_out D_out", quantity="macs")
    assert r.factor == D_out
    assert r.condition == "D_out = 1"
    r = check("D_in W_F H_F", quantity="macs")
    assert r.factor == 1 / (D_out * W_out * H_out)


def test_condition_under_which_they_agree():
    r = check("D_out(W_F H_F D_out + 1)")
    assert r.condition == "D_in = D_out"
    assert r.counterexample["D_in"] != r.counterexample["D_out"]
    assert "  equal only when D_in = D_out" in r.lines()


def test_agreement_directly():
    assert agreement(D_in - D_out) == ("D_in = D_out", False)
    assert agreement(D_in + D_out) == (None, True)
    assert agreement(sympy.Integer(3)) == (None, True)
    assert agreement(D_out * (K - 3)) == ("K = 3", False)


def test_flops_and_macs_mixed_up():
    r = check("D_in W_F H_F D_out W_out H_out", quantity="flops")
    assert r.factor == sympy.Rational(1, 2)
    assert "this is the MAC count; FLOPs = 2 x MACs" in r.hints
    r = check("2 D_in W_F H_F D_out W_out H_out", quantity="macs")
    assert "this is the FLOP count; MACs = FLOPs / 2" in r.hints


def test_bias_counted_when_there_is_none():
    r = check("D_out(D_in + 1)", Pointwise(bias=False))
    assert r.verdict == "wrong" and r.difference == D_out
    assert r.hints == ("counts biases, but the layer has none (--no-bias)",)
    assert check("D_out D_in", Pointwise(bias=False)).verdict == "correct"


def test_square_kernel_and_output_from_the_notation():
    r = check("M N D_K^2 D_F^2", quantity="macs", notation="mobilenet")
    assert r.verdict == "correct"
    r = check("M D_K^2 D_F^2 + M N D_F^2", DepthwiseSeparable(), "macs", notation="mobilenet")
    assert r.verdict == "correct"
    r = check("C_in C_out K^2 H W", quantity="macs", notation="cin-cout")
    assert r.verdict == "correct"
    assert check("D_in D_out K^2 W_out H_out", quantity="macs").assumptions == \
        ("a square kernel, W_F = H_F = K",)


def test_the_cs231n_notation_reads_the_notes_own_formulas():
    """The formulas as cs231n.github.io/convolutional-networks writes them (the corpus holds
    that note): F F D_1 weights per filter, K filters and K biases, W_2 = (W_1 - F + 2P)/S + 1."""
    assert check("(F F D_1) K + K", notation="cs231n").verdict == "correct"
    assert check("F F D_1 K", notation="cs231n").verdict == "wrong"     # the K biases left out
    assert check("W_2 H_2 D_2 F^2 D_1", quantity="macs", notation="cs231n").verdict == "correct"
    stride_one = Conv(padding=SYMBOLS["P"])
    assert check("(W - F + 2P)/1 + 1", stride_one, "output-size", "cs231n").verdict == "correct"
    assert check("(W_1 - F + 2P) + 1", stride_one, "output-size", "cs231n").verdict == "correct"
    assert check("(W_1 - K + 2P) + 1", stride_one, "output-size", "cs231n").verdict == "wrong"


def test_formula_over_the_input_size_uses_the_computed_output_size():
    r = check("K^2 D_in D_out (W_in - K + 1)^2", quantity="macs")
    assert r.verdict == "correct"
    assert "W_out = -W_F + W_in + 1" in r.assumptions
    r = check("K^2 D_in D_out W_in^2", quantity="macs")
    assert r.verdict == "wrong"


def test_output_size_with_floor():
    layer = Conv(stride=(S_W, S_H))
    assert check(r"\lfloor (W_{in} - W_F)/S_W \rfloor + 1", layer, "output-size").ok
    r = check("(W_in - W_F)/S_W + 1", layer, "output-size")
    assert r.verdict == "wrong"
    # the counterexample is a layer that exists: the kernel fits
    ce = r.counterexample
    assert ce["W_in"] >= ce["W_F"]
    assert check("W_in - W_F + 1", Conv(), "output-size").ok
    assert check("(W_in - W_F + 1)(H_in - H_F + 1) D_out", Conv(), "output-size").ok
    assert check("ceil(W_in/2)", Conv(stride=2, padding="same"), "output-size").ok


def test_macs_per_output_pixel_and_value():
    assert check("W_F H_F D_in D_out", quantity="macs-per-output-pixel").ok
    assert check("W_F H_F D_in", quantity="macs-per-output-value").ok
    assert check("W_F H_F D_in", quantity="macs-per-output-pixel").factor == 1 / D_out


def test_grouped_counterexample_respects_divisibility():
    r = check("D_out(W_F H_F D_in + 1)", Grouped())
    assert r.condition == "g = 1"
    ce = r.counterexample
    assert ce["D_in"] % ce["g"] == 0 and ce["D_out"] % ce["g"] == 0


def test_compare_numbers():
    assert compare(6432, 32 * (5 * 5 * 8 + 1)).ok
    r = compare(6400, 6432)
    assert r.verdict == "wrong" and r.difference == -32


def test_counterexample_agrees_with_brute_force():
    """The expected value of a counterexample is what a loop count of that layer gives."""
    from brute_force import conv_counts

    r = check("D_out D_in (W_F H_F + 1)")
    ce = r.counterexample
    counts = conv_counts(ce["D_in"], ce["D_out"], ce["W_F"], ce["H_F"], 9, 9)
    assert counts[2] == r.expected_value


def test_expected_for_rejects_an_unknown_quantity():
    from symconv.errors import InputError

    with pytest.raises(InputError, match="unknown quantity"):
        expected_for(Conv(), "energy")


# --- the command ---------------------------------------------------------------------
def run(capsys, *argv):
    return run_cli(capsys, "check", *argv)


def test_cli_correct(capsys):
    code, out, err = run(capsys, "D_out*(W_F*H_F*D_in + 1)", "--quantity", "params")
    assert code == 0 and out.startswith("correct: params of conv") and err == ""


def test_cli_wrong_says_how(capsys):
    code, out, _ = run(capsys, r"D_{in}W_{F}H_{F}+D_{in}D_{out}", "--layer", "dw-sep",
                       "--quantity", "params")
    assert code == 1
    assert "yours - expected = -D_in - D_out: the two bias terms D_in + D_out are missing" in out
    assert "counterexample: D_in=2, D_out=3, H_F=3, W_F=3: yours 24, expected 29" in out
    assert "never equal for positive sizes" in out


def test_cli_json(capsys):
    code, out, _ = run(capsys, "D_out(W_F H_F D_out + 1)", "--quantity", "params",
                       "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert {"verdict", "expected", "given", "difference", "counterexample", "condition"} <= set(data)
    assert data["verdict"] == "wrong"
    assert data["expected"] == {"expr": "D_out*(D_in*H_F*W_F + 1)",
                                "latex": r"D_{out} \left(W_{F} H_{F} D_{in} + 1\right)"}
    assert data["condition"] == "D_in = D_out"
    assert data["counterexample"]["values"] == {"D_in": 2, "D_out": 3, "H_F": 3, "W_F": 3}
    assert data["counterexample"]["given"] == 84 and data["counterexample"]["expected"] == 57
    # "expr" parses back to the same expression
    assert sympy.expand(parse(data["difference"]["expr"]) - parse(data["given"]["expr"])
                        + parse(data["expected"]["expr"])) == 0


def test_cli_json_correct(capsys):
    code, out, _ = run(capsys, r"W_F H_F D_in", "--quantity", "macs-per-output-value",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "correct" and data["counterexample"] is None


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_cli_other_formats(capsys, fmt):
    code, out, _ = run(capsys, "D_out D_in W_F H_F", "--quantity", "params", "--format", fmt)
    assert code == 1 and "D_{out}" in out


def test_cli_layer_options(capsys):
    code, out, _ = run(capsys, "D_out D_in", "--layer", "pointwise", "--quantity", "params",
                       "--no-bias")
    assert code == 0
    code, _, _ = run(capsys, "ceil(W_in/2)", "--stride", "2", "--padding", "same",
                     "--quantity", "output-size")
    assert code == 0


def test_cli_notation_and_alias(capsys):
    assert run(capsys, "M N D_K^2 D_F^2", "--notation", "mobilenet", "--quantity", "macs")[0] == 0
    assert run(capsys, "X Y", "--alias", "X=D_in", "--alias", "Y=D_out", "--layer", "dense",
               "--quantity", "macs")[0] == 0


@pytest.mark.parametrize("argv, message", [
    (["M N", "--quantity", "macs"], "unknown symbol 'M'; did you mean --notation mobilenet"),
    (["D_in +", "--quantity", "macs"], "parse error at column 7"),
    (["D_in", "--quantity", "energy"], "unknown quantity 'energy'"),
    (["D_in", "--quantity", "macs", "--layer", "lstm"], "unknown layer 'lstm'"),
    (["MACs = D_in = D_out", "--quantity", "macs"], "give one expression, or one 'QUANTITY = "),
    (["MACs = D_in", "--quantity", "params"], "the formula says it is macs but --quantity says"),
    (["O = D_in"], "the left side 'O' names no quantity symconv counts"),
    (["a + b = D_in", "--quantity", "params"], "the left side 'a + b' names no quantity"),
    (["D_in D_out"], "say what the formula counts: --quantity params"),
    (["D_in", "--quantity", "macs", "--notation", "resnet"], "unknown notation"),
    (["D_in", "--quantity", "macs", "--alias", "X"], "NAME=SYMBOL"),
])
def test_cli_bad_input_is_exit_2_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("symconv check: error: ")


@pytest.fixture
def cli_no_code(capsys, request):
    """After one ordinary run (so every module is imported), running any code fails the test."""
    main(["check", "D_in", "--quantity", "params", "--format", "json"])
    capsys.readouterr()
    request.getfixturevalue("no_code")


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_cli_hostile_input(capsys, text, cli_no_code):
    code, out, err = run(capsys, "--quantity", "params", "--", text)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err


# --- properties ----------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_an_expression_equals_its_expansion(expr):
    assume(_finite(expr))
    assert compare(sympy.expand(expr), expr).verdict == "correct"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_an_expression_plus_one_is_refuted_by_a_true_counterexample(expr):
    assume(_finite(expr))
    r = compare(expr + 1, expr)
    assert r.verdict in ("wrong", "unproven")
    if r.verdict == "wrong":
        # symbols that simplified away (ceiling(1/D_out) is 1) may take any value
        values = {s: sympy.Integer(r.counterexample.get(s.name, 1)) for s in expr.free_symbols}
        assert r.given_value == (expr + 1).xreplace(values)
        assert r.expected_value == expr.xreplace(values)
        assert r.given_value - r.expected_value == 1


def test_a_counterexample_is_never_a_division_by_zero():
    r = compare(1 / (D_in - D_out) + 1, 1 / (D_in - D_out))
    assert r.verdict == "wrong" and r.counterexample["D_in"] != r.counterexample["D_out"]


def test_cli_accepts_dollar_delimited_formulas(capsys):
    code, _, _ = run(capsys, "$D_{out}(W_F H_F D_{in}+1)$", "--quantity", "params")
    assert code == 0


def test_cli_numbers_check_a_worked_example(capsys):
    sizes = ["D_in=8", "D_out=32", "K=5", "W_in=128", "H_in=128"]
    assert run(capsys, "32(5*5*8+1)", "--quantity", "params", *sizes)[0] == 0
    code, out, _ = run(capsys, "6400", "--quantity", "params", *sizes)
    assert code == 1 and "yours - expected = -32: the bias term 32 is missing" in out
    assert "never equal" not in out and "counterexample" not in out
    code, out, _ = run(capsys, "5x5x8x32x124x124x32", "--quantity", "macs", *sizes)
    assert code == 1 and "off by a factor of 32" in out
    # the sizes given as numbers go into the formula too
    assert run(capsys, "W_F H_F D_in D_out 124^2", "--quantity", "macs", *sizes)[0] == 0


def test_no_fractional_factor_between_numbers():
    assert compare(6400, 6432).factor is None
    assert compare(3149004800, 98406400).factor == 32


# --- property tests: renaming keeps a right formula right, changing a factor makes it wrong --
import re as _re  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

from symconv.symbols import H_in, P_H, P_W, S, W_in, d_H  # noqa: E402

#: canonical symbol -> spellings people use for it, per notation (None: no notation)
SPELLINGS = {
    None: {"D_in": ["D_in", "D_{in}", "Din", "C_in", "C_{in}", "D_{IN}", "c_in'"],
           "D_out": ["D_out", "D_{out}", "Dout", "C_out", "C_{\\text{out}}", "n_filters"],
           "W_F": ["W_F", "W_{F}", "kernel_w", "k_w", "K2"], "H_F": ["H_F", "H_{F}", "K1", "kh"],
           "W_out": ["W_out", "W_{out}", "Wout", "w_o"], "H_out": ["H_out", "Hout", "h_o"],
           "W_in": ["W_in", "in_width", "W_{in}"], "H_in": ["H_in", "in_height", "n_{H_{prev}}"],
           "S_W": ["S_W", "s_w"], "S_H": ["S_H", "stride_h"], "P_W": ["P_W", "pad_w"],
           "P_H": ["P_H", "pad_h", "\\text{pad}_h"], "K": ["K", "kernel_size", "F"],
           "g": ["g", "groups"]},
    "mobilenet": {"D_in": ["M"], "D_out": ["N"], "K": ["D_K", "D_{K}", "DK"],
                  "W_out": ["D_F", "D_{F}", "DF"]},
    "cin-cout": {"D_in": ["C_in", "C_{in}"], "D_out": ["C_out"], "K": ["K", "k"],
                 "H_out": ["H"], "W_out": ["W"]},
    "pytorch": {"H_in": ["H_in", "H_{in}"], "H_F": ["kernel_size[0]", "\\text{kernel\\_size}[0]"],
                "S_H": ["stride[0]", "\\text{stride}[0]"], "P_H": ["padding[0]", "\\text{padding[0]}"],
                "d_H": ["dilation[0]"], "D_in": ["in_channels"], "D_out": ["out_channels"],
                "g": ["groups"], "W_F": ["kernel_size[1]"]},
    "d2l": {"H_in": ["n_h"], "H_F": ["k_h"], "S_H": ["s_h"], "P_H": ["(p_h/2)"]},
    "dumoulin": {"W_in": ["i"], "W_F": ["k"], "S_W": ["s"], "P_W": ["p"]},
}

#: (notation, layer, quantity, options, right formula over canonical symbols)
RIGHT = [
    (None, "conv", "params", {}, D_out * (W_F * H_F * D_in + 1)),
    (None, "conv", "macs", {}, D_in * D_out * W_F * H_F * W_out * H_out),
    (None, "grouped", "params", {}, D_out * (D_in / SYMBOLS["g"] * H_F * W_F + 1)),
    (None, "conv", "output-size", {"stride": (S_W, S_H), "padding": (P_W, P_H)},
     sympy.floor((W_in + 2 * P_W - W_F) / S_W) + 1),
    (None, "conv", "params", {}, D_out * (K**2 * D_in + 1)),
    ("mobilenet", "dw-sep", "macs", {}, K**2 * D_in * W_out**2 + D_in * D_out * W_out**2),
    ("mobilenet", "conv", "macs", {}, K**2 * D_in * D_out * W_out**2),
    ("cin-cout", "conv", "macs", {}, K**2 * D_in * D_out * H_out * W_out),
    ("cin-cout", "depthwise", "macs", {}, K**2 * D_in * H_out * W_out),
    ("pytorch", "conv", "output-size",
     {"stride": (S_W, S_H), "padding": (P_W, P_H), "dilation": (SYMBOLS["d_W"], d_H)},
     sympy.floor((H_in + 2 * P_H - d_H * (H_F - 1) - 1) / S_H + 1)),
    ("pytorch", "grouped", "weights", {}, D_out * D_in / SYMBOLS["g"] * H_F * W_F),
    ("d2l", "conv", "output-size", {"stride": (S_W, S_H), "padding": (P_W, P_H)},
     sympy.floor((H_in - H_F + 2 * P_H + S_H) / S_H)),
    ("dumoulin", "conv", "output-size", {"stride": (S_W, S_H), "padding": (P_W, P_H)},
     sympy.floor((W_in + 2 * P_W - W_F) / S_W) + 1),
    ("dumoulin", "transposed-conv", "output-size", {"stride": (S_W, S_H), "padding": (P_W, P_H)},
     S_W * (W_in - 1) + W_F - 2 * P_W),
]


def _layer(name, options):
    return REGISTRY[name](**options)


@st.composite
def renamed(draw):
    """A right formula, every symbol spelled as a person of its notation might, in one of the
    ways people write products (*, x, ×, implicit)."""
    notation, name, quantity, options, expr = draw(st.sampled_from(RIGHT))
    table = SPELLINGS[notation] if notation else {}
    names = {}
    for symbol in sorted(expr.free_symbols, key=lambda s: s.name):
        choices = table.get(symbol.name) or ([] if notation in ("mobilenet", "cin-cout")
                                              else SPELLINGS[None].get(symbol.name, []))
        choices = choices or [symbol.name]
        names[symbol] = draw(st.sampled_from(choices))
    if len(set(names.values())) < len(names):  # two symbols spelled alike
        names = {s: s.name for s in names}
    text = str(expr.xreplace({s: sympy.Symbol(f"\x00{i}\x00") for i, s in enumerate(names)}))
    times = draw(st.sampled_from(["*", " * ", " x ", " × ", r" \times ", r" \cdot "]))
    text = _re.sub(r"(?<!\*)\*(?!\*)", lambda m: times, text)
    for i, s in enumerate(names):
        text = text.replace(f"\x00{i}\x00", names[s])
    aliases = [f"{spelled}={s.name}" for s, spelled in names.items()
               if spelled not in (table.get(s.name) or []) and spelled != s.name
               and Resolver(notation).value(spelled) is None]
    return notation, name, quantity, options, text, aliases


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renamed())
def test_a_right_formula_renamed_into_any_notation_stays_right(case):
    from symconv.formula.notation import parse_aliases

    notation, name, quantity, options, text, aliases = case
    resolver = Resolver(notation, parse_aliases(aliases))
    result = check_formula(parse(text, resolver=resolver), _layer(name, options), quantity,
                           resolver.identify)
    assert result.ok, (text, aliases, result.lines())


def _factors(expr):
    """Every (Mul node, index of a factor) in ``expr``, outermost first."""
    out = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Mul):
            out += [(node, i) for i in range(len(node.args))]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RIGHT), st.data())
def test_any_single_factor_changed_makes_it_wrong(case, data):
    notation, name, quantity, options, expr = case
    factors = _factors(expr)
    assume(factors)
    node, i = data.draw(st.sampled_from(factors))
    old = node.args[i]
    others = [s for s in (D_in, D_out, W_F, H_F, K, W_out, H_out) if s not in expr.free_symbols
              and not (name == "depthwise" and s == D_out)]  # a depthwise conv's D_out is D_in
    change = data.draw(st.sampled_from(["double", "plus one", "drop", "swap"]))
    new = {"double": 2 * old, "plus one": old + 1, "drop": sympy.Integer(1),
           "swap": others[0] if others else 3 * old}[change]
    changed = expr.xreplace({node: sympy.Mul(*node.args[:i], new, *node.args[i + 1:])})
    assume(sympy.simplify(changed - expr) != 0)
    resolver = Resolver(notation)
    result = check_formula(changed, _layer(name, options), quantity, resolver.identify)
    assert not result.ok, (str(changed), change, result.lines())


# --- premises people state (issue 17) ------------------------------------------------------
@pytest.mark.parametrize("argv, code", [
    # half padding floor(k/2): odd kernels keep the size, even ones grow it by one
    (["W_in", "--quantity", "output-size", "--padding", "half", "K=3"], 0),
    (["W_in", "--quantity", "output-size", "--padding", "half", "K=4"], 1),
    (["W_in + 1", "--quantity", "output-size", "--padding", "half", "K=4"], 0),
    # MobileNet's multipliers, as symbols or numbers
    (["D_K^2 αM D_F^2 + αM αN D_F^2", "--notation", "mobilenet", "--layer", "dw-sep",
      "--quantity", "macs", "--width-multiplier", "alpha"], 0),
    (["K^2 (D_in/2)(D_out/2) W_out H_out", "--quantity", "macs", "--width-multiplier", "0.5"], 0),
    (["K^2 D_in D_out W_out H_out", "--quantity", "macs", "--width-multiplier", "1/2"], 1),
    (["K^2 D_in D_out ρ^2 W_out H_out", "--quantity", "macs", "--resolution-multiplier", "rho"], 0),
    # quantities: area, ratio, effective kernel
    (["(W_in - K + 1)^2", "--quantity", "area"], 0),
    (["1/D_out + 1/K^2", "--layer", "dw-sep", "--quantity", "ratio"], 0),
    (["1/g", "--layer", "grouped", "--quantity", "ratio"], 0),
    (["d(K - 1) + 1", "--quantity", "effective-kernel", "--dilation", "d"], 0),
    (["K + (K - 1)(d - 1)", "--quantity", "effective-kernel", "--dilation", "d"], 0),
    # one stride, padding and output padding for both axes
    (["floor((W_in + 2P - K)/S) + 1", "--quantity", "output-size", "--stride", "S",
      "--padding", "P"], 0),
    (["S(W_in - 1) - 2P + K + a", "--layer", "transposed-conv", "--quantity", "output-size",
      "--stride", "S", "--padding", "P", "--output-padding", "a"], 0),
])
def test_cli_premises(capsys, argv, code):
    assert run(capsys, *argv)[0] == code


@pytest.mark.parametrize("argv, message", [
    (["1", "--layer", "dense", "--quantity", "ratio"], "--quantity ratio compares"),
    (["1", "--layer", "dense", "--quantity", "effective-kernel"], "has no kernel"),
    (["D_in", "--quantity", "macs", "--width-multiplier", "lots"], "--width-multiplier takes"),
    (["D_in", "--quantity", "macs", "--width-multiplier", "0"], "--width-multiplier takes"),
    (["img_height", "--quantity", "output-size"], "unknown symbol 'img_height'"),
    (["1", "--layer", "dense", "--quantity", "params", "--padding", "half"], "no padding"),
])
def test_cli_premise_errors_are_exit_2_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_cli_json_names_the_cause(capsys):
    code, out, _ = run(capsys, "D_out W_F H_F D_in", "--quantity", "params", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["cause"] == "missing-bias"
    assert data["cause_message"] == "the bias term D_out is missing"


@pytest.mark.parametrize("formula, verdict", [
    (r"(K_h \cdot K_w \cdot C_{in} + 1) \cdot C_{out}", "correct"),
    ("k_h k_w c_in c_out + c_out", "correct"),
    ("K_{h} K_{w} c_{in} c_{out}", "wrong"),          # the biases left out
    ("K_h K_h c_in c_out + c_out", "wrong"),          # a square kernel is not assumed
    ("filter_height filter_width in_channels out_channels + out_channels", "correct"),
    ("kernel_height kernel_width input_channels output_channels", "wrong"),
])
def test_kernel_height_and_width_and_lowercase_channels_read_without_a_notation(formula, verdict):
    assert check(formula).verdict == verdict


@pytest.mark.parametrize("formula, options, verdict, what", [
    ("params = C_out (K^2 C_in + 1)", [], 0, "params of conv"),
    (r"\text{Params} = C_{out} K^2 C_{in}", [], 1, "params of conv"),          # no biases
    ("#MACs = K^2 C_in C_out H_out W_out", [], 0, "MACs of conv"),
    ("FLOPs = K^2 C_in C_out H_out W_out", [], 1, "FLOPs of conv"),             # MACs for FLOPs
    (r"W_out = \lfloor (W_in - K + 2P)/S \rfloor + 1", ["--stride", "S", "--padding", "P"], 0,
     "output width of conv"),
    (r"H_{out} = \lfloor (H_{in} - K + 2P)/S \rfloor + 1", ["--stride", "S", "--padding", "P"],
     0, "output height of conv"),
    ("O = (W_in - K)/S + 1", ["--stride", "S", "--quantity", "output-size"], 1,
     "output width of conv"),                                                 # floor missing
    ("output size = (W_in - K)/S + 1", ["--stride", "S"], 1, "output width of conv"),
])
def test_a_formula_that_names_its_quantity_needs_no_quantity_option(capsys, formula, options,
                                                                    verdict, what):
    code, out, err = run(capsys, formula, *options)
    assert (code, err) == (verdict, "") and what in out.splitlines()[0]
    right = formula.partition("=")[2]
    named = "output-size" if "out =" in formula.replace("_{out}", "_out") or "O =" in formula \
        else formula.split("=")[0].strip(" #\\").replace("text{", "").rstrip("}").lower()
    alone = run(capsys, right, *[o for o in options if o not in ("--quantity", "output-size")],
                "--quantity", named)
    assert alone[:2] == (code, out)   # the same verdict as the expression with --quantity
