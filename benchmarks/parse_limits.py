"""Time the formula parser and checker on hostile and oversized inputs.

Target: every input is parsed and checked (or refused with a clean error) in
under a second. Run: python benchmarks/parse_limits.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

CASES = {
    "800-term sum": "D_in+" * 799 + "D_in",
    "800-factor product": "D_in*" * 799 + "D_in",
    "(4 terms)^40 by repetition": "(D_in+D_out+W_F+H_F)" * 40,
    "(12 terms)^3": "(D_in+D_out+W_F+H_F+K+g+m+W_out+H_out+S_H+P_W+P_H)^3",
    "(6 terms)^5 (4 terms)^5": "(D_in+D_out+W_F+H_F+K+g)^5 (W_in+H_in+S_W+1)^5",
    "199 fractions": "+".join(f"1/(D_in+{i})" for i in range(1, 200)),
    "6 fractions ^12": "+".join(f"1/(D_in+W_F+{i})^12" for i in range(1, 7)),
    "149 floors": "+".join(f"floor(W_in/{i})" for i in range(1, 150)),
    "55 nested floors": "floor(" * 55 + "W_in/2" + ")" * 55,
    "30 numbers of 100 digits": ("9" * 100 + "*") * 30 + "D_in",
    "power tower": "((((D_in+D_out)^12)^12)^12)",
    "10**10**10**10": "10**10**10**10",
    "1 MB line": "1" * 1_000_000,
    "((((x10000": "((((" * 10000,
    "59 nested groups": "(" * 59 + "D_in" + ")" * 59,
    "long LaTeX": r"\frac{D_{in}}{W_{F}} \times " * 150 + "1",
}


def main() -> int:
    from symconv.lint.check import check_formula
    from symconv.errors import InputError
    from symconv.layers import Conv
    from symconv.formula.parse import parse

    layer, worst = Conv(), 0.0
    for name, text in CASES.items():
        start = time.perf_counter()
        try:
            outcome = check_formula(parse(text), layer, "params").verdict
        except InputError as error:
            outcome = f"refused: {str(error)[:70]}"
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        print(f"{elapsed:6.2f} s  {name:28s} {outcome}")
    print(f"worst {worst:.2f} s (target < 1 s)")
    return 0 if worst < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
