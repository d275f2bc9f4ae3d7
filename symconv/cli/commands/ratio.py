"""The simplified ratio of two layers' costs, derived from their own formulas, with its limits.

'symconv ratio --dw-sep' divides a depthwise separable layer's MACs by those of a
standard convolution with the same shapes; the engine derives
1/D_out + 1/(W_F H_F): a 3x3 dw-sep layer costs 8 to 9 times fewer MACs.

examples:
  symconv ratio --dw-sep
  symconv ratio --dw-sep --quantity params --no-bias
  symconv ratio grouped conv
  symconv ratio conv conv --format json   (is 1)
"""

from __future__ import annotations

from ..options import add_layer_options


def configure(parser) -> None:
    parser.add_argument("layers", metavar="LAYER", nargs="*",
                        help="numerator and denominator layers (see 'symconv layers')")
    parser.add_argument("--dw-sep", action="store_true",
                        help="shorthand for: ratio dw-sep conv")
    parser.add_argument("--quantity", choices=("macs", "params", "flops"), default="macs",
                        help="what to compare (default: macs)")
    add_layer_options(parser)


def run(args) -> int:
    import sympy

    from ...engine import ratio
    from ...errors import InputError
    from ..options import layer_from_args
    from ...printing import Report, render

    names = list(args.layers)
    if args.dw_sep:
        if names:
            raise InputError("give either --dw-sep or two layer names, not both")
        names = ["dw-sep", "conv"]
    if len(names) != 2:
        raise InputError("give two layer names (numerator, denominator) or --dw-sep")
    a, b = (layer_from_args(name, args, skip_missing=True) for name in names)
    label = {"macs": "MACs", "params": "params", "flops": "FLOPs"}[args.quantity]
    report = Report(f"{label}({names[0]}) / {label}({names[1]}), same shapes and options"
                    + ("" if args.bias is not False else ", no bias"))
    if args.format in ("markdown", "latex"):  # the notes' own template (templates/ratio.*)
        from ...notes.snippets import render_ratio

        print(render_ratio(a, b, args.quantity, names, report.title, args.format))
        return 0
    result = ratio(a, b, args.quantity)
    report.add("ratio", "ratio", result.expr)
    report.add("numerator", f"{label}({names[0]})", result.numerator)
    report.add("denominator", f"{label}({names[1]})", result.denominator)
    report.data["quantity"] = args.quantity
    report.data["layers"] = names
    report.data["limits"] = [{"symbol": s.name, "to": "oo", "value": v} for s, v in result.limits]
    for s, v in result.limits:
        report.add("", f"limit as {s.name} → ∞", v,
                   latex_label=rf"\lim_{{{sympy.latex(s)} \to \infty}}")
    print(render(report, args.format))
    return 0

