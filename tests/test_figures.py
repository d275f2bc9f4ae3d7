"""Figures: drawn from the layer objects, they agree with an independent count; SVG parses."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from symconv.layers import REGISTRY
from symconv.notes.canvas import COLOURS
from symconv.notes.example import Examples
from symconv.notes.figures import FIGURES, layer_figures, window_layer

from brute_force import pads, window_positions

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
WINDOWED = [name for name, kinds in FIGURES.items() if ("window", "size") in kinds]
EXAMPLES = [Examples(), Examples.parse(["K=3 stride=2 padding=same"]),
            Examples.parse(["K=3 dilation=2 padding=1"])]


def _cells(svg: str, colour: str) -> int:
    root = ET.fromstring(svg)
    return sum(1 for r in root.iter(f"{SVG}rect") if r.get("fill") == "#" + COLOURS[colour])


@pytest.mark.parametrize("examples", EXAMPLES, ids=["course", "stride-same", "dilated"])
@pytest.mark.parametrize("name", WINDOWED)
def test_the_window_diagram_draws_the_output_the_loops_count(name, examples):
    cls = REGISTRY[name]
    fields = cls.__dataclass_fields__
    if name == "avg-pool" and any(e.get("dilation") for e in (examples.common,)):
        pytest.skip("average pooling has no dilation")
    layer = window_layer(cls, examples)
    n, k = int(layer.W_in), int(layer.W_F) if "W_F" in fields else 1
    s = int(layer.stride[0])
    d = int(layer.dilation[0]) if "dilation" in fields else 1
    padding = layer.padding[0] if "padding" in fields else 0
    padding = getattr(padding, "value", padding)
    padding = padding if isinstance(padding, str) else int(padding)
    columns = len(window_positions(n, k, s, *pads(padding, n, k, s, d), d))
    (figure,) = [f for f in layer_figures(name, examples, "markdown") if "window" in f["file"]]
    svg = figure["files"][figure["file"]]
    drawn = _cells(svg, "output") + _cells(svg, "hit")
    assert drawn == columns * columns, (name, n, k, s, padding, d)
    assert f"The output is {columns} x {columns}" in figure["caption"]
    kernel = k * k if name != "dw-sep" else k * k
    assert _cells(svg, "kernel") == kernel  # the taps of the first window


def test_the_dw_sep_stages_add_up_to_the_layers_macs():
    (figure,) = [f for f in layer_figures("dw-sep", Examples(), "markdown")
                 if "stages" in f["file"]]
    # 128 x 128 x 8 input, 5 x 5, valid: 124 x 124 outputs; depthwise 25 MACs per value and
    # channel, pointwise 8 per output value and channel (by hand)
    depthwise, pointwise = 124 * 124 * 8 * 25, 124 * 124 * 32 * 8
    assert f"({depthwise:,} MACs)" in figure["caption"]
    assert f"({pointwise:,} MACs)" in figure["caption"]
    assert f"{depthwise + pointwise:,} MACs in all" in figure["caption"]


def test_the_ratio_plot_draws_the_limits_one_over_k_squared():
    (figure,) = [f for f in layer_figures("dw-sep", Examples(), "latex")
                 if "ratio" in f["tex"]]
    tikz = figure["files"][figure["tex"] + ".tex"]
    dashed = re.findall(r"\\draw\[symconv(line\d),dashed\] \(([\d.]+),([\d.]+)\)", tikz)
    assert len(dashed) == 3
    # y of a limit line on the plot's axis (0 to 0.4 over 9 units, top at 0.8): 1/9, 1/25, 1/49
    for (_, _, y), k in zip(dashed, (3, 5, 7)):
        assert abs((0.8 + 9 - float(y)) / 9 * 0.4 - 1 / k ** 2) < 1e-5  # 6 significant digits


def test_every_committed_svg_parses_and_is_linked_from_a_note():
    notes = REPO / "notes"
    svgs = sorted(notes.glob("*.svg"))
    assert len(svgs) >= 10
    text = " ".join(p.read_text() for p in notes.glob("*.md"))
    for path in svgs:
        ET.fromstring(path.read_text().split("\n", 1)[1])  # after the generated-by marker
        assert f"({path.name})" in text, path.name
