"""Is a hand-derived formula right? Compare it with the catalog's, as a proof.

The formula may be plain text (D_out*(W_F*H_F*D_in + 1)) or LaTeX
(D_{out}(W_{F}H_{F}D_{in}+1), \\frac{..}{..}, \\times, \\lfloor..\\rfloor);
products may be implicit. Exit 0 when it equals the catalog's formula, 1 when
it differs (with the difference, a counterexample and when they would agree),
2 when it cannot be read. When neither a proof nor a counterexample is found
the verdict is 'unproven' (exit 1). Sizes given as NAME=VALUE make the
expected value a number, to check a worked example. A formula that says what it
counts ('params = ...', 'MACs = ...', 'W_out = ...') needs no --quantity.

sizes (NAME=VALUE, listed in this order): D_in, D_out, W_F, H_F (K for both), W_in, H_in;
C_in/Cin and C_out/Cout are D_in and D_out, any case works (k=3, din=8). In a formula and in
a size, a bare W, H or C is ambiguous (input, output, filter?) and is refused with the
choices, unless a notation says (cin-cout: H and W are the output size).

names: a name is letters, digits, '_' and primes together (in_height, K1, M',
kernel_size[0], \\text{padding}[0]); map one you use with --alias NAME=SYMBOL. One value
for both axes: K (kernel), S (stride), P (padding), d (dilation), a (output padding).
notations: mobilenet (M = D_in, N = D_out, D_K = K = W_F = H_F, D_F = W_out = H_out),
cin-cout (C_in, C_out, K = W_F = H_F, H = H_out, W = W_out), pytorch (padding[0] = P_H,
kernel_size[1] = W_F, in_channels, ...), d2l (n_h, k_h, p_h = 2 P_H in total, s_h),
dumoulin (i, k, s, p, o, d, a; i', k', s', p' of a transposed conv), cs231n (W_1, D_1,
F = K, K = D_out filters, W_2, D_2; W = W_in in (W - F + 2P)/S + 1). --padding half is
floor(W_F/2) zeros on each side.

A wrong formula gets the slip that explains it exactly, when one does: a bias missing or
counted per input, MACs for FLOPs, bias adds counted (thop, ptflops), a transposed conv
counted on its output grid, a missing floor or ceil, the padding counted once, channels
swapped, groups forgotten, a factor dropped, Keras' BatchNorm (4 C) and SeparableConv2D
(one bias) conventions.

examples:
  symconv check "D_out*(W_F*H_F*D_in + 1)" --layer conv --quantity params
  symconv check "params = C_out (K^2 C_in + 1)"
  symconv check "W_out = (W_in - K + 2P)/S + 1" --stride S --padding P
  symconv check "D_{in}W_{F}H_{F}+D_{in}D_{out}" --layer dw-sep --quantity params
  symconv check "M N D_K^2 D_F^2" --notation mobilenet --quantity macs
  symconv check "\\lfloor (W_in - W_F)/S_W \\rfloor + 1" --stride S --quantity output-size
  symconv check "32(5*5*8+1)" --quantity params D_in=8 D_out=32 K=5
  symconv check "(n_h-k_h+p_h+1) x (n_w-k_w+p_w+1)" --notation d2l --padding P --quantity area
  symconv check "1/N + 1/D_K^2" --notation mobilenet --layer dw-sep --quantity ratio
"""

from __future__ import annotations

from ..options import add_layer_options, add_notation_options

QUANTITY_WORDS = ("params|macs|flops|output-size|macs-per-output-pixel "
                  "(also macs-per-output-value, weights, area = W_out H_out, ratio = MACs / "
                  "MACs of a standard conv, effective-kernel = d (W_F - 1) + 1)")


def configure(parser) -> None:
    parser.add_argument("formula", metavar="FORMULA",
                        help="the formula to check (quote it; put '--' before one that starts "
                             "with '-')")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*",
                        help="sizes that are numbers, e.g. D_in=8 K=5 W_in=128 (the rest stay "
                             "symbols)")
    parser.add_argument("--layer", default="conv", metavar="LAYER",
                        help="a layer name from 'symconv layers' (default: conv)")
    parser.add_argument("--quantity", metavar="Q",
                        help=f"what the formula counts: {QUANTITY_WORDS}; may be left out "
                             "when the formula names it, as in 'params = ...' or "
                             "'W_out = ...'")
    add_notation_options(parser)
    add_layer_options(parser)
    premises = parser.add_argument_group("premises of the formula")
    premises.add_argument("--width-multiplier", metavar="ALPHA",
                          help="MobileNet's width multiplier: D_in -> ALPHA D_in, D_out -> "
                               "ALPHA D_out (a symbol, e.g. alpha)")
    premises.add_argument("--resolution-multiplier", metavar="RHO",
                          help="MobileNet's resolution multiplier on every feature map "
                               "(a symbol, e.g. rho)")


def run(args) -> int:
    import json

    from ...lint.check import QUANTITIES, check_formula
    from ...errors import InputError
    from ..options import layer_from_args, parse_assignments
    from ...printing import Report, render
    from ...formula.parse import Resolver, parse, parse_aliases

    from ...layers.base import quantity_words

    resolver = Resolver(args.notation, parse_aliases(args.alias))
    named, formula = _named_quantity(args.formula, resolver, args.quantity is not None)
    if args.quantity is not None:
        args.quantity = quantity_words(QUANTITIES).resolve(args.quantity)  # MACs, parameters, ...
    if named and args.quantity and named != args.quantity:
        raise InputError(f"the formula says it is {named} but --quantity says {args.quantity}; "
                         "give one")
    args.quantity = args.quantity or named
    if args.quantity is None:
        raise InputError("say what the formula counts: --quantity params (or macs, flops, "
                         "output-size, ...), or write it as 'params = ...'")
    given = parse(formula, resolver=resolver)
    _no_bare_sizes(given)
    values = parse_assignments(args.values)
    half = args.padding == "half"
    if half:
        args.padding = None
    layer = layer_from_args(args.layer, args, values)
    if half:  # p = floor(k/2) on each side
        layer = _half_padding(layer)
    given = _substitute(given, values)
    multipliers = {name: _multiplier(text, option) for name, text, option in (
        ("alpha", args.width_multiplier, "--width-multiplier"),
        ("rho", args.resolution_multiplier, "--resolution-multiplier")) if text}
    result = check_formula(given, layer, args.quantity, resolver.identify, multipliers)
    if args.format == "json":
        data = {"layer": layer.name, "quantity": args.quantity, **result.to_json()}
        print(json.dumps(data, indent=2))
    elif args.format == "text":
        print("\n".join(result.lines()))
    else:
        report = Report(f"{result.verdict}: {result.what}")
        report.add("given", "yours", result.given)
        report.add("expected", "expected", result.expected)
        if not result.ok:
            report.add("difference", "yours - expected", result.difference, "; ".join(result.hints))
            if result.factor is not None:
                report.add("factor", "yours / expected", result.factor)
        report.lines = result.lines()[3:]
        print(render(report, args.format))
    return 0 if result.ok else 1


def _named_quantity(formula: str, resolver, named_elsewhere: bool) -> tuple[str | None, str]:
    """``("params", "D_out*(...)")`` for ``params = D_out*(...)``: a formula may say what it
    counts on the left of one '=' (a quantity's word, or W_out / H_out for an output size).
    No '=': ``(None, formula)``. With ``--quantity`` (``named_elsewhere``) the left side may be
    any one name (``O = ...``). A chain of equalities, or a left side that names nothing
    symconv counts, is refused (lint checks chains in notes)."""
    import re

    from ...errors import InputError
    from ...formula.notation import spelling
    from ...lint.words import LABEL_WORDS

    text = formula.replace("\\neq", "\u2260")
    if "=" not in text:
        return None, formula
    left, _, right = text.partition("=")
    if "=" in right or not right.strip():
        raise InputError("give one expression, or one 'QUANTITY = expression' (check compares "
                         "it with the catalog; 'symconv lint' checks chains of equalities in "
                         "notes)")
    word = re.sub(r"^#|[\s\\{}$]|^(?:number\s*of)", "", spelling(left)).lower()
    plain = left.strip().lower()
    quantity = next((LABEL_WORDS[w] for w in (word, plain, plain.replace("_", " "))
                     if w in LABEL_WORDS), None)
    if quantity is None and resolver.get(spelling(left).strip()) in ("W_out", "H_out"):
        quantity = "output-size"
    if quantity is None and named_elsewhere and re.fullmatch(r"[\w\\{}' ]{1,40}", left.strip()):
        return None, right   # O = ... --quantity output-size: the left side is the user's name
    if quantity is None:
        raise InputError(f"the left side {left.strip()!r} names no quantity symconv counts; "
                         "write 'params = ...', 'MACs = ...', 'FLOPs = ...' or 'W_out = ...', "
                         "or give the expression alone with --quantity")
    return quantity, right


def _half_padding(layer):
    """``--padding half``: floor(k/2) zeros on each side (Dumoulin & Visin's half padding)."""
    import sympy

    from ...errors import InputError

    if not hasattr(layer, "padding") or not hasattr(layer, "W_F"):
        raise InputError(f"{layer.name} has no padding option")
    return layer.replace(padding=(sympy.floor(layer.W_F / 2), sympy.floor(layer.H_F / 2)))


def _multiplier(text: str, option: str):
    """A multiplier is a symbol (alpha, rho) or a fraction like 0.5 or 3/4, read as data."""
    import re

    import sympy

    from ...errors import InputError
    from ...symbols import ALIASES, SYMBOLS

    text = text.strip()
    if text in ALIASES:
        return SYMBOLS[ALIASES[text]]
    if text in ("α", "ɑ"):
        return SYMBOLS["alpha"]
    if text in ("ρ", "𝜌"):
        return SYMBOLS["rho"]
    match = re.fullmatch(r"(\d{1,9}(?:\.\d{1,9})?)(?:/(\d{1,9}))?", text)
    value = sympy.Rational(match.group(1)) if match else sympy.Integer(0)
    denominator = int(match.group(2)) if match and match.group(2) else 1
    if value == 0 or denominator == 0:
        raise InputError(f"{option} takes a symbol (alpha, rho) or a positive number, not {text!r}")
    return value / denominator


def _substitute(given, values: dict):
    """The sizes given as NAME=VALUE, put into the formula too (K=5 is W_F = H_F = 5)."""
    import sympy

    from ...symbols import SYMBOLS

    numbers = {name: v for name, v in values.items() if name in SYMBOLS and isinstance(v, int)}
    if "K" in numbers:
        numbers.setdefault("W_F", numbers["K"])
        numbers.setdefault("H_F", numbers["K"])
    return given.xreplace({SYMBOLS[n]: sympy.Integer(v) for n, v in numbers.items()})


def _no_bare_sizes(given) -> None:
    """A bare H, W or C in a layer's formula is a question back, never a silent choice: the
    input size or the output size? (A notation or --alias answers it.)"""
    from ...errors import InputError

    bare = sorted((s.name for s in given.free_symbols if s.name in ("H", "W", "C")),
                  key="HWC".index)
    if not bare:
        return
    letters = ", ".join(bare[:-1]) + " and " + bare[-1] if len(bare) > 1 else bare[0]
    verb = "is" if len(bare) == 1 else "are"
    sizes = [b for b in bare if b != "C"]
    choices = []
    if sizes:
        choices.append(f"{', '.join(b + '_in' for b in sizes)} (input) or "
                       f"{', '.join(b + '_out' for b in sizes)} (output)")
    if "C" in bare:
        choices.append("C_in or C_out (channels)")
    way = "write one"
    if sizes:
        aliases = " ".join(f"--alias {b}={b}_out" for b in sizes)
        way += (f", or add --notation cin-cout (there H and W are the output size) or {aliases}"
                if "C" not in bare else f", or add {aliases}")
    raise InputError(f"{letters} {verb} ambiguous here: {'; '.join(choices)}? {way}")
