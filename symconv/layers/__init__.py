"""The layer catalog. :data:`REGISTRY` is the whole extension surface: the CLI's
layer names, the notes and the tests all read it. Also: layer options read from text
(:mod:`.options`) and a layer's four quantities as a report (:mod:`.summary`).

May import the core only (``errors``, ``symbols``, ``shapes``, ``printing``).

>>> sorted(REGISTRY)[:4]
['avg-pool', 'batchnorm', 'conv', 'dense']
"""

from __future__ import annotations

from ..suggest import Words
from .base import Layer, Quantity, Shape
from .convolution import Conv, Depthwise, DepthwiseSeparable, Grouped, Pointwise, TransposedConv
from .other import AvgPool, BatchNorm, Dense, GlobalAvgPool, MaxPool

#: kebab-case name -> layer class, in catalog order.
REGISTRY: dict[str, type[Layer]] = {
    cls.name: cls
    for cls in (Conv, Grouped, Depthwise, Pointwise, DepthwiseSeparable, TransposedConv,
                Dense, MaxPool, AvgPool, GlobalAvgPool, BatchNorm)
}


#: other names people use for the catalog's layers (PyTorch, Keras, Caffe, papers) -> name.
#: Case, ``-``, ``_`` and spaces do not matter (``Conv2d``, ``DW_SEP``, ``max pool``).
LAYER_ALIASES: dict[str, str] = {
    **dict.fromkeys(("conv2d", "convolution", "standard", "standard-conv"), "conv"),
    **dict.fromkeys(("group-conv", "grouped-conv", "group-convolution"), "grouped"),
    **dict.fromkeys(("dw", "dw-conv", "depthwise-conv", "depthwise-conv2d",
                     "depthwise-convolution"), "depthwise"),
    **dict.fromkeys(("pw", "1x1", "conv1x1", "pointwise-conv", "pointwise-convolution"),
                    "pointwise"),
    **dict.fromkeys(("depthwise-separable", "separable", "separable-conv", "separable-conv2d",
                     "sep-conv", "depthwise-separable-conv", "depthwise-separable-convolution",
                     "dsc"), "dw-sep"),
    **dict.fromkeys(("deconv", "deconvolution", "transposed", "conv-transpose",
                     "conv-transpose2d", "convtranspose", "conv2d-transpose",
                     "transposed-convolution", "fractionally-strided-conv", "upconv"),
                    "transposed-conv"),
    **dict.fromkeys(("linear", "fc", "fully-connected", "inner-product"), "dense"),
    **dict.fromkeys(("maxpool", "maxpool2d", "max-pooling", "max-pooling2d"), "max-pool"),
    **dict.fromkeys(("avgpool", "avgpool2d", "average-pool", "average-pooling",
                     "average-pooling2d", "mean-pool"), "avg-pool"),
    **dict.fromkeys(("gap", "global-average-pool", "global-average-pooling",
                     "global-average-pooling2d", "global-avgpool"), "global-avg-pool"),
    **dict.fromkeys(("bn", "batch-norm", "batchnorm2d", "batch-normalization",
                     "batch-normalisation"), "batchnorm"),
}

#: names that are a layer with an option or a size: suggested as such, not accepted.
LAYER_HINTS: dict[str, str] = {
    **dict.fromkeys(("dilated", "dilated-conv", "atrous", "atrous-conv"), "conv --dilation 2"),
    **dict.fromkeys(("strided", "strided-conv"), "conv --stride 2"),
    **dict.fromkeys(("conv1d", "conv-1d"), "conv H_F=1 H_in=1"),  # a 1-D conv, as a 2-D one
}

#: the layer names a user may type: the registry's, the aliases, in any case.
LAYER_NAMES = Words("layer", REGISTRY, LAYER_ALIASES, LAYER_HINTS)


def layer_name(text: str) -> str:
    """The registry name for any of a layer's names (``Conv2d`` -> ``conv``); an unknown name
    suggests the nearest one.

    >>> layer_name("Conv2d"), layer_name("depthwise-separable"), layer_name("fc")
    ('conv', 'dw-sep', 'dense')
    """
    return LAYER_NAMES.resolve(text)


def layer_class(name: str) -> type[Layer]:
    """The registered class for any of a layer's names; an unknown name suggests the nearest."""
    return REGISTRY[layer_name(name)]


def layer(name: str, **sizes) -> Layer:
    """A layer by any of its names, with sizes and options as keywords.

    >>> layer("Conv2d", K=3, D_in=8, D_out=16).params
    1168
    """
    return layer_class(name)(**sizes)


__all__ = ["REGISTRY", "LAYER_ALIASES", "LAYER_HINTS", "LAYER_NAMES", "Layer", "Quantity", "Shape", "layer",
           "layer_class", "layer_name", "Conv", "Grouped",
           "Depthwise", "Pointwise", "DepthwiseSeparable", "TransposedConv", "Dense",
           "MaxPool", "AvgPool", "GlobalAvgPool", "BatchNorm"]
