"""Run `symconv check` over tests/data/real_formulas.toml and print the figures.

    python benchmarks/real_formulas.py [--verbose]

For every case: refused (exit 2), verdict (exit 0 correct / 1 wrong), against the hand
label; for wrong ones, whether the output names the labelled cause. Prints the totals
that issue 17 asks for: wrong judged correct, right judged wrong, refused, cause named.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from symconv.cli import main  # noqa: E402

#: words in the output that name each labelled cause
CAUSE_WORDS = {
    "missing-bias": ("bias term",),
    "factor-dropped": ("missing",),
    "missing-floor": ("floor",),
    "missing-ceil": ("ceil",),
    "bias-adds-counted": ("bias add",),
    "transposed-output-grid": ("input grid", "output grid"),
    "macs-as-flops": ("MAC count",),
    "padding-misplaced": ("padding",),
    "adds-n-minus-1": ("n - 1 additions", "n-1 additions"),
    "keras-separable-bias": ("Keras", "SeparableConv2D"),
    "keras-bn-4c": ("Keras", "running"),
    "term-dropped": ("missing", "dropped"),
}


def run_case(case: dict) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            argv = ["check", case["formula"], *case["args"], "--format", "json"]
            if case["formula"].startswith("-"):
                argv.insert(1, "--")
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def cause_named(case: dict, text: str) -> bool:
    """The labelled cause, as the JSON's cause code; for a symconv without codes (the 'before'
    figures), words of it in the hints."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return False
    if "cause" in data:
        return data["cause"] == case.get("cause")
    words = CAUSE_WORDS.get(case.get("cause", ""), ())
    hints = " ".join(data.get("hints", [])).lower()
    return any(w.lower() in hints for w in words)


def figures(cases: list[dict], verbose: bool = False) -> dict:
    stats = {"cases": len(cases), "right": 0, "wrong": 0, "refused": 0, "wrong_judged_correct": 0,
             "right_judged_wrong": 0, "wrong_caught": 0, "cause_named": 0}
    for case in cases:
        code, out, err = run_case(case)
        right = case["label"] == "RIGHT"
        stats["right" if right else "wrong"] += 1
        status = ""
        if code == 2 or code not in (0, 1):
            stats["refused"] += 1
            status = "REFUSED " + (err.strip().splitlines() or ["?"])[-1][:150]
        elif right and code == 1:
            stats["right_judged_wrong"] += 1
            status = "RIGHT JUDGED WRONG"
        elif not right and code == 0:
            stats["wrong_judged_correct"] += 1
            status = "WRONG JUDGED CORRECT"
        elif not right:
            stats["wrong_caught"] += 1
            if cause_named(case, out):
                stats["cause_named"] += 1
            else:
                status = "cause not named"
        if verbose and status:
            print(f"{case['id']}: {status}")
    return stats


def main_() -> int:
    data = tomllib.loads((ROOT / "tests/data/real_formulas.toml").read_text(encoding="utf-8"))
    stats = figures(data["case"], "--verbose" in sys.argv)
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
