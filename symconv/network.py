"""Whole networks: layers in order, residual and concatenation blocks, shape propagation, totals.

A :class:`Network` is data: an input (``C`` channels, ``H x W``, numbers or the
symbols ``H`` and ``W``) and a list of nodes. A node is a catalog layer
(:class:`LayerSpec`), a :class:`Sequence`, a :class:`Residual` (a body and an
optional projection shortcut, added) or a :class:`Concat` (branches stacked on
channels), each with ``repeat``. :meth:`Network.analyse` propagates the shape
(each layer's input is the previous output), builds every layer at its real
input size, and sums the counts. Sizes stay symbolic; with ``assume_divisible``
the input is taken to be a multiple of the total stride, so floors vanish.

>>> from symconv.symbols import alpha
>>> net = Network([layer("conv", D_out=32*alpha, K=3, stride=2, padding=1, bias=False),
...                layer("batchnorm"), layer("global-avg-pool"), layer("dense", D_out=10)])
>>> a = net.analyse(assume_divisible=True)
>>> a.total["macs"]
216*H*W*alpha + 320*alpha
>>> a.total["params"]
1248*alpha + 10
>>> net.analyse({"H": 224, "W": 224, "alpha": 1}).total["macs"]
10838336
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Iterable, Union

import sympy

from .errors import InputError
from .layers import Dense, GlobalAvgPool, Shape, TransposedConv, layer_class
from .symbols import SYMBOLS

#: Network-level operations that are not catalog layers (no parameters, no MACs).
NETWORK_OPS = {"flatten": "reshape a W x H x C map into a vector of W H C features"}
#: Names a network's values may set (``H=224 alpha=0.5``).
NETWORK_NAMES = ("C", "H", "W", "alpha")
#: Keys of :attr:`Analysis.total`, with what each one counts.
TOTALS = {
    "params": "every trainable parameter as PyTorch counts them: weights + biases + BN scale and shift",
    "weights": "conv and dense weights only: no biases, no BN",
    "biases": "bias terms",
    "bn_affine": "BatchNorm scale and shift, trainable, included in params",
    "bn_buffers": "BatchNorm running mean and variance, not trainable, not in params",
    "macs": "multiply-accumulates of conv and dense layers, batch 1; pooling and BN count none",
    "flops": "2 x MACs",
}
_MAX_NESTING = 50


@dataclass(frozen=True)
class LayerSpec:
    """A catalog layer (or ``flatten``) with its options; sizes come from the previous layer."""

    type: str
    options: tuple = ()
    name: str | None = None
    repeat: int = 1


@dataclass(frozen=True)
class Sequence:
    """Layers one after another (a named block, or a run to repeat as a whole)."""

    layers: tuple
    name: str | None = None
    repeat: int = 1


@dataclass(frozen=True)
class Residual:
    """``body(x) + shortcut(x)``; no shortcut layers means the identity."""

    body: tuple
    shortcut: tuple = ()
    name: str | None = None
    repeat: int = 1


@dataclass(frozen=True)
class Concat:
    """Branches on the same input whose outputs are stacked on channels (Inception, DenseNet).

    A branch with no layers passes its input through (DenseNet keeps its input this way).
    """

    branches: tuple
    name: str | None = None
    repeat: int = 1


Node = Union[LayerSpec, Sequence, Residual, Concat]


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

    @property
    def params(self) -> sympy.Expr:
        return self.weights + self.biases + self.bn_affine

    @property
    def flops(self) -> sympy.Expr:
        return 2 * self.macs

    def value(self, key: str) -> sympy.Expr:
        return getattr(self, key)


@dataclass(frozen=True)
class Analysis:
    """An analysed network: one :class:`Row` per layer (and per add or concat), and the totals."""

    name: str
    input: Shape
    output: Shape
    rows: tuple
    total: dict
    total_stride: tuple
    divisible: bool
    values: dict = field(default_factory=dict)

    @property
    def exact_polynomial(self) -> bool:
        """No floor or ceiling left in the totals."""
        return not any(e.has(sympy.floor, sympy.ceiling) for e in self.total.values())


def _equal(a, b) -> bool:
    """Do two sizes agree for every valid input? Structurally, by expansion, or at sample points."""
    if a == b:
        return True
    diff = sympy.expand(sympy.Integer(a) - b if isinstance(a, int) else a - b)
    if diff.is_number:
        return diff == 0
    free = sorted(diff.free_symbols, key=str)
    for sample in (224, 225, 97, 512, 31, 1000):
        point = {s: (sample if s.is_integer else sympy.Rational(sample, 256)) for s in free}
        if diff.xreplace(point) != 0:
            return False
    return True


def _shape_text(shape: Shape) -> str:
    return " x ".join(str(v) for v in shape)


class _Walker:
    """Propagates shapes through the nodes and collects the rows."""

    def __init__(self, values: dict):
        self.values = values
        self.rows: list[Row] = []
        self.cache: dict = {}
        self.strides: set = set()

    def subst(self, value):
        if isinstance(value, sympy.Basic):
            return value.xreplace(self.values) if self.values else value
        if isinstance(value, tuple):
            return tuple(self.subst(v) for v in value)
        return value

    def walk(self, nodes: Iterable, shape: Shape, prefix: str, scale, depth: int = 0):
        nodes = list(nodes)
        if depth > _MAX_NESTING:
            raise InputError(f"{prefix or 'the network'}: blocks nest deeper than {_MAX_NESTING} levels")
        for index, node in enumerate(nodes, 1):
            repeat = self.subst(node.repeat)
            if isinstance(repeat, sympy.Basic) and repeat.is_Integer:
                repeat = int(repeat)
            segment = node.name or str(index)
            if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
                raise InputError(f"layer {prefix}{segment}: repeat must be a whole number >= 1, "
                                 f"not {repeat}")
            for k in range(1, repeat + 1):
                label = prefix + segment + (f"#{k}" if repeat > 1 else "")
                shape, scale = self.node(node, shape, label, scale, depth)
        return shape, scale

    def node(self, node, shape: Shape, label: str, scale, depth: int):
        if isinstance(node, LayerSpec):
            return self.leaf(node, shape, label, scale)
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
                if not _equal(a, b):
                    what = "projection shortcut" if node.shortcut else "identity shortcut (input)"
                    raise InputError(
                        f"layer {label} (residual): shape mismatch: the body gives "
                        f"{_shape_text(out)} but the {what} gives {_shape_text(side)} "
                        f"({axis} {a} vs {b}); add a projection shortcut or fix the strides")
            zero = sympy.Integer(0)
            self.rows.append(Row(label + ".add", "add", out, out, zero, zero, zero, zero, zero))
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
                    if not _equal(a, b):
                        raise InputError(
                            f"layer {label} (concat): shape mismatch: branch 1 gives "
                            f"{_shape_text(outs[0])} but branch {j} gives {_shape_text(out)} "
                            f"({axis} {a} vs {b}); branches must agree on width and height")
            out = Shape(outs[0].width, outs[0].height, sympy.Add(*(o.channels for o in outs)))
            zero = sympy.Integer(0)
            self.rows.append(Row(label + ".concat", "concat", shape, out, zero, zero, zero, zero, zero))
            return out, end_scale
        raise InputError(f"layer {label}: not a layer or block: {node!r}")

    @staticmethod
    def _nonempty(items, label: str, what: str) -> None:
        if not items:
            raise InputError(f"layer {label}: {what} needs at least one layer")

    def leaf(self, spec: LayerSpec, shape: Shape, label: str, scale):
        key = (spec.type, spec.options, tuple(shape))
        if key not in self.cache:
            try:
                self.cache[key] = self.build(spec, shape)
            except InputError as error:
                raise InputError(f"layer {label} ({spec.type}): {error}") from None
        built, out = self.cache[key]
        zero = sympy.Integer(0)
        if built is None:  # flatten
            self.rows.append(Row(label, spec.type, shape, out, zero, zero, zero, zero, zero))
            return out, None
        self.rows.append(Row(label, spec.type, shape, out, built.weights, built.biases,
                             built.affine, built.buffers, built.macs))
        if scale is None or isinstance(built, (Dense, GlobalAvgPool)):
            return out, None
        stride = getattr(built, "stride", (sympy.Integer(1), sympy.Integer(1)))
        if all(s.is_Integer for s in stride):
            if isinstance(built, TransposedConv):
                scale = (scale[0] / stride[0], scale[1] / stride[1])
            else:
                scale = (scale[0] * stride[0], scale[1] * stride[1])
            self.strides.add(scale)
        return out, scale

    def build(self, spec: LayerSpec, shape: Shape):
        width, height, channels = shape
        options = {k: self.subst(v) for k, v in spec.options}
        if spec.type in NETWORK_OPS:
            if options:
                raise InputError(f"flatten takes no options, not {', '.join(options)}")
            return None, Shape(sympy.Integer(1), sympy.Integer(1), width * height * channels)
        try:
            cls = layer_class(spec.type)
        except InputError:
            known = ", ".join([*_layer_names(), *NETWORK_OPS])
            raise InputError(f"unknown layer {spec.type!r}; known layers: {known}") from None
        fields = {f.name for f in dataclasses.fields(cls)}
        if "K" in options:
            if "W_F" not in fields:
                raise InputError("has no kernel size (K)")
            side = options.pop("K")
            options.setdefault("W_F", side)
            options.setdefault("H_F", side)
        given = {name: options.pop(name) for name in ("D_in", "W_in", "H_in") if name in options}
        unknown = sorted(set(options) - fields)
        if unknown:
            allowed = sorted(fields - {"D_in", "W_in", "H_in"} | ({"K"} if "W_F" in fields else set()))
            raise InputError(f"unknown option {unknown[0]!r}; {spec.type} takes "
                             f"{', '.join(allowed) or 'no options'}")
        if cls is Dense and not (_equal(width, 1) and _equal(height, 1)):
            raise InputError(f"a dense layer needs a vector but its input is a {_shape_text(shape)} "
                             "feature map; add flatten or global-avg-pool before it")
        actual = {"D_in": channels, "W_in": width, "H_in": height}
        for name, value in given.items():
            if name not in fields:
                raise InputError(f"unknown option {name!r}; its input size comes from the previous layer")
            if not _equal(value, actual[name]):
                raise InputError(f"shape mismatch: {name}={value} is given but the previous "
                                 f"layer's output has {actual[name]}")
        options.update({name: value for name, value in actual.items() if name in fields})
        built = cls(**options)
        return built, built.output_size


def _exact(value, name: str) -> sympy.Expr:
    """A value as an exact sympy number (``0.5`` is ``1/2``)."""
    from fractions import Fraction

    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, sympy.Basic)):
        raise InputError(f"{name} must be a number, not {value!r}")
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Rational(Fraction(str(value)) if isinstance(value, float) else value)


def _layer_names():
    from .layers import REGISTRY

    return list(REGISTRY)


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """A total in a readable normal form: expanded when it is a polynomial."""
    if expr.is_number or expr.has(sympy.floor, sympy.ceiling):
        return expr
    return sympy.expand(expr)


class Network:
    """A network: input ``C x H x W`` and nodes; :meth:`analyse` gives the table and totals."""

    def __init__(self, layers, C=3, H=None, W=None, name: str = "network",
                 description: str = "", assume_divisible: bool = False):
        self.layers = tuple(layers)
        self.C = C
        self.H = SYMBOLS["H"] if H is None else H
        self.W = SYMBOLS["W"] if W is None else W
        self.name, self.description = name, description
        self.assume_divisible = assume_divisible

    def __repr__(self) -> str:
        return f"Network({self.name!r}, {len(self.layers)} nodes)"

    @classmethod
    def from_toml(cls, path) -> "Network":
        """Read a spec file (see :mod:`symconv.spec`)."""
        from .spec import load_spec

        return load_spec(path)

    @classmethod
    def zoo(cls, name: str) -> "Network":
        """A built-in network by name: ``Network.zoo("resnet-50")``."""
        from .spec import load_zoo

        return load_zoo(name)

    def analyse(self, values: dict | None = None, assume_divisible: bool | None = None) -> Analysis:
        """Propagate shapes and count; ``values`` maps ``H``, ``W``, ``C``, ``alpha`` to numbers."""
        if not self.layers:
            raise InputError(f"{self.name}: the network has no layers")
        subs = {}
        for key, value in (values or {}).items():
            symbol = SYMBOLS[key] if isinstance(key, str) and key in NETWORK_NAMES else key
            if not isinstance(symbol, sympy.Symbol) or str(symbol) not in NETWORK_NAMES:
                raise InputError(f"unknown value {key!r}; a network takes {', '.join(NETWORK_NAMES)}")
            subs[symbol] = _exact(value, str(symbol))
        shape = self._input_shape(subs)
        walker = _Walker(subs)
        out, _ = walker.walk(self.layers, shape, "", (sympy.Integer(1), sympy.Integer(1)))
        stride = tuple(sympy.Integer(math.lcm(*[int(s[axis]) for s in walker.strides
                                                 if s[axis].is_Integer] or [1])) for axis in (0, 1))
        divisible = self.assume_divisible if assume_divisible is None else assume_divisible
        rows = walker.rows
        if divisible:
            # Propagate W = S_W w, H = S_H h (the floors of exact divisions vanish), then map back.
            there, back = {}, {}
            for symbol, s in ((shape.width, stride[0]), (shape.height, stride[1])):
                if isinstance(symbol, sympy.Symbol) and s != 1:
                    there[symbol], back[symbol] = s * symbol, symbol / s
            if there:
                walker = _Walker(subs)
                scaled = Shape(*(there.get(v, v) for v in shape))
                out, _ = walker.walk(self.layers, scaled, "", (sympy.Integer(1), sympy.Integer(1)))
                rows = [_map_row(row, back) for row in walker.rows]
                out = _map_shape(out, back)
        total = {key: _tidy(sympy.Add(*(row.value(key) for row in rows)))
                 for key in ("weights", "biases", "bn_affine", "bn_buffers", "macs")}
        total = {"params": _tidy(total["weights"] + total["biases"] + total["bn_affine"]),
                 **total, "flops": _tidy(2 * total["macs"])}
        return Analysis(self.name, shape, out, tuple(rows), total, stride, divisible, subs)

    def _input_shape(self, subs: dict) -> Shape:
        from .shapes import as_size

        sizes = []
        for what, value in (("C", self.C), ("H", self.H), ("W", self.W)):
            try:
                value = as_size(value, what)
                sizes.append(as_size(value.xreplace(subs), what))
            except InputError as error:
                raise InputError(f"{self.name} input: {error}") from None
        return Shape(sizes[2], sizes[1], sizes[0])


def _map_shape(shape: Shape, mapping: dict) -> Shape:
    return Shape(*(v.xreplace(mapping) for v in shape))


def _map_row(row: Row, mapping: dict) -> Row:
    return dataclasses.replace(
        row, input=_map_shape(row.input, mapping), output=_map_shape(row.output, mapping),
        **{k: getattr(row, k).xreplace(mapping)
           for k in ("weights", "biases", "bn_affine", "bn_buffers", "macs")})
