"""List the layer catalog: each layer's name, what it does, the symbols its formulas use, and
other names it answers to (conv2d, linear, bn, ...; any case works in every command).

example:
  symconv layers
  symconv layers --format json
"""

from __future__ import annotations


def configure(parser) -> None:
    pass


def run(args) -> int:
    from ...layers import LAYER_ALIASES, REGISTRY
    from ...printing import Report, render

    report = Report("symconv layer catalog (details: symconv show LAYER)")
    catalog = []
    for name, cls in REGISTRY.items():
        layer = cls()
        symbols = sorted((s.name for s in layer.free_symbols), key=_symbol_order)
        also = [a for a, target in LAYER_ALIASES.items() if target == name]
        catalog.append({"name": name, "description": cls.summary, "symbols": symbols,
                        "also": also})
    width = max(len(name) for name in REGISTRY)
    if args.format == "json":
        report.data["layers"] = catalog
    else:
        report.lines = [f"{c['name']:<{width}}  {c['description']}\n{'':<{width}}  "
                        f"symbols: {', '.join(c['symbols'])}\n{'':<{width}}  "
                        f"also: {', '.join(c['also'][:6])}" for c in catalog]
        if args.format == "markdown":
            report.lines = ["| layer | description | symbols | also |", "|---|---|---|---|"] + [
                f"| `{c['name']}` | {c['description']} | {', '.join(c['symbols'])} | "
                f"{', '.join(c['also'][:6])} |" for c in catalog]
    print(render(report, args.format))
    return 0


def _symbol_order(name: str) -> int:
    from ...symbols import MEANINGS

    return list(MEANINGS).index(name)
