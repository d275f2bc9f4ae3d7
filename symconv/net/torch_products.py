"""Matrix products in a traced PyTorch forward: ``matmul``/``@``, ``bmm``, ``einsum``,
``F.linear`` on a weight tensor, and ``nn.MultiheadAttention``.

symconv's MAC convention extends to them as FlopCounterMode and fvcore count them: a
product of an ``(a x b)`` by a ``(b x c)`` matrix is ``a*b*c`` MACs per batch element
(every output value sums ``b`` products). A two-operand ``einsum`` costs the product of
the sizes of its indices (the same count: the output's indices times the summed ones). Products of two activations (attention's ``Q K^T`` and ``A V``) have no
weights; their rows have the type ``matmul``. Shapes are ``(N, ...)``, batch 1.

>>> import sympy
>>> matmul_shape((sympy.Integer(1), 12, 197, 64), (1, 12, 64, 197))
((1, 12, 197, 197), 29805312)
"""

from __future__ import annotations

import sympy

from ..errors import InputError
from ..symbols import as_expr
from .tool_ops import Op, attrs, numel
from .torch_map import ONE, Tensor, sizes_equal


def _broadcast_batch(a: tuple, b: tuple, what: str) -> tuple:
    rank = max(len(a), len(b))
    a, b = (ONE,) * (rank - len(a)) + tuple(a), (ONE,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if as_expr(x) == 1:
            out.append(y)
        elif as_expr(y) == 1 or sizes_equal(x, y):
            out.append(x)
        else:
            raise InputError(f"{what}: batch sizes {x} and {y} do not broadcast")
    return tuple(out)


def matmul_shape(a: tuple, b: tuple, what: str = "matmul") -> tuple:
    """``(output shape, MACs)`` of ``torch.matmul`` on shapes ``a`` and ``b`` (any rank >= 1,
    batch dimensions broadcast)."""
    a, b = tuple(as_expr(v) for v in a), tuple(as_expr(v) for v in b)
    if not a or not b:
        raise InputError(f"{what}: matmul of a 0-d tensor")
    left = a if len(a) > 1 else (ONE, a[0])
    right = b if len(b) > 1 else (b[0], ONE)
    if not sizes_equal(left[-1], right[-2]):
        raise InputError(f"{what}: cannot multiply {left[-2]} x {left[-1]} by "
                         f"{right[-2]} x {right[-1]}")
    batch = _broadcast_batch(left[:-2], right[:-2], what)
    shape = batch + ((left[-2],) if len(a) > 1 else ()) + ((right[-1],) if len(b) > 1 else ())
    return shape, sympy.expand(numel(batch) * left[-2] * left[-1] * right[-1])


def _product_row(it, label, via, target, shapes, shape, macs, kind="matmul", **extra):
    out = Tensor(shape)
    first = Tensor(shapes[0])
    it.row(label, kind, first, out, Op(kind, via, target, tuple(shapes), out.shape,
                                      attrs(macs=macs, **extra)), macs=macs)
    return out


def _matmul(it, label, via, target, a, b=None, *rest, **kw):
    b = kw.get("other", kw.get("mat2", b))
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        raise InputError(f"{label} ({target}): needs two tensors")
    shape, macs = matmul_shape(a.shape, b.shape, f"{label} ({target})")
    return _product_row(it, label, via, target, (a.shape, b.shape), shape, macs)


def _einsum(it, label, via, target, equation, *operands, **kw):
    """Two-operand ``einsum`` with explicit letters (``"bhid,bhjd->bhij"``, spaces allowed);
    MACs = the product of every index's size (less an index one operand alone has and the
    output drops: PyTorch sums it first). One operand (a sum or a transpose) has no
    products; three or more are refused (their cost depends on the contraction order)."""
    what = f"{label} ({target})"
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str) or not all(isinstance(t, Tensor) for t in operands):
        raise InputError(f"{what}: expects an equation and tensors")
    text = equation.replace(" ", "")
    if "." in text or "->" not in text:
        raise InputError(f"{what}: only an einsum with explicit letters and '->' is mapped, "
                         f"not {equation!r}")
    inputs, output = text.split("->")
    terms = inputs.split(",")
    if len(terms) != len(operands) or not all(t.isalpha() for t in terms) or not (
            output.isalpha() or output == ""):
        raise InputError(f"{what}: cannot read the einsum {equation!r}")
    sizes = {}
    for term, t in zip(terms, operands):
        if len(term) != len(t.shape):
            raise InputError(f"{what}: {term!r} names {len(term)} axes of a {len(t.shape)}-d tensor")
        for letter, n in zip(term, t.shape):
            if letter in sizes and as_expr(sizes[letter]) != 1 and as_expr(n) != 1 \
                    and not sizes_equal(sizes[letter], n):
                raise InputError(f"{what}: index {letter!r} is {sizes[letter]} and {n}")
            if letter not in sizes or as_expr(sizes[letter]) == 1:
                sizes[letter] = n
    if len(operands) > 2:
        raise InputError(f"{what}: an einsum of {len(operands)} tensors is not mapped (its "
                         "cost depends on the order of contraction)")
    shape = tuple(sizes[letter] for letter in output)
    # an index in one operand only and not in the output is summed first, without products
    kept = [n for letter, n in sizes.items()
            if letter in output or sum(letter in term for term in terms) > 1]
    macs = sympy.expand(numel(kept)) if len(operands) == 2 else sympy.Integer(0)
    return _product_row(it, label, via, target, [t.shape for t in operands], shape, macs,
                        equation=text)


def _linear_function(it, label, via, target, x, weight, bias=None, **kw):
    """``F.linear(x, weight, bias)`` with the weight a tensor forward holds itself (Swin's
    attention): its parameters are counted where forward takes them (a ``parameter`` row);
    here the MACs, as for ``nn.Linear``."""
    bias = kw.get("bias", bias)
    if not isinstance(x, Tensor) or not isinstance(weight, Tensor) or len(weight.shape) != 2:
        raise InputError(f"{label} ({target}): expects an input and a 2-D weight")
    out_features, in_features = weight.shape
    if not sizes_equal(x.shape[-1], in_features):
        raise InputError(f"{label} ({target}): expects {in_features} input features, gets "
                         f"{x.shape[-1]}")
    out = Tensor((*x.shape[:-1], out_features))
    macs = sympy.expand(numel(x.shape[:-1]) * in_features * out_features)
    op = Op("linear", via, target, (x.shape,), out.shape,
            attrs(in_features=in_features, out_features=out_features, bias=bias is not None))
    it.row(label, "dense", x, out, op, macs=macs)
    return out


def _own_parameters(it, m) -> tuple:
    """(weights, biases) of a module's own tensors not yet counted: ``in_proj_bias`` is a
    bias; ``in_proj_weight`` (or ``q/k/v_proj_weight``) and the learnt ``bias_k``, ``bias_v``
    (a key and a value, not a bias added to an output) are weights."""
    weights = biases = 0
    for name, p in m.named_parameters(recurse=False):
        if id(p) in it.seen_params:
            continue
        it.seen_params.add(id(p))
        if name == "in_proj_bias":
            biases += p.numel()
        else:
            weights += p.numel()
    return weights, biases


def _attention_module(it, m, label, target, query, key=None, value=None, *rest, **kw):
    """``nn.MultiheadAttention``: the in-projections and the out-projection are dense rows
    (with the module's parameters), the two products ``Q K^T`` and ``A V`` a ``matmul`` row:
    ``2 L S E`` MACs per batch element for ``L`` queries, ``S`` keys and ``E`` features
    (summed over the heads, ``E = heads x head size``), as the module computes them."""
    key = kw.get("key", key if key is not None else query)
    value = kw.get("value", value if value is not None else key)
    what = f"{label} ({target})"
    if not all(isinstance(t, Tensor) and len(t.shape) in (2, 3) for t in (query, key, value)):
        raise InputError(f"{what}: expects 2-d or 3-d query, key and value")
    batched = len(query.shape) == 3
    first = m.batch_first and batched

    def split(t):   # (batch, length, features)
        if not batched:
            return ONE, t.shape[0], t.shape[1]
        return (t.shape[0], t.shape[1], t.shape[2]) if first else (t.shape[1], t.shape[0], t.shape[2])

    n, L, E = split(query)
    _, S, kdim = split(key)
    _, _, vdim = split(value)
    if not sizes_equal(E, m.embed_dim) or not sizes_equal(kdim, m.kdim) \
            or not sizes_equal(vdim, m.vdim):
        raise InputError(f"{what}: expects {m.embed_dim} query features, gets {E}")
    extra = (1 if m.bias_k is not None else 0) + (1 if m.add_zero_attn else 0)
    weights, biases = _own_parameters(it, m)
    e = m.embed_dim
    proj_macs = n * (L * e * e + S * (m.kdim + m.vdim) * e)
    S = S + extra   # the learnt key/value bias and the zero attention are one more key each
    qkv = Tensor((n, L, 3 * e) if sizes_equal(L, S) and not extra else (n, L + 2 * S, e))
    it.row(f"{label}.in_proj", "dense", query, qkv,
           Op("linear", "module", "nn.MultiheadAttention.in_proj", (query.shape,), qkv.shape,
              attrs(in_features=e, out_features=3 * e, bias=m.in_proj_bias is not None)),
           weights, biases, macs=sympy.expand(proj_macs))
    scores_macs = sympy.expand(2 * n * L * S * e)
    mixed = Tensor((n, L, e))
    it.row(f"{label}.attention", "matmul", query, mixed,
           Op("matmul", "module", "nn.MultiheadAttention", (query.shape, key.shape, value.shape),
              mixed.shape, attrs(macs=scores_macs, heads=m.num_heads)), macs=scores_macs)
    w2, b2, o2 = it.params(m.out_proj)
    out_shape = query.shape
    out = Tensor(out_shape)
    it.row(f"{label}.out_proj", "dense", mixed, out,
           Op("linear", "module", "nn.Linear", (mixed.shape,), out_shape,
              attrs(in_features=e, out_features=e, bias=m.out_proj.bias is not None)),
           w2 + o2, b2, macs=sympy.expand(n * L * e * e))
    need = kw.get("need_weights", rest[1] if len(rest) > 1 else True)
    average = kw.get("average_attn_weights", True)
    attn = None
    if need:
        attn = Tensor((n, L, S) if average else (n, m.num_heads, L, S)) if batched else \
            Tensor((L, S) if average else (m.num_heads, L, S))
    return out, attn


def product_functions(torch) -> dict:
    """Function object -> (handler, via, target name), for :func:`torch_functions.function_table`."""
    import operator

    table = {operator.matmul: (_matmul, "operator", "operator.matmul"),
             torch.einsum: (_einsum, "torch", "torch.einsum"),
             torch.nn.functional.linear: (_linear_function, "function", "F.linear")}
    for name in ("matmul", "bmm", "mm"):
        table[getattr(torch, name)] = (_matmul, "torch", f"torch.{name}")
    return table


METHODS = {"matmul": _matmul, "bmm": _matmul, "mm": _matmul, "__matmul__": _matmul}
MODULES = {"MultiheadAttention": _attention_module}
