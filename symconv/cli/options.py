"""Layer options and ``NAME=VALUE`` sizes from the command line, turned into a layer.

Values are read as data: whole numbers by regular expression, symbols through the
alias table of :mod:`symconv.symbols`; nothing is evaluated. ``sympy`` is imported
only when a layer is built, so declaring the options stays cheap.
"""

from __future__ import annotations

import argparse
import functools

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
    group.add_argument("--ceil-mode", action=argparse.BooleanOptionalAction, default=None,
                       help="pooling: round the output size up, as PyTorch's ceil_mode=True "
                            "(default: off, rounded down)")


def add_notation_options(parser: argparse.ArgumentParser) -> None:
    """How formulas name their symbols: another author's notation, or single aliases."""
    parser.add_argument("--notation", metavar="N",
                        help="another author's letters: mobilenet, cin-cout, pytorch, d2l, dumoulin "
                             "or cs231n (see 'symconv check --help')")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=SYMBOL",
                        help="read NAME as SYMBOL, e.g. --alias X=D_in (repeatable)")


#: a size's name in a fixed order, the order every message lists sizes in.
SIZE_ORDER = ("D_in", "D_out", "W_F", "H_F", "K", "W_in", "H_in", "W_out", "H_out")
#: other frameworks' words for a size, accepted as NAME=VALUE (PyTorch, Keras).
SIZE_WORDS = {"in_channels": "D_in", "out_channels": "D_out", "kernel_size": "K", "kernel": "K",
              "filters": "D_out", "in_features": "D_in", "out_features": "D_out"}
#: a bare letter that names more than one size of a layer -> the sizes it could be.
AMBIGUOUS = {"W": ("W_in", "W_F"), "H": ("H_in", "H_F"), "C": ("D_in", "D_out"),
             "D": ("D_in", "D_out")}
#: other words for an option (Keras' strides, Caffe's pad).
OPTION_WORDS = {"strides": "stride", "pad": "padding", "dilation_rate": "dilation",
                "group": "groups", "multiplier": "depth_multiplier",
                "depth_multiplier": "depth_multiplier", "use_bias": "bias"}


def _fold(name: str) -> str:
    return name.replace("{", "").replace("}", "").lower()


@functools.lru_cache(maxsize=1)
def _size_table() -> dict[str, str]:
    """Case-insensitive spellings of sizes (``din``, ``w_in``, ``k``), none that collide and
    no single letter but ``k`` (``M`` is MobileNet's D_in, ``m`` the depth multiplier)."""
    from ..symbols import ALIASES

    folded: dict[str, str] = {}
    collide = set()
    for spelling, name in {**ALIASES, **SIZE_WORDS}.items():
        key = _fold(spelling)
        if folded.setdefault(key, name) != name:
            collide.add(key)
    return {k: v for k, v in folded.items() if k not in collide and (len(k) > 1 or k == "k")}


def size_name(name: str) -> str:
    """The canonical size a NAME of NAME=VALUE stands for: exact, an alias, another
    framework's word, or any case; an unknown name suggests the nearest."""
    from ..layers.options import OPTION_NAMES
    from ..suggest import close
    from ..symbols import ALIASES

    if name.upper() in AMBIGUOUS:
        return name.upper()
    found = ALIASES.get(name) or SIZE_WORDS.get(name) or _size_table().get(_fold(name))
    if found is not None:
        return found
    guess = close(name, [*SIZE_ORDER, *OPTION_NAMES, *SIZE_WORDS])
    hint = f"did you mean {guess[0]}? " if guess else ""
    raise InputError(f"unknown symbol {name!r}; {hint}use {', '.join(SIZE_ORDER[:7])} or an "
                     f"option ({', '.join(OPTION_NAMES)})")


def parse_assignments(items: list[str]) -> dict[str, int | str]:
    """``["D_in=8", "padding=valid"]`` -> ``{"D_in": 8, "padding": "valid"}`` (canonical names).

    The same size given twice (``D_in=32 C_in=32``) is fine when the values agree. A bare
    ``W``, ``H`` or ``C`` is a question back: the input, the filter, or which channels?"""
    from ..layers.options import OPTION_NAMES, parse_number  # sympy: not at --help time
    from ..suggest import Words

    options = Words("option", OPTION_NAMES, OPTION_WORDS)
    out: dict[str, int | str] = {}
    ambiguous: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise InputError(f"expected NAME=VALUE, e.g. D_in=8, not {item!r}")
        option = options.get(name)
        if option is not None:
            _merge(out, option, value, item)
            continue
        canonical = size_name(name)
        if canonical.upper() in AMBIGUOUS and canonical.upper() == name.upper():
            ambiguous[canonical.upper()] = value
            continue
        _merge(out, canonical, parse_number(value, canonical), item)
    if ambiguous:
        raise InputError(_question(ambiguous))
    return out


def _merge(out: dict, name: str, value, item: str) -> None:
    if name in out and out[name] != value:
        raise InputError(f"{name} is given twice with different values, {out[name]} and "
                         f"{value}; keep one")
    out[name] = value


def _question(ambiguous: dict[str, str]) -> str:
    """``W and H are ambiguous here: W_in, H_in (input) or W_F, H_F (filter)? write one ...``."""
    letters = list(ambiguous)
    what = " and ".join(letters)
    verb = "is" if len(letters) == 1 else "are"
    if set(letters) <= {"W", "H"}:
        inputs = ", ".join(AMBIGUOUS[x][0] for x in letters)
        filters = ", ".join(AMBIGUOUS[x][1] for x in letters)
        example = " ".join(f"{AMBIGUOUS[x][0]}={v}" for x, v in ambiguous.items())
        return (f"{what} {verb} ambiguous here: {inputs} (input size) or {filters} (filter)? "
                f"write one, e.g. {example} (W_out and H_out follow from the input)")
    channels = [x for x in letters if x in ("C", "D")]
    rest = [x for x in letters if x not in channels]
    first = channels[0]
    message = (f"{first} is ambiguous here: D_in (input channels, C_in) or D_out (output "
               f"channels, C_out)? write one, e.g. D_in={ambiguous[first]}")
    if rest:
        message += " (and " + _question({x: ambiguous[x] for x in rest}) + ")"
    return message



def _conflict(name: str, first, second) -> None:
    """Two different values for one thing (``--stride 2 stride=3``)."""
    if first is not None and str(first) != str(second):
        raise InputError(f"{name} is given two values, {first} and {second}; give it once")


def _layer_or_network(text: str) -> str:
    """A layer's registry name; a network's name given as a layer says where it belongs."""
    from ..layers import LAYER_NAMES, layer_name

    if text in LAYER_NAMES or LAYER_NAMES.suggestion(text):
        return layer_name(text)
    from ..net.spec import zoo_name, zoo_names
    from ..suggest import Words

    network = zoo_name(text) or Words("network", zoo_names()).suggestion(text)
    if network:
        raise InputError(f"unknown layer {text!r}; it looks like a network: try 'symconv net "
                         f"{network}' (layers: {', '.join(LAYER_NAMES)})")
    return layer_name(text)


def layer_from_args(name: str, args: argparse.Namespace, values: dict | None = None,
                    skip_missing: bool = False):
    """Build the registered layer ``name`` with the command line's options and sizes.

    An option or size the layer does not have is an error, or, with ``skip_missing`` (one set
    of options for two layers, as in ``ratio``), left out. A size the layer computes
    (``W_out``, a depthwise layer's ``D_out``) is accepted when it agrees."""
    import dataclasses

    from ..layers import layer_class  # sympy: not at --help time
    from ..layers.options import OPTION_NAMES, SWITCHES, option_value, parse_bool

    name = _layer_or_network(name)
    cls = layer_class(name)
    fields = {f.name for f in dataclasses.fields(cls)}
    values = dict(values or {})
    kwargs: dict[str, object] = {}
    options = {o: getattr(args, o, None) for o in OPTION_NAMES}
    for option in OPTION_NAMES:
        if option in values:
            flag, given = options[option], values[option]
            if option in SWITCHES and flag is not None:
                given = parse_bool(given, option)
            _conflict(option.replace("_", " "), flag, given)
            options[option] = values.pop(option)
    for option, text in options.items():
        if text is None:
            continue
        if option not in fields:
            if skip_missing:
                continue
            raise InputError(f"{name} has no {option.replace('_', ' ')} option")
        if option in SWITCHES:
            kwargs[option] = text if isinstance(text, bool) else parse_bool(text, option)
        else:
            kwargs[option] = option_value(option, str(text))
    if "K" in values and "W_F" in fields:
        side = values.pop("K")
        for axis in ("W_F", "H_F"):
            _merge(values, axis, side, f"K={side}")
    computed = {}
    for size, number in values.items():
        if size not in fields:
            if skip_missing:
                continue
            if size in ("W_out", "H_out") or (size == "D_out" and hasattr(cls, "D_out")):
                computed[size] = number
                continue
            known = [f for f in SIZE_ORDER if f in fields or (f == "K" and "W_F" in fields)]
            raise InputError(f"{name} has no size {size}; its sizes are {', '.join(known)}")
        kwargs[size] = number
    layer = cls(**kwargs)
    for size, number in computed.items():
        _agrees(layer, size, number)
    return layer


def _agrees(layer, size: str, number: int) -> None:
    """A computed size given by the user must be what the layer computes."""
    out = layer.output_size
    actual = {"W_out": out.width, "H_out": out.height, "D_out": layer.D_out}[size]
    if actual == number:
        return
    if size == "D_out":
        if not actual.is_number:
            raise InputError(f"{layer.name} has no size D_out (it is D_in times the depth "
                             f"multiplier); give D_in={number}")
        hint = (f"; for {number} output channels use --depth-multiplier {number // layer.D_in}"
                if number % layer.D_in == 0 else "")
        raise InputError(f"{layer.name}: D_out is D_in times the depth multiplier, "
                         f"{actual}, not {number}{hint}")
    axis = size[0]
    if not actual.is_number:
        raise InputError(f"{layer.name} has no size {size} (it is computed from W_in, H_in and "
                         f"the options); give {axis}_in instead")
    hint = ("; --padding same keeps the size" if getattr(layer, f"{axis}_in", None) == number
            and getattr(layer, "padding", None) != ("same", "same") else "")
    raise InputError(f"{layer.name}: {size} is {actual} with these sizes and options, not "
                     f"{number}{hint}")
