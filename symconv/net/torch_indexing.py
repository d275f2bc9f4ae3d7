"""Shape-level tensor operations in a traced PyTorch forward: indexing, padding, expanding,
masks, element-wise math, and the checks a model makes on its sizes.

Indexing follows PyTorch's rules (slices with steps, integers, ``None``, ``...``, integer
index tensors, which broadcast and go where the first of them stands when they are adjacent,
else first). A boolean mask is data-dependent and refused. Comparisons of sizes
(``h == self.image_size`` before ``torch._assert``) are decided on the sizes; when they
depend on ``H`` and ``W`` the network can only be read at given sizes
(:class:`~symconv.net.torch_map.SizeDependent`). Element-wise math is a row with no MACs
(as activations are); masks, constants and pure data movement (``roll``) give no row.

>>> import sympy
>>> index_shape((sympy.Integer(1), 197, 768), (slice(None), 0), "x")
(1, 768)
>>> index_shape((sympy.Integer(1), 7, 7, 96), (Ellipsis, slice(0, None, 2), slice(1, None, 2), slice(None)), "x")
(1, 4, 3, 96)
"""

from __future__ import annotations

import operator
import re

import sympy

from ..errors import InputError
from ..symbols import as_expr
from .tool_ops import Op, attrs
from .torch_map import ONE, SizeDependent, Tensor, sizes_equal


def _is_int(v) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, sympy.Basic) and v.is_Integer)


def _slice_len(n, s: slice, what: str):
    step = 1 if s.step is None else s.step
    if not _is_int(step) or int(step) < 1:
        raise InputError(f"{what}: a slice step must be a positive whole number, not {step}")
    n = as_expr(n)

    def bound(v, default):
        if v is None:
            return default
        v = as_expr(v)
        if v.is_number and v < 0:
            v = n + v
        return sympy.Min(sympy.Max(v, 0), n)

    start, stop = bound(s.start, sympy.Integer(0)), bound(s.stop, n)
    return sympy.Max(0, sympy.ceiling((stop - start) / int(step)))


def broadcast(*shapes, what: str = "broadcast") -> tuple:
    rank = max(len(s) for s in shapes)
    padded = [(ONE,) * (rank - len(s)) + tuple(as_expr(v) for v in s) for s in shapes]
    out = []
    for sizes in zip(*padded):
        big = [v for v in sizes if v != 1]
        if any(not sizes_equal(v, big[0]) for v in big[1:]):
            raise InputError(f"{what}: sizes {', '.join(map(str, sizes))} do not broadcast")
        out.append(big[0] if big else ONE)
    return tuple(out)


def index_shape(shape: tuple, index, what: str) -> tuple:
    """The shape of ``x[index]`` for ``x`` of ``shape``."""
    index = index if isinstance(index, tuple) else (index,)
    index = tuple(Tensor((len(i),)) if isinstance(i, list) else i for i in index)
    used = sum(1 for i in index if i is not None and i is not Ellipsis)
    if used > len(shape):
        raise InputError(f"{what}: {used} indices for a {len(shape)}-d tensor")
    fill = (slice(None),) * (len(shape) - used)
    dots = [k for k, i in enumerate(index) if i is Ellipsis]
    index = index[:dots[0]] + fill + index[dots[0] + 1:] if dots else index + fill
    out, dim, advanced = [], 0, []
    for i in index:
        if i is None:
            out.append(ONE)
        elif isinstance(i, slice):
            out.append(_slice_len(shape[dim], i, what))
            dim += 1
        elif isinstance(i, Tensor):
            if i.dtype == "bool":
                raise InputError(f"{what}: indexing by a boolean mask gives a size that depends on "
                                 "the data; symconv cannot map it")
            advanced.append((len(out), i.shape))
            out.append(None)
            dim += 1
        elif _is_int(i):
            n = as_expr(shape[dim])
            if n.is_number and not -n <= int(i) < n:
                raise InputError(f"{what}: index {i} is out of range for size {n}")
            dim += 1
        else:
            raise InputError(f"{what}: cannot index a tensor by {type(i).__name__}")
    if advanced:
        places = [p for p, _ in advanced]
        shape_b = broadcast(*(s for _, s in advanced), what=what)
        if places == list(range(places[0], places[0] + len(places))):
            out = out[:places[0]] + list(shape_b) + out[places[-1] + 1:]
        else:
            out = list(shape_b) + [v for v in out if v is not None]
    return tuple(out)


def _getitem(it, label, via, target, obj, index, **kw):
    if isinstance(obj, (tuple, list)):
        return obj[index]
    if isinstance(obj, Tensor):
        return Tensor(index_shape(obj.shape, index, f"{label} ({target})"), dtype=obj.dtype)
    raise InputError(f"{label}: cannot index a {type(obj).__name__}")


def _pad(it, label, via, target, x, pad, mode="constant", value=None, **kw):
    pad = list(kw.get("pad", pad))
    if len(pad) % 2 or len(pad) // 2 > len(x.shape):
        raise InputError(f"{label} ({target}): padding {pad} does not fit a {len(x.shape)}-d tensor")
    shape = list(x.shape)
    for k in range(len(pad) // 2):   # pairs from the last dimension backwards
        shape[-1 - k] = shape[-1 - k] + pad[2 * k] + pad[2 * k + 1]
    out = Tensor(shape)
    it.row(label, "pad", x, out, Op("pad", via, target, (x.shape,), out.shape,
                                    attrs(pad=tuple(pad), mode=kw.get("mode", mode))))
    return out


def pad_module(it, m, label, target, x, *rest, **kw):
    return _pad(it, label, "module", target, x, m.padding, getattr(m, "mode", "constant"))


def _expand(it, label, via, target, x, *sizes, **kw):
    sizes = list(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else list(sizes)
    lead = len(sizes) - len(x.shape)
    if lead < 0:
        raise InputError(f"{label} ({target}): expand to {len(sizes)} dimensions of a "
                         f"{len(x.shape)}-d tensor")
    shape = [as_expr(v) for v in sizes[:lead]]
    for v, n in zip(sizes[lead:], x.shape):
        shape.append(n if _is_int(v) and int(v) == -1 else as_expr(v))
    return Tensor(shape, dtype=x.dtype)


def _unsqueeze(it, label, via, target, x, dim, **kw):
    shape = list(x.shape)
    shape.insert(int(dim) % (len(shape) + 1), ONE)
    return Tensor(shape, dtype=x.dtype)


def _squeeze(it, label, via, target, x, dim=None, **kw):
    dims = range(len(x.shape)) if dim is None else [d % len(x.shape) for d in (
        dim if isinstance(dim, (tuple, list)) else (dim,))]
    return Tensor([n for i, n in enumerate(x.shape) if not (i in dims and as_expr(n) == 1)],
                  dtype=x.dtype)


def _swap(it, label, via, target, x, d0, d1, **kw):
    shape = list(x.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    return Tensor(shape, dtype=x.dtype)


def _same(it, label, via, target, x, *rest, **kw):
    """Data movement or a fill (``roll``, ``zero_``, ``masked_fill`` on a mask): no row."""
    return Tensor(x.shape, x.scale, x.dtype)


def _new(it, label, via, target, x, *size, **kw):
    size = list(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else list(size)
    return Tensor(size or kw.get("size"))


def same_shape(kind):
    """A call that keeps its input's shape: element-wise math on activations (``exp``,
    ``clamp``, ``F.normalize``), an activation, dropout. A row of ``kind``, no MACs."""
    def handler(it, label, via, target, x, *rest, **kw):
        out = Tensor(x.shape, x.scale)
        it.row(label, kind, x, out, Op(kind, via, target, (x.shape,), x.shape))
        return out
    return handler


_RELATIONS = {"eq": (operator.eq, sympy.Eq, "=="), "ne": (operator.ne, sympy.Ne, "!="),
              "lt": (operator.lt, sympy.Lt, "<"), "le": (operator.le, sympy.Le, "<="),
              "gt": (operator.gt, sympy.Gt, ">"), "ge": (operator.ge, sympy.Ge, ">=")}


def _compare(name):
    relation, sign = _RELATIONS[name][1], _RELATIONS[name][2]

    def handler(it, label, via, target, a, b=None, *rest, **kw):
        b = kw.get("other", b)
        tensors = [t.shape for t in (a, b) if isinstance(t, Tensor)]
        if tensors:   # an element-wise comparison: a mask
            return Tensor(broadcast(*tensors, what=f"{label} ({target})"), dtype="bool")
        if not all(_is_int(v) or isinstance(v, sympy.Basic) for v in (a, b)):
            return _RELATIONS[name][0](a, b)   # plain Python values
        decided = relation(as_expr(a), as_expr(b))
        if decided in (sympy.true, sympy.false):
            return bool(decided)
        raise SizeDependent(f"{label} ({target}): the model checks its sizes ({a} {sign} {b}), "
                            "so it is read at given sizes only: give H and W as numbers")
    return handler


def _assert(it, label, via, target, condition, message="", *rest, **kw):
    """``torch._assert(condition, message)``: a check decided on the sizes."""
    if condition is True or (isinstance(condition, bool) and condition):
        return None
    if condition is False:
        text = str(message).splitlines()[0] if str(message) else "its check fails"
        text = re.sub(r"Proxy\([^)]*\)", "another size", text)   # a size fx formatted as a name
        raise InputError(f"{label}: the model refuses this input size: {text}")
    raise SizeDependent(f"{label} ({target}): the model checks its input size, so it is read "
                        "at given sizes only: give H and W as numbers")


def _size_arithmetic(fn):
    def handler(it, label, via, target, a, b, *rest, **kw):
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            raise InputError(f"{label} ({target}): not mapped on tensors")
        return fn(as_expr(a), as_expr(b))
    return handler


_MATH = ("exp", "log", "log2", "abs", "sign", "sqrt", "rsqrt", "clamp", "clip", "neg", "pow",
         "sin", "cos", "erf", "reciprocal")
_SAME = ("roll", "zero_", "fill_", "masked_fill", "masked_fill_", "detach", "float", "to", "type_as",
         "zeros_like", "ones_like", "full_like", "contiguous")


def indexing_functions(torch) -> dict:
    """Function object -> (handler, via, target name), for :func:`torch_functions.function_table`."""
    F = torch.nn.functional
    table = {operator.getitem: (_getitem, "operator", "operator.getitem"),
             F.pad: (_pad, "function", "F.pad"),
             torch._assert: (_assert, "torch", "torch._assert"),
             operator.mod: (_size_arithmetic(sympy.Mod), "operator", "operator.mod"),
             operator.truth: (lambda it, l, v, t, a, **kw: bool(a), "operator", "operator.truth")}
    for name in _RELATIONS:
        table[getattr(operator, name)] = (_compare(name), "operator", f"operator.{name}")
        table[getattr(torch, name)] = (_compare(name), "torch", f"torch.{name}")
    table[torch.roll] = (_same, "torch", "torch.roll")
    for name in ("swapaxes", "swapdims"):
        table[getattr(torch, name)] = (_swap, "torch", f"torch.{name}")
    table[torch.unsqueeze] = (_unsqueeze, "torch", "torch.unsqueeze")
    table[torch.squeeze] = (_squeeze, "torch", "torch.squeeze")
    for name in ("zeros_like", "ones_like", "full_like"):
        table[getattr(torch, name)] = (_same, "torch", f"torch.{name}")
    for name in _MATH:
        fn = getattr(torch, name, None)
        if fn is not None:
            table[fn] = (same_shape(name.replace("_", "-")), "torch", f"torch.{name}")
    table[F.normalize] = (same_shape("normalize"), "function", "F.normalize")
    return table


METHODS = {
    "__getitem__": _getitem, "expand": _expand, "expand_as": lambda it, l, v, t, x, o, **kw:
        Tensor(o.shape, dtype=x.dtype),
    "unsqueeze": _unsqueeze, "squeeze": _squeeze, "swapaxes": _swap, "swapdims": _swap,
    "new_zeros": _new, "new_ones": _new, "new_empty": _new,
    **{name: _same for name in _SAME},
    **{name: _compare(name) for name in _RELATIONS},
    **{f"__{name}__": _compare(name) for name in _RELATIONS},
    **{name: same_shape(name.rstrip("_").replace("_", "-")) for name in _MATH},
}
PAD_MODULES = ("ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d",
               "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d",
               "CircularPad2d")
