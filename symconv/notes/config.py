"""The author's choices in a file: ``notes.toml``, or ``[tool.symconv.notes]`` in
``pyproject.toml``, read as data (TOML), merged under the command line's options.

.. code-block:: toml

    title = "CNN complexity, week 3"
    layers = ["conv", "depthwise", "pointwise", "dw-sep"]
    template_dir = "my-templates"        # relative to this file
    example = "D_in=16 D_out=64 K=3 W_in=56 H_in=56 padding=same"
    notation = "mobilenet"               # printed in M, N, D_K, D_F
    links = "wiki"                       # [[conv]] for Obsidian; default: [conv](conv.md)
    exercises = 3
    seed = 7
    net = "mobilenet-v1"                 # add a network note (a zoo name or a spec file)

    [examples]                           # one layer's own numbers
    dense = "D_in=1024 D_out=1000"
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: key -> the type its value must have.
KEYS = {"title": str, "layers": list, "template_dir": (str, list), "example": (str, list),
        "notation": str, "links": str, "exercises": int, "seed": int, "net": str,
        "examples": dict, "output": str, "figures": bool}
MAX_BYTES = 1_000_000


def find(explicit: str | None, where: Path = Path(".")) -> Path | None:
    """``--config FILE``, else ``notes.toml``, else a ``pyproject.toml`` with a
    ``[tool.symconv.notes]`` table, in the current directory."""
    if explicit:
        return Path(explicit)
    for name in ("notes.toml", "pyproject.toml"):
        path = where / name
        if path.is_file():
            if name == "notes.toml" or "[tool.symconv.notes]" in _read(path):
                return path
    return None


def _read(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such file (a notes config is a TOML file)")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES:,} bytes")
    return path.read_text(encoding="utf-8")


def load(path: Path) -> dict:
    """The notes settings of ``path``, checked key by key; a relative template folder is
    taken relative to the file."""
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: TOML syntax error: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("symconv", {}).get("notes", {})
    for key, value in data.items():
        if key not in KEYS:
            raise InputError(f"{path}: unknown key {key!r}; known keys: {', '.join(KEYS)}")
        if not isinstance(value, KEYS[key]) or isinstance(value, bool) != (KEYS[key] is bool):
            raise InputError(f"{path}: {key} has the wrong type ({type(value).__name__})")
    for key in ("layers",):
        if key in data and not all(isinstance(v, str) for v in data[key]):
            raise InputError(f"{path}: {key} is a list of layer names")
    if "examples" in data and not all(isinstance(v, str) for v in data["examples"].values()):
        raise InputError(f"{path}: [examples] maps a layer name to \"NAME=VALUE ...\"")
    dirs = data.get("template_dir", [])
    data["template_dir"] = [str(path.parent / d) for d in ([dirs] if isinstance(dirs, str)
                                                           else dirs)]
    if isinstance(data.get("example"), str):
        data["example"] = [data["example"]]
    return data
