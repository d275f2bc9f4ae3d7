"""Layer options written as text (``--stride 2``, ``padding=valid``, ``S``), read as data.

Whole numbers by regular expression, symbols through the alias table of
:mod:`symconv.symbols`; nothing is evaluated. The command line and the note linter
both read options through these functions.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..suggest import did_you_mean
from ..limits import whole_number
from ..symbols import lookup

_INT = re.compile(r"^[0-9][0-9_,]*$")
#: the layer options, as dataclass fields (``--depth-multiplier`` is ``depth_multiplier``).
OPTION_NAMES = ("stride", "padding", "dilation", "groups", "bias", "depth_multiplier",
                "output_padding", "ceil_mode")
#: the options that are on or off (``--no-bias``, ``ceil_mode=true``), said as on/off.
SWITCHES = ("bias", "ceil_mode")
PADDING_WORDS = ("valid", "same", "full")
#: other names of the padding modes, suggested (not accepted: `half` is `same` only for an odd
#: kernel at stride 1).
PADDING_HINTS = {
    "half": "did you mean same? (Theano's half padding, P = (W_F - 1)/2, is same for an odd "
            "kernel at stride 1; or give the number of zeros, e.g. --padding 1)",
    "none": "did you mean valid? (no padding)", "zero": "did you mean valid? (no padding)",
    "zeros": "did you mean valid? (no padding)", "0": "did you mean valid? (no padding)",
}
#: per-axis option -> (width symbol, height symbol) that the bare letter stands for.
AXIS_LETTERS = {"stride": ("S", "S_W", "S_H"), "padding": ("P", "P_W", "P_H"),
                "dilation": ("d", "d_W", "d_H"), "output_padding": ("a", "a_W", "a_H")}


def parse_number(text: str, name: str) -> int:
    """A whole number written as digits, optionally grouped with ``,`` or ``_``."""
    text = text.strip()
    if text.startswith("-") and _INT.match(text[1:]):
        raise InputError(f"{name} must be a positive whole number, not {text[:40]}")
    return whole_number(text, name)


def option_value(option: str, text: str):
    """One option's value: number, symbol, padding word, or a ``W,H`` pair of those."""
    if option in AXIS_LETTERS and text == AXIS_LETTERS[option][0]:
        _, w, h = AXIS_LETTERS[option]
        return lookup(w), lookup(h)
    if option == "padding" and text.lower() in PADDING_WORDS:
        return text.lower()
    if "," in text and option in AXIS_LETTERS:
        parts = text.split(",")
        if len(parts) != 2:
            raise InputError(f"--{option} takes one value or WIDTH,HEIGHT, not {text!r}")
        return tuple(option_value(option, p.strip()) for p in parts)
    if text[:1].isdigit() or text[:1] == "-":
        return parse_number(text, option.replace("_", " "))
    try:
        return lookup(text)
    except InputError:
        if option == "padding":
            guess = PADDING_HINTS.get(text.lower()) or did_you_mean(text, PADDING_WORDS)
            raise InputError(f"--padding must be valid, same, full, a whole number or a symbol "
                             f"name, not {text!r}" + (f"; {guess}" if guess else "")) from None
        raise InputError(f"--{option.replace('_', '-')} must be a whole number or a symbol "
                         f"name, not {text!r}") from None



def parse_bool(text: str, name: str = "bias") -> bool:
    """``on``/``off``, ``true``/``false``, ``yes``/``no``, ``1``/``0``."""
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise InputError(f"{name.replace('_', ' ')} must be on or off, not {text!r}")
