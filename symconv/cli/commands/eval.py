"""A layer's output size, params, MACs and FLOPs as numbers.

Give sizes as NAME=VALUE (D_in, D_out, W_F, H_F or K for a square kernel, W_in,
H_in: messages list them in this order); options as flags or as NAME=VALUE
(padding=valid). Sizes left out stay symbols. Any case works (k=3, din=8), and so do
C_in/Cin, C_out/Cout (= D_in, D_out) and PyTorch's in_channels, out_channels,
kernel_size. A bare W, H or C is ambiguous (input? filter? which channels?) and is
refused with the choices. A size the layer computes (W_out, H_out; a depthwise
layer's D_out) may be given when it agrees; a size given twice must agree.

example:
  symconv eval conv D_in=8 D_out=32 W_F=5 H_F=5 W_in=128 H_in=128 --padding valid
    W_out = 124, params = 6432, MACs = 98406400
"""

from __future__ import annotations

from ..options import add_layer_options


def configure(parser) -> None:
    parser.add_argument("layer", metavar="LAYER", help="a layer name from 'symconv layers'")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*",
                        help="sizes such as D_in=8 K=3 W_in=224 (aliases like C_in work)")
    add_layer_options(parser)


def _human(n: int) -> str:
    """``98,406,400 ≈ 98.4 million``: the grouped digits, and a rounded reading of big ones."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if abs(n) >= size:
            return f"{n:,} ≈ {n / size:.3g} {word}"
    return f"{n:,}"


def run(args) -> int:
    import dataclasses

    from ..options import layer_from_args, parse_assignments
    from ...printing import render
    from ...layers.summary import quantity_report

    layer = layer_from_args(args.layer, args, parse_assignments(args.values))
    report = quantity_report(layer)
    if args.format == "text":  # big counts also grouped and rounded, beside what they count
        report.rows = [dataclasses.replace(row, note=f"{_human(int(row.value))}: {row.note}")
                       if row.key in ("params", "macs", "flops") and row.value.is_Integer else row
                       for row in report.rows]
    print(render(report, args.format))
    return 0
