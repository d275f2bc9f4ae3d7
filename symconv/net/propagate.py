"""Shape propagation: each layer's input is the previous output; blocks check their shapes.

The walk is a loop over each list of nodes (a 10,000-layer network is data, not
recursion); only nesting (a residual's body, a concat's branches) recurses, to a
limited depth. Every layer is built at its real input size, so its counts use
the computed output size; identical layers on identical inputs are built once.

>>> from symconv.net.nodes import layer
>>> from symconv.layers import Shape
>>> w = Walker({})
>>> out, _ = w.walk([layer("conv", D_out=8, K=3, stride=2)], Shape(9, 9, 3), "", (1, 1))
>>> tuple(out), w.rows[0].macs
((4, 4, 8), 3456)
"""

from __future__ import annotations

import dataclasses
import functools
from fractions import Fraction
from typing import Iterable

import sympy

from ..counts import Count
from ..errors import InputError
from ..limits import MAX_DISTINCT_LAYERS, MAX_LAYERS, MAX_TOTAL_STRIDE, check_count
from ..layers import REGISTRY, Dense, GlobalAvgPool, Shape, TransposedConv, layer_class
from ..shapes import whole
from ..symbols import SYMBOLS, D_in
from .nodes import MAX_NESTING, NETWORK_OPS, Concat, Head, LayerSpec, Multiply, Residual, Row, Sequence
from .ops import apply_op
from .sizes import equal, shape_text, tidy_size, unproven


def _located(error: InputError, source: str, line) -> InputError:
    """The error with ``SOURCE:LINE:`` in front, once (the innermost node that knows its line)."""
    if line is None or getattr(error, "located", False):
        return error
    located = InputError(f"{source + ':' if source else 'line '}{line}: {error}")
    located.located = True
    return located


class Walker:
    """Propagates shapes through the nodes and collects the rows."""

    def __init__(self, values: dict, source: str = "", whole_widths: bool = False,
                 include_heads: bool = False):
        self.values = dict(values)
        self.rows: list[Row] = []
        self.cache: dict = {}
        self.strides: set = set()
        self.source = source
        self.whole_widths = whole_widths
        self.head: str | None = None
        self.include_heads = include_heads
        self.failed_heads: dict = {}

    def subst(self, value):
        if isinstance(value, sympy.Basic):
            if self.values and not value.is_Number:
                value = value.xreplace(self.values)
            return _unround(value) if self.whole_widths else value
        if isinstance(value, tuple):
            return tuple(self.subst(v) for v in value)
        return value

    def walk(self, nodes: Iterable, shape: Shape, prefix: str, scale, depth: int = 0):
        nodes = list(nodes)
        if depth > MAX_NESTING:
            where = prefix if len(prefix) < 40 else prefix[:37] + "..."
            raise InputError(f"layer {where}: blocks nest deeper than {MAX_NESTING} levels")
        for index, node in enumerate(nodes, 1):
            repeat = node.repeat if type(node.repeat) is int else self.subst(node.repeat)
            if isinstance(repeat, sympy.Basic) and repeat.is_Integer:
                repeat = int(repeat)
            segment = node.name or str(index)
            # a count computed from the network's parameters may be 0 (a stage that a smaller
            # depth multiplier leaves out); one written as a number is at least 1
            least = 0 if isinstance(node.repeat, sympy.Basic) and node.repeat.free_symbols else 1
            if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < least:
                raise InputError(f"layer {prefix}{segment}: repeat must be a whole number >= 1, "
                                 f"not {repeat}")
            for k in range(1, repeat + 1):
                check_count(len(self.rows), MAX_LAYERS, "layers (repeats unrolled)")
                label = prefix + segment + (f"#{k}" if repeat > 1 else "")
                try:
                    shape, scale = self.bound(node, shape, label, scale, depth)
                except InputError as error:
                    raise _located(error, self.source, node.line) from None
        return shape, scale

    def bound(self, node, shape: Shape, label: str, scale, depth: int):
        """Walk ``node`` with its ``binds`` symbol (the block's input channels) set."""
        symbol = getattr(node, "binds", None)
        if symbol is None:
            return self.node(node, shape, label, scale, depth)
        saved = self.values.get(symbol)
        self.values[symbol] = shape.channels
        try:
            return self.node(node, shape, label, scale, depth)
        finally:
            if saved is None:
                del self.values[symbol]
            else:
                self.values[symbol] = saved

    def zero_row(self, label: str, kind: str, inp: Shape, out: Shape) -> None:
        zero = sympy.Integer(0)
        self.rows.append(Row(label, kind, inp, out, zero, zero, zero, zero, zero, self.head))

    def node(self, node, shape: Shape, label: str, scale, depth: int):
        if isinstance(node, LayerSpec):
            return self.leaf(node, shape, label, scale)
        if isinstance(node, Multiply):
            self._nonempty(node.body, label, "a multiply body")
            gate, _ = self.walk(node.body, shape, label + ".", scale, depth + 1)
            for axis, a, b in zip(("width", "height"), gate, shape):
                if not (equal(a, 1) or equal(a, b)):
                    raise InputError(
                        f"layer {label} (multiply): the body gives {shape_text(gate)}, which "
                        f"cannot multiply the input {shape_text(shape)} ({axis} {a} is neither "
                        f"1 nor {b})")
            if not equal(gate.channels, shape.channels):
                raise InputError(
                    f"layer {label} (multiply): the body gives {gate.channels} channels but the "
                    f"input has {shape.channels}; the gate needs one value per channel")
            self.zero_row(label + ".mul", "mul", shape, shape)
            return shape, scale
        if isinstance(node, Head):
            self._nonempty(node.layers, label, "a head")
            outer, start, strides = self.head, len(self.rows), set(self.strides)
            self.head = self.head or label
            try:
                self.walk(node.layers, shape, label + ".", scale, depth + 1)
            except InputError as error:
                if self.include_heads or outer is not None:
                    raise
                # A head that does not fit this input (a 5x5 kernel on a 3x3 map) is left out,
                # as in PyTorch's eval mode, where side heads do not run; the analysis says so.
                del self.rows[start:]
                self.failed_heads[label] = str(error)
            finally:
                self.head = outer
                self.strides = strides  # the network's total stride is its main path's
            return shape, scale
        if isinstance(node, Sequence):
            self._nonempty(node.layers, label, "a block")
            return self.walk(node.layers, shape, label + ".", scale, depth + 1)
        if isinstance(node, Residual):
            self._nonempty(node.body, label, "a residual body")
            out, out_scale = self.walk(node.body, shape, label + ".", scale, depth + 1)
            side = shape
            if node.shortcut:
                side, _ = self.walk(node.shortcut, shape, label + ".s", scale, depth + 1)
            for axis, a, b in zip(("width", "height", "channels"), out, side):
                if not equal(a, b):
                    what = "projection shortcut" if node.shortcut else "identity shortcut (input)"
                    raise InputError(
                        f"layer {label} (residual): shape mismatch: the body gives "
                        f"{shape_text(out)} but the {what} gives {shape_text(side)} "
                        f"({axis} {a} vs {b}); add a projection shortcut or fix the strides"
                        f"{unproven(a, b)}")
            self.zero_row(label + ".add", "add", out, out)
            return out, out_scale
        if isinstance(node, Concat):
            self._nonempty(node.branches, label, "a concatenation")
            outs, end_scale = [], scale
            for j, branch in enumerate(node.branches, 1):
                if branch:
                    out, s = self.walk(branch, shape, f"{label}.b{j}.", scale, depth + 1)
                else:
                    out, s = shape, scale
                end_scale = s if j == 1 else end_scale
                outs.append(out)
            for j, out in enumerate(outs[1:], 2):
                for axis, a, b in zip(("width", "height"), outs[0], out):
                    if not equal(a, b):
                        raise InputError(
                            f"layer {label} (concat): shape mismatch: branch 1 gives "
                            f"{shape_text(outs[0])} but branch {j} gives {shape_text(out)} "
                            f"({axis} {a} vs {b}); branches must agree on width and height"
                            f"{unproven(a, b)}")
            out = Shape(outs[0].width, outs[0].height, sympy.Add(*(o.channels for o in outs)))
            self.zero_row(label + ".concat", "concat", shape, out)
            return out, end_scale
        raise InputError(f"layer {label}: not a layer or block: {node!r}")

    @staticmethod
    def _nonempty(items, label: str, what: str) -> None:
        if not items:
            raise InputError(f"layer {label}: {what} needs at least one layer")

    def leaf(self, spec: LayerSpec, shape: Shape, label: str, scale):
        self.values[D_in] = shape.channels  # a layer's options may name its input channels
        try:
            options = tuple((k, self.subst(v)) for k, v in spec.options)
        finally:
            del self.values[D_in]
        key = (spec.type, options, tuple(shape))
        if key not in self.cache:
            check_count(len(self.cache) + 1, MAX_DISTINCT_LAYERS,
                        "distinct layers (type, options and input shape)")
            try:
                built, out, params = self.build(spec.type, dict(options), shape)
            except InputError as error:
                raise InputError(f"layer {label} ({spec.type}): {error}") from None
            zero = sympy.Integer(0)
            counts = (params, zero, zero, zero, zero) if built is None else (
                built.weights, built.biases, built.affine, built.buffers, built.macs)
            if self.whole_widths:
                out = Shape(out.width, out.height, _unround(out.channels))
            self.cache[key] = (built, _tidy_shape(out), tuple(map(_tidy_count, counts)))
        built, out, counts = self.cache[key]
        self.rows.append(Row(label, spec.type, shape, out, *counts, self.head,
                             layer=built))
        if built is None:  # a network operation
            if spec.type in ("flatten", "adaptive-avg-pool", "adaptive-max-pool"):
                return out, None
            return out, scale
        if scale is None or isinstance(built, (Dense, GlobalAvgPool)):
            return out, None
        stride = [whole(s) for s in getattr(built, "stride", (1, 1))]
        if None not in stride:  # the scale is Python numbers: sympy compares numbers slowly
            if isinstance(built, TransposedConv):
                scale = (_ratio(scale[0], stride[0]), _ratio(scale[1], stride[1]))
            else:
                scale = (scale[0] * stride[0], scale[1] * stride[1])
            if max(scale) > MAX_TOTAL_STRIDE:
                raise InputError(f"layer {label} ({spec.type}): the total stride reaches "
                                 f"{max(scale)}, more than the limit of {MAX_TOTAL_STRIDE:,}")
            self.strides.add(scale)
        return out, scale

    def build(self, kind: str, options: dict, shape: Shape):
        """``(built layer or None, output shape, params of a network operation)``."""
        width, height, channels = shape
        if kind in NETWORK_OPS:
            out, params = apply_op(kind, options, shape)
            return None, out, params
        try:
            cls = layer_class(kind)
        except InputError:
            from ..suggest import did_you_mean

            names = [*_layer_names(), *NETWORK_OPS]
            hint = did_you_mean(kind, names)
            raise InputError(f"unknown layer {kind!r}; {hint + ' ' if hint else ''}"
                             f"known layers: {', '.join(names)}") from None
        fields = _fields(cls)
        if "K" in options:
            if "W_F" not in fields:
                raise InputError("has no kernel size (K)")
            side = options.pop("K")
            kernel = side if isinstance(side, tuple) else (side, side)  # K = [W_F, H_F]
            options.setdefault("W_F", kernel[0])
            options.setdefault("H_F", kernel[1])
        given = {name: options.pop(name) for name in ("D_in", "W_in", "H_in") if name in options}
        unknown = sorted(options.keys() - fields)
        if unknown:
            allowed = sorted(fields - {"D_in", "W_in", "H_in"} | ({"K"} if "W_F" in fields else set()))
            raise InputError(f"unknown option {unknown[0]!r}; {kind} takes "
                             f"{', '.join(allowed) or 'no options'}")
        if cls is Dense and not (equal(width, 1) and equal(height, 1)):
            raise InputError(f"a dense layer needs a vector but its input is a {shape_text(shape)} "
                             "feature map; add flatten or global-avg-pool before it")
        actual = {"D_in": channels, "W_in": width, "H_in": height}
        for name, value in given.items():
            if isinstance(value, bool) or not isinstance(value, (int, sympy.Basic)):
                raise InputError(f"{name} must be a whole number or an expression, not {value!r}")
            if name not in fields:
                raise InputError(f"unknown option {name!r}; its input size comes from the previous layer")
            if not equal(value, actual[name]):
                raise InputError(f"shape mismatch: {name}={value} is given but the previous "
                                 f"layer's output has {actual[name]}")
        options.update({name: value for name, value in actual.items() if name in fields})
        built = cls(**options)
        return built, built.output_size, None


def _tidy_count(value):
    return value if type(value) is Count else tidy_size(value)   # a number is tidy


def _tidy_shape(shape: Shape) -> Shape:
    if type(shape.width) is Count and type(shape.height) is Count and type(shape.channels) is Count:
        return shape
    return Shape(*(tidy_size(v) for v in shape))


def _ratio(a, b):
    """``a / b`` exactly: an int when it is whole, else a ``Fraction``."""
    q = Fraction(a, b)
    return q.numerator if q.denominator == 1 else q


def count_rows(nodes, depth: int = 0) -> int:
    """How many rows the nodes unroll to (repeats multiplied out), without building anything."""
    if depth > MAX_NESTING:
        raise InputError(f"blocks nest deeper than {MAX_NESTING} levels")
    total = 0
    for node in nodes:
        repeat = node.repeat if isinstance(node.repeat, int) else 1
        if isinstance(node, LayerSpec):
            inner = 1
        elif isinstance(node, Sequence):
            inner = count_rows(node.layers, depth + 1)
        elif isinstance(node, Residual):
            inner = count_rows(node.body, depth + 1) + count_rows(node.shortcut, depth + 1) + 1
        elif isinstance(node, Concat):
            inner = sum(count_rows(b, depth + 1) for b in node.branches) + 1
        elif isinstance(node, Multiply):
            inner = count_rows(node.body, depth + 1) + 1
        elif isinstance(node, Head):
            inner = count_rows(node.layers, depth + 1)
        else:
            inner = 1
        total += repeat * inner
        check_count(total, MAX_LAYERS, "layers (repeats unrolled)")
    return total


def _unround(expr):
    """With ``assume_divisible``: every width is whole, so the rounding of a width vanishes
    (``floor(24*alpha) = 24*alpha``, ``make_divisible(32*alpha, 8, 8) = 32*alpha``)."""
    from .rounding import make_divisible, round_half_even

    if not expr.has(sympy.floor, sympy.ceiling, make_divisible, round_half_even):
        return expr
    return expr.replace(
        lambda x: isinstance(x, (sympy.floor, sympy.ceiling, make_divisible, round_half_even))
        and x.args[0].free_symbols and x.args[0].free_symbols <= {SYMBOLS["alpha"]},
        lambda x: x.args[0])


@functools.lru_cache(maxsize=None)
def _fields(cls) -> frozenset:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _layer_names():
    return list(REGISTRY)
