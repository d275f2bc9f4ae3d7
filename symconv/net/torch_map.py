"""The PyTorch operations symconv maps, and the interpreter that gives them symbolic shapes.

Modules are matched by their exact ``torch.nn`` class (as thop and ptflops match
them), functions by identity. Each mapped call becomes a :class:`Row` with its
:class:`~symconv.net.tool_ops.Op`; shape-only calls (``view``, ``size``, ``chunk``,
``getitem``) give values and no row. Counts of conv and dense layers come from the
catalog layers (so the closed forms are symconv's own), parameters from the
module's tensors. torch is passed in, never imported here at module level.
"""

from __future__ import annotations


import sympy

from ..errors import InputError
from ..symbols import as_expr
from ..layers import Conv, Shape, TransposedConv
from .nodes import Row
from .tool_ops import ACTIVATIONS, Op, attrs, numel
from .sizes import tidy_size

ZERO = sympy.Integer(0)
ONE = sympy.Integer(1)

#: torch.nn classes -> row type (activations and cost-free layers).
_ACTIVATION_CLASSES = {cls.split(".")[1]: kind for kind, cls in ACTIVATIONS.items()}
_PASS_CLASSES = {"Dropout": "dropout", "Dropout1d": "dropout", "Dropout2d": "dropout",
                 "AlphaDropout": "dropout", "Identity": "identity", "ChannelShuffle": "channel-shuffle"}
_CONV = {"Conv1d": 1, "Conv2d": 2}
_CONV_T = {"ConvTranspose1d": 1, "ConvTranspose2d": 2}
_NORMS = {"BatchNorm1d": "batchnorm", "BatchNorm2d": "batchnorm", "SyncBatchNorm": "batchnorm",
          "LayerNorm": "layernorm", "GroupNorm": "groupnorm", "InstanceNorm1d": "instancenorm",
          "InstanceNorm2d": "instancenorm"}
def module_class_name(cls) -> str | None:
    """The ``torch.nn`` class a module is counted as: its own, or for a subclass of a norm
    layer defined elsewhere (torchvision's ``LayerNorm2d``, which permutes around
    ``F.layer_norm``) that norm: whatever its forward does, a norm keeps the shape and has
    only its own parameters. Other subclasses are traced into (``Conv2dSame`` pads in its
    forward: counting it as a plain ``Conv2d`` would be wrong)."""
    if cls.__module__.startswith("torch.nn"):
        return cls.__name__
    for base in cls.__mro__[1:]:
        if base.__module__.startswith("torch.nn") and base.__name__ in _NORMS:
            return base.__name__
    return None


_POOLS = {"MaxPool1d": "max-pool", "MaxPool2d": "max-pool", "AvgPool1d": "avg-pool",
          "AvgPool2d": "avg-pool"}
_ADAPTIVE = {"AdaptiveAvgPool1d": "adaptive-avg-pool", "AdaptiveAvgPool2d": "adaptive-avg-pool",
             "AdaptiveMaxPool1d": "adaptive-max-pool", "AdaptiveMaxPool2d": "adaptive-max-pool"}
_UPSAMPLE = {"Upsample": None, "UpsamplingNearest2d": "nearest", "UpsamplingBilinear2d": "bilinear"}


class Tensor:
    """A traced tensor: its shape (batch first) and its total stride (None after a global op)."""

    __slots__ = ("shape", "scale")

    def __init__(self, shape, scale=None):
        self.shape = tuple(tidy_size(as_expr(v)) for v in shape)
        self.scale = scale


def sizes_equal(a, b) -> bool:
    """Do two sizes agree (numbers, or the same expression after expansion)?"""
    return sympy.expand(as_expr(a) - as_expr(b)) == 0


def _pair(v, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(v) if len(v) == n else tuple(v) * n
    return (v,) * n


def _shape(t: Tensor) -> Shape:
    """A symconv Shape (W x H x C) of a tensor; a vector is 1 x 1 x features."""
    s = t.shape
    if len(s) == 4:
        return Shape(s[3], s[2], s[1])
    if len(s) == 3:
        return Shape(s[2], ONE, s[1])
    return Shape(ONE, ONE, numel(s[1:]))


def _window(n, k, s, p, d, ceil_mode: bool, what: str):
    """PyTorch's pooling output size, ``ceil_mode`` included (the last window must start
    inside the input or its left padding)."""
    n, k, s, p, d = (as_expr(v) for v in (n, k, s, p, d))
    span = n + 2 * p - d * (k - 1) - 1
    if span.is_number and span < 0:
        raise InputError(f"{what}: the window ({k}) is larger than the padded input ({n + 2 * p})")
    if not ceil_mode:
        return sympy.floor(span / s) + 1
    out = sympy.ceiling(span / s) + 1
    last = (out - 1) * s - (n + p)   # >= 0: the last window starts in the right padding
    if last.is_number:
        return out - 1 if last >= 0 else out
    if p == 0 and (k - s).is_nonnegative:
        return out
    raise InputError(f"{what}: ceil_mode with a symbolic size needs padding 0 and a window "
                     "no smaller than the stride; give H and W as numbers")


class Interpreter:
    """Runs a traced graph on symbolic shapes and collects rows."""

    def __init__(self, model, functions: dict, methods: dict, strict: bool = True):
        self.model, self.strict = model, strict
        self.functions, self.methods = functions, methods
        self.modules = dict(model.named_modules())
        self.rows: list[Row] = []
        self.unmapped: list[str] = []
        self.strides: set = set()
        self.seen_params: set = set()
        self.labels: dict = {}
        self.output = None
        total = {id(p): p.numel() for p in model.parameters()}
        self._all_params = total
        self.unused_params = 0

    # --- the walk -----------------------------------------------------------
    def run(self, nodes, input_shape: tuple) -> None:
        env = {}
        placeholders = [n for n in nodes if n.op == "placeholder"]
        if len(placeholders) != 1:
            raise InputError(f"the model's forward takes {len(placeholders)} inputs; "
                             "from_torch handles one input tensor")

        def value(a):
            if hasattr(a, "op") and hasattr(a, "target"):
                return env[a]
            if isinstance(a, (list, tuple)):
                return type(a)(value(x) for x in a)
            if isinstance(a, dict):
                return {k: value(v) for k, v in a.items()}
            return a

        for node in nodes:
            if node.op == "placeholder":
                env[node] = Tensor(input_shape, (ONE, ONE))
            elif node.op == "output":
                self.output = _shape(_first_tensor(value(node.args[0])))
            elif node.op == "get_attr" and node.target is None:   # a constant made in forward
                env[node] = Tensor(node.shape)
            elif node.op == "get_attr":
                obj = self._attr(node.target)
                env[node] = Tensor(tuple(obj.shape)) if hasattr(obj, "shape") else obj
                self.direct_parameter(node.target, obj)
            else:
                args, kwargs = value(tuple(node.args)), value(dict(node.kwargs))
                env[node] = self.call(node, args, kwargs)
        self.unused_params = sum(n for i, n in self._all_params.items() if i not in self.seen_params)
        self.unused = {}   # the model's parts whose parameters this forward never used
        for name, p in self.model.named_parameters():
            if id(p) not in self.seen_params:
                part = name.split(".")[0]
                self.unused[part] = self.unused.get(part, 0) + p.numel()
        if self.unmapped and self.strict:
            shown = "; ".join(self.unmapped[:8]) + ("; ..." if len(self.unmapped) > 8 else "")
            raise InputError(f"{len(self.unmapped)} operation(s) symconv cannot map: {shown} "
                             "(strict=False lists them and goes on)")

    def direct_parameter(self, target: str, obj) -> None:
        """A parameter forward uses itself, outside a layer (ConvNeXt's ``layer_scale``, a
        ViT's class token): counted once, in a row of its own, as weights (as PReLU's
        slopes are), so that the total is every parameter forward touches."""
        if id(obj) not in self._all_params or id(obj) in self.seen_params:
            return   # a buffer or a constant, or a parameter already counted
        self.seen_params.add(id(obj))
        n = self._all_params[id(obj)]
        vector = Tensor((ONE, sympy.Integer(n)))   # n values, shown as a vector
        self.row(self._label(target), "parameter", vector, vector,
                 Op("parameter", "get_attr", target, (vector.shape,), vector.shape,
                    attrs(params=n)), weights=n)

    def _attr(self, target: str):
        obj = self.model
        for part in target.split("."):
            obj = getattr(obj, part)
        return obj

    def call(self, node, args, kwargs):
        if node.op == "call_module":
            module = self.modules[node.target]
            cls = type(module)
            name = module_class_name(cls)
            handler = _MODULES.get(name)
            label = self._label(node.target)
            if handler is None:
                return self.unknown(label, f"{cls.__module__}.{cls.__name__}", args)
            return handler(self, module, label, f"nn.{name}", *args, **kwargs)
        scope = _scope(node)
        if node.op == "call_method":
            entry = self.methods.get(node.target)
            label = self._label(f"{scope}{node.target}")
            if entry is None:
                return self.unknown(label, f"Tensor.{node.target}", args)
            return entry(self, label, "method", f"Tensor.{node.target}", *args, **kwargs)
        entry = self.functions.get(node.target)
        name = getattr(node.target, "__name__", str(node.target))
        label = self._label(f"{scope}{name}")
        if entry is None:
            return self.unknown(label, f"{getattr(node.target, '__module__', '')}.{name}", args)
        handler, via, target = entry
        return handler(self, label, via, target, *args, **kwargs)

    def _label(self, base: str) -> str:
        count = self.labels.get(base, 0) + 1
        self.labels[base] = count
        return base if count == 1 else f"{base}#{count}"

    def unknown(self, label: str, what: str, args):
        tensors = [a for a in args if isinstance(a, Tensor)]
        self.unmapped.append(f"{label} ({what})")
        if not tensors:
            raise InputError(f"{label} ({what}): symconv cannot map it, and its result is not a "
                             "tensor it could pass on")
        self.row(label, "unmapped", tensors[0], tensors[0],
                 Op("unmapped", "module", what, (tensors[0].shape,), tensors[0].shape))
        return Tensor(tensors[0].shape, tensors[0].scale)

    # --- rows -----------------------------------------------------------------
    def params(self, module) -> tuple:
        """(weights, biases, other parameters, buffers) of a module's own tensors, each
        tensor counted the first time it is seen."""
        counts = {"weight": ZERO, "bias": ZERO, "other": ZERO}
        for pname, p in module.named_parameters(recurse=False):
            if id(p) in self.seen_params:
                continue
            self.seen_params.add(id(p))
            key = pname if pname in ("weight", "bias") else "other"
            counts[key] += p.numel()
        return counts["weight"], counts["bias"], counts["other"]

    def row(self, label, kind, src: Tensor, out: Tensor, op: Op, weights=ZERO, biases=ZERO,
            affine=ZERO, buffers=ZERO, macs=ZERO, layer=None):
        self.rows.append(Row(label, kind, _shape(src), _shape(out), sympy.Integer(weights),
                             sympy.Integer(biases), sympy.Integer(affine), sympy.Integer(buffers),
                             sympy.Integer(int(macs)) if isinstance(macs, int) else tidy_size(macs),
                             layer=layer, op=op))

    def scaled(self, src: Tensor, factor) -> tuple | None:
        if src.scale is None or factor is None:
            return None
        scale = (src.scale[0] * factor[0], src.scale[1] * factor[1])
        if all(as_expr(s).is_Integer for s in scale):
            self.strides.add(scale)
        return scale


def _scope(node) -> str:
    stack = node.meta.get("nn_module_stack") if hasattr(node, "meta") else None
    if stack:
        path = list(stack.values())[-1][0]
        return f"{path}." if path else ""
    return ""


def _first_tensor(v):
    if isinstance(v, Tensor):
        return v
    if isinstance(v, (list, tuple)):
        for x in v:
            t = _first_tensor(x)
            if t is not None:
                return t
    if isinstance(v, dict):
        return _first_tensor(list(v.values()))
    return None


# --- module handlers ------------------------------------------------------------

def _conv(it: Interpreter, m, label, target, x: Tensor, *rest, **kw):
    name = target.split(".")[1]
    dims = _CONV.get(name) or _CONV_T[name]
    transposed = name in _CONV_T
    if len(x.shape) != dims + 2:
        raise InputError(f"{label} ({target}): expects a {dims + 2}-D input, not {len(x.shape)}-D")
    n, c = x.shape[0], x.shape[1]
    if not sizes_equal(c, m.in_channels):
        raise InputError(f"{label} ({target}): expects {m.in_channels} input channels, gets {c}")
    k, s, d = (_pair(getattr(m, a), dims) for a in ("kernel_size", "stride", "dilation"))
    pad = m.padding if isinstance(m.padding, str) else _pair(m.padding, dims)
    spatial = x.shape[2:]
    if dims == 1:
        k, s, d, spatial = (k[0], 1), (s[0], 1), (d[0], 1), (spatial[0], ONE)
        pad = pad if isinstance(pad, str) else (pad[0], 0)
    else:  # torch orders (height, width); the catalog (width, height)
        k, s, d, spatial = k[::-1], s[::-1], d[::-1], spatial[::-1]
        pad = pad if isinstance(pad, str) else pad[::-1]
    options = dict(D_in=c, D_out=m.out_channels, W_F=k[0], H_F=k[1], W_in=spatial[0],
                   H_in=spatial[1], stride=s, padding=pad, dilation=d, groups=m.groups,
                   bias=m.bias is not None)
    try:
        if transposed:
            op_pad = _pair(m.output_padding, dims)
            op_pad = (op_pad[0], 0) if dims == 1 else op_pad[::-1]
            layer = TransposedConv(**options, output_padding=op_pad)
        else:
            layer = Conv(**options)
    except InputError as error:
        raise InputError(f"{label} ({target}): {error}") from None
    out_shape = layer.output_size
    out_spatial = (out_shape.width,) if dims == 1 else (out_shape.height, out_shape.width)
    factor = (sympy.Integer(1) / s[0], sympy.Integer(1) / s[1]) if transposed else s
    out = Tensor((n, m.out_channels, *out_spatial), it.scaled(x, factor))
    weights, biases, other = it.params(m)
    kind = "transposed-conv" if transposed else (
        "depthwise" if m.groups == c and m.groups > 1 else "grouped" if m.groups > 1 else "conv")
    torch_pad = m.padding if isinstance(m.padding, str) else _pair(m.padding, dims)
    op = Op("conv-transpose" if transposed else "conv", "module", target, (x.shape,), out.shape,
            attrs(in_channels=c, out_channels=m.out_channels, kernel=_pair(m.kernel_size, dims),
                  stride=_pair(m.stride, dims), padding=torch_pad, dilation=_pair(m.dilation, dims),
                  groups=m.groups, bias=m.bias is not None, transposed=transposed,
                  output_padding=_pair(getattr(m, "output_padding", 0), dims)))
    it.row(label, kind, x, out, op, weights + other, biases, macs=layer.macs, layer=layer)
    return out


def _linear(it: Interpreter, m, label, target, x: Tensor, *rest, **kw):
    if not sizes_equal(x.shape[-1], m.in_features):
        raise InputError(f"{label} ({target}): expects {m.in_features} input features, gets "
                         f"{x.shape[-1]}; the model may only work at one input size, give H and W")
    out = Tensor((*x.shape[:-1], m.out_features))
    weights, biases, other = it.params(m)
    positions = numel(x.shape[1:-1])
    op = Op("linear", "module", target, (x.shape,), out.shape,
            attrs(in_features=m.in_features, out_features=m.out_features, bias=m.bias is not None))
    it.row(label, "dense", x, out, op, weights + other, biases,
           macs=m.in_features * m.out_features * positions)
    return out


def _norm(it: Interpreter, m, label, target, x: Tensor, *rest, **kw):
    kind = _NORMS[target.split(".")[1]]
    weights, biases, other = it.params(m)
    buffers = sum(getattr(m, b).numel() for b in ("running_mean", "running_var")
                  if getattr(m, b, None) is not None)
    affine = bool(getattr(m, "affine", getattr(m, "elementwise_affine", False)))
    batch_stats = bool(m.training or not getattr(m, "track_running_stats", True)) \
        if kind in ("batchnorm", "instancenorm") else True
    own = sum(p.numel() for p in m.parameters(recurse=False))
    op = Op(kind, "module", target, (x.shape,), x.shape,
            attrs(affine=affine, batch_stats=batch_stats, params=own))
    out = Tensor(x.shape, x.scale)
    it.row(label, kind, x, out, op, affine=weights + biases + other, buffers=buffers)
    return out


def _elementwise(kind):
    def handler(it: Interpreter, m, label, target, x: Tensor, *rest, **kw):
        weights, biases, other = it.params(m)   # PReLU's slopes
        out = Tensor(x.shape, x.scale)
        own = sum(p.numel() for p in m.parameters(recurse=False))
        it.row(label, kind, x, out, Op(kind, "module", target, (x.shape,), x.shape,
                                       attrs(params=own)), weights + biases + other)
        return out
    return handler


def _flatten_module(it, m, label, target, x: Tensor, *rest, **kw):
    return flatten(it, label, "module", target, x, m.start_dim, m.end_dim)


def flatten(it, label, via, target, x: Tensor, start_dim=0, end_dim=-1):
    rank = len(x.shape)
    start, end = start_dim % rank, end_dim % rank
    shape = (*x.shape[:start], numel(x.shape[start:end + 1]), *x.shape[end + 1:])
    out = Tensor(shape)
    it.row(label, "flatten", x, out, Op("flatten", via, target, (x.shape,), shape))
    return out


def _pool(it: Interpreter, m, label, target, x: Tensor, *rest, **kw):
    kind = _POOLS[target.split(".")[1]]
    dims = len(x.shape) - 2
    stride = m.stride if m.stride not in (None, ()) else m.kernel_size
    dilation = getattr(m, "dilation", 1)
    return pool_out(it, label, "module", target, kind, x, m.kernel_size, stride, m.padding,
                     dilation, m.ceil_mode, dims)


def pool_out(it, label, via, target, kind, x: Tensor, k, s, p, d, ceil_mode, dims):
    k, s, p, d = (_pair(v, dims) for v in (k, s if s not in (None, ()) else k, p, d))
    spatial = tuple(_window(n, kk, ss, pp, dd, bool(ceil_mode), f"{label} ({target})")
                    for n, kk, ss, pp, dd in zip(x.shape[2:], k, s, p, d))
    factor = (s[-1], s[-2] if dims == 2 else ONE)
    out = Tensor((*x.shape[:2], *spatial), it.scaled(x, tuple(sympy.Integer(v) for v in factor)))
    it.row(label, kind, x, out, Op(kind, via, target, (x.shape,), out.shape,
                                   attrs(kernel=k, stride=s, padding=p, ceil_mode=bool(ceil_mode))))
    return out


def _adaptive_module(it, m, label, target, x: Tensor, *rest, **kw):
    kind = _ADAPTIVE[target.split(".")[1]]
    return adaptive(it, label, "module", target, kind, x, m.output_size)


def adaptive(it, label, via, target, kind, x: Tensor, size):
    dims = len(x.shape) - 2
    size = _pair(size, dims)
    spatial = tuple(n if want is None else sympy.Integer(want) for n, want in zip(x.shape[2:], size))
    out = Tensor((*x.shape[:2], *spatial))
    row_kind = "global-avg-pool" if kind == "adaptive-avg-pool" and all(v == 1 for v in spatial) \
        else kind
    it.row(label, row_kind, x, out, Op(kind, via, target, (x.shape,), out.shape,
                                       attrs(output_size=spatial)))
    return out


def _upsample_module(it, m, label, target, x: Tensor, *rest, **kw):
    mode = _UPSAMPLE[target.split(".")[1]] or m.mode
    return upsample(it, label, "module", target, x, m.size, m.scale_factor, mode)


def upsample(it, label, via, target, x: Tensor, size=None, scale_factor=None, mode="nearest",
              *rest, **kw):
    dims = len(x.shape) - 2
    if size is not None:
        spatial = tuple(sympy.Integer(v) for v in _pair(size, dims))
        factor = None
    elif scale_factor is not None:
        factors = _pair(scale_factor, dims)
        spatial = tuple(sympy.floor(n * sympy.nsimplify(f)) for n, f in zip(x.shape[2:], factors))
        factor = tuple(1 / sympy.nsimplify(f) for f in factors[::-1]) if dims == 2 else None
    else:
        raise InputError(f"{label} ({target}): needs size or scale_factor")
    out = Tensor((*x.shape[:2], *spatial), it.scaled(x, factor) if factor else None)
    it.row(label, "upsample", x, out, Op("upsample", via, target, (x.shape,), out.shape,
                                         attrs(mode=mode, size=size, scale_factor=scale_factor)))
    return out


_MODULES = {
    **{name: _conv for name in (*_CONV, *_CONV_T)},
    "Linear": _linear,
    **{name: _norm for name in _NORMS},
    **{name: _elementwise(kind) for name, kind in _ACTIVATION_CLASSES.items()},
    **{name: _elementwise(kind) for name, kind in _PASS_CLASSES.items()},
    "Flatten": _flatten_module,
    **{name: _pool for name in _POOLS},
    **{name: _adaptive_module for name in _ADAPTIVE},
    **{name: _upsample_module for name in _UPSAMPLE},
}
