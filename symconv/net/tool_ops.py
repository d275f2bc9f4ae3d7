"""What a counting tool sees of one layer: the operation, how it was called, its shapes.

Tools count by what they hook: thop and torchinfo see ``nn.Module`` calls, ptflops
sees modules *and* a few patched ``torch.nn.functional`` functions, calflops and
DeepSpeed see only the patched functions, fvcore and ``FlopCounterMode`` see aten
operators. So an :class:`Op` keeps the call (``via`` and ``target``: ``nn.ReLU``,
``F.relu``, ``torch.relu``, ``Tensor.add``, ``operator.add``) beside the shapes
(batch first, batch 1). Rows imported from PyTorch carry their Op; a spec's rows
are read as if written with ``torch.nn`` modules (:func:`op_of_row`).

>>> from symconv.net.network import Network, layer
>>> a = Network([layer("conv", D_out=8, K=3, padding=1)], H=4, W=4).analyse()
>>> op = ops_of(a)[0]
>>> op.kind, op.target, op.output, op.attr("kernel")
('conv', 'nn.Conv2d', (1, 8, 4, 4), (3, 3))
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

#: Activation kinds (row types) and the ``torch.nn`` module each stands for.
ACTIVATIONS = {
    "relu": "nn.ReLU", "relu6": "nn.ReLU6", "leaky-relu": "nn.LeakyReLU", "prelu": "nn.PReLU",
    "elu": "nn.ELU", "selu": "nn.SELU", "celu": "nn.CELU", "gelu": "nn.GELU", "silu": "nn.SiLU",
    "mish": "nn.Mish", "sigmoid": "nn.Sigmoid", "tanh": "nn.Tanh", "hardswish": "nn.Hardswish",
    "hardsigmoid": "nn.Hardsigmoid", "hardtanh": "nn.Hardtanh", "softmax": "nn.Softmax",
    "log-softmax": "nn.LogSoftmax", "softplus": "nn.Softplus",
}
#: Cost-free layers: no parameters, no MACs, and every tool counts them 0.
PASS_THROUGH = {"dropout": "nn.Dropout", "identity": "nn.Identity", "flatten": "torch.flatten",
                "stochastic-depth": "torchvision.ops.stochastic_depth", "channel-shuffle": "view"}


@dataclass(frozen=True)
class Op:
    """One operation as a counting tool sees it (shapes are ``(N, C, ...)``, N = 1)."""

    kind: str            # conv, conv-transpose, linear, batchnorm, relu, max-pool, add, ...
    via: str             # module | function | torch | method | operator
    target: str          # nn.Conv2d, F.relu, torch.relu, Tensor.add, operator.add, ...
    inputs: tuple        # shapes of the tensor inputs
    output: tuple        # shape of the output
    attrs: tuple = ()    # sorted (name, value) pairs: kernel, stride, groups, bias, affine, ...

    def attr(self, name: str, default=None):
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    @property
    def input(self) -> tuple:
        return self.inputs[0] if self.inputs else self.output


def numel(shape) -> sympy.Expr:
    return sympy.Mul(*shape) if shape else sympy.Integer(1)


def attrs(**kwargs) -> tuple:
    return tuple(sorted(kwargs.items()))


def _nchw(shape) -> tuple:
    """A symconv Shape (W x H x C) as an NCHW tuple; a 1 x 1 vector as (N, C)."""
    one = sympy.Integer(1)
    return (one, shape.channels, shape.height, shape.width)


def _vector(shape) -> tuple:
    return (sympy.Integer(1), shape.width * shape.height * shape.channels)


def op_of_row(row) -> list[Op]:
    """The Ops a spec row stands for, as if it were written with ``torch.nn`` modules."""
    if row.op is not None:
        return [row.op]
    layer, kind = row.layer, row.type
    src, out = _nchw(row.input), _nchw(row.output)
    if kind in ("conv", "grouped", "depthwise", "pointwise", "transposed-conv"):
        return [_conv_op(layer, src, out)]
    if kind == "dw-sep":
        dw, pw = layer.parts
        mid = _nchw(dw.output_size)
        mid = (mid[0], dw.D_out, out[2], out[3])
        return [_conv_op(dw, src, mid), _conv_op(pw, mid, out)]
    if kind == "dense":
        return [Op("linear", "module", "nn.Linear", (_vector(row.input),), _vector(row.output),
                   attrs(in_features=layer.D_in, out_features=layer.D_out, bias=bool(layer.bias)))]
    if kind == "batchnorm":
        return [Op("batchnorm", "module", "nn.BatchNorm2d", (src,), out,
                   attrs(affine=True, batch_stats=False, params=2 * src[1]))]
    if kind in ("max-pool", "avg-pool"):
        return [Op(kind, "module", "nn.MaxPool2d" if kind == "max-pool" else "nn.AvgPool2d",
                   (src,), out, attrs(kernel=(layer.H_F, layer.W_F)))]
    if kind == "global-avg-pool":
        return [Op("adaptive-avg-pool", "module", "nn.AdaptiveAvgPool2d", (src,), out,
                   attrs(output_size=(1, 1)))]
    if kind == "flatten":
        return [Op("flatten", "torch", "torch.flatten", (src,), _vector(row.output))]
    if kind in ("add", "mul"):   # a residual add; squeeze-and-excitation's gate
        return [Op(kind, "operator", f"operator.{kind}", (out, out), out)]
    if kind in ("adaptive-avg-pool", "adaptive-max-pool"):
        target = "nn.AdaptiveAvgPool2d" if kind == "adaptive-avg-pool" else "nn.AdaptiveMaxPool2d"
        return [Op(kind, "module", target, (src,), out, attrs(output_size=out[2:]))]
    if kind == "concat":
        return [Op("concat", "torch", "torch.cat", (src,), out)]
    if kind in ACTIVATIONS:
        return [Op(kind, "module", ACTIVATIONS[kind], (src,), out)]
    return [Op(kind, "module", PASS_THROUGH.get(kind, kind), (src,), out)]


def _conv_op(layer, src: tuple, out: tuple) -> Op:
    from ..layers import TransposedConv

    transposed = isinstance(layer, TransposedConv)
    from ..layers import Depthwise

    # depthwise: one group per input channel; pointwise: one group
    groups = layer.D_in if isinstance(layer, Depthwise) else getattr(layer, "groups", 1)
    kernel = (getattr(layer, "H_F", sympy.Integer(1)), getattr(layer, "W_F", sympy.Integer(1)))
    stride = tuple(reversed(layer.stride))
    pads = getattr(layer, "padding", (0, 0))
    dilation = tuple(reversed(getattr(layer, "dilation", (1, 1))))
    return Op("conv-transpose" if transposed else "conv", "module",
              "nn.ConvTranspose2d" if transposed else "nn.Conv2d", (src,), out,
              attrs(in_channels=src[1], out_channels=out[1], kernel=kernel, stride=stride,
                    padding=tuple(reversed(pads)), dilation=dilation, groups=groups,
                    bias=bool(layer.bias), transposed=transposed,
                    output_padding=tuple(reversed(getattr(layer, "output_padding", (0, 0))))))


def counted(analysis, row) -> bool:
    """Is the row in the network's totals? (A side head's rows are, only on request.)"""
    return getattr(row, "head", None) is None or getattr(analysis, "with_heads", False)


def ops_of(analysis) -> list[Op]:
    """Every Op of an analysed network that its totals count, in row order."""
    out = []
    for row in analysis.rows:
        if counted(analysis, row):
            out.extend(op_of_row(row))
    return out
