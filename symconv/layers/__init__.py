"""The layer catalog. :data:`REGISTRY` is the whole extension surface: the CLI's
layer names, the notes and the tests all read it. Also: layer options read from text
(:mod:`.options`) and a layer's four quantities as a report (:mod:`.summary`).

May import the core only (``errors``, ``symbols``, ``shapes``, ``printing``).

>>> sorted(REGISTRY)[:4]
['avg-pool', 'batchnorm', 'conv', 'dense']
"""

from __future__ import annotations

from ..errors import InputError
from .base import Layer, Quantity, Shape
from .convolution import Conv, Depthwise, DepthwiseSeparable, Grouped, Pointwise, TransposedConv
from .other import AvgPool, BatchNorm, Dense, GlobalAvgPool, MaxPool

#: kebab-case name -> layer class, in catalog order.
REGISTRY: dict[str, type[Layer]] = {
    cls.name: cls
    for cls in (Conv, Grouped, Depthwise, Pointwise, DepthwiseSeparable, TransposedConv,
                Dense, MaxPool, AvgPool, GlobalAvgPool, BatchNorm)
}


def layer_class(name: str) -> type[Layer]:
    """The registered class for a layer name; an unknown name lists the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown layer {name!r}; known layers: {', '.join(REGISTRY)}") from None


__all__ = ["REGISTRY", "Layer", "Quantity", "Shape", "layer_class", "Conv", "Grouped",
           "Depthwise", "Pointwise", "DepthwiseSeparable", "TransposedConv", "Dense",
           "MaxPool", "AvgPool", "GlobalAvgPool", "BatchNorm"]
