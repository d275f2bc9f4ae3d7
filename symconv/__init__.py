"""symconv: symbolic formulas for the cost of convolutional networks.

>>> from symconv import Conv, DepthwiseSeparable, ratio
>>> ratio(DepthwiseSeparable(), Conv()).expr
1/(H_F*W_F) + 1/D_out

Names are imported on first use, so ``symconv --help`` does not pay for sympy.
"""

from __future__ import annotations

import importlib

from .version import __version__

#: public name -> module that defines it.
_EXPORTS = {
    **{name: "symconv.layers" for name in (
        "Conv", "Grouped", "Depthwise", "Pointwise", "DepthwiseSeparable", "TransposedConv",
        "Dense", "MaxPool", "AvgPool", "GlobalAvgPool", "BatchNorm", "REGISTRY", "Quantity",
        "Shape", "Layer", "layer", "layer_class")},
    **{name: "symconv.engine" for name in (
        "canonical", "ratio", "difference", "substitute", "limit", "solve_for", "equivalent")},
    "InputError": "symconv.errors",
    **{name: "symconv.net.network" for name in (
        "Network", "LayerSpec", "Sequence", "Residual", "Concat")},
    "from_torch": "symconv.net.torch_import",          # torch only when called
    "count_as": "symconv.net.conventions",
    "compare_tools": "symconv.net.compare",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'symconv' has no attribute {name!r}")


def __dir__():
    return __all__
