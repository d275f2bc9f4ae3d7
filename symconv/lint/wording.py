"""A labelled formula's verdict in words: how it was read, and how it is wrong."""

from __future__ import annotations

import functools
import re

import sympy

from .scan import Formula


@functools.lru_cache(maxsize=4096, typed=True)   # the same few formulas, once per claim
def show(expr) -> str:
    return str(expr)


def is_literal(text: str, value) -> bool:
    """Whether ``text`` is just the number ``value`` written out (6432, 6,432, 6{,}432)."""
    return re.sub(r"[\s,{}]|\\,", "", text) == show(value)


def factor(value, expected) -> str:
    if expected == 0 or value == 0:
        return ""
    ratio = value / expected
    if ratio.is_Integer or (1 / ratio).is_Integer:
        return f" (off by a factor of {ratio})"
    return f" (yours - expected = {value - expected})"


def why(result) -> str:
    """How a formula is wrong, in a few words: a known slip, a factor, the difference or
    a counterexample."""
    parts = list(result.hints)
    if result.factor is not None:
        parts.append(f"off by a factor of {result.factor}")
    if not parts:
        difference = show(result.difference)
        if len(difference) <= 40 and not result.difference.has(sympy.floor, sympy.ceiling):
            parts.append(f"yours - expected = {difference}")
        if result.counterexample:
            parts.append(f"at {result.at_counterexample()}")
        if result.condition:
            parts.append(f"equal only when {result.condition}")
    return f" ({'; '.join(parts)})" if parts else ""


def how(f: Formula, quantity: str | None, notation: str | None = None) -> str:
    """How a labelled formula was read: its quantity, its layer, its example, in words."""
    what = {"formula": "an equality", "output-size": "output size", "macs": "MACs", "flops": "FLOPs"
            }.get(quantity or "", quantity or "a formula")
    out = (f"{what} of a sliding window (a convolution or a pooling)" if f.window else
           f"{what} of a {f.kind} layer" if f.kind else what)
    if f.example and describe_example(f.example):
        out += f", {describe_example(f.example)}"
    if notation:
        out += f", in {notation}'s notation (detected from the note or given)"
    return out


def describe_example(example: dict) -> str:
    """A worked example in words: input 128x128x8, 5x5 filters, 32 of them, padding valid."""
    e = {k: v for k, v in example.items() if not k.startswith("_")}
    parts = []
    if "W_in" in e:
        parts.append("input " + "x".join(str(e[k]) for k in ("W_in", "H_in", "D_in") if k in e))
    if "W_F" in e:
        parts.append(f"{e['W_F']}x{e.get('H_F', e['W_F'])} filters" + (f", {e['D_out']} of them" if "D_out" in e else ""))
    for k in ("stride", "padding", "dilation", "groups"):
        if k in e:
            parts.append(f"{k} {e[k]}")
    rest = [f"{k}={v}" for k, v in e.items() if k not in {"W_in", "H_in", "D_in", "W_F", "H_F", "D_out",
                                                          "stride", "padding", "dilation", "groups"}]
    return "worked example: " + ", ".join(parts + rest) if parts + rest else ""


def source_of(f: Formula) -> str | None:
    """Where a formula's context came from, in words."""
    parts = []
    if f.kind:
        parts.append(f"layer {f.kind} from the heading or list item above")
    if f.example:
        shown = ", ".join(f"{k}={v}" for k, v in f.example.items() if not k.startswith("_"))
        parts.append(f"worked example {shown}")
    return "; ".join(parts) or None
