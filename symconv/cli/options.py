"""Layer options and ``NAME=VALUE`` sizes from the command line, turned into a layer.

Values are read as data: whole numbers by regular expression, symbols through the
alias table of :mod:`symconv.symbols`; nothing is evaluated. ``sympy`` is imported
only when a layer is built, so declaring the options stays cheap.
"""

from __future__ import annotations

import argparse

from ..errors import InputError


def add_layer_options(parser: argparse.ArgumentParser) -> None:
    """The options every layer command takes; a layer rejects those it does not have."""
    group = parser.add_argument_group(
        "layer options",
        "values are whole numbers, a WIDTH,HEIGHT pair, or symbols: '--stride S' means "
        "S_W along the width and S_H along the height (likewise P and d)")
    group.add_argument("--stride", metavar="S", help="stride (default 1; pooling: the window)")
    group.add_argument("--padding", metavar="P",
                       help="valid (default, P = 0), same (W_out = ceil(W_in/S)), "
                            "full (P = d (W_F - 1)) or a number of zeros per side")
    group.add_argument("--dilation", metavar="D", help="dilation (default 1)")
    group.add_argument("--groups", metavar="G", help="groups (default 1; grouped: g)")
    group.add_argument("--depth-multiplier", metavar="M",
                       help="depthwise channel multiplier (default 1; m for a symbol)")
    group.add_argument("--output-padding", metavar="A",
                       help="transposed-conv: extra output rows/columns (default 0)")
    group.add_argument("--bias", action=argparse.BooleanOptionalAction, default=None,
                       help="count a bias per output channel (default: on)")


def add_notation_options(parser: argparse.ArgumentParser) -> None:
    """How formulas name their symbols: another author's notation, or single aliases."""
    parser.add_argument("--notation", metavar="N",
                        help="another author's letters: mobilenet or cin-cout")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=SYMBOL",
                        help="read NAME as SYMBOL, e.g. --alias X=D_in (repeatable)")


def parse_assignments(items: list[str]) -> dict[str, int | str]:
    """``["D_in=8", "padding=valid"]`` -> ``{"D_in": 8, "padding": "valid"}`` (canonical names)."""
    from ..layers.options import OPTION_NAMES, parse_number  # sympy: not at --help time
    from ..symbols import ALIASES

    out: dict[str, int | str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise InputError(f"expected NAME=VALUE, e.g. D_in=8, not {item!r}")
        option = name.lower().replace("-", "_")
        if option in OPTION_NAMES:
            out[option] = value
            continue
        canonical = ALIASES.get(name)
        if canonical is None:
            raise InputError(f"unknown symbol {name!r}; use D_in, D_out, W_F, H_F, K, W_in, "
                             f"H_in or an option ({', '.join(sorted(OPTION_NAMES))})")
        out[canonical] = parse_number(value, canonical)
    return out



def layer_from_args(name: str, args: argparse.Namespace, values: dict | None = None,
                    skip_missing: bool = False):
    """Build the registered layer ``name`` with the command line's options and sizes.

    An option the layer does not have is an error, or, with ``skip_missing`` (one set of
    options for two layers, as in ``ratio``), left out."""
    import dataclasses

    from ..layers import layer_class  # sympy: not at --help time
    from ..layers.options import OPTION_NAMES, option_value, parse_bool

    cls = layer_class(name)
    fields = {f.name for f in dataclasses.fields(cls)}
    values = dict(values or {})
    kwargs: dict[str, object] = {}
    options = {o: getattr(args, o, None) for o in OPTION_NAMES}
    for option in OPTION_NAMES:
        if option in values:
            options[option] = values.pop(option)
    for option, text in options.items():
        if text is None:
            continue
        if option not in fields:
            if skip_missing:
                continue
            raise InputError(f"{name} has no {option.replace('_', ' ')} option")
        if option == "bias":
            kwargs["bias"] = text if isinstance(text, bool) else parse_bool(text)
        else:
            kwargs[option] = option_value(option, str(text))
    if "K" in values:
        side = values.pop("K")
        values.setdefault("W_F", side)
        values.setdefault("H_F", side)
    for size, number in values.items():
        if size not in fields:
            hint = (" (it is computed from W_in, H_in and the options)"
                    if size in ("W_out", "H_out") else "")
            known = ", ".join(f for f in fields if f not in OPTION_NAMES)
            raise InputError(f"{name} has no size {size}{hint}; its sizes are {known}")
        kwargs[size] = number
    return cls(**kwargs)
