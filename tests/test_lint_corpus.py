"""Lint over the corpus of real notes (tests/corpus/): the figures issue 11 asks for.

Hand labels in tests/corpus/expected.json; the scoring lives in benchmarks/lint_corpus.py
(run it for per-file figures and `--explain` for what is missed). FLOORS are the figures
measured on this code; the issue's targets are TARGETS, asserted once reached.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import lint_corpus  # noqa: E402

#: set -> (max false alarms, min recall, min checked) measured on this code
FLOORS = {"notes": (0.01, 0.40, 0.60), "planted": (0.01, 0.75, 0.65), "all": (0.01, 0.70, 0.60)}


@pytest.fixture(scope="module")
def measured():
    return {s: lint_corpus.measure(s) for s in FLOORS}


@pytest.mark.parametrize("which", sorted(FLOORS))
def test_corpus_figures(measured, which):
    fig = measured[which]["figures"]
    max_fa, min_recall, min_checked = FLOORS[which]
    assert fig["false_alarms"] <= max_fa <= lint_corpus.TARGETS["false_alarms"]
    assert fig["recall"] >= min_recall
    assert fig["checked"] >= min_checked


def test_no_wrong_verdict_on_an_unlabelled_line(measured):
    """A 'wrong' on a line the labels do not cover is a false alarm too."""
    assert measured["all"]["total"].get("unlabelled_wrong", 0) == 0


def test_the_scorer_can_fail():
    """The scoring counts a wrong verdict on a RIGHT label as a false alarm."""
    label = {"file": "n.md", "line": 3, "claim": "2*3 = 6", "anchor": "2*3 = 6", "label": "RIGHT"}
    claim = {"file": "n.md", "line": 3, "text": "2*3 = 6", "verdict": "wrong"}
    t = lint_corpus.score([label], [claim])["total"]
    assert t["false_alarms"] == 1 and t["checked"] == 1
