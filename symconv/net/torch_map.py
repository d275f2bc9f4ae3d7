"""The PyTorch operations symconv maps: tensors as symbolic shapes, and one handler per module.

Modules are matched by their exact ``torch.nn`` class (as thop and ptflops match
them), functions by identity. Each mapped call becomes a :class:`Row` with its
:class:`~symconv.net.tool_ops.Op`; shape-only calls (``view``, ``size``, ``chunk``,
``getitem``) give values and no row. Counts of conv and dense layers come from the
catalog layers (so the closed forms are symconv's own), parameters from the
module's tensors. torch is passed in, never imported here at module level. The walk
over a traced graph is :mod:`symconv.net.torch_interpret`.
"""

from __future__ import annotations

import sympy

from ..errors import InputError
from ..symbols import as_expr
from ..layers import Conv, Shape, TransposedConv
from .tool_ops import ACTIVATIONS, Op, attrs, numel
from .sizes import tidy_size

ZERO = sympy.Integer(0)
ONE = sympy.Integer(1)

#: torch.nn classes -> row type (activations and cost-free layers).
_ACTIVATION_CLASSES = {cls.split(".")[1]: kind for kind, cls in ACTIVATIONS.items()}
_PASS_CLASSES = {"Dropout": "dropout", "Dropout1d": "dropout", "Dropout2d": "dropout",
                 "AlphaDropout": "dropout", "Identity": "identity", "ChannelShuffle": "channel-shuffle"}
_CONV = {"Conv1d": 1, "Conv2d": 2}
_CONV_T = {"ConvTranspose1d": 1, "ConvTranspose2d": 2}
_NORMS = {"BatchNorm1d": "batchnorm", "BatchNorm2d": "batchnorm", "SyncBatchNorm": "batchnorm",
          "LayerNorm": "layernorm", "GroupNorm": "groupnorm", "InstanceNorm1d": "instancenorm",
          "InstanceNorm2d": "instancenorm"}
def module_class_name(cls) -> str | None:
    """The ``torch.nn`` class a module is counted as: its own, or for a subclass of a norm
    layer defined elsewhere (torchvision's ``LayerNorm2d``, which permutes around
    ``F.layer_norm``) that norm: whatever its forward does, a norm keeps the shape and has
    only its own parameters. Other subclasses are traced into (``Conv2dSame`` pads in its
    forward: counting it as a plain ``Conv2d`` would be wrong)."""
    if cls.__module__.startswith("torch.nn"):
        return cls.__name__
    for base in cls.__mro__[1:]:
        if base.__module__.startswith("torch.nn") and base.__name__ in _NORMS:
            return base.__name__
    return None


_POOLS = {"MaxPool1d": "max-pool", "MaxPool2d": "max-pool", "AvgPool1d": "avg-pool",
          "AvgPool2d": "avg-pool"}
_ADAPTIVE = {"AdaptiveAvgPool1d": "adaptive-avg-pool", "AdaptiveAvgPool2d": "adaptive-avg-pool",
             "AdaptiveMaxPool1d": "adaptive-max-pool", "AdaptiveMaxPool2d": "adaptive-max-pool"}
_UPSAMPLE = {"Upsample": None, "UpsamplingNearest2d": "nearest", "UpsamplingBilinear2d": "bilinear"}


class SizeDependent(InputError):
    """The model's graph depends on the input size (a check such as ``h == 224``, a reshape
    to sizes fixed when it was built): it is read at given sizes only, not in closed form."""


class Tensor:
    """A traced tensor: its shape (batch first), its total stride (None after a global op)
    and, where known, its dtype (``"bool"`` for a mask: indexing by it is data-dependent)."""

    __slots__ = ("shape", "scale", "dtype")

    def __init__(self, shape, scale=None, dtype=None):
        self.shape = tuple(tidy_size(as_expr(v)) for v in shape)
        self.scale = scale
        self.dtype = dtype


def sizes_equal(a, b) -> bool:
    """Do two sizes agree (numbers, or the same expression after expansion)?"""
    return sympy.expand(as_expr(a) - as_expr(b)) == 0


def _pair(v, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(v) if len(v) == n else tuple(v) * n
    return (v,) * n


def shape_of(t: Tensor) -> Shape:
    """A symconv Shape (W x H x C) of a tensor; a vector is 1 x 1 x features."""
    s = t.shape
    if len(s) == 4:
        return Shape(s[3], s[2], s[1])
    if len(s) == 3:
        return Shape(s[2], ONE, s[1])
    return Shape(ONE, ONE, numel(s[1:]))


def _window(n, k, s, p, d, ceil_mode: bool, what: str):
    """PyTorch's pooling output size, ``ceil_mode`` included (the last window must start
    inside the input or its left padding)."""
    n, k, s, p, d = (as_expr(v) for v in (n, k, s, p, d))
    span = n + 2 * p - d * (k - 1) - 1
    if span.is_number and span < 0:
        raise InputError(f"{what}: the window ({k}) is larger than the padded input ({n + 2 * p})")
    if not ceil_mode:
        return sympy.floor(span / s) + 1
    out = sympy.ceiling(span / s) + 1
    last = (out - 1) * s - (n + p)   # >= 0: the last window starts in the right padding
    if last.is_number:
        return out - 1 if last >= 0 else out
    if p == 0 and (k - s).is_nonnegative:
        return out
    raise InputError(f"{what}: ceil_mode with a symbolic size needs padding 0 and a window "
                     "no smaller than the stride; give H and W as numbers")


# --- module handlers ------------------------------------------------------------

def _conv(it, m, label, target, x: Tensor, *rest, **kw):
    name = target.split(".")[1]
    dims = _CONV.get(name) or _CONV_T[name]
    transposed = name in _CONV_T
    if len(x.shape) != dims + 2:
        raise InputError(f"{label} ({target}): expects a {dims + 2}-D input, not {len(x.shape)}-D")
    n, c = x.shape[0], x.shape[1]
    if not sizes_equal(c, m.in_channels):
        raise InputError(f"{label} ({target}): expects {m.in_channels} input channels, gets {c}")
    k, s, d = (_pair(getattr(m, a), dims) for a in ("kernel_size", "stride", "dilation"))
    pad = m.padding if isinstance(m.padding, str) else _pair(m.padding, dims)
    spatial = x.shape[2:]
    if dims == 1:
        k, s, d, spatial = (k[0], 1), (s[0], 1), (d[0], 1), (spatial[0], ONE)
        pad = pad if isinstance(pad, str) else (pad[0], 0)
    else:  # torch orders (height, width); the catalog (width, height)
        k, s, d, spatial = k[::-1], s[::-1], d[::-1], spatial[::-1]
        pad = pad if isinstance(pad, str) else pad[::-1]
    options = dict(D_in=c, D_out=m.out_channels, W_F=k[0], H_F=k[1], W_in=spatial[0],
                   H_in=spatial[1], stride=s, padding=pad, dilation=d, groups=m.groups,
                   bias=m.bias is not None)
    try:
        if transposed:
            op_pad = _pair(m.output_padding, dims)
            op_pad = (op_pad[0], 0) if dims == 1 else op_pad[::-1]
            layer = TransposedConv(**options, output_padding=op_pad)
        else:
            layer = Conv(**options)
    except InputError as error:
        raise InputError(f"{label} ({target}): {error}") from None
    out_shape = layer.output_size
    out_spatial = (out_shape.width,) if dims == 1 else (out_shape.height, out_shape.width)
    factor = (sympy.Integer(1) / s[0], sympy.Integer(1) / s[1]) if transposed else s
    out = Tensor((n, m.out_channels, *out_spatial), it.scaled(x, factor))
    weights, biases, other = it.params(m)
    kind = "transposed-conv" if transposed else (
        "depthwise" if m.groups == c and m.groups > 1 else "grouped" if m.groups > 1 else "conv")
    torch_pad = m.padding if isinstance(m.padding, str) else _pair(m.padding, dims)
    op = Op("conv-transpose" if transposed else "conv", "module", target, (x.shape,), out.shape,
            attrs(in_channels=c, out_channels=m.out_channels, kernel=_pair(m.kernel_size, dims),
                  stride=_pair(m.stride, dims), padding=torch_pad, dilation=_pair(m.dilation, dims),
                  groups=m.groups, bias=m.bias is not None, transposed=transposed,
                  output_padding=_pair(getattr(m, "output_padding", 0), dims)))
    it.row(label, kind, x, out, op, weights + other, biases, macs=layer.macs, layer=layer)
    return out


def _linear(it, m, label, target, x: Tensor, *rest, **kw):
    if not sizes_equal(x.shape[-1], m.in_features):
        raise InputError(f"{label} ({target}): expects {m.in_features} input features, gets "
                         f"{x.shape[-1]}; the model may only work at one input size, give H and W")
    out = Tensor((*x.shape[:-1], m.out_features))
    weights, biases, other = it.params(m)
    positions = numel(x.shape[:-1])   # every leading dimension: batch 1, or windows folded in
    op = Op("linear", "module", target, (x.shape,), out.shape,
            attrs(in_features=m.in_features, out_features=m.out_features, bias=m.bias is not None))
    it.row(label, "dense", x, out, op, weights + other, biases,
           macs=m.in_features * m.out_features * positions)
    return out


def _norm(it, m, label, target, x: Tensor, *rest, **kw):
    kind = _NORMS[target.split(".")[1]]
    weights, biases, other = it.params(m)
    buffers = sum(getattr(m, b).numel() for b in ("running_mean", "running_var")
                  if getattr(m, b, None) is not None)
    affine = bool(getattr(m, "affine", getattr(m, "elementwise_affine", False)))
    batch_stats = bool(m.training or not getattr(m, "track_running_stats", True)) \
        if kind in ("batchnorm", "instancenorm") else True
    own = sum(p.numel() for p in m.parameters(recurse=False))
    op = Op(kind, "module", target, (x.shape,), x.shape,
            attrs(affine=affine, batch_stats=batch_stats, params=own))
    out = Tensor(x.shape, x.scale)
    it.row(label, kind, x, out, op, affine=weights + biases + other, buffers=buffers)
    return out


def _elementwise(kind):
    def handler(it, m, label, target, x: Tensor, *rest, **kw):
        weights, biases, other = it.params(m)   # PReLU's slopes
        out = Tensor(x.shape, x.scale)
        own = sum(p.numel() for p in m.parameters(recurse=False))
        it.row(label, kind, x, out, Op(kind, "module", target, (x.shape,), x.shape,
                                       attrs(params=own)), weights + biases + other)
        return out
    return handler


def _flatten_module(it, m, label, target, x: Tensor, *rest, **kw):
    return flatten(it, label, "module", target, x, m.start_dim, m.end_dim)


def flatten(it, label, via, target, x: Tensor, start_dim=0, end_dim=-1):
    rank = len(x.shape)
    start, end = start_dim % rank, end_dim % rank
    shape = (*x.shape[:start], numel(x.shape[start:end + 1]), *x.shape[end + 1:])
    out = Tensor(shape)
    it.row(label, "flatten", x, out, Op("flatten", via, target, (x.shape,), shape))
    return out


def _pool(it, m, label, target, x: Tensor, *rest, **kw):
    kind = _POOLS[target.split(".")[1]]
    dims = len(x.shape) - 2
    stride = m.stride if m.stride not in (None, ()) else m.kernel_size
    dilation = getattr(m, "dilation", 1)
    return pool_out(it, label, "module", target, kind, x, m.kernel_size, stride, m.padding,
                     dilation, m.ceil_mode, dims)


def pool_out(it, label, via, target, kind, x: Tensor, k, s, p, d, ceil_mode, dims):
    k, s, p, d = (_pair(v, dims) for v in (k, s if s not in (None, ()) else k, p, d))
    spatial = tuple(_window(n, kk, ss, pp, dd, bool(ceil_mode), f"{label} ({target})")
                    for n, kk, ss, pp, dd in zip(x.shape[2:], k, s, p, d))
    factor = (s[-1], s[-2] if dims == 2 else ONE)
    out = Tensor((*x.shape[:2], *spatial), it.scaled(x, tuple(sympy.Integer(v) for v in factor)))
    it.row(label, kind, x, out, Op(kind, via, target, (x.shape,), out.shape,
                                   attrs(kernel=k, stride=s, padding=p, ceil_mode=bool(ceil_mode))))
    return out


def _adaptive_module(it, m, label, target, x: Tensor, *rest, **kw):
    kind = _ADAPTIVE[target.split(".")[1]]
    return adaptive(it, label, "module", target, kind, x, m.output_size)


def adaptive(it, label, via, target, kind, x: Tensor, size):
    dims = len(x.shape) - 2
    size = _pair(size, dims)
    spatial = tuple(n if want is None else sympy.Integer(want) for n, want in zip(x.shape[2:], size))
    out = Tensor((*x.shape[:2], *spatial))
    row_kind = "global-avg-pool" if kind == "adaptive-avg-pool" and all(v == 1 for v in spatial) \
        else kind
    it.row(label, row_kind, x, out, Op(kind, via, target, (x.shape,), out.shape,
                                       attrs(output_size=spatial)))
    return out


def _upsample_module(it, m, label, target, x: Tensor, *rest, **kw):
    mode = _UPSAMPLE[target.split(".")[1]] or m.mode
    return upsample(it, label, "module", target, x, m.size, m.scale_factor, mode)


def upsample(it, label, via, target, x: Tensor, size=None, scale_factor=None, mode="nearest",
              *rest, **kw):
    dims = len(x.shape) - 2
    if size is not None:
        spatial = tuple(as_expr(v) for v in _pair(size, dims))   # a number, or the input's size
        factor = None
    elif scale_factor is not None:
        factors = _pair(scale_factor, dims)
        spatial = tuple(sympy.floor(n * sympy.nsimplify(f)) for n, f in zip(x.shape[2:], factors))
        factor = tuple(1 / sympy.nsimplify(f) for f in factors[::-1]) if dims == 2 else None
    else:
        raise InputError(f"{label} ({target}): needs size or scale_factor")
    out = Tensor((*x.shape[:2], *spatial), it.scaled(x, factor) if factor else None)
    it.row(label, "upsample", x, out, Op("upsample", via, target, (x.shape,), out.shape,
                                         attrs(mode=mode, size=size, scale_factor=scale_factor)))
    return out


MODULES = {
    **{name: _conv for name in (*_CONV, *_CONV_T)},
    "Linear": _linear,
    **{name: _norm for name in _NORMS},
    **{name: _elementwise(kind) for name, kind in _ACTIVATION_CLASSES.items()},
    **{name: _elementwise(kind) for name, kind in _PASS_CLASSES.items()},
    "Flatten": _flatten_module,
    **{name: _pool for name in _POOLS},
    **{name: _adaptive_module for name in _ADAPTIVE},
    **{name: _upsample_module for name in _UPSAMPLE},
}
