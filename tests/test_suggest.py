"""symconv.suggest: words matched in any case, aliases, collisions left exact, suggestions."""

import pytest

from symconv.errors import InputError
from symconv.suggest import Words, close, fold, plural


def test_fold_drops_case_and_separators():
    assert fold("Conv_2D") == fold("conv-2d") == fold("conv 2d") == "conv2d"


def test_words_take_any_case_and_aliases():
    words = Words("layer", ["max-pool", "conv"], {"maxpool2d": "max-pool"})
    assert words.resolve("MaxPool") == "max-pool" and words.resolve("MaxPool2d") == "max-pool"
    assert words.resolve("CONV") == "conv"


def test_words_that_collide_when_folded_stay_exact():
    words = Words("name", ["d_W", "DW"])  # fold both to "dw": neither may be guessed
    assert words.get("d_W") == "d_W" and words.get("DW") == "DW"
    assert words.get("dw") is None and words.get("D_w") is None


def test_unknown_word_names_the_nearest_and_all():
    words = Words("quantity", ["params", "macs"], plural_what="quantities")
    with pytest.raises(InputError, match=r"unknown quantity 'macz'; did you mean macs\? "
                                         r"\(quantities: params, macs\)"):
        words.resolve("macz")
    with pytest.raises(InputError, match=r"unknown quantity 'zzz'; quantities: params, macs$"):
        words.resolve("zzz")


def test_hints_are_suggested_not_accepted():
    words = Words("format", ["markdown", "latex"], hints={"text": "markdown"})
    assert words.get("text") is None and words.suggestion("TEXT") == "markdown"


def test_close_and_plural():
    assert close("depthwise-seperable", ["dw-sep", "depthwise-separable"]) == ["depthwise-separable"]
    assert close("xyz", ["conv"]) == []
    assert (plural(1, "note"), plural(2, "note"), plural(0, "note")) == ("1 note", "2 notes",
                                                                         "0 notes")
