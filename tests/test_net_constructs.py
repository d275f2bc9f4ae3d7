"""The spec language's constructs for real networks, each against an independent count:
squeeze-and-excitation (multiply), ceil_mode pooling, adaptive pooling, channel take and
shuffle, integer rounding in expressions, D_in, block parameters for padding/stride/groups,
side heads, cost-free layers; and errors that name the file, the line and the layer."""

import math
from fractions import Fraction

import pytest
import sympy

from brute_force import ceil_pool_size, chunk_sizes, conv_counts, make_divisible as tv_make_divisible
from symconv.errors import InputError
from symconv.layers import MaxPool, AvgPool
from symconv.net.arith import parse_arith
from symconv.net.network import Network
from symconv.symbols import H, W, W_in, alpha

parse_spec = Network.from_spec_text

MIXED = """
name = "mixed"
[input]
C = 3

[blocks.se]
params = { squeeze = "D_in // 2", c = "D_in" }
type = "multiply"
body = [
  { type = "adaptive-avg-pool", output = 1 },
  { type = "conv", D_out = "squeeze", K = 1 },
  { type = "relu" },
  { type = "conv", D_out = "c", K = 1 },
  { type = "sigmoid" },
]

[blocks.half]
params = { k = 3, pad = 1 }
type = "concat"
branches = [
  [ { type = "take", chunks = 2, index = 1 } ],
  [ { type = "take", chunks = 2, index = 2 },
    { type = "conv", D_out = "D_in", K = "k", padding = "pad", bias = false },
    { type = "batchnorm" } ],
]

[[layers]]
type = "conv"
D_out = 16
K = 3
stride = 2
padding = 1
bias = false

[[layers]]
type = "max-pool"
K = 3
stride = 2
ceil_mode = true

[[layers]]
type = "se"

[[layers]]
type = "half"

[[layers]]
type = "channel-shuffle"
groups = 2

[[layers]]
type = "head"
name = "aux"
layers = [ { type = "adaptive-avg-pool", output = [4, 2] }, { type = "flatten" },
           { type = "dropout", p = 0.7 }, { type = "dense", D_out = 10 } ]

[[layers]]
type = "conv"
D_out = "D_in // 2 + 1"
K = 3
padding = 1

[[layers]]
type = "avg-pool"
K = 2
stride = 2
padding = 1
ceil_mode = true

[[layers]]
type = "global-avg-pool"

[[layers]]
type = "dense"
D_out = 10
"""


def mixed_by_hand(h, w):
    """(params, MACs, head params, head MACs) of MIXED, layer by layer, from loop counts."""
    w1, h1, p1, m1 = conv_counts(3, 16, 3, 3, w, h, s=2, padding=1, bias=False)
    w2, h2 = ceil_pool_size(w1, 3, 2), ceil_pool_size(h1, 3, 2)
    _, _, p_sq, m_sq = conv_counts(16, 8, 1, 1, 1, 1)  # SE on the pooled 1 x 1 x 16
    _, _, p_ex, m_ex = conv_counts(8, 16, 1, 1, 1, 1)
    half = chunk_sizes(16, 2)[1]
    _, _, p_b, m_b = conv_counts(half, half, 3, 3, w2, h2, padding=1, bias=False)
    p_bn = 2 * half
    head_params, head_macs = 16 * 4 * 2 * 10 + 10, 16 * 4 * 2 * 10
    _, _, p6, m6 = conv_counts(16, 9, 3, 3, w2, h2, padding=1)
    params = p1 + p_sq + p_ex + p_b + p_bn + p6 + 9 * 10 + 10
    macs = m1 + m_sq + m_ex + m_b + m6 + 9 * 10
    return params, macs, head_params, head_macs


SIZES = [(33, 45), (37, 29), (64, 64), (15, 21), (50, 9)]


@pytest.mark.parametrize("h, w", SIZES)
def test_mixed_network_equals_the_loop_count_at_odd_sizes(h, w):
    net = parse_spec(MIXED, "mixed.toml")
    params, macs, head_params, head_macs = mixed_by_hand(h, w)
    a = net.analyse({"H": h, "W": w})
    assert (a.total["params"], a.total["macs"]) == (params, macs)
    assert (a.heads["aux"]["params"], a.heads["aux"]["macs"]) == (head_params, head_macs)
    with_heads = net.analyse({"H": h, "W": w}, heads=True).total
    assert (with_heads["params"], with_heads["macs"]) == (params + head_params, macs + head_macs)
    symbolic = net.analyse().total
    assert symbolic["macs"].xreplace({H: h, W: w}) == macs
    assert symbolic["params"] == params  # no parameter depends on the input size


def test_mixed_network_rows():
    a = parse_spec(MIXED).analyse({"H": 33, "W": 45})
    by_label = {r.label: r for r in a.rows}
    assert by_label["3.mul"].type == "mul" and tuple(by_label["3.mul"].output) == (11, 8, 16)
    assert tuple(by_label["3.1"].output) == (1, 1, 16)  # the squeeze
    assert tuple(by_label["4.b1.1"].output) == (11, 8, 8)
    assert by_label["5"].type == "channel-shuffle" and by_label["5"].macs == 0
    assert [r.head for r in a.rows if r.label.startswith("aux")] == ["aux"] * 4
    assert all(r.params == 0 and r.macs == 0 for r in a.rows
               if r.type in ("relu", "sigmoid", "dropout", "take", "channel-shuffle", "mul",
                             "adaptive-avg-pool", "flatten"))


# --- ceil_mode ---------------------------------------------------------------------------

@pytest.mark.parametrize("k, s, p", [(3, 2, 0), (2, 2, 0), (3, 2, 1), (2, 2, 1), (3, 3, 1),
                                     (1, 2, 0), (5, 3, 2), (3, 1, 1)])
def test_ceil_mode_pool_size_equals_listing_the_windows(k, s, p):
    symbolic = MaxPool(W_F=k, H_F=k, stride=s, padding=p, ceil_mode=True).output_size.width
    for i in range(max(1, k - 2 * p), 60):
        want = ceil_pool_size(i, k, s, p)
        got = AvgPool(W_F=k, H_F=k, stride=s, padding=p, ceil_mode=True, W_in=i, H_in=i)
        assert got.output_size.width == want == symbolic.xreplace({W_in: i}), (k, s, p, i)


def test_ceil_mode_keeps_a_closed_form_and_divisible_polynomials():
    spec = """
[[layers]]
type = "conv"
D_out = 8
K = 7
stride = 2
padding = 3
[[layers]]
type = "max-pool"
K = 3
stride = 2
ceil_mode = true
[[layers]]
type = "conv"
D_out = 8
K = 3
padding = 1
"""
    net = parse_spec(spec)
    a = net.analyse()
    assert not a.total["macs"].has(sympy.Min)
    for h, w in [(224, 224), (225, 97), (31, 64)]:
        assert a.total["macs"].xreplace({H: h, W: w}) == net.analyse({"H": h, "W": w}).total["macs"]
    d = net.analyse(assume_divisible=True)
    assert d.exact_polynomial
    assert d.total["macs"].xreplace({H: 224, W: 224}) == net.analyse({"H": 224, "W": 224}).total["macs"]


def test_ceil_mode_must_be_a_bool_and_not_same():
    with pytest.raises(InputError, match="ceil_mode must be true or false"):
        MaxPool(W_F=2, H_F=2, ceil_mode=1)
    with pytest.raises(InputError, match="not defined"):
        MaxPool(W_F=2, H_F=2, padding="same", ceil_mode=True).output_size


# --- adaptive pooling, take, shuffle -----------------------------------------------------

def test_adaptive_pool_makes_the_classifier_independent_of_the_image():
    spec = """
[[layers]]
type = "conv"
D_out = 4
K = 3
[[layers]]
type = "adaptive-max-pool"
output = [3, 2]
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
D_out = 5
"""
    a = parse_spec(spec).analyse()
    assert a.total["params"] == 4 * 28 + 24 * 5 + 5
    assert a.total["macs"] == sympy.expand(108 * (H - 2) * (W - 2) + 120)
    assert tuple(a.rows[1].output) == (3, 2, 4)


@pytest.mark.parametrize("c, n", [(16, 2), (17, 2), (10, 3), (116, 2), (7, 4), (9, 4)])
def test_take_chunk_sizes_are_torch_chunk(c, n):
    spec = "[input]\nC = %d\nH = 5\nW = 5\n" % c
    for index, size in enumerate(chunk_sizes(c, n), 1):
        text = spec + f'[[layers]]\ntype = "take"\nchunks = {n}\nindex = {index}\n'
        assert parse_spec(text).analyse().output.channels == size


def test_take_sizes_and_its_errors():
    spec = '[input]\nC = 12\nH = 5\nW = 5\n[[layers]]\ntype = "take"\n'
    assert parse_spec(spec + "sizes = [5, 7]\nindex = 2\n").analyse().output.channels == 7
    for extra, message in [("sizes = [5, 6]\nindex = 1\n", "add up to 11"),
                           ("chunks = 2\nindex = 3\n", "only 2 chunks"),
                           ("chunks = 2\nsizes = [6, 6]\nindex = 1\n", "not both"),
                           ("chunks = 2\n", "needs index")]:
        with pytest.raises(InputError, match=message):
            parse_spec(spec + extra).analyse()


def test_channel_shuffle_needs_groups_that_divide():
    spec = '[input]\nC = 10\nH = 5\nW = 5\n[[layers]]\ntype = "channel-shuffle"\ngroups = 3\n'
    with pytest.raises(InputError, match="does not divide 10"):
        parse_spec(spec).analyse()


def test_symbolic_take_of_a_width():
    spec = '[[layers]]\ntype = "pointwise"\nD_out = "58*alpha"\n[[layers]]\ntype = "take"\nchunks = 2\nindex = 2\n'
    net = parse_spec(spec)
    for a in (1, Fraction(1, 2)):
        sym = net.analyse().output.channels.xreplace({alpha: sympy.Rational(a)})
        assert sym == chunk_sizes(int(58 * a), 2)[1]
    assert net.analyse(assume_divisible=True).output.channels == 29 * alpha


# --- rounding in expressions -------------------------------------------------------------

@pytest.mark.parametrize("divisor", [1, 4, 8, 16])
def test_make_divisible_is_torchvisions(divisor):
    for v in [Fraction(n, 20) for n in range(1, 4000, 13)]:
        got = parse_arith(f"make_divisible({v.numerator}/{v.denominator}, {divisor})")
        assert got == tv_make_divisible(float(v), divisor), (v, divisor)
    for v in (3, 10, 37, 100):
        assert parse_arith(f"make_divisible({v}, {divisor}, 16)") == tv_make_divisible(v, divisor, 16)


def test_integer_functions_agree_with_python():
    for n in range(-7, 40):
        for d in (1, 2, 3, 4, 7):
            x = Fraction(n, d)
            text = f"({n})/{d}"
            assert parse_arith(f"floor({text})") == math.floor(x)
            assert parse_arith(f"ceil({text})") == math.ceil(x)
            assert parse_arith(f"round({text})") == round(x)  # a half to even, as Python
            assert parse_arith(f"({n}) // {d}") == n // d
            assert parse_arith(f"max({text}, 2, 1/3)") == max(x, 2, Fraction(1, 3))
            assert parse_arith(f"min({text}, 2)") == min(x, 2)


def test_rounding_keeps_alpha_and_vanishes_when_divisible():
    spec = '[[layers]]\ntype = "conv"\nD_out = "make_divisible(32*alpha, 8)"\nK = 3\npadding = 1\n' \
           '[[layers]]\ntype = "pointwise"\nD_out = "floor(100*alpha)"\n'
    net = parse_spec(spec)
    a = net.analyse()
    assert a.total["params"].has(sympy.floor) and "make_divisible(32*alpha, 8, 8)" in str(a.total["params"])
    for value in (sympy.Rational(35, 100), sympy.Rational(1, 2), 1, sympy.Rational(14, 10)):
        c1 = tv_make_divisible(32 * float(value), 8)
        c2 = math.floor(100 * value)
        params = c1 * (27 + 1) + c2 * (c1 + 1)
        assert net.analyse({"alpha": value}).total["params"] == params
        assert a.total["params"].xreplace({alpha: value}) == params
    d = net.analyse(assume_divisible=True)
    assert d.total["params"] == sympy.expand(32 * alpha * 28 + 100 * alpha * (32 * alpha + 1))


# --- D_in, block parameters --------------------------------------------------------------

def test_d_in_names_the_incoming_channels_of_a_layer_and_of_a_block():
    spec = """
[input]
C = 6
H = 9
W = 9
[blocks.transition]
params = { out = "D_in // 2" }
layers = [ { type = "batchnorm" }, { type = "conv", D_out = "out", K = 1, bias = false },
           { type = "avg-pool", K = 2 } ]
[[layers]]
type = "conv"
D_out = "D_in * 10"
K = 3
padding = 1
[[layers]]
type = "transition"
[[layers]]
type = "transition"
"""
    a = parse_spec(spec).analyse()
    assert [r.output.channels for r in a.rows if r.type == "conv"] == [60, 30, 15]
    assert tuple(a.output) == (2, 2, 15)


def test_padding_stride_groups_and_kernel_pairs_as_block_parameters():
    spec = """
[input]
C = 8
[blocks.unit]
params = { k = [7, 1], pad = [3, 0], s = 1, g = 1, mode = "valid", b = true }
layers = [ { type = "conv", D_out = 8, K = "k", padding = "pad", stride = "s", groups = "g", bias = "b" },
           { type = "conv", D_out = 8, K = 3, padding = "mode" } ]
[[layers]]
type = "unit"
[[layers]]
type = "unit"
k = 3
pad = 2
s = 2
g = "D_in / 4"
b = false
"""
    h, w = 41, 30
    a = parse_spec(spec).analyse({"H": h, "W": w})
    w1, h1 = w - 6 + 6, h  # 7 wide, 1 high, padding [3, 0]
    _, _, p1, m1 = conv_counts(8, 8, 7, 1, w, h, padding=0)  # checked on the padded width below
    assert a.rows[0].output.width == w1 and a.rows[0].output.height == h1
    w2, h2, p2, m2 = conv_counts(8, 8, 3, 3, w1, h1)
    w3, h3, p3, m3 = conv_counts(8, 8, 3, 3, w2, h2, s=2, padding=2, groups=2, bias=False)
    w4, h4, p4, m4 = conv_counts(8, 8, 3, 3, w3, h3)
    assert a.rows[0].macs == 8 * 8 * 7 * w1 * h1 and a.rows[0].params == 8 * 8 * 7 + 8
    assert [r.macs for r in a.rows[1:]] == [m2, m3, m4]
    assert [r.params for r in a.rows[1:]] == [p2, p3, p4]
    assert tuple(a.output) == (w4, h4, 8)


# --- errors ------------------------------------------------------------------------------

def error_of(text, values=None):
    with pytest.raises(InputError) as info:
        parse_spec(text, "net.toml").analyse(values)
    return str(info.value)


def test_errors_name_file_line_and_layer():
    gate = '[input]\nC = 8\n[[layers]]\ntype = "conv"\nD_out = 8\nK = 1\n\n[[layers]]\nname = "se"\n' \
           'type = "multiply"\nbody = [ { type = "global-avg-pool" }, { type = "conv", D_out = 4, K = 1 } ]\n'
    assert error_of(gate).startswith("net.toml:8: layer se (multiply): the body gives 4 channels")
    block = '[blocks.b]\nparams = { n = 2 }\nlayers = [ { type = "conv", D_out = "m", K = 1 } ]\n' \
            '[[layers]]\ntype = "b"\n'
    assert error_of(block).startswith("net.toml:1: blocks.b.layers[1] (conv).D_out: unknown name 'm'")
    pool = '[input]\nH = 8\nW = 8\n[[layers]]\ntype = "adaptive-avg-pool"\n'
    assert error_of(pool) == "net.toml:4: layer 1 (adaptive-avg-pool): adaptive-avg-pool needs output"
    fn = '[[layers]]\ntype = "conv"\nD_out = "floor(3, 4)"\nK = 1\n'
    assert "floor() at column 1 of 'floor(3, 4)' takes 1 argument, not 2" in error_of(fn)


def test_multiply_gate_must_be_one_or_the_same_size():
    spec = '[input]\nC = 4\nH = 8\nW = 8\n[[layers]]\ntype = "multiply"\n' \
           'body = [ { type = "avg-pool", K = 2 } ]\n'
    assert "cannot multiply the input" in error_of(spec)


def test_cost_free_layers_take_only_their_options():
    spec = '[input]\nH = 4\nW = 4\n[[layers]]\ntype = "relu"\ninplace = true\n'
    assert "relu takes no options" in error_of(spec)
    ok = '[input]\nC = 5\nH = 4\nW = 4\n[[layers]]\ntype = "leaky-relu"\nnegative_slope = 0.1\n' \
         '[[layers]]\ntype = "prelu"\nchannels = true\n[[layers]]\ntype = "prelu"\n'
    assert parse_spec(ok).analyse().total["params"] == 5 + 1  # nn.PReLU(5) and nn.PReLU()


# --- network parameters ------------------------------------------------------------------

FAMILY = """
params = { width_mult = 1.0, depth_mult = 1.0 }
[input]
C = 3
[[layers]]
type = "conv"
D_out = "make_divisible(16 * width_mult, 8)"
K = 3
[[layers]]
type = "conv"
D_out = "make_divisible(16 * width_mult, 8)"
K = 1
repeat = "ceil(1 * depth_mult) - 1"
"""


@pytest.mark.parametrize("width, depth", [(1, 1), (Fraction(3, 2), Fraction(12, 10)),
                                          (Fraction(1, 4), 3)])
def test_network_parameters_scale_widths_and_repeats(width, depth):
    c = tv_make_divisible(16 * float(width), 8)
    n = math.ceil(depth) - 1  # 0 at depth 1: the stage is left out
    h, w = 33, 21
    _, _, p1, m1 = conv_counts(3, c, 3, 3, w, h)
    _, _, p2, m2 = conv_counts(c, c, 1, 1, w - 2, h - 2)
    a = parse_spec(FAMILY).analyse({"H": h, "W": w, "width_mult": width, "depth_mult": depth})
    assert (a.total["params"], a.total["macs"]) == (p1 + n * p2, m1 + n * m2)


def test_network_parameter_errors():
    for text, message in [("params = { H = 2 }\n", "'H' cannot be a network parameter"),
                          ("params = { k = -1 }\n", "positive number"),
                          ("params = { k = true }\n", "positive number")]:
        with pytest.raises(InputError, match=message):
            parse_spec(text + '[[layers]]\ntype = "relu"\n')
    with pytest.raises(InputError, match="takes C, H, W, alpha, width_mult, depth_mult"):
        parse_spec(FAMILY).analyse({"depth": 2})
    with pytest.raises(InputError, match="repeat must be a whole number >= 1, not 0"):
        parse_spec('[[layers]]\ntype = "relu"\nrepeat = 0\n')
