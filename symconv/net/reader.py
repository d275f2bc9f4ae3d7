"""A network spec's data (the TOML file's tables) turned into :class:`~symconv.net.network.Network`
arguments: layers and blocks as nodes, every value read as data (see :mod:`symconv.net.spec`
for the format), every error naming the file, the line and the place.
"""

from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction
from pathlib import Path

import sympy

from ..counts import Count
from ..errors import InputError
from ..limits import MAX_DIGITS, MAX_LAYERS, check_int
from ..shapes import whole
from ..symbols import SYMBOLS, D_in, block_input, network_parameter
from .arith import parse_arith
from .nodes import Concat, Head, LayerSpec, Multiply, Residual, Sequence

_TOP_KEYS = {"name", "description", "source", "input", "params", "blocks", "layers"}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = {"C", "H", "W", "alpha", "D_in"}
_INPUT_KEYS = {"C", "H", "W", "assume_divisible"}
_BLOCK_KINDS = ("residual", "concat", "sequence", "multiply", "head")
_BLOCK_KEYS = {"residual": {"body", "shortcut"}, "concat": {"branches"}, "sequence": {"layers"},
               "multiply": {"body"}, "head": {"layers"}}
_PADDING_WORDS = ("valid", "same", "full")


def read_data(data: dict, source: str = "<data>", lines: dict | None = None) -> dict:
    """The network's arguments from already-parsed spec data (the TOML file's keys)."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: a spec is a table (dict), not {type(data).__name__}")
    try:
        return _Reader(data, source, lines).network()
    except RecursionError:
        raise InputError(f"{source}: blocks nest too deeply (a chain of blocks using blocks)") from None


class _Reader:
    """Turns the parsed TOML into nodes, expanding blocks with their parameters."""

    def __init__(self, data: dict, source: str, lines: dict | None = None):
        self.data, self.source = data, source
        self.blocks = data.get("blocks", {})
        self.expanding: list[str] = []
        self.cache: dict = {}
        lines = lines or {}
        layers = data.get("layers")
        count = len(layers) if isinstance(layers, list) else -1
        self.layer_lines = lines.get("layers", []) if len(lines.get("layers", [])) == count else []
        self.block_lines = lines.get("blocks", {})

    def line(self, where: str):
        """The line a place starts on, when the text shows it: a [[layers]] entry or a block."""
        top = re.match(r"layers\[(\d+)\]", where)
        if top and self.layer_lines:
            return self.layer_lines[int(top.group(1)) - 1]
        block = re.match(r"blocks\.([^.\s]+)", where)
        if block:
            return self.block_lines.get(block.group(1))
        return None

    def fail(self, where: str, message: str):
        line = self.line(where)
        at = f"{self.source}:{line}" if line else self.source
        raise InputError(f"{at}: {where}: {message}")

    def network(self) -> dict:
        data = self.data
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            self.fail("top level", f"unknown key {unknown[0]!r}; a spec has {', '.join(sorted(_TOP_KEYS))}")
        if not isinstance(self.blocks, dict):
            self.fail("blocks", "must be a table of named blocks ([blocks.NAME])")
        inp = data.get("input", {})
        if not isinstance(inp, dict):
            self.fail("input", "must be a table with C, H and W")
        unknown = sorted(set(inp) - _INPUT_KEYS)
        if unknown:
            self.fail("input", f"unknown key {unknown[0]!r}; use {', '.join(sorted(_INPUT_KEYS))}")
        sizes = {}
        for key, default in (("C", 3), ("H", "H"), ("W", "W")):
            value = inp.get(key, default)
            if isinstance(value, str):
                try:
                    value = parse_arith(value, {k: SYMBOLS[k] for k in ("H", "W", "C")})
                except InputError as error:
                    self.fail(f"input.{key}", str(error))
            elif isinstance(value, bool) or not isinstance(value, int):
                self.fail(f"input.{key}", f"must be a whole number or a name, not {value!r}")
            elif value < 1:
                self.fail(f"input.{key}", f"must be at least 1, not {value}")
            sizes[key] = value
        divisible = inp.get("assume_divisible", False)
        if not isinstance(divisible, bool):
            self.fail("input.assume_divisible", "must be true or false")
        layers = data.get("layers")
        if not layers:
            self.fail("layers", "the network has no layers; add [[layers]] entries")
        self.parameters = self.network_parameters(data.get("params", {}))
        nodes = self.node_list(layers, "layers", self.names({}))
        name = data.get("name", Path(self.source).stem)
        return dict(layers=nodes, C=sizes["C"], H=sizes["H"], W=sizes["W"], name=str(name),
                    description=str(data.get("description", "")), assume_divisible=divisible,
                    source=self.source, reference=str(data.get("source", "")),
                    parameters=self.parameters)

    def network_parameters(self, declared) -> dict:
        """The spec's own parameters (``params = { width_mult = 1.0 }``): symbol -> default."""
        if not isinstance(declared, dict):
            self.fail("params", "must be a table of name = default number")
        out = {}
        for key, default in declared.items():
            if not _NAME.fullmatch(key) or key in _RESERVED:
                self.fail("params", f"{key!r} cannot be a network parameter (a name, not one of "
                                    f"{', '.join(sorted(_RESERVED))})")
            if isinstance(default, bool) or not isinstance(default, (int, float)) or default <= 0:
                self.fail(f"params.{key}", f"the default must be a positive number, not {default!r}")
            out[network_parameter(key)] = self.value(default, f"params.{key}", {})
        return out

    def names(self, params: dict) -> dict:
        network = {str(symbol): symbol for symbol in getattr(self, "parameters", {})}
        return {"alpha": SYMBOLS["alpha"], "D_in": D_in, **network, **params}

    def node_list(self, items, where: str, names: dict) -> tuple:
        if not isinstance(items, list):
            self.fail(where, "must be a list of layers")
        return tuple(self.node(item, f"{where}[{i}]", names) for i, item in enumerate(items, 1))

    def value(self, value, where: str, names: dict):
        """An option's value: number, bool, padding word, expression, or a [w, h] pair; a block
        parameter's name alone stands for its value, whatever it is."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip() in names and value.strip() not in ("alpha", "D_in"):
            found = names[value.strip()]
            return Count(found) if isinstance(found, int) and not isinstance(found, bool) else found
        if isinstance(value, int):
            try:
                return Count(check_int(value, "the number"))
            except InputError as error:
                self.fail(where, str(error))
        if isinstance(value, float):
            if not math.isfinite(value) or abs(value) >= 10 ** MAX_DIGITS:
                self.fail(where, f"{value!r} is not a size; give a whole number or an expression")
            return sympy.Rational(Fraction(str(value)))
        if isinstance(value, list):
            if len(value) != 2:
                self.fail(where, f"a pair is [width, height], not {value!r}")
            return tuple(self.value(v, where, names) for v in value)
        if isinstance(value, str):
            if value in _PADDING_WORDS:
                return value
            try:
                return parse_arith(value, {k: v for k, v in names.items()
                                           if isinstance(v, (int, sympy.Basic)) and not isinstance(v, bool)})
            except InputError as error:
                hint = ("; padding is valid, same, full, a number or an expression"
                        if where.endswith(".padding") else "")
                self.fail(where, f"{error}{hint}")
        self.fail(where, f"unsupported value {value!r}")

    def count(self, value, where: str, names: dict):
        """A repeat count: a whole number, or an expression of the network's parameters
        (``ceil(3 * depth_mult)``), which the walk makes a number."""
        if type(value) is int and 1 <= value <= MAX_LAYERS:  # the common case, quickly
            return value
        n = self.value(value, where, names)
        if isinstance(n, sympy.Basic) and not n.is_number and n.free_symbols and \
                n.free_symbols <= set(getattr(self, "parameters", {})):
            return n
        if isinstance(n, bool) or whole(n) is None or n < 1:
            self.fail(where, f"repeat must be a whole number >= 1, not {value!r}")
        return int(n)

    def node(self, item, where: str, names: dict):
        if not isinstance(item, dict):
            self.fail(where, f"a layer is a table with a type, not {item!r}")
        item = dict(item)
        kind = item.pop("type", None)
        if not isinstance(kind, str):
            self.fail(where, "missing 'type' (a layer name such as conv, or residual, concat, "
                             "sequence or a block name)")
        where = f"{where} ({kind})"
        name = item.pop("name", None)
        name = None if name is None else str(name)
        repeat = self.count(item.pop("repeat", 1), where, names)
        line = self.line(where)
        if kind in self.blocks:
            return self.use_block(kind, item, where, names, name, repeat, line)
        if kind in _BLOCK_KINDS:
            return self.block_node(kind, item, where, names, name, repeat, line)
        options = tuple(sorted((key, self.value(v, f"{where}.{key}", names)) for key, v in item.items()))
        return LayerSpec(kind, options, name, repeat, line)

    def block_node(self, kind: str, item: dict, where: str, names: dict, name, repeat, line=None,
                   binds=None):
        allowed = _BLOCK_KEYS[kind]
        unknown = sorted(set(item) - allowed)
        if unknown:
            self.fail(where, f"unknown key {unknown[0]!r}; a {kind} block has "
                             f"{', '.join(sorted(allowed))}")
        if kind == "residual":
            body = self.node_list(item.get("body", []), f"{where}.body", names)
            if not body:
                self.fail(where, "a residual block needs a non-empty body")
            shortcut = self.node_list(item.get("shortcut", []), f"{where}.shortcut", names)
            return Residual(body, shortcut, name, repeat, binds, line)
        if kind == "multiply":
            body = self.node_list(item.get("body", []), f"{where}.body", names)
            if not body:
                self.fail(where, "a multiply block needs a body (the gate: pool, convs, sigmoid)")
            return Multiply(body, name, repeat, binds, line)
        if kind in ("sequence", "head"):
            layers = self.node_list(item.get("layers", []), f"{where}.layers", names)
            if not layers:
                self.fail(where, f"a {kind} needs at least one layer")
            return (Sequence if kind == "sequence" else Head)(layers, name, repeat, binds, line)
        branches = item.get("branches", [])
        if not isinstance(branches, list) or not branches:
            self.fail(where, "a concat block needs branches: a list of layer lists")
        out = []
        for j, branch in enumerate(branches, 1):
            if isinstance(branch, dict):  # [[layers.branches]] with layers = [...]
                extra = sorted(set(branch) - {"layers"})
                if extra:
                    self.fail(f"{where}.branches[{j}]", f"unknown key {extra[0]!r}; a branch has layers")
                branch = branch.get("layers", [])
            out.append(self.node_list(branch, f"{where}.branches[{j}]", names))
        return Concat(tuple(out), name, repeat, binds, line)

    def param(self, raw, where: str, names: dict):
        """A block parameter's value: number, expression, padding word, bool or [w, h] pair."""
        if isinstance(raw, list):
            if len(raw) != 2:
                self.fail(where, f"a pair is [width, height], not {raw!r}")
            return tuple(self.param(v, where, names) for v in raw)
        value = self.value(raw, where, names)
        if not isinstance(value, (int, sympy.Basic, bool, str, tuple)):
            self.fail(where, f"a block parameter is a number, expression, padding word, "
                             f"true/false or [w, h], not {raw!r}")
        return value

    def use_block(self, kind: str, item: dict, where: str, names: dict, name, repeat, line=None):
        block = self.blocks[kind]
        if not isinstance(block, dict):
            self.fail(f"blocks.{kind}", "a block is a table")
        if kind in self.expanding:
            chain = " -> ".join([*self.expanding[self.expanding.index(kind):], kind])
            self.fail(where, f"block cycle: {chain}; a block cannot contain itself")
        declared = block.get("params", {})
        if not isinstance(declared, dict):
            self.fail(f"blocks.{kind}.params", "must be a table of name = default value")
        unknown = sorted(set(item) - set(declared))
        if unknown:
            self.fail(where, f"block {kind!r} has no parameter {unknown[0]!r}; its parameters: "
                             f"{', '.join(declared) or 'none'}")
        params = {}
        scope = block_input(kind)
        for key, default in declared.items():
            if key in ("alpha", "H", "W", "C", "D_in"):
                self.fail(f"blocks.{kind}.params", f"{key!r} is a network name, not a block parameter")
            raw = item.get(key, default)
            # a value given at the use reads the caller's names; a default, the parameters before it
            value = self.param(raw, f"{where}.{key}", names if key in item else self.names(params))
            params[key] = _rebind(value, scope)
        binds = scope if any(_mentions(v, scope) for v in params.values()) else None
        key = (kind, tuple(sorted(params.items(), key=lambda kv: kv[0])))
        if key not in self.cache:
            self.expanding.append(kind)
            try:
                body = {k: v for k, v in block.items() if k != "params"}
                body.setdefault("type", "sequence")
                if body["type"] not in _BLOCK_KINDS:
                    self.fail(f"blocks.{kind}", f"type must be one of {', '.join(_BLOCK_KINDS)}")
                inner_kind = body.pop("type")
                self.cache[key] = self.block_node(inner_kind, body, f"blocks.{kind}",
                                                  self.names(params), None, 1,
                                                  self.block_lines.get(kind), binds)
            finally:
                self.expanding.pop()
        return _with(self.cache[key], name, repeat, line)


def _rebind(value, scope):
    """``D_in`` in a block parameter means the block's input channels: its own symbol."""
    if isinstance(value, tuple):
        return tuple(_rebind(v, scope) for v in value)
    if isinstance(value, sympy.Basic) and value.has(D_in):
        return value.xreplace({D_in: scope})
    return value


def _mentions(value, symbol) -> bool:
    if isinstance(value, tuple):
        return any(_mentions(v, symbol) for v in value)
    return isinstance(value, sympy.Basic) and value.has(symbol)


def _with(node, name, repeat, line=None):
    return dataclasses.replace(node, name=name, repeat=repeat,
                               line=line if line is not None else node.line)
