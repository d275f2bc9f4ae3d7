"""A whole network's per-layer table and totals: params, weights, BN buffers, MACs, FLOPs.

SPEC is a TOML spec file or a built-in network (mobilenet-v1, resnet-50, vgg-16).
Without values the totals are closed forms in the input size H, W (and the width
multiplier alpha); NAME=VALUE (H, W, C, alpha) gives numbers. Here H, W and C are
always the network's INPUT (H_in, W_in, C_in work too; any case); a network name
may be written in any case, with or without '-' (resnet50). MACs count conv and
dense layers (batch 1); params count weights, biases and BN scale and shift, as
PyTorch does; BN running statistics are reported apart. The spec format (layers,
repeat, residual and concat blocks, named blocks with parameters) is described
in the README, section "Your own network", and in symconv/net/spec.py.

A PyTorch model: --torch MODULE:CALLABLE, or FILE.py:CALLABLE for a model in a file
of your own (the callable is called with no arguments and the model put in eval
mode; a module name is also looked for in the current folder; needs
'pip install symconv[torch]').
--convention TOOL gives that tool's count (fvcore, ptflops, thop, torchinfo,
calflops, deepspeed, torch-flop-counter, keras) beside symconv's, and
--compare A B puts two tools' totals side by side with their gap as a sum of
named terms, each a formula and a number.

examples:
  symconv net mobilenet-v1 --assume-divisible
  symconv net --torch torchvision.models:resnet50 H=224 W=224
  symconv net mobilenet-v1 H=224 W=224 --compare ptflops thop
  symconv net resnet-50 H=224 W=224 --convention fvcore --format csv
  symconv net mobilenet-v1 H=224 W=224 alpha=0.5
  symconv net resnet-50 --sweep H=W=96..512:32
  symconv net my-net.toml --format json
  symconv net --list
"""

from __future__ import annotations

#: the conventions (symconv/net/conventions.py), listed here so --help needs no sympy.
TOOLS = ("symconv", "fvcore", "ptflops", "thop", "torchinfo", "calflops", "deepspeed",
         "torch-flop-counter", "keras")
#: the common formats and CSV (the per-layer table).
FORMATS = ("text", "latex", "markdown", "json", "csv")


def configure(parser) -> None:
    parser.add_argument("spec", metavar="SPEC", nargs="?",
                        help="a spec file (.toml) or a built-in network name")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*",
                        help="input size and width multiplier: H=224 W=224 C=3 alpha=0.5")
    parser.add_argument("--sweep", metavar="NAMES=START..STOP:STEP",
                        help="a table of totals over many values, e.g. H=W=96..512:32 "
                             "(the stop is included when a step lands on it)")
    parser.add_argument("--assume-divisible", action="store_true", default=None,
                        help="take H and W to be multiples of the total stride: floors vanish "
                             "and the totals become polynomials")
    parser.add_argument("--totals", action="store_true",
                        help="print the totals only, not the per-layer table")
    parser.add_argument("--heads", action="store_true",
                        help="add the side heads (auxiliary classifiers) to the totals; "
                             "without it they are counted apart")
    parser.add_argument("--list", action="store_true", help="list the built-in networks")
    parser.add_argument("--torch", metavar="MODULE:CALLABLE",
                        help="a PyTorch model, e.g. torchvision.models:resnet50 or "
                             "my_net.py:Net (needs torch)")
    parser.add_argument("--no-strict", dest="strict", action="store_false",
                        help="with --torch: list the operations symconv cannot map and go on")
    parser.add_argument("--convention", metavar="TOOL", choices=TOOLS,
                        help="also count as TOOL does: " + ", ".join(TOOLS))
    parser.add_argument("--compare", metavar="TOOL", nargs=2, choices=TOOLS,
                        help="two tools' totals side by side and their gap as named terms")


def _values(items: list[str], own=()) -> dict:
    """NAME=VALUE pairs: H, W, C, alpha, and the spec's own parameters (``own``)."""
    from ...errors import InputError
    from ...net.arith import parse_number_value
    from ...net.network import NETWORK_NAMES

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise InputError(f"expected NAME=VALUE such as H=224, not {item!r}")
        name = name if name in own else _network_name(name, (*NETWORK_NAMES, *own))
        parsed = parse_number_value(value, name)
        if name in out and out[name] != parsed:
            raise InputError(f"{name} is given twice, as {name}={out[name]} and {item}; give it once")
        out[name] = parsed
    return out


def _network_name(name: str, names) -> str:
    """H, W, C, alpha in any case; H_in, W_in, C_in (the input, as H and W are here) too."""
    from ...errors import InputError
    from ...suggest import Words

    words = Words("name", names, {"H_in": "H", "W_in": "W", "C_in": "C", "D_in": "C",
                                  "width": "W", "height": "H", "channels": "C"})
    found = words.get(name)
    if found is None:
        raise InputError(words.unknown(name).replace("(names:", "(a network takes")
                         .replace("; names:", "; a network takes"))
    return found


def _list(fmt: str) -> int:
    import json

    from ...net.network import Network
    from ...net.spec import zoo_names

    nets = [(name, net.description, net.reference)
            for name, net in ((name, Network.zoo(name)) for name in zoo_names())]
    if fmt == "json":
        print(json.dumps({"networks": [{"name": n, "description": d, "source": r}
                                       for n, d, r in nets]}, indent=2))
    else:
        width = max(len(n) for n, _, _ in nets)
        print("\n".join(f"{n:<{width}}  {d}\n{'':<{width}}  source: {r}" for n, d, r in nets))
    return 0


def _point(value, json: bool = False):
    """A swept value as the user wrote it: ``224``, ``0.25`` (or ``1/3`` when not a decimal)."""
    from fractions import Fraction

    if not isinstance(value, Fraction):
        return value
    if float(value) == value:
        return float(value)
    return str(value) if not json else {"numerator": value.numerator, "denominator": value.denominator}


def _sweep_output(net, text: str, values: dict, divisible, fmt: str) -> str:
    import json

    from ...net.network import NETWORK_NAMES, SWEEP_KEYS as KEYS
    from ...sweep import parse_sweep
    from ...printing import as_json_value

    names, points = parse_sweep(text, NETWORK_NAMES)
    net.check_used(names)
    rows = net.sweep(names, points, values, divisible)
    if fmt == "json":
        return json.dumps({"network": net.name, "values": {k: as_json_value(v) for k, v in values.items()},
                           "sweep": list(names),
                           "rows": [{k: _point(v, json=True) if k in names else as_json_value(v)
                                     for k, v in row.items()} for row in rows]}, indent=2)
    headers = [*names, *KEYS]
    cells = [[str(_point(row[n])) for n in names] + [f"{int(row[k]):,}" for k in KEYS]
             for row in rows]
    fixed = ", ".join(f"{k} = {v}" for k, v in values.items())
    title = f"{net.name}: totals over {'='.join(names)}" + (f" ({fixed})" if fixed else "")
    if fmt == "markdown":
        out = [f"**{title}**", "", "| " + " | ".join(headers) + " |",
               "|" + "|".join("--:" for _ in headers) + "|"]
        out += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(out)
    if fmt == "latex":
        out = [f"% {title}", r"\begin{tabular}{" + "r" * len(headers) + "}",
               " & ".join(h.replace("_", r"\_") for h in headers) + r" \\", r"\hline"]
        out += [" & ".join(x.replace(",", "{,}") for x in c) + r" \\" for c in cells]
        return "\n".join(out + [r"\end{tabular}"])
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(x.rjust(w) for x, w in zip(c, widths)) for c in cells]
    macs = ("MACs: conv, dense and matrix products (a*b*c for an (a x b) by (b x c) product), "
            "batch 1" if getattr(net, "has_products", False) else "MACs: conv and dense, batch 1")
    return "\n".join([title, ""] + lines + ["", "params: weights + biases + BN scale and shift; "
                                            f"{macs}; FLOPs = 2 MACs"])


def _torch_network(args, values: dict):
    from ...errors import InputError
    from ...net.torch_import import from_torch, load_callable

    model, name = load_callable(args.torch)
    model.train(False)  # inference mode: dropout off, BatchNorm on its running statistics
    channels = values.pop("C", 3)
    if not (channels.is_Integer if hasattr(channels, "is_Integer") else isinstance(channels, int)):
        raise InputError(f"C must be a whole number, not {channels}")
    return from_torch(model, (int(channels), "H", "W"), strict=args.strict, name=name)


def _torch_notes(net) -> None:
    """What a PyTorch network's last reading left out, on stderr (after the analysis: a
    model read at given sizes only is read there)."""
    import sys

    if net.unmapped:
        print(f"symconv: not mapped (counted as 0, shape passed on): {'; '.join(net.unmapped)}",
              file=sys.stderr)
    if net.unused:   # side heads eval mode skips (Inception's AuxLogits): said, not counted
        parts = ", ".join(f"{part} ({n:,})" for part, n in net.unused.items())
        print(f"symconv: {sum(net.unused.values()):,} parameters that this forward (eval mode) "
              f"does not use are not counted: {parts}", file=sys.stderr)


def _convention_block(analysis, name: str, fmt: str):
    from ...net.conventions import convention, total

    conv = convention(name)
    value, unit = total(analysis, name)
    if fmt == "json":
        from ...printing import as_json_value

        return {"name": name, "total": as_json_value(value), "unit": unit, "tool": conv.version,
                "source": conv.source, "counts": conv.summary}
    text = f"{int(value):,}" if value.is_Integer else str(value)
    return (f"{name} convention ({conv.version or 'symconv'}): {text} {unit}\n"
            f"  counts: {conv.summary}\n  defined by: {conv.source}")


def run(args) -> int:
    import json

    from ...errors import InputError
    from ...net.network import Network
    from ...net.report import render, to_csv, to_json

    if args.list:
        return _list(args.format)
    items = args.values + ([args.spec] if args.torch and args.spec and "=" in args.spec else [])
    if args.torch and args.spec and "=" not in args.spec:
        raise InputError("give a spec or --torch MODULE:CALLABLE, not both")
    if args.torch:
        values = _values(items, [])
        net = _torch_network(args, values)
    else:
        if not args.spec:
            raise InputError("give a spec file or a built-in network name (symconv net --list), "
                             "or --torch MODULE:CALLABLE")
        net = Network.resolve(args.spec)
        values = _values(items, [str(p) for p in net.parameters])
    net.check_used(values)
    if args.sweep:
        if args.convention or args.compare:
            raise InputError("--sweep takes no --convention or --compare")
        print(_sweep_output(net, args.sweep, values, args.assume_divisible, args.format))
        if args.torch:
            _torch_notes(net)
        return 0
    analysis = net.analyse(values, args.assume_divisible, heads=args.heads)
    if args.torch:
        _torch_notes(net)
    if args.convention:   # a convention that cannot count this network says so before any output
        from ...net.conventions import terms

        terms(analysis, args.convention)
    if args.compare:
        from ...net.compare import compare, render_text, to_json as compare_json
        from ...net.report import heading

        sizes = {k: v for k, v in values.items() if k not in ("H", "W")}
        symbolic = net.analyse(sizes, args.assume_divisible) if sizes != values and getattr(
            net, "size_dependent", None) is None else None   # no closed form for some models
        result = compare(analysis, *args.compare, symbolic=symbolic)
        if args.format == "json":
            print(json.dumps(compare_json(result), indent=2))
        elif args.format == "text":
            print(render_text(result, heading(analysis)))
        else:
            raise InputError("--compare prints text or json")
        return 0
    if args.format == "csv":
        print(to_csv(analysis, args.convention), end="")
        return 0
    if args.format == "json":
        data = to_json(analysis)
        if args.totals:
            data.pop("layers")
        if args.convention:
            data["convention"] = _convention_block(analysis, args.convention, "json")
        print(json.dumps(data, indent=2))
        return 0
    if args.format in ("markdown", "latex"):
        from ...notes.snippets import render_network  # Jinja2: only for these formats

        print(render_network(analysis, args.format, table=not args.totals))
    else:
        print(render(analysis, args.format, table=not args.totals))
    if args.convention:
        block = _convention_block(analysis, args.convention, "text")
        prefix = "% " if args.format == "latex" else ""
        print("\n" + "\n".join(prefix + line for line in block.splitlines()))
    return 0
