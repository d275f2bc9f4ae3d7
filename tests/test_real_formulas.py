"""`symconv check` over formulas people wrote (tests/data/real_formulas.toml), through main().

Every case has its source and a hand label from an independent computation (the file's
`why`). Per case: a wrong formula is never judged correct, a right one never judged wrong.
Over the corpus: at most 1 in 10 refused, the labelled cause named (the JSON's cause code)
for at least 7 in 10 wrong ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symconv.cli import main

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

DATA = Path(__file__).parent / "data" / "real_formulas.toml"
CASES = tomllib.loads(DATA.read_text(encoding="utf-8"))["case"]

#: the causes a hand label may name (codes of symconv.lint.diagnose, plus slips no rule names)
CAUSES = {"missing-bias", "extra-bias", "bias-per-input", "macs-as-flops", "flops-as-macs",
          "bias-adds-counted", "adds-n-minus-1", "transposed-output-grid", "missing-floor",
          "missing-ceil", "padding-misplaced", "stride-misplaced", "channels-swapped",
          "groups-forgotten", "factor-dropped", "extra-factor", "term-dropped", "keras-bn-4c",
          "keras-separable-bias", "constant-off", "ceil-for-floor"}


def run(case: dict, capsys) -> tuple[int, dict | None]:
    argv = ["check", case["formula"], *case["args"], "--format", "json"]
    if case["formula"].startswith("-"):
        argv.insert(1, "--")
    code = main(argv)
    out = capsys.readouterr().out
    return code, (json.loads(out) if code in (0, 1) else None)


def test_the_corpus_is_large_and_labelled():
    assert len(CASES) >= 100
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert case["label"] in ("RIGHT", "WRONG"), case["id"]
        assert case["source"].strip() and case["written"].strip() and case["why"].strip()
        assert ("cause" in case) == (case["label"] == "WRONG"), case["id"]
        if "cause" in case:
            assert case["cause"] in CAUSES, case["id"]
    assert sum(c["label"] == "WRONG" for c in CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_verdict_agrees_with_the_hand_label(case, capsys):
    code, data = run(case, capsys)
    if case["label"] == "RIGHT":
        assert code != 1, f"right formula judged wrong: {data and data.get('hints')}"
    else:
        assert code != 0, "wrong formula judged correct"


def test_few_refused_and_most_causes_named(capsys):
    refused, wrong, named, missed = 0, 0, 0, []
    for case in CASES:
        code, data = run(case, capsys)
        refused += code == 2
        if case["label"] == "WRONG" and code == 1:
            wrong += 1
            if data.get("cause") == case["cause"]:
                named += 1
            else:
                missed.append((case["id"], case["cause"], data.get("cause")))
    assert refused <= len(CASES) / 10
    assert named >= 0.7 * sum(c["label"] == "WRONG" for c in CASES), missed
