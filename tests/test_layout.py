"""The package's architecture: imports run one way, no circles, no private names across modules.

Every module of ``symconv/`` is read with :mod:`ast` (nothing is imported); every
``import`` statement, at module level or inside a function, is an arrow. The ranks
below are the architecture; a module may import only from its own rank's folder or
from a lower rank.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symconv"

#: folder or top-level module -> rank. An arrow may point only down (or within a folder).
RANKS = {
    "errors": 0, "version": 0, "suggest": 0.5,  # suggest: pure Python, imports errors only
    "memo": 0.5,  # remembering pure answers (and the InputError they raised)
    "limits": 0.5,  # the input limits: every layer may check them
    "symbols": 1, "products": 1, "counts": 1,  # products, counts: exact numbers, sympy only
    "shapes": 2, "printing": 2,
    "layers": 3,
    "engine": 4, "sweep": 4, "formula": 4,
    "lint": 5, "net": 5,
    "notes": 6,
    "cli": 7,
    "__main__": 8, "__init__": 8,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, imported names, line) for every import statement in the file."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("symconv")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("symconv"):
                target = node.module
            else:
                continue
            out.append((target, [a.name for a in node.names], node.lineno))
    return out


def _resolve(target: str, names: list[str], modules: dict) -> list[str]:
    """The modules an import reaches: ``from . import render`` reaches ``symconv.notes.render``."""
    reached = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
    return reached or [target]


def _unit(module: str) -> str:
    """The folder or top-level module a module belongs to (``symconv.lint.note`` -> ``lint``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for target, names, _ in _imports(name, path):
            graph[name].update(t for t in _resolve(target, names, modules) if t in modules)
    return graph


def test_every_folder_and_module_has_a_rank():
    assert {_unit(m) for m in _modules()} <= set(RANKS)


def test_imports_point_down():
    modules = _modules()
    upward = []
    for name, path in modules.items():
        for target, names, line in _imports(name, path):
            for reached in _resolve(target, names, modules):
                a, b = _unit(name), _unit(reached)
                if a != b and RANKS[b] >= RANKS[a]:
                    upward.append(f"{path.relative_to(PACKAGE)}:{line}: {name} -> {reached}")
    assert upward == []


def test_nothing_outside_cli_imports_cli():
    modules = _modules()
    offenders = [f"{name} -> {t}" for name, path in modules.items() if _unit(name) != "cli"
                 and name not in ("symconv", "symconv.__main__")
                 for target, names, _ in _imports(name, path)
                 for t in _resolve(target, names, modules) if _unit(t) == "cli"]
    assert offenders == []


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_private_name_is_imported_across_modules():
    modules = _modules()
    offenders = [f"{path.relative_to(PACKAGE)}:{line}: {n}" for name, path in modules.items()
                 for _, names, line in _imports(name, path) for n in names
                 if n.startswith("_") and not n.startswith("__")]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_subpackage_says_what_it_owns(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
    assert doc and "import" in doc, f"symconv/{package}/__init__.py: say what it owns and may import"


def test_the_checker_finds_a_cycle_and_an_upward_arrow(tmp_path, monkeypatch):
    """The walk itself can fail: a planted circle and an upward arrow are both reported."""
    fake = tmp_path / "symconv"
    (fake / "layers").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "errors.py").write_text("from .printing import x\n")
    (fake / "printing.py").write_text("from .errors import y\n")
    (fake / "layers" / "__init__.py").write_text('"""may import"""\nfrom ..cli import main\n')
    (fake / "cli").mkdir()
    (fake / "cli" / "__init__.py").write_text('"""may import"""\n')
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    with pytest.raises(AssertionError):
        test_no_import_cycles()
    with pytest.raises(AssertionError):
        test_imports_point_down()
    with pytest.raises(AssertionError):
        test_nothing_outside_cli_imports_cli()
