"""from_torch on attention models (ViT, Swin v1 and v2, MaxViT, nn.MultiheadAttention) and on
the tensor operations they use: params against PyTorch's own numel, MACs against
torch.utils.flop_counter.FlopCounterMode (FLOPs / 2 of conv, linear and matrix products,
batch 1), shapes against the tensors PyTorch computes. Small configurations of torchvision's
own classes keep the tests quick; the full-size models are in the survey
(benchmarks/torchvision_survey.py, README)."""

from __future__ import annotations

import copy
import functools

import pytest

from symconv.errors import InputError
from torch_models import need


def from_torch(model, *args, **kwargs):
    need("torch")
    from symconv.net.torch_import import from_torch as convert

    return convert(model, *args, **kwargs)


def torch_count(model, shape):
    """(PyTorch's parameter count, FlopCounterMode's FLOPs / 2, the output shape) of one
    forward on zeros of ``(1, *shape)``, on the meta device with grad enabled: there
    nn.MultiheadAttention and F.scaled_dot_product_attention run as plain matrix products
    (on the CPU their fused kernels are single ops that FlopCounterMode does not count)."""
    torch = need("torch")
    from torch.utils.flop_counter import FlopCounterMode

    meta = copy.deepcopy(model).to("meta")
    counter = FlopCounterMode(display=False)
    with counter:
        out = meta(torch.zeros(1, *shape, device="meta"))
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return sum(p.numel() for p in model.parameters()), flops // 2, tuple(out.shape)


@functools.cache
def small(name: str):
    """Small members of torchvision's attention families, built once, in eval mode."""
    torch = need("torch")
    need("torchvision")
    from torchvision.models import maxvit, swin_transformer as swin, vision_transformer as vit

    torch.manual_seed(0)
    if name == "vit":
        model = vit.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2,
                                      hidden_dim=32, mlp_dim=64, num_classes=10)
    elif name == "swin":
        model = swin.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2],
                                     num_heads=[2, 4], window_size=[4, 4], num_classes=10)
    elif name == "swin_v2":
        model = swin.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2],
                                     num_heads=[2, 4], window_size=[4, 4], num_classes=10,
                                     block=swin.SwinTransformerBlockV2,
                                     downsample_layer=swin.PatchMergingV2)
    elif name == "maxvit":
        model = maxvit.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=4,
                              block_channels=[16, 32], block_layers=[1, 1], head_dim=8,
                              stochastic_depth_prob=0.0, num_classes=10)
    elif name == "mha":
        class Encoder(torch.nn.Module):   # tokens from a conv, attention, a classifier
            def __init__(self):
                super().__init__()
                self.embed = torch.nn.Conv2d(3, 24, 4, 4)
                self.attn = torch.nn.MultiheadAttention(24, 3, batch_first=True)
                self.cross = torch.nn.MultiheadAttention(24, 2, kdim=12, vdim=6)
                self.kv = torch.nn.Linear(24, 18)
                self.fc = torch.nn.Linear(24, 5)

            def forward(self, x):
                x = self.embed(x).flatten(2).transpose(1, 2)            # (1, L, 24)
                x = x + self.attn(x, x, x, need_weights=False)[0]
                kv = self.kv(x).transpose(0, 1)                         # (L, 1, 18)
                q = x.transpose(0, 1)
                y, weights = self.cross(q, kv[..., :12], kv[..., 12:])
                return self.fc(y.mean(0) * weights.sum())
        model = Encoder()
    else:
        raise KeyError(name)
    return model.eval()


#: (model, input sizes to read it at): square, non-square and sizes that are not multiples of
#: the windows (Swin pads them).
CASES = [("vit", [(32, 32)]), ("swin", [(32, 32), (36, 44), (52, 28)]),
         ("swin_v2", [(32, 32), (44, 36)]), ("maxvit", [(32, 32)]), ("mha", [(16, 16), (20, 12)])]


@pytest.mark.parametrize("name, sizes", CASES)
def test_params_equal_pytorch_and_macs_equal_flop_counter_mode(name, sizes):
    model = small(name)
    net = from_torch(model)
    for h, w in sizes:
        params, macs, shape = torch_count(model, (3, h, w))
        a = net.analyse({"H": h, "W": w})
        assert (a.total["params"], a.total["macs"]) == (params, macs), (name, h, w)
        assert a.total["flops"] == 2 * macs
        assert a.output.channels == shape[-1]
        assert net.unmapped == () and net.unused == {}


@pytest.mark.parametrize("name", ["vit", "swin", "maxvit"])
def test_attention_products_are_matmul_rows_and_said_in_the_conventions(name):
    from symconv.net.report import to_json

    a = from_torch(small(name)).analyse({"H": 32, "W": 32})
    products = [r for r in a.rows if r.type == "matmul"]
    assert products and all(int(r.macs) > 0 for r in products)
    assert "a*b*c MACs" in to_json(a)["conventions"]["macs"]


def test_a_cnn_says_nothing_about_matrix_products():
    from symconv.net.report import render_text, to_json

    a = from_torch(small("mha").embed).analyse({"H": 8, "W": 8})
    assert "a*b*c" not in to_json(a)["conventions"]["macs"] and "a*b*c" not in render_text(a)


def test_vit_checks_its_size_so_it_is_read_at_given_sizes_only():
    """ViT asserts its input size (h == image_size): in closed form that check cannot be
    decided, at the wrong size it fails as the model's own check fails; one InputError each."""
    from symconv.net.torch_map import SizeDependent

    net = from_torch(small("vit"))
    assert isinstance(net.size_dependent, SizeDependent)
    with pytest.raises(SizeDependent, match="give H and W as numbers"):
        net.analyse()
    with pytest.raises(InputError, match="Wrong image height! Expected 32"):
        net.analyse({"H": 40, "W": 32})
    assert net.analyse({"H": 32, "W": 32}).total["params"] == torch_count(small("vit"), (3, 32, 32))[0]


def test_a_graph_recorded_by_a_forward_is_recorded_again_at_each_size():
    """Swin goes by the meta-device forward (fx leaves its attention function whole); a graph
    recorded at one size must not be read at another: each size is recorded anew and closed
    forms are refused."""
    net = from_torch(small("swin"))
    assert net.how == "hooks on a meta-device forward"
    with pytest.raises(InputError, match="shifted_window_attention"):
        net.analyse()
    first = net.analyse({"H": 32, "W": 32}).total["macs"]
    assert net.analyse({"H": 36, "W": 44}).total["macs"] != first
    assert net.analyse({"H": 32, "W": 32}).total["macs"] == first


@pytest.mark.parametrize("index", [
    "(slice(None), 0)", "(Ellipsis, slice(0, None, 2), slice(1, None, 2), slice(None))",
    "(None, slice(1, -1), Ellipsis)", "(slice(None, 5), slice(-3, None), 1)", "(-1,)",
    "(slice(2, 100),)", "(IDX,)", "(slice(None), IDX, IDX2)", "(IDX, slice(None), IDX2)",
    "(Ellipsis, IDX)", "(slice(None), slice(None), slice(None), slice(None, None, 3))"])
def test_indexing_gives_the_shape_pytorch_gives(index):
    torch = need("torch")
    from symconv.net.torch_indexing import index_shape
    from symconv.net.torch_map import Tensor

    x = torch.zeros(2, 7, 6, 9)
    real_idx, real_idx2 = torch.zeros(3, 4, dtype=torch.long), torch.zeros(4, dtype=torch.long)
    ours = {"IDX": Tensor((3, 4)), "IDX2": Tensor((4,))}
    real = {"IDX": real_idx, "IDX2": real_idx2}
    want = tuple(x[_index(index, real)].shape)
    assert index_shape(tuple(x.shape), _index(index, ours), "x") == want


def _index(text: str, names: dict):
    """A test's index, written in the test, built from a fixed table (not user text)."""
    table = {"(slice(None), 0)": lambda n: (slice(None), 0),
             "(Ellipsis, slice(0, None, 2), slice(1, None, 2), slice(None))":
                 lambda n: (Ellipsis, slice(0, None, 2), slice(1, None, 2), slice(None)),
             "(None, slice(1, -1), Ellipsis)": lambda n: (None, slice(1, -1), Ellipsis),
             "(slice(None, 5), slice(-3, None), 1)": lambda n: (slice(None, 5), slice(-3, None), 1),
             "(-1,)": lambda n: (-1,), "(slice(2, 100),)": lambda n: (slice(2, 100),),
             "(IDX,)": lambda n: (n["IDX"],),
             "(slice(None), IDX, IDX2)": lambda n: (slice(None), n["IDX"], n["IDX2"]),
             "(IDX, slice(None), IDX2)": lambda n: (n["IDX"], slice(None), n["IDX2"]),
             "(Ellipsis, IDX)": lambda n: (Ellipsis, n["IDX"]),
             "(slice(None), slice(None), slice(None), slice(None, None, 3))":
                 lambda n: (slice(None), slice(None), slice(None), slice(None, None, 3))}
    return table[text](names)


@pytest.mark.parametrize("a, b", [((5,), (5,)), ((3, 5), (5,)), ((5,), (5, 2)), ((4, 3, 5), (5, 2)),
                                  ((2, 1, 3, 5), (4, 5, 6)), ((1, 12, 7, 8), (1, 12, 8, 7))])
def test_matmul_shape_and_macs_equal_pytorch_and_flop_counter_mode(a, b):
    torch = need("torch")
    from torch.utils.flop_counter import FlopCounterMode
    from symconv.net.torch_products import matmul_shape

    counter = FlopCounterMode(display=False)
    with counter:
        out = torch.matmul(torch.zeros(a), torch.zeros(b))
    shape, macs = matmul_shape(a, b)
    assert shape == tuple(out.shape)
    if len(a) > 1 and len(b) > 1:   # FlopCounterMode counts matrix-matrix products (mm, bmm)
        assert macs == counter.get_total_flops() // 2
    else:   # a vector: a*b*c with a 1 for the missing side, counted by hand
        assert macs == max(out.numel(), 1) * a[-1]


def test_einsum_and_functional_linear_against_flop_counter_mode():
    torch = need("torch")
    nn = torch.nn

    class Mixer(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(16, 8))
            self.conv = nn.Conv2d(3, 8, 2, 2)

        def forward(self, x):
            t = self.conv(x).flatten(2).transpose(1, 2)               # (1, L, 8)
            t = nn.functional.linear(t, self.w)                       # (1, L, 16)
            q, k = t.chunk(2, dim=-1)
            s = torch.einsum("b i d, b j d -> b i j", q, k)
            return torch.einsum("bij,bjd->bd", s.softmax(-1), k)

    model = Mixer().eval()
    for h, w in ((8, 8), (10, 6)):
        params, macs, shape = torch_count(model, (3, h, w))
        for trace in ("fx", "hooks"):
            a = from_torch(model, (3, h, w), trace=trace).analyse()
            assert (a.total["params"], a.total["macs"]) == (params, macs), trace


def test_unmappable_products_are_refused_in_one_line():
    torch = need("torch")

    class Three(torch.nn.Module):
        def forward(self, x):
            return torch.einsum("bchw,bchw,bchw->bc", x, x, x)

    class Mask(torch.nn.Module):
        def forward(self, x):
            return x[x > 0]

    with pytest.raises(InputError, match="einsum of 3 tensors"):
        from_torch(Three(), (3, 4, 4))
    with pytest.raises(InputError, match="boolean mask"):
        from_torch(Mask(), (3, 4, 4))


def small_vit():
    """For ``--torch test_torch_attention:small_vit`` (tests/ is on sys.path)."""
    return small("vit")


def small_swin():
    return small("swin")


def test_the_command_line_reads_attention_models_and_refuses_in_one_line(capsys):
    import json

    from cli_run import run

    for name, size in (("small_vit", 32), ("small_swin", 36)):
        code, out, err = run(capsys, "net", "--torch", f"test_torch_attention:{name}", f"H={size}",
                             f"W={size}", "--totals", "--format", "json")
        assert code == 0, err
        params, macs, _ = torch_count(small(name[6:]), (3, size, size))
        data = json.loads(out)
        assert (data["total"]["params"], data["total"]["macs"]) == (params, macs)
        code, out, err = run(capsys, "net", "--torch", f"test_torch_attention:{name}", f"H={size}",
                             f"W={size}", "--totals", "--convention", "torch-flop-counter")
        assert code == 0 and f"{2 * macs:,} FLOPs" in out
    for argv in (["--torch", "test_torch_attention:small_vit"],          # closed form
                 ["--torch", "test_torch_attention:small_vit", "H=40", "W=32"],   # wrong size
                 ["--torch", "test_torch_attention:small_vit", "--sweep", "H=W=32..64:32"],
                 ["--torch", "test_torch_attention:small_swin", "--sweep", "H=W=32..2000:32"],
                 ["--torch", "test_torch_attention:small_vit", "H=32", "W=32", "--convention",
                  "thop"]):
        code, out, err = run(capsys, "net", *argv)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (argv, err)
        assert "Traceback" not in err
        if argv[-1].endswith("..2000:32"):
            assert "sweep at most 32 points, not 62" in err   # 32, 64, ..., 1984


def test_a_sweep_of_a_model_read_at_given_sizes_reads_each_point(capsys):
    """No closed form for Swin: --sweep reads it at each size anew, each point against
    FlopCounterMode; the footer says matrix products are counted."""
    from cli_run import run

    code, out, err = run(capsys, "net", "--torch", "test_torch_attention:small_swin", "--sweep",
                         "H=W=32..48:8")
    assert code == 0, err
    lines = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert [int(cells[0]) for cells in lines] == [32, 40, 48]
    for cells in lines:
        params, macs, _ = torch_count(small("swin"), (3, int(cells[0]), int(cells[1])))
        assert (int(cells[2].replace(",", "")), int(cells[5].replace(",", ""))) == (params, macs)
    assert "matrix products (a*b*c" in out
