"""A layer in words and a :class:`~symconv.printing.Report` of its four quantities.

Shared by ``symconv show``/``eval`` and the course notes, so both label every figure
with what it counts.
"""

from __future__ import annotations

from ..printing import Report, course_str
from .options import OPTION_NAMES, SWITCHES


def describe(layer) -> str:
    """The layer's name, summary and options, in one line."""
    parts = []
    for option in OPTION_NAMES:
        if option not in SWITCHES and hasattr(layer, option):
            value = getattr(layer, option)
            if isinstance(value, tuple) and value[0] == value[1]:
                value = value[0]
            shown = "(" + ", ".join(map(str, value)) + ")" if isinstance(value, tuple) else value
            parts.append(f"{option.replace('_', ' ')} {shown}")
    for switch in SWITCHES:
        if hasattr(layer, switch):
            parts.append(switch.replace("_", " ") + (" on" if getattr(layer, switch) else " off"))
    return f"{layer.name}: {layer.summary}" + (f"\n  {', '.join(parts)}" if parts else "")


def quantity_report(layer):
    """Output size, params, MACs and FLOPs of a layer, labelled with what each counts."""
    report = Report(describe(layer))
    out = layer.output_size
    report.add("output_size", "output size (W_out × H_out × D_out)", out)
    report.add("W_out", "W_out", out.width)
    report.add("H_out", "H_out", out.height)
    report.add("params", "params", layer.params, _params_note(layer))
    report.add("macs", "MACs", layer.macs, "multiply-accumulates, batch 1")
    report.add("flops", "FLOPs", layer.flops, "2 × MACs")
    if layer.buffers != 0:
        report.add("buffers", "buffers", layer.buffers, "running statistics, not trainable")
    return report


def _params_note(layer) -> str:
    if layer.affine != 0:
        return "scale and shift per channel"
    if layer.params == 0:
        return "no trainable parameters"
    if layer.biases == 0:
        return "weights only, no bias"
    return f"weights {course_str(layer.weights)} + biases {course_str(layer.biases)}"
