"""Network operations that are not catalog layers: reshapes, fixed-size pooling, channel
moves and cost-free element-wise layers. None multiplies by a weight, so none counts a
MAC under symconv's convention (hard-swish, SiLU and sigmoid do a few multiplies per
element, but not with weights); only ``prelu`` has parameters (its slopes).

Each entry states its options and its output shape; sizes stay symbolic.

>>> from symconv.layers import Shape
>>> import sympy
>>> from symconv.symbols import H, W
>>> apply_op("adaptive-avg-pool", {"output": sympy.Integer(6)}, Shape(W, H, sympy.Integer(256)))[0]
Shape(width=6, height=6, channels=256)
>>> apply_op("take", {"chunks": sympy.Integer(2), "index": sympy.Integer(2)}, Shape(W, H, sympy.Integer(116)))[0]
Shape(width=W, height=H, channels=58)
"""

from __future__ import annotations

import sympy

from ..errors import InputError
from ..layers import Shape
from ..shapes import as_size

#: Element-wise layers with no parameters and no MACs: output = input.
ELEMENTWISE = {
    "relu": "ReLU", "relu6": "ReLU6 (MobileNet v2)", "leaky-relu": "leaky ReLU",
    "elu": "ELU", "gelu": "GELU", "silu": "SiLU / swish (EfficientNet)",
    "sigmoid": "sigmoid (squeeze-and-excitation gates)",
    "hardswish": "hard swish (MobileNet v3)", "hardsigmoid": "hard sigmoid (MobileNet v3 gates)",
    "tanh": "tanh", "softmax": "softmax over channels", "dropout": "dropout (identity at inference)",
    "identity": "passes its input through",
}
#: Options an element-wise layer may carry; they change no count.
_ELEMENTWISE_OPTIONS = {"leaky-relu": {"negative_slope"}, "elu": {"alpha"}, "dropout": {"p"},
                        "softmax": {"dim"}, "gelu": {"approximate"}}

#: name -> one-line description, for the error that lists the known layers and for docs.
NETWORK_OPS = {
    "flatten": "reshape a W x H x C map into a vector of W H C features",
    "adaptive-avg-pool": "average pooling to a fixed output = N or [W, H] (AlexNet's 6 x 6)",
    "adaptive-max-pool": "max pooling to a fixed output = N or [W, H]",
    "take": "one part of the channels: chunks = n, index = i (torch.chunk) or "
            "sizes = [a, b, ...], index = i (torch.split); i counts from 1",
    "channel-shuffle": "interleave the channels of groups = g groups (ShuffleNet); no cost",
    "prelu": "parametric ReLU: 1 slope, or one per channel with channels = true",
    **ELEMENTWISE,
}


def _zero():
    return sympy.Integer(0)


def _check_options(name: str, options: dict, allowed: set, required: set = frozenset()) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise InputError(f"unknown option {unknown[0]!r}; {name} takes "
                         f"{', '.join(sorted(allowed)) or 'no options'}")
    missing = sorted(required - set(options))
    if missing:
        raise InputError(f"{name} needs {missing[0]}")


def _pair(value, what: str):
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InputError(f"{what} is N or [W, H], not {value!r}")
        return as_size(value[0], what), as_size(value[1], what)
    v = as_size(value, what)
    return v, v


def _take(options: dict, channels) -> sympy.Expr:
    _check_options("take", options, {"chunks", "sizes", "index"}, {"index"})
    index = as_size(options["index"], "index")
    if ("chunks" in options) == ("sizes" in options):
        raise InputError("take needs chunks = n (equal parts, as torch.chunk) or "
                         "sizes = [a, b, ...] (as torch.split), not both")
    if "chunks" in options:
        n = as_size(options["chunks"], "chunks")
        if not (n.is_Integer and index.is_Integer):
            raise InputError("take: chunks and index must be whole numbers")
        if index > n:
            raise InputError(f"take: index {index} but only {n} chunks")
        size = sympy.ceiling(channels / n)  # torch.chunk: equal parts of ceil(C/n), the last smaller
        if index == 1:
            part = size
        elif index == n == 2:
            part = sympy.floor(channels / 2)  # C - ceil(C/2)
        else:
            part = sympy.Min(size, channels - (index - 1) * size)
    else:
        sizes = options["sizes"]
        sizes = sizes if isinstance(sizes, tuple) else (sizes,)
        sizes = [as_size(s, "sizes") for s in sizes]
        if not index.is_Integer or index > len(sizes):
            raise InputError(f"take: index {index} but sizes has {len(sizes)} parts")
        total = sympy.expand(sympy.Add(*sizes) - channels)
        if total.is_number and total != 0:
            raise InputError(f"take: sizes add up to {sympy.Add(*sizes)} but the input has "
                             f"{channels} channels")
        part = sizes[int(index) - 1]
    if part.is_number and part < 1:
        raise InputError(f"take: part {index} of {channels} channels is empty")
    return part


def apply_op(name: str, options: dict, shape: Shape):
    """``(output shape, params)`` of a network operation on ``shape``."""
    width, height, channels = shape
    if name in ELEMENTWISE:
        _check_options(name, options, _ELEMENTWISE_OPTIONS.get(name, set()))
        return shape, _zero()
    if name == "flatten":
        _check_options(name, options, set())
        return Shape(sympy.Integer(1), sympy.Integer(1), width * height * channels), _zero()
    if name in ("adaptive-avg-pool", "adaptive-max-pool"):
        _check_options(name, options, {"output"}, {"output"})
        w, h = _pair(options["output"], "output")
        return Shape(w, h, channels), _zero()
    if name == "take":
        return Shape(width, height, _take(options, channels)), _zero()
    if name == "channel-shuffle":
        _check_options(name, options, {"groups"}, {"groups"})
        groups = as_size(options["groups"], "groups")
        if groups.is_number and channels.is_number and channels % groups:
            raise InputError(f"channel-shuffle: groups={groups} does not divide {channels} channels")
        return shape, _zero()
    if name == "prelu":
        _check_options(name, options, {"channels"})
        per_channel = options.get("channels", False)
        if not isinstance(per_channel, bool):
            raise InputError("prelu: channels is true or false")
        return shape, channels if per_channel else sympy.Integer(1)
    raise InputError(f"unknown network operation {name!r}")
