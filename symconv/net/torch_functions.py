"""Functions and tensor methods that a traced PyTorch forward calls, mapped for symconv.

Each handler takes the interpreter, a row label, how the call was made (``via``:
``function`` for ``F.*``, ``torch`` for ``torch.*``, ``method``, ``operator``) and
the call's arguments, with tensors as :class:`~symconv.net.torch_map.Tensor`.
Shape-only calls return values and add no row. The tables are built from the
torch module the caller passes in (this module never imports torch).
"""

from __future__ import annotations

import operator

import sympy

from ..errors import InputError
from ..symbols import as_expr
from .tool_ops import Op, attrs, numel
from .torch_indexing import METHODS as INDEXING_METHODS, indexing_functions, same_shape
from .torch_map import ONE, SizeDependent, Tensor, adaptive, flatten, pool_out, upsample
from .torch_products import METHODS as PRODUCT_METHODS, product_functions


def _is_number(v) -> bool:
    return isinstance(v, (int, sympy.Basic)) and not isinstance(v, bool)


def _broadcast(a: tuple, b: tuple) -> tuple:
    rank = max(len(a), len(b))
    a, b = (ONE,) * (rank - len(a)) + tuple(a), (ONE,) * (rank - len(b)) + tuple(b)
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def _binary(kind, arithmetic):
    def handler(it, label, via, target, a, b=None, *rest, **kw):
        if b is None:
            b = kw.get("other")
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            if _is_number(a) and _is_number(b):   # sizes: x.size(1) // groups
                return arithmetic(as_expr(a), as_expr(b))
            raise InputError(f"{label} ({target}): cannot map {type(a).__name__} and "
                             f"{type(b).__name__}")
        shapes = [t.shape for t in (a, b) if isinstance(t, Tensor)]
        shape = shapes[0] if len(shapes) == 1 else _broadcast(*shapes)
        first = a if isinstance(a, Tensor) else b
        out = Tensor(shape, first.scale if shape == first.shape else None)
        it.row(label, kind, first, out, Op(kind, via, target, tuple(shapes), shape))
        return out
    return handler


def _cat(it, label, via, target, tensors, dim=0, *rest, **kw):
    tensors = list(tensors)
    rank = len(tensors[0].shape)
    dim = kw.get("dim", dim) % rank
    shape = list(tensors[0].shape)
    shape[dim] = sympy.Add(*(t.shape[dim] for t in tensors))
    out = Tensor(shape, tensors[0].scale)
    it.row(label, "concat", tensors[0], out,
           Op("concat", via, target, tuple(t.shape for t in tensors), out.shape))
    return out


def _flatten(it, label, via, target, x, start_dim=0, end_dim=-1, **kw):
    return flatten(it, label, via, target, x, kw.get("start_dim", start_dim), kw.get("end_dim", end_dim))


def _sizes(args) -> list:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return list(args[0])
    return list(args)


def _view(it, label, via, target, x, *shape, **kw):
    shape = _sizes(shape or (kw.get("shape") or kw.get("size"),))
    total = numel(x.shape)
    known = numel([v for v in shape if not (_is_number(v) and v == -1)])
    shape = [(total / known) if (_is_number(v) and v == -1) else as_expr(v)
             for v in shape]
    change = sympy.expand(numel(shape) - total)
    if change != 0:   # a reshape to sizes fixed when the model was built (MaxViT's windows)
        if change.is_number:
            raise InputError(f"{label} ({target}): cannot reshape {total} values to "
                             f"{tuple(shape)}")
        raise SizeDependent(f"{label} ({target}): reshapes to sizes that hold at one input size "
                            "only, so the model is read at given sizes: give H and W as numbers")
    return Tensor(shape, x.scale if len(shape) == len(x.shape) and shape[2:] == list(x.shape[2:])
                  else None)


def _reshape(it, label, via, target, x, shape, **kw):
    return _view(it, label, via, target, x, *shape)


def _size(it, label, via, target, x, dim=None, **kw):
    return tuple(x.shape) if dim is None else x.shape[dim]


def _same(it, label, via, target, x, *rest, **kw):
    return Tensor(x.shape, x.scale)


def _transpose(it, label, via, target, x, d0, d1, **kw):
    shape = list(x.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    return Tensor(shape, x.scale if shape == list(x.shape) else None)


def _permute(it, label, via, target, x, *dims, **kw):
    dims = _sizes(dims)
    return Tensor([x.shape[d] for d in dims])


def _chunk(it, label, via, target, x, chunks, dim=0, **kw):
    dim = kw.get("dim", dim) % len(x.shape)
    n = x.shape[dim]
    each = sympy.ceiling(n / chunks)
    if n.is_number:
        sizes, left = [], int(n)
        while left > 0:
            sizes.append(min(int(each), left))
            left -= int(each)
    elif (n / chunks).is_integer:
        sizes = [n / chunks] * chunks
    else:
        raise InputError(f"{label} ({target}): chunk of a symbolic size {n}; give H and W")
    return tuple(Tensor([*x.shape[:dim], s, *x.shape[dim + 1:]], x.scale) for s in sizes)


def _split(it, label, via, target, x, split_size, dim=0, **kw):
    dim = kw.get("dim", dim) % len(x.shape)
    if isinstance(split_size, (list, tuple)):
        sizes = list(split_size)
    else:
        n = x.shape[dim]
        if not n.is_number:
            raise InputError(f"{label} ({target}): split of a symbolic size {n}; give H and W")
        sizes = [min(split_size, int(n) - k) for k in range(0, int(n), split_size)]
    return tuple(Tensor([*x.shape[:dim], sympy.Integer(s), *x.shape[dim + 1:]], x.scale)
                 for s in sizes)


def _reduce(kind):
    """``mean`` or ``sum`` over some dimensions (all by default): a row, no MACs."""
    def handler(it, label, via, target, x, dim=None, keepdim=False, **kw):
        dim = kw.get("dim", dim)
        keepdim = kw.get("keepdim", keepdim)
        dims = range(len(x.shape)) if dim is None else [d % len(x.shape) for d in _sizes((dim,))]
        shape = [ONE if i in dims else v for i, v in enumerate(x.shape) if keepdim or i not in dims]
        out = Tensor(shape)
        it.row(label, kind, x, out, Op(kind, via, target, (x.shape,), out.shape,
                                       attrs(dims=tuple(dims))))
        return out
    return handler


_mean = _reduce("mean")


def _getattr(it, label, via, target, obj, name, *rest, **kw):
    if isinstance(obj, Tensor) and name == "shape":
        return tuple(obj.shape)
    raise InputError(f"{label}: attribute {name!r} of a tensor is not mapped")


def _fn_pool(kind):
    def handler(it, label, via, target, x, kernel_size, stride=None, padding=0, *rest, **kw):
        dims = len(x.shape) - 2
        if kind == "max-pool":
            dilation = kw.get("dilation", rest[0] if rest else 1)
            ceil_mode = kw.get("ceil_mode", rest[1] if len(rest) > 1 else False)
        else:
            dilation, ceil_mode = 1, kw.get("ceil_mode", rest[0] if rest else False)
        return pool_out(it, label, via, target, kind, x, kernel_size, kw.get("stride", stride),
                         kw.get("padding", padding), dilation, ceil_mode, dims)
    return handler


def _fnadaptive(kind):
    def handler(it, label, via, target, x, output_size=None, **kw):
        return adaptive(it, label, via, target, kind, x, kw.get("output_size", output_size))
    return handler


def _interpolate(it, label, via, target, x, size=None, scale_factor=None, mode="nearest", *rest, **kw):
    return upsample(it, label, via, target, x, kw.get("size", size),
                     kw.get("scale_factor", scale_factor), kw.get("mode", mode))


_ACT_F = ("relu", "relu6", "silu", "gelu", "hardswish", "hardsigmoid", "sigmoid", "tanh",
          "leaky_relu", "elu", "selu", "celu", "mish", "softmax", "log_softmax", "hardtanh",
          "softplus", "prelu")


def _kind(name: str) -> str:
    return name.replace("_", "-")


def function_table(torch) -> dict:
    """Function object -> (handler, via, target name)."""
    F = torch.nn.functional
    table = {}

    def put(fn, handler, via, target):
        if fn is not None:
            table[fn] = (handler, via, target)

    binaries = {"add": (operator.add, "+"), "mul": (operator.mul, "*"),
                "sub": (operator.sub, "-"), "div": (operator.truediv, "/")}
    for kind, (op, _) in binaries.items():
        arith = {"add": operator.add, "mul": operator.mul, "sub": operator.sub,
                 "div": operator.truediv}[kind]
        handler = _binary(kind, arith)
        put(op, handler, "operator", f"operator.{op.__name__}")
        put(getattr(operator, f"i{op.__name__}", None), handler, "operator",
            f"operator.i{op.__name__}")
        put(getattr(torch, kind, None), handler, "torch", f"torch.{kind}")
    put(operator.floordiv, _binary("floordiv", lambda a, b: sympy.floor(a / b)), "operator",
        "operator.floordiv")
    put(getattr, _getattr, "operator", "getattr")
    put(torch.cat, _cat, "torch", "torch.cat")
    put(getattr(torch, "concat", None), _cat, "torch", "torch.concat")
    put(torch.flatten, _flatten, "torch", "torch.flatten")
    put(torch.reshape, _reshape, "torch", "torch.reshape")
    put(torch.transpose, _transpose, "torch", "torch.transpose")
    put(torch.permute, _permute, "torch", "torch.permute")
    put(torch.chunk, _chunk, "torch", "torch.chunk")
    put(torch.split, _split, "torch", "torch.split")
    put(torch.mean, _mean, "torch", "torch.mean")
    put(torch.sum, _reduce("sum"), "torch", "torch.sum")
    for name in ("relu", "sigmoid", "tanh", "softmax"):
        put(getattr(torch, name), same_shape(_kind(name)), "torch", f"torch.{name}")
    for name in _ACT_F:
        put(getattr(F, name, None), same_shape(_kind(name)), "function", f"F.{name}")
    for name, kind in (("max_pool1d", "max-pool"), ("max_pool2d", "max-pool"),
                       ("avg_pool1d", "avg-pool"), ("avg_pool2d", "avg-pool")):
        put(getattr(F, name), _fn_pool(kind), "function", f"F.{name}")
    for name, kind in (("adaptive_avg_pool1d", "adaptive-avg-pool"),
                       ("adaptive_avg_pool2d", "adaptive-avg-pool"),
                       ("adaptive_max_pool1d", "adaptive-max-pool"),
                       ("adaptive_max_pool2d", "adaptive-max-pool")):
        put(getattr(F, name), _fnadaptive(kind), "function", f"F.{name}")
    put(F.interpolate, _interpolate, "function", "F.interpolate")
    put(F.upsample, _interpolate, "function", "F.upsample")
    put(F.dropout, same_shape("dropout"), "function", "F.dropout")
    try:
        from torchvision.ops import stochastic_depth as sd   # eval: the identity
        put(sd, same_shape("stochastic-depth"), "function", "torchvision.ops.stochastic_depth")
    except ImportError:
        pass
    table.update(indexing_functions(torch))
    table.update(product_functions(torch))
    return table


METHODS = {
    "add": _binary("add", operator.add), "add_": _binary("add", operator.add),
    "mul": _binary("mul", operator.mul), "mul_": _binary("mul", operator.mul),
    "sub": _binary("sub", operator.sub), "div": _binary("div", operator.truediv),
    "flatten": _flatten, "view": _view, "reshape": _view, "size": _size,
    "dim": lambda it, label, via, target, x, **kw: len(x.shape),
    "contiguous": _same, "clone": _same, "transpose": _transpose, "permute": _permute,
    "chunk": _chunk, "split": _split, "mean": _mean, "sum": _reduce("sum"),
    **{name: same_shape(name.rstrip("_")) for name in ("relu", "relu_", "sigmoid", "sigmoid_",
                                                        "tanh", "softmax")},
    **INDEXING_METHODS, **PRODUCT_METHODS,
}
