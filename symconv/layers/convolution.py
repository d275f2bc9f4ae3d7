"""The convolution family: standard, grouped, depthwise, pointwise, depthwise separable, transposed.

>>> Conv().params
D_out*(D_in*H_F*W_F + 1)
>>> Conv().macs
D_in*D_out*H_F*H_out*W_F*W_out
>>> DepthwiseSeparable().macs
D_in*D_out*H_out*W_out + D_in*H_F*H_out*W_F*W_out
>>> Conv(D_in=8, D_out=32, W_F=5, H_F=5, W_in=128, H_in=128).macs
98406400
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from functools import cached_property

from ..counts import ZERO
from ..shapes import PaddingMode, conv_output_size, transposed_output_size
from ..symbols import D_in, D_out, H_F, H_in, W_F, W_in, g
from .results import count
from .base import Layer, Shape, Size, check_divides

VALID = PaddingMode.VALID


@dataclass(frozen=True)
class Conv(Layer):
    """Standard 2-D convolution; ``groups`` splits the channels into independent groups."""

    name = "conv"
    summary = "standard convolution (stride, padding, dilation, groups)"

    D_in: Size = D_in
    D_out: Size = D_out
    W_F: Size = W_F
    H_F: Size = H_F
    W_in: Size = W_in
    H_in: Size = H_in
    stride: Size | tuple = 1
    padding: object = VALID
    dilation: Size | tuple = 1
    groups: Size = 1
    bias: bool = True
    K: InitVar[Size | None] = None  # a square kernel: W_F = H_F = K

    def validate(self) -> None:
        check_divides(self.groups, self.D_in, "D_in", self.name)
        check_divides(self.groups, self.D_out, "D_out", self.name)

    @cached_property
    def fan_in(self):
        """Weights per output channel (a count of weights)."""
        return self.W_F * self.H_F * self.D_in / self.groups

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        return self._window_shape(self.D_out)


@dataclass(frozen=True)
class Grouped(Conv):
    """A convolution in ``g`` groups, each seeing ``D_in/g`` input channels (ResNeXt, AlexNet)."""

    name = "grouped"
    summary = "grouped convolution: g independent convolutions over D_in/g channels each"

    groups: Size = g


@dataclass(frozen=True)
class Depthwise(Layer):
    """One ``W_F x H_F`` filter per input channel (times the depth multiplier); ``D_out = m D_in``."""

    name = "depthwise"
    summary = "depthwise convolution: one filter per input channel, D_out = D_in"

    D_in: Size = D_in
    W_F: Size = W_F
    H_F: Size = H_F
    W_in: Size = W_in
    H_in: Size = H_in
    stride: Size | tuple = 1
    padding: object = VALID
    dilation: Size | tuple = 1
    depth_multiplier: Size = 1
    bias: bool = True
    K: InitVar[Size | None] = None  # a square kernel: W_F = H_F = K

    @property
    def D_out(self):
        """Output channels: the depth multiplier times D_in (a count of channels)."""
        return self.depth_multiplier * self.D_in

    @cached_property
    def fan_in(self):
        """Weights per output channel (a count of weights)."""
        return self.W_F * self.H_F

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        return self._window_shape(self.D_out)


@dataclass(frozen=True)
class Pointwise(Layer):
    """A 1x1 convolution: mixes channels, one pixel at a time."""

    name = "pointwise"
    summary = "pointwise 1x1 convolution: mixes channels per pixel"

    D_in: Size = D_in
    D_out: Size = D_out
    W_in: Size = W_in
    H_in: Size = H_in
    stride: Size | tuple = 1
    bias: bool = True

    @property
    def fan_in(self):
        """Weights per output channel (a count of weights)."""
        return self.D_in

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        sw, sh = self.stride
        return Shape(conv_output_size(self.W_in, 1, sw, VALID, 1, self.name),
                     conv_output_size(self.H_in, 1, sh, VALID, 1, self.name), self.D_out)


@dataclass(frozen=True)
class DepthwiseSeparable(Layer):
    """A depthwise convolution followed by a pointwise one; its counts are the sums of the parts."""

    name = "dw-sep"
    summary = "depthwise separable: depthwise W_F x H_F, then pointwise 1x1"

    D_in: Size = D_in
    D_out: Size = D_out
    W_F: Size = W_F
    H_F: Size = H_F
    W_in: Size = W_in
    H_in: Size = H_in
    stride: Size | tuple = 1
    padding: object = VALID
    dilation: Size | tuple = 1
    depth_multiplier: Size = 1
    bias: bool = True
    K: InitVar[Size | None] = None  # a square kernel: W_F = H_F = K

    @cached_property
    def depthwise(self) -> Depthwise:
        """The depthwise part: one W_F x H_F filter per input channel (a layer)."""
        return Depthwise(self.D_in, self.W_F, self.H_F, self.W_in, self.H_in, self.stride,
                         self.padding, self.dilation, self.depth_multiplier, self.bias)

    @cached_property
    def pointwise(self) -> Pointwise:
        """The pointwise part: a 1x1 convolution on the depthwise output (a layer)."""
        dw = self.depthwise
        w, h = dw._course_out(dw.output_size)
        return Pointwise(dw.D_out, self.D_out, w, h, bias=self.bias)

    @property
    def parts(self) -> tuple[Layer, Layer]:
        """The depthwise and the pointwise layer, in order (two layers)."""
        return self.depthwise, self.pointwise

    @count
    def weights(self):
        """Weights of both parts, no biases (a count of parameters)."""
        return sum((p.weights for p in self.parts), ZERO)

    @count
    def biases(self):
        """Biases of both parts (a count of parameters)."""
        return sum((p.biases for p in self.parts), ZERO)

    @count
    def params(self):
        """Trainable parameters of both parts, weights + biases (a count)."""
        return sum((p.params for p in self.parts), ZERO)

    @count
    def macs(self):
        """Multiply-accumulates of both parts, batch 1 (a count of MACs)."""
        return sum((p.macs for p in self.parts), ZERO)

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        dw = self.depthwise.output_size
        return Shape(dw.width, dw.height, self.D_out)


@dataclass(frozen=True)
class TransposedConv(Conv):
    """The transposed ("fractionally strided") convolution: the gradient of a Conv, as a layer.

    Every input value meets every kernel tap, so the MACs count the input positions:
    ``W_F H_F (D_in/g) D_out W_in H_in``.
    """

    name = "transposed-conv"
    summary = "transposed convolution (upsampling): output grows with the stride"

    output_padding: Size | tuple = 0

    @property
    def positions(self):
        """Positions per channel where the weights are applied (a count of positions)."""
        return self.W_in * self.H_in

    @cached_property
    def output_size(self) -> Shape:
        """Output activation size, width x height x channels (sympy sizes, in values)."""
        (sw, sh), (pw, ph), (dw, dh) = self.stride, self.padding, self.dilation
        (ow, oh) = self.output_padding
        return Shape(transposed_output_size(self.W_in, self.W_F, sw, pw, dw, ow, self.name),
                     transposed_output_size(self.H_in, self.H_F, sh, ph, dh, oh, self.name),
                     self.D_out)

