"""Networks: specs, shape propagation, residual and concat blocks, totals, and every bad input."""

import sympy
import pytest

import symconv
from symconv.errors import InputError
from symconv.net.network import Concat, LayerSpec, Network, Residual, Sequence, layer
from symconv.symbols import H, W, alpha

parse_spec = Network.from_spec_text

# --- hand-counted small networks ---------------------------------------------------------

RESIDUAL_SPEC = """
name = "tiny-res"
[input]
C = 4
H = 8
W = 8

[[layers]]
type = "conv"
D_out = 8
K = 3
padding = 1
bias = false

[[layers]]
type = "residual"
body = [ { type = "conv", D_out = 8, K = 3, padding = 1, bias = false }, { type = "batchnorm" } ]

[[layers]]
type = "residual"
body = [ { type = "conv", D_out = 16, K = 3, stride = 2, padding = 1 } ]
shortcut = [ { type = "conv", D_out = 16, K = 1, stride = 2, bias = false } ]
"""


def test_residual_network_hand_counted():
    a = parse_spec(RESIDUAL_SPEC).analyse()
    # conv 4->8 3x3 on 8x8: 288 weights, 288*64 MACs; body conv 8->8: 576, 576*64; BN 16 + 16;
    # strided conv 8->16 3x3 + bias on 4x4 out: 1152 + 16, 1152*16; shortcut 1x1 8->16: 128, 128*16.
    assert a.total["weights"] == 288 + 576 + 1152 + 128
    assert a.total["biases"] == 16
    assert a.total["bn_affine"] == a.total["bn_buffers"] == 16
    assert a.total["params"] == 2144 + 16 + 16
    assert a.total["macs"] == 288 * 64 + 576 * 64 + 1152 * 16 + 128 * 16
    assert tuple(a.output) == (4, 4, 16)
    assert [r.label for r in a.rows] == ["1", "2.1", "2.2", "2.add", "3.1", "3.s1", "3.add"]


CONCAT_SPEC = """
[input]
C = 3
H = 6
W = 6

[[layers]]
type = "concat"
branches = [
  [ { type = "conv", D_out = 4, K = 1, bias = false } ],
  [ { type = "conv", D_out = 2, K = 1, bias = false },
    { type = "conv", D_out = 5, K = 3, padding = 1, bias = false } ],
  [ { type = "max-pool", K = 3, stride = 1, padding = 1 } ],
  [],
]

[[layers]]
type = "global-avg-pool"

[[layers]]
type = "dense"
D_out = 10
"""


def test_concat_network_hand_counted():
    a = parse_spec(CONCAT_SPEC).analyse()
    concat = next(r for r in a.rows if r.type == "concat")
    assert tuple(concat.output) == (6, 6, 4 + 5 + 3 + 3)  # the empty branch passes the input
    assert a.total["weights"] == 12 + (6 + 90) + 150
    assert a.total["params"] == 258 + 10
    assert a.total["macs"] == 12 * 36 + 6 * 36 + 90 * 36 + 150


def test_concat_branches_as_tables():
    text = """
[[layers]]
type = "concat"
[[layers.branches]]
layers = [ { type = "pointwise", D_out = 2 } ]
[[layers.branches]]
layers = [ { type = "pointwise", D_out = 3 } ]
"""
    a = parse_spec(text).analyse({"H": 4, "W": 4})
    assert a.output.channels == 5
    assert a.total["params"] == 2 * 4 + 3 * 4


def test_python_api_matches_the_spec():
    net = symconv.Network([
        layer("conv", D_out=8, K=3, padding=1, bias=False),
        Residual((layer("conv", D_out=8, K=3, padding=1, bias=False), layer("batchnorm"))),
        Residual((layer("conv", D_out=16, K=3, stride=2, padding=1),),
                 (layer("conv", D_out=16, K=1, stride=2, bias=False),)),
    ], C=4, H=8, W=8)
    assert net.analyse().total == parse_spec(RESIDUAL_SPEC).analyse().total
    assert isinstance(net.layers[0], LayerSpec)


def test_python_api_concat_sequence_and_repeat():
    net = Network([Sequence((layer("pointwise", D_out=4), layer("batchnorm")), repeat=3),
                   Concat(((layer("pointwise", D_out=2),), ()))], C=4)
    a = net.analyse({"H": 2, "W": 2})
    assert a.total["params"] == 3 * (4 * 5 + 8) + 2 * 5
    assert a.output.channels == 6
    assert [r.label for r in a.rows][:3] == ["1#1.1", "1#1.2", "1#2.1"]


def test_symbolic_totals_of_small_networks_equal_numeric():
    for text in (RESIDUAL_SPEC.replace("H = 8", 'H = "H"').replace("W = 8", 'W = "W"'),
                 CONCAT_SPEC.replace("H = 6", 'H = "H"').replace("W = 6", 'W = "W"')):
        net = parse_spec(text)
        symbolic = net.analyse()
        for h, w in [(8, 8), (9, 7), (31, 64), (3, 3)]:
            numeric = net.analyse({"H": h, "W": w})
            for key, value in symbolic.total.items():
                assert value.xreplace({H: h, W: w}) == numeric.total[key]
            for key in ("params", "macs"):
                assert sympy.Add(*(r.value(key) for r in numeric.rows)) == numeric.total[key]


def test_repeat_of_a_block_and_block_parameters():
    text = """
[blocks.unit]
params = { c = 8 }
layers = [ { type = "pointwise", D_out = "c*alpha", bias = false }, { type = "batchnorm" } ]

[[layers]]
type = "unit"
c = "16"
repeat = 2

[[layers]]
type = "unit"
"""
    a = parse_spec(text).analyse({"H": 4, "W": 4, "alpha": 1})
    # 3->16, 16->16, 16->8 pointwise; BN on 16, 16, 8
    assert a.total["weights"] == 48 + 256 + 128
    assert a.total["bn_affine"] == 2 * (16 + 16 + 8)
    assert parse_spec(text).analyse().total["weights"] == 48 * alpha + 256 * alpha**2 + 128 * alpha**2


def test_channel_expressions_of_alpha():
    net = parse_spec('[[layers]]\ntype = "pointwise"\nD_out = "(32 + 32) * alpha / 2"\n')
    assert net.analyse().total["weights"] == 96 * alpha
    assert net.analyse({"alpha": 0.5}).total["weights"] == 48


def test_assume_divisible_removes_floors():
    net = Network([layer("conv", D_out=8, K=3, stride=2, padding=1),
                   layer("max-pool", K=2)], C=3)
    plain = net.analyse()
    assert plain.total["macs"] == 216 * sympy.ceiling(H / 2) * sympy.ceiling(W / 2)
    assert plain.total["macs"].xreplace({H: 7, W: 9}) == 216 * 4 * 5
    divisible = net.analyse(assume_divisible=True)
    assert divisible.total_stride == (4, 4)
    assert divisible.total["macs"] == 54 * H * W
    assert tuple(divisible.output) == (W / 4, H / 4, 8)
    declared = parse_spec('[input]\nassume_divisible = true\n[[layers]]\ntype = "conv"\n'
                          'D_out = 8\nK = 3\nstride = 2\npadding = 1\n')
    assert declared.analyse().total["macs"] == 54 * H * W


def test_valid_padding_under_assume_divisible():
    a = Network([layer("conv", D_out=1, K=3, stride=2)], C=1).analyse(assume_divisible=True)
    assert a.exact_polynomial
    assert sympy.expand(a.total["macs"] - 9 * (W / 2 - 1) * (H / 2 - 1)) == 0
    assert a.total["macs"].xreplace({H: 6, W: 6}) == 9 * 2 * 2


def test_flatten_then_dense():
    a = Network([layer("flatten"), layer("dense", D_out=5)], C=2, H=3, W=4).analyse()
    assert a.total["params"] == 24 * 5 + 5
    assert a.rows[0].type == "flatten"


def test_ten_thousand_layers():
    body = "".join(f'[[layers]]\ntype = "pointwise"\nD_out = {8 + i % 7}\nbias = false\n'
                   f'[[layers]]\ntype = "batchnorm"\n' for i in range(5000))
    a = parse_spec(body).analyse()
    assert len(a.rows) == 10_000
    assert a.total["macs"].xreplace({H: 2, W: 2}) == sympy.Add(
        *(r.macs for r in a.rows)).xreplace({H: 2, W: 2})


def test_ten_thousand_repeats_numeric():
    a = Network([layer("batchnorm", repeat=10_000)], C=2, H=2, W=2).analyse()
    assert len(a.rows) == 10_000
    assert a.total["bn_affine"] == 40_000


# --- every bad input: one clear InputError -------------------------------------------------

def error_of(text, values=None):
    with pytest.raises(InputError) as info:
        parse_spec(text, "net.toml").analyse(values)
    return str(info.value)


def test_syntax_error_names_file_line_column():
    message = error_of('[input]\nC = 3\n[[layers]]\ntype = conv\n')
    assert message.startswith("net.toml:4:8: TOML syntax error")


def test_unknown_layer():
    message = error_of('[[layers]]\ntype = "convv"\n')
    assert "layer 1 (convv): unknown layer 'convv'" in message and "conv" in message


def test_unknown_option():
    message = error_of('[[layers]]\ntype = "conv"\nD_out = 4\nkernel = 3\n')
    assert "unknown option 'kernel'" in message and "K" in message


@pytest.mark.parametrize("text, expected", [
    ('[[layers]]\ntype = "conv"\nD_out = -3\nK = 3\n', "D_out must be at least 1"),
    ('[input]\nH = -5\n[[layers]]\ntype = "batchnorm"\n', "input.H: must be at least 1"),
    ('[[layers]]\ntype = "conv"\nD_out = 4\nK = 0\n', "at least 1"),
    ('[[layers]]\ntype = "batchnorm"\nrepeat = 0\n', "repeat must be a whole number >= 1"),
])
def test_negative_or_zero_sizes(text, expected):
    assert expected in error_of(text)


def test_kernel_larger_than_input_names_the_layer():
    message = error_of('[input]\nH = 2\nW = 2\n[[layers]]\nname = "big"\ntype = "conv"\n'
                       'D_out = 4\nK = 5\n')
    assert message.startswith("net.toml:4: layer big (conv):")  # the file, the line, the layer


def test_residual_shape_mismatch():
    text = ('[[layers]]\ntype = "residual"\nname = "r"\n'
            'body = [ { type = "conv", D_out = 3, K = 3, stride = 2, padding = 1 } ]\n')
    message = error_of(text)
    assert "layer r (residual): shape mismatch" in message and "width" in message
    channels = '[[layers]]\ntype = "residual"\nbody = [ { type = "pointwise", D_out = 8 } ]\n'
    assert "channels 8 vs 3" in error_of(channels)


def test_dense_on_a_feature_map():
    message = error_of('[[layers]]\ntype = "conv"\nD_out = 4\nK = 3\n[[layers]]\ntype = "dense"\n'
                       'D_out = 10\n')
    assert "layer 2 (dense)" in message and "flatten or global-avg-pool" in message


def test_concat_spatial_mismatch():
    text = ('[[layers]]\ntype = "concat"\nbranches = [ [ { type = "pointwise", D_out = 2 } ], '
            '[ { type = "max-pool", K = 2 } ] ]\n')
    assert "layer 1 (concat): shape mismatch" in error_of(text, {"H": 8, "W": 8})


def test_given_input_channels_must_match():
    message = error_of('[[layers]]\ntype = "conv"\nD_in = 4\nD_out = 4\nK = 1\n')
    assert "shape mismatch: D_in=4" in message


def test_block_cycle():
    text = ('[blocks.a]\nlayers = [ { type = "b" } ]\n[blocks.b]\nlayers = [ { type = "a" } ]\n'
            '[[layers]]\ntype = "a"\n')
    assert "block cycle: a -> b -> a" in error_of(text)
    itself = '[blocks.a]\nlayers = [ { type = "a" } ]\n[[layers]]\ntype = "a"\n'
    assert "block cycle: a -> a" in error_of(itself)


@pytest.mark.parametrize("text", ['name = "x"\n', "layers = []\n", '[input]\nC = 3\n'])
def test_empty_network(text):
    assert "no layers" in error_of(text)


def test_empty_blocks():
    assert "non-empty body" in error_of('[[layers]]\ntype = "residual"\nbody = []\n')
    assert "needs branches" in error_of('[[layers]]\ntype = "concat"\nbranches = []\n')
    with pytest.raises(InputError, match="no layers"):
        Network([]).analyse()


def test_bad_expressions_and_names():
    assert "unknown name 'beta'" in error_of('[[layers]]\ntype = "pointwise"\nD_out = "8*beta"\n')
    assert "expected" in error_of('[[layers]]\ntype = "pointwise"\nD_out = "8*"\n')
    assert "unknown key 'layerz'" in error_of('layerz = 1\n[[layers]]\ntype = "batchnorm"\n')
    assert "no parameter 'q'" in error_of('[blocks.u]\nlayers = [ { type = "batchnorm" } ]\n'
                                          '[[layers]]\ntype = "u"\nq = 1\n')
    assert "missing 'type'" in error_of('[[layers]]\nD_out = 3\n')


def test_fractional_channels_name_the_layer():
    text = '[[layers]]\nname = "stem"\ntype = "pointwise"\nD_out = "32*alpha"\n'
    assert error_of(text, {"alpha": 0.3}).startswith(
        "net.toml:1: layer stem (pointwise): D_out must be a whole")


def test_unknown_value_name():
    with pytest.raises(InputError, match="unknown value 'Q'"):
        Network([layer("batchnorm")]).analyse({"Q": 3})


def test_deep_nesting_is_an_error_not_a_crash():
    node = layer("batchnorm")
    for _ in range(60):
        node = Sequence((node,))
    with pytest.raises(InputError, match="nest deeper"):
        Network([node]).analyse()


# --- property: random sequential networks against an independent window count -----------

from hypothesis import given, settings, strategies as st  # noqa: E402

from brute_force import window_positions  # noqa: E402

_CONV = st.fixed_dictionaries({"type": st.just("conv"), "D_out": st.integers(1, 6),
                               "K": st.integers(1, 3), "stride": st.integers(1, 2),
                               "padding": st.integers(0, 1), "bias": st.booleans()})
_OTHER = st.sampled_from([{"type": "batchnorm"}, {"type": "max-pool", "K": 2},
                          {"type": "depthwise", "K": 3, "padding": 1, "bias": False}])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_CONV, _OTHER), min_size=1, max_size=5),
       st.integers(1, 4), st.integers(4, 20), st.integers(4, 20))
def test_random_networks_match_an_independent_count(specs, c, h, w):
    expected = {"params": 0, "macs": 0}
    size, fits = (w, h, c), True
    for spec in specs:
        kind, (sw, sh, ch) = spec["type"], size
        if kind == "batchnorm":
            expected["params"] += 2 * ch
            continue
        k, p = spec["K"], spec.get("padding", 0)
        s = spec.get("stride", k if kind == "max-pool" else 1)
        ow = len(window_positions(sw, k, s, p, p, 1))
        oh = len(window_positions(sh, k, s, p, p, 1))
        if ow == 0 or oh == 0:
            fits = False
            break
        if kind == "conv":
            out_c = spec["D_out"]
            expected["params"] += out_c * (k * k * ch + (1 if spec["bias"] else 0))
            expected["macs"] += k * k * ch * out_c * ow * oh
        elif kind == "depthwise":
            out_c = ch
            expected["params"] += ch * k * k
            expected["macs"] += k * k * ch * ow * oh
        else:
            out_c = ch
        size = (ow, oh, out_c)
    net = Network([layer(s["type"], **{k: v for k, v in s.items() if k != "type"}) for s in specs],
                  C=c)
    if not fits:
        with pytest.raises(InputError, match="^layer "):
            net.analyse({"H": h, "W": w})
        return
    numeric = net.analyse({"H": h, "W": w})
    assert numeric.total["params"] == expected["params"]
    assert numeric.total["macs"] == expected["macs"]
    assert tuple(numeric.output) == size
    symbolic = net.analyse()
    for key in ("params", "macs", "bn_buffers"):
        assert symbolic.total[key].xreplace({H: h, W: w}) == numeric.total[key]


def test_without_tomllib_the_error_says_what_to_do(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(InputError, match="Python 3.11 or newer"):
        parse_spec('[[layers]]\ntype = "batchnorm"\n')


def test_absurd_toml_nesting_is_an_error_not_a_crash():
    text = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    assert "nest too deeply" in error_of(text)


def test_long_chains_of_blocks_are_errors_not_crashes():
    def chain(n):
        return "".join(f'[blocks.b{i}]\nlayers = [ {{ type = "b{i + 1}" }} ]\n' for i in range(n)) \
            + f'[blocks.b{n}]\nlayers = [ {{ type = "batchnorm" }} ]\n[[layers]]\ntype = "b0"\n'

    assert "blocks nest too deeply" in error_of(chain(2000))
    assert "blocks nest deeper than 50 levels" in error_of(chain(60))
    assert parse_spec(chain(20)).analyse({"H": 2, "W": 2}).total["bn_affine"] == 6


def test_more_bad_options_name_their_place():
    assert "padding is valid, same, full" in error_of('[[layers]]\ntype = "conv"\nD_out = 2\n'
                                                      'K = 1\npadding = "bogus"\n')
    assert error_of('[input]\nH = "alpha"\n[[layers]]\ntype = "batchnorm"\n').startswith(
        "net.toml: input.H: unknown name 'alpha'")
    assert "unknown option 'D_out'" in error_of('[[layers]]\ntype = "depthwise"\nD_out = 8\nK = 3\n')
    assert "unsupported value" in error_of('[[layers]]\ntype = "conv"\nD_out = {a = 1}\nK = 1\n')


def test_kernel_pair():
    a = parse_spec('[[layers]]\ntype = "conv"\nD_out = 8\nK = [3, 1]\nstride = [2, 1]\n'
                   'padding = [1, 0]\n').analyse({"H": 8, "W": 8})
    assert tuple(a.output) == (4, 8, 8)
    assert a.total["macs"] == 3 * 1 * 3 * 8 * 4 * 8


def test_absurd_repeat_is_an_error():
    with pytest.raises(InputError, match="layers .repeats unrolled. is more than the limit of 10,000"):
        Network([layer("batchnorm", repeat=10**9)]).analyse({"H": 1, "W": 1})


@pytest.mark.parametrize("k, s, p", [(3, 2, 1), (1, 2, 0), (5, 4, 2), (7, 2, 3), (2, 2, 0), (3, 3, 1)])
def test_tidied_sizes_equal_the_window_count(k, s, p):
    """Floors rewritten as ceilings (and nested ones collapsed) still count every window."""
    net = Network([layer("max-pool", K=k, stride=s, padding=p, repeat=3)], C=1)
    symbolic = net.analyse()
    for n in range(1, 80):
        size = n
        for _ in range(3):
            size = len(window_positions(size, k, s, p, p, 1))
        if size == 0 or k > n + 2 * p:
            continue
        try:
            numeric = net.analyse({"H": n, "W": n})
        except InputError:
            continue
        assert symbolic.output.width.xreplace({W: n}) == numeric.output.width == size


def test_reading_errors_count_positions_from_one_like_the_table():
    text = ('[[layers]]\ntype = "batchnorm"\n[[layers]]\ntype = "residual"\n'
            'body = [ { type = "batchnorm" }, { type = "conv", D_out = "x", K = 1 } ]\n')
    assert error_of(text).startswith("net.toml:3: layers[2] (residual).body[2] (conv).D_out:")


def test_from_dict_is_the_spec_without_toml():
    data = {"input": {"C": 4, "H": 8, "W": 8},
            "layers": [{"type": "conv", "D_out": 8, "K": 3, "padding": 1, "bias": False},
                       {"type": "residual", "body": [
                           {"type": "conv", "D_out": 8, "K": 3, "padding": 1, "bias": False},
                           {"type": "batchnorm"}]}]}
    assert Network.from_dict(data).analyse().total["macs"] == 288 * 64 + 576 * 64
    with pytest.raises(InputError, match="a spec is a table"):
        Network.from_dict([1, 2])


def test_shapes_are_equal_by_proof_not_by_samples():
    """floor((W+4)/8) - floor((W+1)/8) is 0 at the six sizes the old check sampled (224, 225,
    97, 512, 31, 1000) but 1 whenever W mod 8 is 4, 5 or 6 (W = 228): decide() says they
    differ; ceiling(W/2) = floor((W+1)/2) for every whole W is proven, residue by residue."""
    from symconv.net.sizes import decide
    from symconv.symbols import W

    a, b = sympy.floor((W + 4) / 8), sympy.floor((W + 1) / 8)
    assert all(a.subs(W, n) == b.subs(W, n) for n in (224, 225, 97, 512, 31, 1000))
    assert a.subs(W, 228) != b.subs(W, 228)
    assert decide(a, b) is False
    assert decide(sympy.ceiling(W / 2), sympy.floor((W + 1) / 2)) is True
    assert all(sympy.ceiling(sympy.Rational(n, 2)) == (n + 1) // 2 for n in range(1, 50))
