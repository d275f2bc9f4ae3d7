"""The simplified ratio of two layers' costs, derived from their own formulas, with its limits.

'symconv ratio --dw-sep' divides a depthwise separable layer's MACs by those of a
standard convolution with the same shapes; the engine derives
1/D_out + 1/(W_F H_F): a 3x3 dw-sep layer costs 8 to 9 times fewer MACs.

A single layer name is compared with a standard convolution ('symconv ratio dw-sep'
is 'symconv ratio dw-sep conv'). Sizes as NAME=VALUE (D_in, D_out, W_F, H_F or K,
W_in, H_in, in this order in messages) and the layer options apply to both layers
(to each one that has them); when they make the ratio a number, it is printed too.

examples:
  symconv ratio --dw-sep
  symconv ratio --dw-sep K=3              (1/9 + 1/D_out)
  symconv ratio dw-sep K=3 D_out=64       (73/576, about 0.127)
  symconv ratio --dw-sep --quantity params --no-bias
  symconv ratio grouped conv
  symconv ratio conv conv --format json   (is 1)
"""

from __future__ import annotations

from ..options import add_layer_options

QUANTITIES = ("macs", "params", "flops")


def configure(parser) -> None:
    parser.add_argument("layers", metavar="LAYER", nargs="*",
                        help="numerator and denominator layers (see 'symconv layers'; the "
                             "denominator defaults to conv), then sizes NAME=VALUE")
    parser.add_argument("--dw-sep", action="store_true",
                        help="shorthand for: ratio dw-sep conv")
    parser.add_argument("--quantity", metavar="Q", default="macs", choices=QUANTITIES,
                        type=_quantity, help="what to compare: macs (default), params or flops")
    add_layer_options(parser)


def _quantity(text: str) -> str:
    import argparse

    from ...suggest import Words

    words = Words("quantity", QUANTITIES, {"mac": "macs", "param": "params", "parameter": "params",
                                           "parameters": "params", "flop": "flops",
                                           "multiply-accumulates": "macs"},
                  plural_what="quantities")
    found = words.get(text)
    if found is None:
        raise argparse.ArgumentTypeError(words.unknown(text))
    return found


def run(args) -> int:
    import sympy

    from ...engine import ratio
    from ...errors import InputError
    from ...layers import layer_name
    from ...printing import Report, render
    from ..options import layer_from_args, parse_assignments

    names = [w for w in args.layers if "=" not in w]
    values = parse_assignments([w for w in args.layers if "=" in w])
    if args.dw_sep:
        if names:
            raise InputError(f"give either --dw-sep or two layer names, not both (--dw-sep is "
                             f"'symconv ratio dw-sep conv'; try: symconv ratio {names[0]} conv)")
        names = ["dw-sep", "conv"]
    names = [layer_name(n) for n in names]
    if len(names) == 1:
        if names[0] == "conv":
            raise InputError("give the layer to compare with conv, e.g. symconv ratio dw-sep "
                             "(numerator dw-sep, denominator conv)")
        names.append("conv")
    if len(names) != 2:
        raise InputError("give two layer names (numerator, denominator), one (compared with "
                         "conv), or --dw-sep")
    a, b = (layer_from_args(name, args, values, skip_missing=True) for name in names)
    _check_sizes_used(values, (a, b), names)
    label = {"macs": "MACs", "params": "params", "flops": "FLOPs"}[args.quantity]
    report = Report(f"{label}({names[0]}) / {label}({names[1]}), same shapes and options"
                    + ("" if args.bias is not False else ", no bias"))
    if args.format in ("markdown", "latex"):  # the notes' own template (templates/ratio.*)
        from ...notes.snippets import render_ratio

        print(render_ratio(a, b, args.quantity, names, report.title, args.format))
        return 0
    result = ratio(a, b, args.quantity)
    note = ""
    if result.expr.is_number and result.expr != 0:
        value = float(result.expr)
        note = f"≈ {value:.4g}" + (f": {1 / value:.3g} times fewer {label}" if value < 1 else
                                   f": {value:.3g} times more {label}" if value > 1 else "")
    report.add("ratio", "ratio", result.expr, note)
    report.add("numerator", f"{label}({names[0]})", result.numerator)
    report.add("denominator", f"{label}({names[1]})", result.denominator)
    report.data["quantity"] = args.quantity
    report.data["layers"] = names
    if result.expr.is_number:
        report.data["value"] = float(result.expr)
    report.data["limits"] = [{"symbol": s.name, "to": "oo", "value": v} for s, v in result.limits]
    for s, v in result.limits:
        report.add("", f"limit as {s.name} → ∞", v,
                   latex_label=rf"\lim_{{{sympy.latex(s)} \to \infty}}")
    print(render(report, args.format))
    return 0


def _check_sizes_used(values: dict, layers, names) -> None:
    """A size that neither layer has is a mistake, not something to drop quietly."""
    import dataclasses

    from ...errors import InputError
    from ...layers.options import OPTION_NAMES

    for name in values:
        if name in OPTION_NAMES or name == "K":
            continue
        if not any(name in {f.name for f in dataclasses.fields(layer)} for layer in layers):
            raise InputError(f"neither {names[0]} nor {names[1]} has a size {name}")
