"""Exercises: every answer agrees with an independent count, shapes are real, seeds repeat."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symconv.errors import InputError
from symconv.layers import REGISTRY
from symconv.notes.exercises import exercises_for

from brute_force import pads, pool_size, window_positions


def _positions(layer, axis: int) -> int:
    """Output size along one axis by sliding the window (brute_force.py), or scattering."""
    if layer.name in ("dense", "global-avg-pool"):
        return 1
    i = int((layer.W_in, layer.H_in)[axis])
    if layer.name == "batchnorm":
        return i
    k = int((layer.W_F, layer.H_F)[axis]) if hasattr(layer, "W_F") else 1
    s = int(layer.stride[axis]) if hasattr(layer, "stride") else 1
    d = int(layer.dilation[axis]) if hasattr(layer, "dilation") else 1
    padding = layer.padding[axis] if hasattr(layer, "padding") else 0
    padding = padding if isinstance(padding, str) or hasattr(padding, "value") else int(padding)
    padding = getattr(padding, "value", padding)
    if layer.name == "transposed-conv":
        reached = max(x * s + t * d for x in range(i) for t in range(k)) + 1
        return reached - 2 * padding + int(layer.output_padding[axis])
    if layer.name.endswith("-pool"):
        return pool_size(i, k, s, padding, d)
    return len(window_positions(i, k, s, *pads(padding, i, k, s, d), d))


def _independent(layer) -> dict:
    """Output size, params and MACs from the textbook's products over counted positions."""
    w, h = _positions(layer, 0), _positions(layer, 1)
    name, d_in = layer.name, int(layer.D_in)
    bias = getattr(layer, "bias", False)
    if name in ("conv", "grouped"):
        k, g, d_out = int(layer.W_F) * int(layer.H_F), int(layer.groups), int(layer.D_out)
        return {"out": [w, h, d_out], "params": d_out * (k * d_in // g + bias),
                "macs": w * h * d_out * k * d_in // g}
    if name == "transposed-conv":
        k, d_out = int(layer.W_F) * int(layer.H_F), int(layer.D_out)
        return {"out": [w, h, d_out], "params": d_out * (k * d_in + bias),
                "macs": int(layer.W_in) * int(layer.H_in) * k * d_in * d_out}
    if name == "depthwise":
        k = int(layer.W_F) * int(layer.H_F)
        return {"out": [w, h, d_in], "params": d_in * (k + bias), "macs": w * h * d_in * k}
    if name == "pointwise":
        d_out = int(layer.D_out)
        return {"out": [w, h, d_out], "params": d_out * (d_in + bias),
                "macs": w * h * d_in * d_out}
    if name == "dw-sep":
        k, d_out = int(layer.W_F) * int(layer.H_F), int(layer.D_out)
        return {"out": [w, h, d_out], "params": d_in * (k + bias) + d_out * (d_in + bias),
                "macs": w * h * d_in * (k + d_out)}
    if name == "dense":
        d_out = int(layer.D_out)
        return {"out": [1, 1, d_out], "params": d_out * (d_in + bias), "macs": d_in * d_out}
    if name == "batchnorm":
        return {"out": [w, h, d_in], "params": 2 * d_in, "macs": 0}
    return {"out": [w, h, d_in], "params": 0, "macs": 0}  # pooling


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_answer_agrees_with_an_independent_count(name):
    for exercise in exercises_for(name, 8, seed=11):
        layer, truth = exercise["layer"], _independent(exercise["layer"])
        assert min(truth["out"][:2]) >= (1 if name in ("dense", "global-avg-pool") else 2)
        kind = exercise["kind"]
        if kind == "size":
            assert exercise["value"] == truth["out"], exercise["question"]
        elif kind in ("params", "macs"):
            assert exercise["value"] == truth[kind], exercise["question"]
        elif kind == "error":
            expected = truth["params"] if layer.biases != 0 else truth["macs"]
            assert exercise["value"] == expected and exercise["wrong"] != expected
        assert exercise["question"] and exercise["answer"]


def test_the_dw_sep_threshold_is_the_first_d_out_that_is_cheap_enough():
    found = [e for e in exercises_for("dw-sep", 10, seed=5) if e["kind"] == "cheaper"]
    assert found
    for exercise in found:
        k, factor = int(exercise["layer"].W_F), exercise["factor"]
        first = next(d for d in range(1, 100_000)
                     if Fraction(1, d) + Fraction(1, k * k) <= Fraction(1, factor))
        assert exercise["value"] == first, exercise["question"]
        assert f"D_{{out}} \\geq {first}" in exercise["answer"]


def test_the_same_seed_gives_the_same_exercises_and_another_seed_others():
    a, b = exercises_for("conv", 5, seed=1), exercises_for("conv", 5, seed=1)
    assert [e["question"] for e in a] == [e["question"] for e in b]
    assert [e["question"] for e in a] != [e["question"] for e in exercises_for("conv", 5, seed=2)]


def test_too_many_exercises_is_a_clear_error():
    with pytest.raises(InputError, match="0 to 50"):
        exercises_for("conv", 51)


def test_the_answer_key_is_a_separate_file_and_the_note_links_it(capsys, tmp_path):
    from cli_run import run

    code, _, err = run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv",
                       "--exercises", "2", "--seed", "4")
    assert code == 0, err
    note = (tmp_path / "conv.md").read_text()
    key = (tmp_path / "answers-conv.md").read_text()
    assert "## Exercises" in note and "[answer key](answers-conv.md)" in note
    assert "**Answer:**" in key and "**Answer:**" not in note
