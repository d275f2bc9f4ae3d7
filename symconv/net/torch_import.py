"""A PyTorch ``nn.Module`` as a symconv network: ``from_torch(model, input_shape=(3, "H", "W"))``.

The module graph comes from ``torch.fx`` symbolic tracing; where tracing fails
(data-dependent Python) or leaves a Python function whole (``torch.fx.wrap``: Swin's
attention), from hooks on one forward pass on the meta device
(:mod:`symconv.net.torch_record`). Each operation is then given its shape
*symbolically*, with symconv's own formulas, so sizes may be the symbols ``H``
and ``W`` and the totals come out as closed forms, like ``symconv net``. A graph
recorded by a forward holds at its size only, and a model that checks its size or
reshapes to sizes fixed when it was built (ViT, MaxViT) has no closed form: such a
network is read at the sizes given (``TorchNetwork.size_dependent`` says why).
Parameters are counted from the module's own tensors (a shared tensor once).
An operation that cannot be mapped is reported by its path, never counted as
zero in silence; ``strict=False`` lists it (``network.unmapped``) and goes on,
taking its output to have its input's shape.

This is the only module that imports torch; ``pip install 'symconv[torch]'``.
The operations it maps are listed in :mod:`symconv.net.torch_map`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sympy

from ..errors import InputError
from ..layers import Shape
from ..symbols import SYMBOLS
from .network import SWEEP_KEYS, Analysis, Network
from .torch_interpret import Interpreter
from .torch_map import SizeDependent, module_class_name

#: Points a sweep of a network read at given sizes only may have (each is a new reading).
MAX_SIZED_POINTS = 32
INSTALL_HINT = "PyTorch is not installed; install it with: pip install 'symconv[torch]'"


def import_torch():
    """torch, or an :class:`InputError` that says how to install it."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise InputError(INSTALL_HINT) from None


class TorchNetwork(Network):
    """A network read from a PyTorch module; :meth:`analyse` works as for a spec."""

    def __init__(self, model, graph, input_shape: tuple, name: str, strict: bool, how: str,
                 recorder=None, why: str = ""):
        dims = len(input_shape)
        C = input_shape[0]
        H, W = (input_shape[1], input_shape[2]) if dims == 3 else (sympy.Integer(1), input_shape[1])
        super().__init__((), C=C, H=H, W=W, name=name,
                         description=f"{type(model).__name__} from PyTorch ({how})")
        self.model, self.graph, self.dims, self.strict, self.how = model, graph, dims, strict, how
        self._recorder, self._recorded, self._why = recorder, {}, why
        from .torch_functions import METHODS, function_table

        self._tables = (function_table(import_torch()), METHODS)
        #: why the network is read at given sizes only (a SizeDependent error), or None
        self.size_dependent = None
        self.unmapped, self.unused, self.has_products = (), {}, False
        try:
            self._interpret(self._input_shape({}))
        except SizeDependent as error:
            self.size_dependent = error

    def __repr__(self) -> str:
        return f"TorchNetwork({self.name!r}, {len(self.graph)} graph nodes, traced by {self.how})"

    def _interpret(self, shape: Shape) -> Interpreter:
        one = sympy.Integer(1)
        nchw = (one, shape.channels, shape.height, shape.width) if self.dims == 3 else (
            one, shape.channels, shape.width)
        graph = self.graph
        if self._recorder is not None:   # a graph recorded by a forward holds at its size only
            if not all(v.is_Integer for v in nchw):
                raise SizeDependent(
                    f"{self.name} is read by a forward at given sizes ({self._why}), so not in "
                    "closed form: give H and W as numbers")
            key = tuple(int(v) for v in nchw[1:])
            if key not in self._recorded:
                self._recorded = {key: self._recorder(list(key))}   # the last size only
            graph = self._recorded[key]
        interp = Interpreter(self.model, *self._tables, strict=self.strict)
        interp.run(graph, nchw)
        self.unmapped = tuple(interp.unmapped)
        self.unused = dict(interp.unused)   # part -> parameters this forward does not use
        self.has_products = any(row.type == "matmul" for row in interp.rows)   # attention
        return interp

    def sweep(self, names: tuple, points: tuple, values: dict | None = None,
              assume_divisible: bool | None = None) -> list[dict]:
        """As :meth:`Network.sweep`; a network read at given sizes only (``size_dependent``)
        is read at each point anew, at most :data:`MAX_SIZED_POINTS` of them."""
        if self.size_dependent is None:
            return super().sweep(names, points, values, assume_divisible)
        if len(points) > MAX_SIZED_POINTS:
            raise InputError(f"{self.name} has no closed form and is read at each size anew; "
                             f"sweep at most {MAX_SIZED_POINTS} points, not {len(points)}")
        values = dict(values or {})
        clash = sorted(set(values) & set(names))
        if clash:
            raise InputError(f"{clash[0]} is both swept and given a value; drop one")
        rows = []
        for point in points:
            at = {name: point for name in names}
            total = self.analyse({**values, **at}, assume_divisible).total
            rows.append({**at, **{key: total[key] for key in SWEEP_KEYS}})
        return rows

    def walk(self, shape: Shape, subs: dict, whole_widths: bool = False, heads: bool = False):
        interp = self._interpret(shape)
        return interp.rows, interp.output, interp.strides, {}

    def analyse(self, values: dict | None = None, assume_divisible: bool | None = None,
                heads: bool = False) -> Analysis:
        values = dict(values or {})
        for key in values:
            if str(key) not in ("H", "W", "C"):
                raise InputError(f"unknown value {key!r}; a PyTorch model takes H and W")
        if "C" in values and sympy.Rational(str(values["C"])) != self.C:
            raise InputError(f"{self.name} takes C = {self.C} input channels, not {values['C']}")
        return super().analyse(values, assume_divisible, heads)


def _size(value, what: str):
    if isinstance(value, bool):
        raise InputError(f"input_shape: {what} must be a whole number or one of H, W, not {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise InputError(f"input_shape: {what} must be at least 1, not {value}")
        return sympy.Integer(value)
    if isinstance(value, str) and value in ("H", "W"):
        return SYMBOLS[value]
    if isinstance(value, sympy.Symbol) and str(value) in ("H", "W"):
        return SYMBOLS[str(value)]
    raise InputError(f"input_shape: {what} must be a whole number or one of H, W, not {value!r}")


def from_torch(model, input_shape=(3, "H", "W"), strict: bool = True, name: str | None = None,
               trace: str = "auto") -> TorchNetwork:
    """A :class:`TorchNetwork` from ``model``: input ``(C, H, W)`` (or ``(C, L)`` for 1-D).

    Sizes may be numbers or the names ``"H"`` and ``"W"``. ``trace`` is ``"fx"``,
    ``"hooks"`` or ``"auto"`` (fx, and hooks where fx fails or leaves a Python function
    whole; a hooks graph is recorded again at each size analysed).
    """
    torch = import_torch()
    if not isinstance(model, torch.nn.Module):
        raise InputError(f"from_torch needs a torch.nn.Module, not {type(model).__name__}")
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in (2, 3):
        raise InputError("input_shape is (C, H, W), or (C, L) for a 1-D model, "
                         f"not {input_shape!r}")
    if isinstance(input_shape[0], str) or isinstance(input_shape[0], bool) \
            or not isinstance(input_shape[0], int) or input_shape[0] < 1:
        raise InputError(f"input_shape: C must be a whole number >= 1, not {input_shape[0]!r}")
    names = ("H", "W") if len(input_shape) == 3 else ("L",)
    shape = (sympy.Integer(input_shape[0]),) + tuple(
        _size(v, n) for v, n in zip(input_shape[1:], names))
    if trace not in ("auto", "fx", "hooks"):
        raise InputError(f"trace is auto, fx or hooks, not {trace!r}")
    if module_class_name(type(model)) is not None and not isinstance(
            model, (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)):
        model = torch.nn.Sequential(model)   # a bare layer: read as a layer, not traced into
    graph, how, error, why = None, None, None, ""
    if trace in ("auto", "fx"):
        try:
            graph, how = list(_tracer(torch).trace(model).nodes), "torch.fx"
        except Exception as exc:  # any failure of tracing user code: fall back
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            if trace == "fx":
                raise InputError(f"torch.fx cannot trace {type(model).__name__}: {error}") from None
        else:
            opaque = _opaque_functions(torch, graph)
            if opaque and trace == "auto":   # fx left a Python function whole: look inside it
                graph, why = None, f"torch.fx leaves {', '.join(opaque)} whole"
    if graph is not None:
        return TorchNetwork(model, graph, shape, name or type(model).__name__, strict, how)
    from .torch_record import record

    def recorder(sizes):
        return record(torch, model, sizes)

    why = why or (f"torch.fx cannot trace it: {error}" if error else "trace='hooks'")
    return TorchNetwork(model, (), shape, name or type(model).__name__, strict,
                        "hooks on a meta-device forward", recorder, why)


def _opaque_functions(torch, nodes) -> list:
    """Python functions (not torch's) a fx graph calls whole (``torch.fx.wrap``, Swin's
    ``shifted_window_attention``) that symconv has no handler for."""
    from .torch_functions import function_table

    table = function_table(torch)
    names = []
    for node in nodes:
        target = node.target
        if node.op == "call_function" and target not in table and callable(target):
            root = (getattr(target, "__module__", None) or "").split(".")[0]
            if root not in ("torch", "_operator", "operator", "builtins", "math") \
                    and target.__name__ not in names:
                names.append(target.__name__)
    return names


def _tracer(torch):
    """torch.fx's tracer, which also keeps a norm layer defined outside ``torch.nn`` (a
    subclass of one of its norms, see :func:`~symconv.net.torch_map.module_class_name`) whole."""
    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            outside = not type(m).__module__.startswith("torch.nn")
            return super().is_leaf_module(m, qualname) or (
                outside and module_class_name(type(m)) is not None)

    return Tracer()


def load_callable(path: str):
    """``"torchvision.models:resnet50"`` or ``"models/net.py:Net"``: import the module (a
    module name, found from the current folder too, or a ``.py`` file), call the callable
    with no arguments."""
    import_torch()
    module_name, sep, attr = path.rpartition(":")
    if not sep or not module_name or not attr:
        raise InputError(f"--torch takes MODULE:CALLABLE such as torchvision.models:resnet50 "
                         f"or my_net.py:Net, not {path!r}")
    module = _import_user_module(module_name)
    target = module
    for part in attr.split("."):
        if not part.isidentifier() or not hasattr(target, part):
            raise InputError(f"{module_name} has no {attr!r}")
        target = getattr(target, part)
    if not callable(target):
        raise InputError(f"{path} is not callable")
    try:
        model = target()
    except Exception as error:  # the user's constructor
        hint = ""
        if type(error).__name__ in ("URLError", "HTTPError", "ConnectionError", "gaierror"):
            hint = ("; it downloads weights (torchvision's detection and segmentation models "
                    "fetch a backbone's by default): give a callable of your own that builds it "
                    "without, e.g. my_net.py:build with weights=None, weights_backbone=None")
        raise InputError(f"{path}() failed: {type(error).__name__}: {error}{hint}") from None
    return model, attr.split(".")[-1]


def _import_user_module(name: str):
    """The user's module: a ``.py`` file by its path, or a module name, looked for in the
    current folder after the installed packages (as ``python -m`` would, but a local
    ``torch.py`` cannot shadow the real one). Its own code may fail: that is one line."""
    import sys
    from pathlib import Path

    try:
        if name.endswith(".py") or "/" in name or "\\" in name:
            file = Path(name)
            if not file.is_file():
                raise InputError(f"cannot import {name!r}: no such file")
            spec = importlib.util.spec_from_file_location(f"symconv_user_{file.stem}", file)
            module = importlib.util.module_from_spec(spec)
            sys.path.append(str(file.resolve().parent))  # its own imports of files beside it
            try:
                spec.loader.exec_module(module)
            finally:
                sys.path.remove(str(file.resolve().parent))
            return module
        if not all(part.isidentifier() for part in name.split(".")):
            raise InputError(f"cannot import {name!r}: not a module name (a file needs .py)")
        sys.path.append(str(Path.cwd()))
        try:
            return importlib.import_module(name)
        finally:
            sys.path.remove(str(Path.cwd()))
    except InputError:
        raise
    except ImportError as error:
        raise InputError(f"cannot import {name!r}: {error}") from None
    except Exception as error:  # the user's module failed while it was imported
        raise InputError(f"importing {name!r} failed: {type(error).__name__}: {error}") from None
