"""A layer's parameter count, MACs, FLOPs and output size, as formulas.

One MAC is one multiply-accumulate of a weight with an input value (batch 1);
FLOPs = 2 x MACs; params count weights and biases (bias on by default).
LAYER is any of a layer's names: conv, Conv2d, dw-sep, separable, linear, fc, bn,
deconv, maxpool, gap, ... ('symconv layers' lists them, with their other names).

examples:
  symconv show conv
  symconv show conv --stride S --padding P --dilation d
  symconv show dw-sep K=3
  symconv show dw-sep --no-bias --format latex
  symconv show depthwise --depth-multiplier m
  symconv show conv --convention ptflops
"""

from __future__ import annotations

from ..options import add_layer_options


def configure(parser) -> None:
    parser.add_argument("layer", metavar="LAYER", help="a layer name from 'symconv layers'")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*",
                        help="sizes to fix, e.g. K=3 (the rest stay symbols; 'symconv eval' "
                             "for numbers)")
    add_layer_options(parser)
    from .net import TOOLS

    parser.add_argument("--convention", metavar="TOOL", choices=TOOLS,
                        help="also the layer's count as TOOL counts it: " + ", ".join(TOOLS))


def run(args) -> int:
    from ...layers.summary import quantity_report  # sympy: not at --help time
    from ..options import layer_from_args, parse_assignments
    from ...printing import render

    layer = layer_from_args(args.layer, args, parse_assignments(args.values))
    report = quantity_report(layer)
    if args.convention:
        from ...net.conventions import convention, layer_count

        tool = convention(args.convention)
        count = layer_count(layer, args.convention)
        report.add("convention", f"{args.convention} ({tool.unit})", count,
                   f"as {tool.version or 'symconv'} counts the matching torch.nn module; "
                   f"defined by {tool.source.split(';')[0]}")
    if args.format in ("markdown", "latex"):  # the notes' own template (templates/quantities.*)
        from ...notes.snippets import render_report

        print(render_report(layer, args.format))
        if args.convention:
            import sympy

            line = rf"{args.convention} ({tool.unit}): ${sympy.latex(count)}$"
            print("\n" + line)   # tool names have no LaTeX specials
        return 0
    print(render(report, args.format))
    return 0
