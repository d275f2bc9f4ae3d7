"""Other tools' counts as switches: each reproduces that tool's total for the same model.

A convention is a function from one :class:`~symconv.net.tool_ops.Op` to named terms
``(category, expression, note)``; a tool's total is the sum of its terms over the
network, so two tools' gap is a sum of named terms (:mod:`symconv.net.compare`).
Every rule follows the tool's own source, read in the versions pinned in the
``torch`` extra's tests (the file and line are in :data:`SOURCES`); the tools'
bugs are kept, and named as such in the notes.

``via`` matters because tools hook different things: thop and torchinfo hook
``nn.Module`` classes, calflops and DeepSpeed patch ``torch.nn.functional``
(so ``nn.ReLU`` counts through ``F.relu`` but ``nn.ReLU6`` calls ``F.hardtanh``,
which is not patched), ptflops does both (so ``nn.ReLU`` counts twice), fvcore and
``FlopCounterMode`` see aten operators whatever the call.

>>> from symconv.net.network import Network, layer
>>> a = Network([layer("conv", D_out=8, K=3, padding=1), layer("batchnorm")], H=4, W=4).analyse()
>>> [total(a, name)[0] for name in ("symconv", "ptflops", "thop", "torchinfo")]
[3456, 3840, 3968, 3600]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ..errors import InputError
from ..symbols import as_expr
from .tool_ops import ops_of
from .tool_rules import (
    calflops_like,
    calflops_rule,
    deepspeed_rule,
    fvcore_rule,
    keras_params,
    ptflops_rule,
    symconv_rule,
    thop_rule,
    torch_rule,
    torchinfo_rule,
)


@dataclass(frozen=True)
class Convention:
    name: str
    unit: str               # what the tool calls its number
    rule: Callable          # Op -> list of (category, expr, note)
    source: str             # the tool's source that defines it (file:line in the tested version)
    version: str
    summary: str


CONVENTIONS = {c.name: c for c in (
    Convention("symconv", "MACs", symconv_rule, "DESIGN.md, counting conventions", "",
               "weight multiply-accumulates of conv and dense layers, batch 1"),
    Convention("fvcore", "flops (MACs)", fvcore_rule,
               "fvcore/nn/jit_handles.py:127-151 (conv), :99-110 (linear), :230-258 (norms); "
               "fvcore/nn/flop_count.py:26-44 (the handled aten ops)", "fvcore 0.1.5.post20221221",
               "MACs of conv and linear, BatchNorm 1-2 per element, adaptive_avg_pool2d and "
               "upsampling; activations, max pooling and adds 0"),
    Convention("ptflops", "MACs (GMac)", ptflops_rule,
               "ptflops/pytorch_ops.py:60-92 (conv + bias), :35-43 (linear), :30-33 (activations), "
               ":46-57 (pool, BN), :271-321 (modules), :422-469 (patched functions); "
               "ptflops/pytorch_engine.py:348-390 (patching while module hooks run)", "ptflops 0.7.5",
               "MACs + bias adds, 1 per element for BN (2 affine), ReLU and pooling; nn.ReLU and "
               "pooling modules counted twice (module hook and patched F.*)"),
    Convention("thop", "MACs", thop_rule,
               "thop/vision/calc_func.py:28-34 (conv, output grid), thop/vision/basic_hooks.py:60-69 "
               "(norms), :106-121 (avg pools), :140-147 (linear); thop/profile.py:21-66 (modules)",
               "thop 0.1.1.post2209072238",
               "MACs without bias; transposed conv on the output grid; BN 4 per element"),
    Convention("torchinfo", "Mult-Adds", torchinfo_rule, "torchinfo/layer_info.py:225-245",
               "torchinfo 1.8.0",
               "parameters x output positions for Conv* (bias included, transposed on the output "
               "grid), parameters x batch for any other leaf module with weight or bias"),
    Convention("calflops", "FLOPs", calflops_rule,
               "calflops/pytorch_ops.py:83-125 (conv), :128-171 (transposed, the g^2 bug), :37-40 "
               "(linear), :174-226 (norms), :229-251 (upsample), :452-526 (what is patched)",
               "calflops 0.3.2", "2 x MACs + bias adds + BN, activations through patched F.*"),
    Convention("deepspeed", "FLOPs", deepspeed_rule,
               "deepspeed/profiling/flops_profiler/profiler.py:569-611 (conv), :614-662 "
               "(transposed), :523-526 (linear), :720-745 (upsample), :890-970 (what is patched)",
               "deepspeed 0.19.8", "as calflops, with the transposed-conv and upsample bugs fixed"),
    Convention("torch-flop-counter", "FLOPs", torch_rule,
               "torch/utils/flop_counter.py:215-250 (conv), :160-174 (mm, addmm)", "torch 2.14.1",
               "2 x MACs of conv and matmul only"),
    Convention("keras", "params", symconv_rule, "keras/src/utils/summary_utils.py:20-22 "
               "(count_params over all weights)", "keras 3",
               "Keras reports parameters only: Total params counts BN moving statistics too"),
)}

#: Conventions whose rules are checked on networks with matrix products of activations
#: (attention, imported from PyTorch); the others' rules were read off the tools for conv
#: networks, and the tools count attention in ways not reproduced here.
ATTENTION_READY = ("symconv", "torch-flop-counter", "keras")
#: calflops and DeepSpeed report MACs beside FLOPs.
MACS_TOO = {"calflops": False, "deepspeed": True}


def convention(name: str) -> Convention:
    if name not in CONVENTIONS:
        raise InputError(f"unknown convention {name!r}; one of {', '.join(CONVENTIONS)}")
    return CONVENTIONS[name]


def terms(analysis, name: str) -> list:
    """Every (category, expr, note, index of the op) the convention counts, in row order."""
    conv = convention(name)
    ops = ops_of(analysis)
    if name not in ATTENTION_READY and any(op.kind == "matmul" for op in ops):
        raise InputError(f"{name}'s count of matrix products (attention; rows of type matmul) "
                         f"is not modelled; use one of {', '.join(ATTENTION_READY)}")
    out = []
    for index, op in enumerate(ops):
        for category, expr, note in conv.rule(op):
            expr = as_expr(expr)
            if expr != 0:
                out.append((category, expr, note, index))
    return out


def total(analysis, name: str) -> tuple:
    """``(total, unit)`` of a convention; for keras the parameter count."""
    conv = convention(name)
    if name == "keras":
        return keras_params(analysis), conv.unit
    value = sympy.Add(*(t[1] for t in terms(analysis, name)))
    return (sympy.expand(value) if not value.is_number else value), conv.unit


def count_as(analysis, tool: str) -> sympy.Expr:
    """An analysed network's total as ``tool`` reports it (for keras: its parameters).

    >>> from symconv import Network, count_as
    >>> a = Network.zoo("resnet-50").analyse({"H": 224, "W": 224})
    >>> count_as(a, "fvcore"), count_as(a, "ptflops")
    (4111512576, 4132436968)
    """
    return total(analysis, tool)[0]


def macs(analysis, name: str) -> sympy.Expr:
    """calflops' and DeepSpeed's MACs (conv and linear; calflops keeps its transposed bug)."""
    fixed = MACS_TOO[name]
    return sympy.Add(*(as_expr(calflops_like(op, fixed)[1]) for op in ops_of(analysis)))


def per_row(analysis, name: str) -> list:
    """The convention's count of each row (keras: each row's parameters, BN statistics too)."""
    from .tool_ops import op_of_row

    if name == "keras":
        return [row.params + row.bn_buffers for row in analysis.rows]
    rule = convention(name).rule
    return [sympy.Add(*(as_expr(expr) for op in op_of_row(row) for _, expr, _ in rule(op)))
            for row in analysis.rows]


def layer_count(layer, name: str) -> sympy.Expr:
    """One catalog layer counted as ``name`` counts it, batch 1, as if it were the matching
    ``torch.nn`` module (``symconv show conv --convention ptflops``).

    >>> from symconv.layers import Conv
    >>> layer_count(Conv(), "ptflops")
    D_in*D_out*H_F*H_out*W_F*W_out + D_out*H_out*W_out
    """
    from ..layers import Shape
    from .nodes import Row
    from .tool_ops import op_of_row

    zero = sympy.Integer(0)
    channels = getattr(layer, "D_in", zero)
    w_in, h_in = getattr(layer, "W_in", sympy.Integer(1)), getattr(layer, "H_in", sympy.Integer(1))
    out = layer.output_size
    w, h = layer._course_out(out)
    row = Row(layer.name, layer.name, Shape(w_in, h_in, channels), Shape(w, h, out.channels),
              layer.weights, layer.biases, layer.affine, layer.buffers, layer.macs, layer=layer)
    if name == "keras":
        return layer.params + layer.buffers
    rule = convention(name).rule
    return sympy.Add(*(as_expr(expr) for op in op_of_row(row) for _, expr, _ in rule(op)))
