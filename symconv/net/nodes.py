"""The pieces a network is made of: catalog layers, sequences, residual, concat and
multiply blocks, and side heads.

A node read from a spec knows its ``line`` there (for error messages). Blocks made from
a spec's named block may carry ``binds``: a symbol that stands for the
channels entering the block (its parameters may say ``D_in``), bound while it is walked.

Plain frozen data; :mod:`symconv.net.propagate` gives them shapes and counts.

>>> layer("conv", D_out=64, K=3)
LayerSpec(type='conv', options=(('D_out', 64), ('K', 3)), name=None, repeat=1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import sympy

from ..layers import Shape
from .ops import NETWORK_OPS

MAX_NESTING = 50


@dataclass(frozen=True)
class LayerSpec:
    """A catalog layer (or ``flatten``) with its options; sizes come from the previous layer."""

    type: str
    options: tuple = ()
    name: str | None = None
    repeat: int = 1
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Sequence:
    """Layers one after another (a named block, or a run to repeat as a whole)."""

    layers: tuple
    name: str | None = None
    repeat: int = 1
    binds: object = None
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Residual:
    """``body(x) + shortcut(x)``; no shortcut layers means the identity."""

    body: tuple
    shortcut: tuple = ()
    name: str | None = None
    repeat: int = 1
    binds: object = None
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Concat:
    """Branches on the same input whose outputs are stacked on channels (Inception, DenseNet).

    A branch with no layers passes its input through (DenseNet keeps its input this way).
    """

    branches: tuple
    name: str | None = None
    repeat: int = 1
    binds: object = None
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Multiply:
    """``x * body(x)``, element-wise; a ``1 x 1 x C`` body output is broadcast over H x W
    (squeeze-and-excitation, gating). The multiply counts no MAC (no weight)."""

    body: tuple
    name: str | None = None
    repeat: int = 1
    binds: object = None
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Head:
    """A side head (an auxiliary classifier): runs on the current map, its output is not used
    by the network, which goes on with the head's input. Counted apart (``Analysis.heads``)."""

    layers: tuple
    name: str | None = None
    repeat: int = 1
    binds: object = None
    line: int | None = field(default=None, compare=False, repr=False)


Node = Union[LayerSpec, Sequence, Residual, Concat, Multiply, Head]


def layer(type: str, name: str | None = None, repeat: int = 1, **options) -> LayerSpec:
    """A :class:`LayerSpec` from keyword options: ``layer("conv", D_out=64, K=3, padding=1)``."""
    return LayerSpec(type, tuple(sorted(options.items())), name, repeat)


@dataclass(frozen=True)
class Row:
    """One layer's place and counts in an analysed network."""

    label: str
    type: str
    input: Shape
    output: Shape
    weights: sympy.Expr
    biases: sympy.Expr
    bn_affine: sympy.Expr
    bn_buffers: sympy.Expr
    macs: sympy.Expr
    head: str | None = None
    #: the built catalog layer, and what a counting tool sees (:class:`symconv.net.tool_ops.Op`,
    #: set by the PyTorch import); both only for the conventions, not compared.
    layer: object = field(default=None, compare=False, repr=False)
    op: object = field(default=None, compare=False, repr=False)

    @property
    def params(self) -> sympy.Expr:
        return self.weights + self.biases + self.bn_affine

    @property
    def flops(self) -> sympy.Expr:
        return 2 * self.macs

    def value(self, key: str) -> sympy.Expr:
        return getattr(self, key)
