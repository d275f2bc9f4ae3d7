"""The graph of a model that ``torch.fx`` cannot trace, from one forward pass on the meta device.

Hooks on the leaf ``torch.nn`` modules record each module call; a
``TorchFunctionMode`` records every torch function and tensor method called
outside them (``F.relu``, ``torch.cat``, ``x + y``, ``x.view``); tensors are
followed by identity, so the result is a graph of the same shape as fx's
(``op``, ``target``, ``args``, ``kwargs``, ``meta``), which the interpreter of
:mod:`symconv.net.torch_map` reads. Python control flow and sizes read with
``x.size()`` are taken as they were at the recorded input size. torch is passed in.
"""

from __future__ import annotations

import copy
import operator

from .torch_map import module_class_name

#: Tensor dunder methods as the operators fx records for them.
_DUNDER = {"__add__": operator.add, "__radd__": operator.add, "__iadd__": operator.iadd,
           "__mul__": operator.mul, "__rmul__": operator.mul, "__imul__": operator.imul,
           "__sub__": operator.sub, "__truediv__": operator.truediv}
_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")


class Node:
    """One recorded call, with the attributes of a ``torch.fx.Node`` that symconv reads."""

    def __init__(self, op, target, args=(), kwargs=None, scope=""):
        self.op, self.target, self.args, self.kwargs = op, target, tuple(args), dict(kwargs or {})
        self.meta = {"nn_module_stack": {scope: (scope, None)}} if scope else {}
        self.shape = None

    def __repr__(self) -> str:
        return f"Node({self.op}, {self.target!r})"


def _is_leaf(module) -> bool:
    name = module_class_name(type(module))   # a torch.nn layer, or a norm defined elsewhere
    return name is not None and name not in _CONTAINERS


def record(torch, model, shape: list) -> list:
    """The graph of ``model`` on a meta tensor of ``(1, *shape)``."""
    from ..errors import InputError

    meta_model = copy.deepcopy(model).to("meta")
    nodes, producer, keep = [], {}, []
    parameter_names = {id(p): name for name, p in meta_model.named_parameters()}
    state = {"depth": 0, "stack": []}

    def ref(value):
        if isinstance(value, torch.Tensor):
            node = producer.get(id(value))
            if node is None:   # a parameter used directly, or a constant made inside forward
                node = Node("get_attr", parameter_names.get(id(value)))
                node.shape = tuple(value.shape)
                nodes.append(node)
                producer[id(value)] = node
                keep.append(value)
            return node
        if isinstance(value, (list, tuple)):
            return type(value)(ref(v) for v in value)
        if isinstance(value, dict):
            return {k: ref(v) for k, v in value.items()}
        return value

    def produced(value, node):
        if isinstance(value, torch.Tensor):
            producer[id(value)] = node
            keep.append(value)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                item = Node("call_function", operator.getitem, (node, i))
                nodes.append(item)
                produced(v, item)

    names = {m: name for name, m in meta_model.named_modules()}
    handles = []

    def pre(module, args):
        state["stack"].append(names[module])
        if _is_leaf(module) and names[module]:
            if state["depth"] == 0:
                node = Node("call_module", names[module], ref(args))
                nodes.append(node)
                state.setdefault("open", []).append(node)
            state["depth"] += 1

    def post(module, args, output):
        state["stack"].pop()
        if _is_leaf(module) and names[module]:
            state["depth"] -= 1
            if state["depth"] == 0:
                produced(output, state["open"].pop())

    for module in meta_model.modules():
        handles.append(module.register_forward_pre_hook(pre))
        handles.append(module.register_forward_hook(post))

    class Recorder(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            result = func(*args, **kwargs)
            if state["depth"] or not _has_tensor(torch, result):
                return result
            name = getattr(func, "__name__", "")
            scope = state["stack"][-1] if state["stack"] else ""
            if name in _DUNDER:
                node = Node("call_function", _DUNDER[name], ref(args), ref(kwargs), scope)
            elif getattr(torch.Tensor, name, None) is func:
                node = Node("call_method", name, ref(args), ref(kwargs), scope)
            else:
                node = Node("call_function", func, ref(args), ref(kwargs), scope)
            nodes.append(node)
            produced(result, node)
            return result

    x = torch.zeros((1, *shape), device="meta")
    placeholder = Node("placeholder", "x")
    nodes.append(placeholder)
    producer[id(x)] = placeholder
    try:
        with Recorder(), torch.no_grad():
            out = meta_model(x)
    except Exception as error:  # the user's forward on the meta device
        raise InputError(f"neither torch.fx nor a meta-device forward can trace "
                         f"{type(model).__name__}: {type(error).__name__}: {error}") from None
    finally:
        for handle in handles:
            handle.remove()
    nodes.append(Node("output", "output", (ref(out),)))
    return nodes


def _has_tensor(torch, value) -> bool:
    if isinstance(value, torch.Tensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(torch, v) for v in value)
    return False
