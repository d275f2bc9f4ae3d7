"""Network spec files (TOML) and the built-in zoo.

A spec is data, read with the standard library's ``tomllib``::

    name = "tiny"
    [input]
    C = 3
    H = "H"            # a number, or the symbol H
    W = "W"
    # assume_divisible = true   (H and W are multiples of the total stride)

    [blocks.bottleneck]          # a reusable block, with parameters and their defaults
    params = { mid = 64, stride = 1 }
    type = "residual"            # residual | concat | sequence
    body = [ { type = "conv", D_out = "mid", K = 3, padding = 1, stride = "stride" } ]
    shortcut = [ { type = "conv", D_out = "mid", K = 1, stride = "stride" } ]

    [[layers]]
    type = "conv"
    D_out = "32*alpha"           # channel counts may be expressions of alpha
    K = 3
    [[layers]]
    type = "bottleneck"          # a block by name, with parameter values
    mid = 128
    repeat = 3

A layer entry has ``type`` (a catalog layer, a network operation such as
``flatten``, ``adaptive-avg-pool``, ``take``, ``channel-shuffle``, ``relu``, ...,
a block kind ``residual``, ``concat``, ``sequence``, ``multiply``, ``head``, or a
block name), optional ``name`` and ``repeat``, and the layer's options (``D_out``,
``K`` or ``W_F``/``H_F``, ``stride``, ``padding``, ``dilation``, ``groups``,
``bias``, ``ceil_mode``, ...). Input sizes come from the previous layer. A ``concat``
has ``branches``: a list of layer lists (an empty list passes the input through);
a ``multiply`` has a ``body`` whose output gates its input (squeeze-and-excitation);
a ``head`` has ``layers`` that run on the map and are counted apart.

Strings are parsed by :mod:`symconv.net.arith`, never evaluated; ``D_in`` in an
option is the layer's input channels, in a block parameter the block's. A block
parameter may be a number, an expression, a padding word, ``true``/``false`` or a
``[w, h]`` pair. Errors name the file, the line and the place with positions
counted from 1, as the table numbers its rows: ``layers[3] (residual).body[1]
(conv)`` is row ``3.1``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..suggest import Words
from ..limits import read_text as read_regular_file
from .reader import read_data

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*layers[ \t]*\]\]", re.M)
_BLOCK_HEADER = re.compile(r"^[ \t]*\[[ \t]*blocks\.([A-Za-z0-9_-]+|\"[^\"]*\")[ \t]*\]", re.M)


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise InputError("reading a network spec needs Python 3.11 or newer "
                             "(the standard library's tomllib), or 'pip install tomli'") from None
    return tomllib


def read_text(text: str, source: str = "<spec>") -> dict:
    """The :class:`~symconv.net.network.Network` arguments a TOML spec's text gives; errors
    name ``source`` and the place."""
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if where:
            message = message[:where.start()].strip()
            raise InputError(f"{source}:{where.group(1)}:{where.group(2)}: "
                             f"TOML syntax error: {message}") from None
        raise InputError(f"{source}: TOML syntax error: {message}") from None
    except RecursionError:
        raise InputError(f"{source}: arrays or tables nest too deeply to read") from None
    except ValueError as error:  # tomllib's int(): more digits than Python converts
        raise InputError(f"{source}: {error}") from None
    return read_data(data, source, _lines(text))


def _lines(text: str) -> dict:
    """Where things start in the text: the ``[[layers]]`` headers in order, ``[blocks.NAME]``."""
    last, number = 0, 1

    def line(pos):  # positions come in increasing order: count each newline once
        nonlocal last, number
        if pos < last:
            last, number = 0, 1
        number += text.count("\n", last, pos)
        last = pos
        return number

    return {"layers": [line(m.start()) for m in _HEADER.finditer(text)],
            "blocks": {m.group(1).strip('"'): line(m.start()) for m in _BLOCK_HEADER.finditer(text)}}


def read_file(path) -> dict:
    """The network's arguments from a spec file."""
    text = read_regular_file(path, "spec file")
    return read_text(text, str(path))


def zoo_names() -> list[str]:
    """The built-in networks, by name."""
    return sorted(p.name[:-5] for p in resources.files("symconv.net.zoo").iterdir()
                  if p.name.endswith(".toml"))


def zoo_name(name: str) -> str | None:
    """The built-in network ``name`` stands for in any case, with or without ``-``
    (``ResNet50`` is ``resnet-50``), or None."""
    return Words("network", zoo_names()).get(name)


def _unknown_network(name: str, start: str) -> str:
    guess = Words("network", zoo_names()).suggestion(name)
    hint = f"did you mean {guess}? " if guess else ""
    return f"{start}; {hint}built-in: {', '.join(zoo_names())} (symconv net --list)"


def read_zoo(name: str) -> dict:
    """A built-in network's arguments: ``mobilenet-v1``, ``resnet-50``, ``vgg-16``."""
    found = zoo_name(name)
    if found is None:
        raise InputError(_unknown_network(name, f"no built-in network {name!r}"))
    name = found
    text = resources.files("symconv.net.zoo").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return read_text(text, f"zoo/{name}.toml")


def read(spec: str) -> dict:
    """A spec file's path, or the name of a built-in network."""
    if Path(spec).exists() and (zoo_name(spec) is None or Path(spec).is_file()):
        return read_file(spec)  # a pipe, a device or a folder is refused there
    if zoo_name(spec) is not None:
        return read_zoo(spec)
    raise InputError(_unknown_network(spec, f"{spec!r} is neither a spec file nor a built-in "
                                            f"network"))
