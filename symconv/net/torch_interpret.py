"""The walk over a traced PyTorch graph: each node on symbolic shapes, each mapped call a row.

The graph comes from ``torch.fx`` or from hooks on a meta-device forward
(:mod:`symconv.net.torch_record`); modules are handled by :mod:`symconv.net.torch_map`,
functions and tensor methods by :mod:`symconv.net.torch_functions`.
"""

from __future__ import annotations

import sympy

from ..errors import InputError
from ..symbols import as_expr
from .nodes import Row
from .sizes import tidy_size
from .tool_ops import Op, attrs
from .torch_indexing import PAD_MODULES, pad_module
from .torch_map import MODULES as LAYER_MODULES, ONE, ZERO, Tensor, module_class_name, shape_of
from .torch_products import MODULES as PRODUCT_MODULES

#: torch.nn class name -> handler.
MODULES = {**LAYER_MODULES, **PRODUCT_MODULES, **{name: pad_module for name in PAD_MODULES}}


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
        self.unused: dict = {}   # part -> parameters this forward never used (after run)

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
            if isinstance(a, slice):
                return slice(value(a.start), value(a.stop), value(a.step))
            if isinstance(a, dict):
                return {k: value(v) for k, v in a.items()}
            return a

        for node in nodes:
            if node.op == "placeholder":
                env[node] = Tensor(input_shape, (ONE, ONE))
            elif node.op == "output":
                self.output = shape_of(_first_tensor(value(node.args[0])))
            elif node.op == "get_attr" and node.target is None:   # a constant made in forward
                env[node] = Tensor(node.shape)
            elif node.op == "get_attr":
                obj = self._attr(node.target)
                env[node] = Tensor(tuple(obj.shape)) if hasattr(obj, "shape") else obj
                self.direct_parameter(node.target, obj)
            else:
                args, kwargs = value(tuple(node.args)), value(dict(node.kwargs))
                try:
                    env[node] = self.call(node, args, kwargs)
                except InputError as error:
                    if not self.unmapped:
                        raise
                    # an operation symconv cannot map passed its input on unchanged: that,
                    # not the later step, is the first thing to say (a Conv3d in a video model)
                    raise InputError(f"{self._unmapped_text()}, passed on unchanged; then "
                                     f"{error}") from None
        self.unused = {}
        for name, p in self.model.named_parameters():
            if id(p) not in self.seen_params:
                part = name.split(".")[0]
                self.unused[part] = self.unused.get(part, 0) + p.numel()
        if self.unmapped and self.strict:
            raise InputError(f"{self._unmapped_text()} (strict=False lists them and goes on)")

    def _unmapped_text(self) -> str:
        shown = "; ".join(self.unmapped[:8]) + ("; ..." if len(self.unmapped) > 8 else "")
        return f"{len(self.unmapped)} operation(s) symconv cannot map: {shown}"

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
            handler = MODULES.get(name)
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
        self.rows.append(Row(label, kind, shape_of(src), shape_of(out), sympy.Integer(weights),
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
