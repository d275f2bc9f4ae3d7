"""Generate a long Markdown course note for `symconv lint`: N formulas, some planted wrong.

Usage:
    python benchmarks/make_note.py [N] [OUT.md]     # default 1000 formulas to stdout
    time symconv lint OUT.md                        # target: a few seconds for N = 1000

The numbers are computed here with plain integer arithmetic (not with symconv), so
a lint of the note must report exactly the planted wrong formulas: `make_note`
returns the text and that count, and prints it on stderr when run as a script.
"""

from __future__ import annotations

import random
import sys

SYMBOLIC = {  # layer heading -> (params, MACs) in the course notation, LaTeX
    "Standard convolution": (r"D_{out}(W_F H_F D_{in} + 1)",
                             r"W_F \times H_F \times D_{in} \times D_{out} \times W_{out} \times H_{out}"),
    "Depthwise convolution": (r"D_{in}(W_{F}H_{F}+1)", r"D_{in} W_F H_F W_{out} H_{out}"),
    "Pointwise (1x1) convolution": (r"D_{out}(D_{in}+1)", r"D_{in} D_{out} W_{out} H_{out}"),
}
WRONG_SYMBOLIC = {
    "Standard convolution": (r"D_{out} W_F H_F D_{in}", r"W_F H_F D_{in} D_{out} W_{in} H_{out} D_{out}"),
    "Depthwise convolution": (r"D_{in} W_F H_F D_{out}", r"D_{in} D_{out} W_F H_F W_{out} H_{out}"),
    "Pointwise (1x1) convolution": (r"D_{out} D_{in}", r"D_{in} W_{out} H_{out}"),
}


def _counts(kind: str, w: int, c: int, d: int, k: int, s: int, same: bool):
    """(output side, params, MACs) by plain arithmetic."""
    if kind.startswith("Pointwise"):
        k, s, same = 1, 1, False
    out = -(-w // s) if same else (w - k) // s + 1
    if kind.startswith("Depthwise"):
        return out, c * (k * k + 1), k * k * c * out * out, c
    return out, d * (k * k * c + 1), k * k * c * d * out * out, d


def _section(rng: random.Random, kind: str, wrong_rate: float):
    """One section of ten formulas; returns (lines, planted wrong count)."""
    w, c, d = rng.choice([32, 56, 64, 112, 128]), rng.choice([3, 8, 16, 32]), rng.choice([16, 32, 64])
    k, s, same = rng.choice([1, 3, 5]), rng.choice([1, 2]), rng.random() < 0.5
    if kind.startswith("Pointwise"):
        k, s, same = 1, 1, False
    o, params, macs, dout = _counts(kind, w, c, d, k, s, same)
    pad = "same" if same else "valid"
    filt = f"{k}x{k}x{c}" if kind.startswith("Depthwise") else f"{k}x{k}x{c}x{d}"
    lines = [f"## {kind}, {w}x{w}x{c}", "",
             "- Example", f"    - Input: {w}x{w}x{c}, Filter = {filt}, padding = {pad}, stride = {s}"]
    wrong = 0

    def planted() -> bool:
        nonlocal wrong
        hit = rng.random() < wrong_rate
        wrong += hit
        return hit

    sym_params, sym_macs = SYMBOLIC[kind]
    bad_params, bad_macs = WRONG_SYMBOLIC[kind]
    per_value = macs // (o * o * dout)
    lines += [
        f"- Params = ${bad_params if planted() else sym_params}$",
        f"- MACs = ${bad_macs if planted() else sym_macs}$",
        f"- Params = ${params + (dout if planted() else 0)}$",
        f"- MACs = ${k}*{k}*{c}*{d if not kind.startswith('Depthwise') else 1}*{o}*{o}"
        f"{'*2' if planted() else ''}$",
        f"    - = ${macs:,}$".replace(",", "{,}"),
        f"- FLOPs: ${2 * macs * (2 if planted() else 1)}$",
        f"- MACs = ${per_value + (1 if planted() else 0)}$ per output value",
        f"- Output: {o}x{o}x{dout + (1 if planted() else 0)}",
        f"- and by hand: ${o} \\times {o} = {o * o + (1 if planted() else 0)}$",
        f"- #MACs per output pixel is ${per_value * dout}$",
    ]
    # the forms of notes written by other people (issue 11): plain arithmetic in a code span,
    # a rounded figure, a Chinese line, a channels-first shape, a total of the lines above
    weights = k * k * (c if not kind.startswith("Depthwise") else 1) * dout
    shown = weights + (7 if planted() else 0)
    mega = macs / 10**6
    rounded = f"{mega + (1 if planted() else 0):.1f}"
    lines += [
        f"- by hand: `{k} x {k} x {c if not kind.startswith('Depthwise') else 1} x {dout} = {shown}` weights",
        f"- roughly {k}*{k}*{c}*{d if not kind.startswith('Depthwise') else 1}*{o}*{o} = {rounded} Mil MACs",
        f"- 计算量：{o}×{o}×{dout} = {o * o * dout + (1 if planted() else 0)} 个输出值",
        f"- PyTorch prints it as {dout}x{o}x{o} (C×H×W).",
        "",
    ]
    return lines, wrong


def make_note(n: int = 1000, seed: int = 0, wrong_rate: float = 0.1) -> tuple[str, int]:
    """A note with about ``n`` claims (about fourteen per section); the text and the planted
    wrong count."""
    rng = random.Random(seed)
    lines, wrong = ["# Convolution costs, generated", "",
                    "See [[Standard convolution]] and [[Depthwise separable convolution]].", ""], 0
    kinds = list(SYMBOLIC)
    for i in range(max(1, n // 14)):
        section, planted = _section(rng, kinds[i % len(kinds)], wrong_rate)
        lines += section
        wrong += planted
    return "\n".join(lines) + "\n", wrong


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 1000
    text, wrong = make_note(n)
    if len(argv) > 2:
        with open(argv[2], "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    print(f"{n} formulas, {wrong} planted wrong", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
