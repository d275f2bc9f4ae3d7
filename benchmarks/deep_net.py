"""A deep network whose layers all differ, as a TOML spec, for the depth benchmark.

    python benchmarks/deep_net.py N [OUT.toml]      # N layers (default 5000) to stdout or a file

Layer ``i`` widens the map to ``16 + i`` channels (or keeps them), so no two layers see
the same input and the walk's "identical layer, identical input" cache never applies:
every layer is built and counted. The kinds cycle through a 3x3 conv, BatchNorm, a
3x3 depthwise, a 1x1 pointwise, a strided 3x3 conv (halves the map), a dilated 3x3
conv, a 2x2 transposed conv with stride 2 (doubles it back) and a 3x3 max-pool, so
the map stays near ``W x H`` however deep the network (symbolic input ``H``, ``W``,
with floors and ceilings, or numbers from the command line).

``unique_layers(N)`` recomputes in plain Python how many distinct (type, options,
input channels) the spec has: the benchmark asserts it is ``N``.
"""

from __future__ import annotations

import sys

KINDS = ("conv", "batchnorm", "depthwise", "pointwise", "down", "dilated", "up", "max-pool")


def _layer(i: int) -> tuple[str, dict]:
    kind = KINDS[i % len(KINDS)]
    width = 16 + i
    if kind == "conv":
        return "conv", {"D_out": width, "K": 3, "padding": 1, "bias": i % 2 == 0}
    if kind == "pointwise":
        return "pointwise", {"D_out": width}
    if kind == "dilated":
        return "conv", {"D_out": width, "K": 3, "padding": 2, "dilation": 2, "bias": False}
    if kind == "down":
        return "conv", {"D_out": width, "K": 3, "stride": 2, "padding": 1, "bias": False}
    if kind == "up":
        return "transposed-conv", {"D_out": width, "K": 2, "stride": 2, "bias": False}
    if kind == "depthwise":
        return "depthwise", {"K": 3, "padding": 1}
    if kind == "max-pool":
        return "max-pool", {"K": 3, "stride": 1, "padding": 1}
    return "batchnorm", {}


def deep_spec(n: int) -> str:
    """The TOML text of an ``n``-layer network with symbolic input ``3 x H x W``."""
    out = [f'name = "deep-{n}"', f'description = "{n} layers, all different (benchmark)"',
           "", "[input]", "C = 3", 'H = "H"', 'W = "W"']
    for i in range(n):
        kind, options = _layer(i)
        out += ["", "[[layers]]", f'type = "{kind}"']
        for key, value in options.items():
            out.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    return "\n".join(out) + "\n"


def unique_layers(n: int) -> int:
    """Distinct (type, options, input channels) among the ``n`` layers, by plain arithmetic."""
    seen, channels = set(), 3
    for i in range(n):
        kind, options = _layer(i)
        seen.add((kind, tuple(sorted(options.items())), channels))
        channels = options.get("D_out", channels)
    return len(seen)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    text = deep_spec(count)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
