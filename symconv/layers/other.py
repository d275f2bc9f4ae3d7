"""The rest of a real network: dense, pooling and batch normalisation.

None of these multiplies by a weight except ``dense``, so the others count no MACs
(pooling's comparisons and adds, BatchNorm's scale and shift, which inference
folds into the previous convolution, are not multiply-accumulates with weights).

>>> Dense().params
D_out*(D_in + 1)
>>> MaxPool(W_F=2, H_F=2).output_size.width
floor(W_in/2)
>>> BatchNorm().params, BatchNorm().buffers
(2*D_in, 2*D_in)
>>> MaxPool(W_F=3, H_F=3, stride=2, ceil_mode=True).output_size.width
ceiling(W_in/2 - 3/2) + 1
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from functools import cached_property

import sympy

from ..counts import ONE
from ..errors import InputError
from ..shapes import PaddingMode, padding_per_side, whole
from ..symbols import D_in, D_out, H_F, H_in, W_F, W_in, as_expr
from .results import count
from .base import Layer, Shape, Size


@dataclass(frozen=True)
class Dense(Layer):
    """A fully connected layer on a vector of ``D_in`` features."""

    name = "dense"
    summary = "fully connected (linear) layer on D_in features"

    D_in: Size = D_in
    D_out: Size = D_out
    bias: bool = True

    @property
    def fan_in(self):
        """Weights per output channel (a count of weights)."""
        return self.D_in

    @property
    def positions(self):
        """Positions per channel where the weights are applied (a count of positions)."""
        return ONE

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        return Shape(ONE, ONE, self.D_out)


@dataclass(frozen=True)
class MaxPool(Layer):
    """The largest value in each ``W_F x H_F`` window; the stride defaults to the window.

    ``ceil_mode`` is PyTorch's: the output rounds up, ``ceil((i + 2p - k)/s) + 1``, but the
    last window must start inside the input or its left padding (so it is at most
    ``floor((i + p - 1)/s) + 1``; that bound can only bind when ``p + s > k``).
    """

    name = "max-pool"
    summary = "max pooling over W_F x H_F windows (stride defaults to the window)"

    D_in: Size = D_in
    W_F: Size = W_F
    H_F: Size = H_F
    W_in: Size = W_in
    H_in: Size = H_in
    stride: Size | tuple | None = None
    padding: object = PaddingMode.VALID
    dilation: Size | tuple = 1
    ceil_mode: bool = False
    K: InitVar[Size | None] = None  # a square window: W_F = H_F = K

    def __post_init__(self, K=None) -> None:
        self._square(K)
        if self.stride is None:
            object.__setattr__(self, "stride", (self.W_F, self.H_F))
        if not isinstance(self.ceil_mode, bool):
            raise InputError(f"ceil_mode must be true or false, not {self.ceil_mode!r}")
        super().__post_init__(K)

    def validate(self) -> None:
        """PyTorch refuses padding past half the window (``padding <= kernel_size // 2``):
        a window made of padding alone has no maximum and no mean."""
        for k, p, d in zip((self.W_F, self.H_F), self.padding, self.dilation):
            if p == PaddingMode.SAME:
                continue
            p = padding_per_side(p, k, d)
            if whole(p) is not None and whole(k) is not None and whole(p) > whole(k) // 2:
                raise InputError(f"{self.name}: padding {p} is more than half the {k}-wide "
                                 f"window; use at most {k // 2} (PyTorch refuses it too)")

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        floor_shape = self._window_shape(self.D_in)  # checks that the window fits
        if not self.ceil_mode:
            return floor_shape
        sizes = []
        for i, k, s, p, d in zip((self.W_in, self.H_in), (self.W_F, self.H_F), self.stride,
                                 self.padding, self.dilation):
            if p == PaddingMode.SAME:
                raise InputError(f"{self.name}: ceil_mode with 'same' padding is not defined; "
                                 "give the padding as a number")
            i, k, s, d = as_expr(i), as_expr(k), as_expr(s), as_expr(d)
            p = as_expr(padding_per_side(p, k, d))
            span = d * (k - 1) + 1
            last = sympy.ceiling((i + 2 * p - span) / s)
            if not (p + s - span <= 0) is sympy.true:
                last = sympy.Min(last, sympy.floor((i + p - 1) / s))
            sizes.append(last + 1)
        return Shape(sizes[0], sizes[1], self.D_in)


@dataclass(frozen=True)
class AvgPool(MaxPool):
    """The mean of each ``W_F x H_F`` window; the stride defaults to the window."""

    name = "avg-pool"
    summary = "average pooling over W_F x H_F windows (stride defaults to the window)"

    def validate(self) -> None:
        super().validate()
        if self.dilation != (1, 1):
            raise InputError("avg-pool has no dilation; use max-pool or dilation 1")


@dataclass(frozen=True)
class GlobalAvgPool(Layer):
    """The mean of each channel over the whole feature map: ``1 x 1 x D_in``."""

    name = "global-avg-pool"
    summary = "global average pooling: one value per channel"

    D_in: Size = D_in
    W_in: Size = W_in
    H_in: Size = H_in

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        return Shape(ONE, ONE, self.D_in)


@dataclass(frozen=True)
class BatchNorm(Layer):
    """Batch normalisation: a learned scale and shift per channel, plus running statistics."""

    name = "batchnorm"
    summary = "batch normalisation: 2 D_in trainable, 2 D_in running statistics"

    D_in: Size = D_in
    W_in: Size = W_in
    H_in: Size = H_in

    @count
    def affine(self):
        """BatchNorm's scale gamma and shift beta, one each per channel (a count of parameters)."""
        return 2 * self.D_in

    @count
    def buffers(self):
        """BatchNorm's running mean and variance, not trainable (a count of values)."""
        return 2 * self.D_in

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        return Shape(self.W_in, self.H_in, self.D_in)
