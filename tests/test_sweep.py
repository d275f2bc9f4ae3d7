"""Vectorised evaluation against the layer evaluated one configuration at a time."""

from __future__ import annotations

import numpy as np
import pytest

from symconv.errors import InputError
from symconv.layers import Conv, DepthwiseSeparable
from symconv.sweep import evaluate
from symconv.symbols import D_in, D_out, H_F, H_in, S_H, S_W, W_F, W_in


def test_strided_padded_conv_sweep_equals_per_configuration_layers():
    rng = np.random.default_rng(7)
    n = 300
    cols = {D_in: rng.integers(1, 64, n), D_out: rng.integers(1, 64, n),
            W_F: rng.integers(1, 6, n), H_F: rng.integers(1, 6, n),
            W_in: rng.integers(8, 300, n), H_in: rng.integers(8, 300, n),
            S_W: rng.integers(1, 4, n), S_H: rng.integers(1, 4, n)}
    layer = Conv(stride=(S_W, S_H), padding=1)
    swept = {q: evaluate(layer.from_input(getattr(layer, q)), cols) for q in ("macs", "params")}
    for i in range(n):
        row = {s.name: int(v[i]) for s, v in cols.items()}
        one = Conv(stride=(row.pop("S_W"), row.pop("S_H")), padding=1, **row)
        assert swept["macs"][i] == one.macs and swept["params"][i] == one.params
    assert swept["macs"].dtype == np.int64


def test_dw_sep_with_same_padding_and_stride():
    layer = DepthwiseSeparable(W_F=3, H_F=3, stride=2, padding="same")
    widths = np.arange(1, 200)
    got = evaluate(layer.from_input(layer.macs), {D_in: 32, D_out: 64, W_in: widths, H_in: 17})
    for w, value in zip(widths, got):
        assert value == DepthwiseSeparable(32, 64, 3, 3, int(w), 17, 2, "same").macs


def test_missing_and_mismatched_columns_are_input_errors():
    with pytest.raises(InputError, match="give values for D_out"):
        evaluate(D_in * D_out, {D_in: [1, 2]})
    with pytest.raises(InputError, match="differ in length"):
        evaluate(D_in * D_out, {D_in: [1, 2], D_out: [1, 2, 3]})


def test_grid_equals_per_configuration_layers():
    import itertools

    from symconv.sweep import grid

    axes = {D_in: [1, 3, 8], D_out: [2, 5], W_F: [1, 3, 5], H_F: [2, 3], W_in: [9, 16, 31],
            H_in: [7, 12], S_W: [1, 2, 3], S_H: [1, 2]}
    layer = Conv(stride=(S_W, S_H), padding="same")
    values = grid(layer.from_input(layer.macs), axes)
    assert values.shape == (3, 2, 3, 2, 3, 2, 3, 2)
    for index in itertools.product(*(range(len(v)) for v in axes.values())):
        row = {s.name: v[i] for (s, v), i in zip(axes.items(), index)}
        one = Conv(stride=(row.pop("S_W"), row.pop("S_H")), padding="same", **row)
        assert values[index] == one.macs
