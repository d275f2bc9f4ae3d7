"""Output-size arithmetic: the fifteen relationships of Dumoulin and Visin (arXiv 1603.07285)."""

from __future__ import annotations

import itertools

import pytest
import sympy

from brute_force import pool_size, same_padding_split, window_positions
from symconv.errors import InputError
from symconv.shapes import (conv_output_size, effective_kernel, same_padding,
                            transposed_output_size)
from symconv.symbols import P_W, S_W, W_F, W_in, d_W

SMALL = list(itertools.product(range(1, 11), range(1, 6), range(1, 4), range(0, 3)))  # i, k, s, p


def _conv(i, k, s=1, p=0, d=1):
    return int(conv_output_size(i, k, s, p, d))


def _tconv(i, k, s=1, p=0, d=1, a=0):
    return int(transposed_output_size(i, k, s, p, d, a))


def test_r1_no_padding_unit_strides():
    assert conv_output_size(W_in, W_F) == W_in - W_F + 1
    for i, k, _, _ in SMALL:
        if k <= i:
            assert _conv(i, k) == i - k + 1


def test_r2_zero_padding_unit_strides():
    assert conv_output_size(W_in, W_F, padding=P_W) == W_in - W_F + 2 * P_W + 1
    for i, k, _, p in SMALL:
        if k <= i + 2 * p:
            assert _conv(i, k, 1, p) == i - k + 2 * p + 1


def test_r3_half_padding():
    for i, n in itertools.product(range(1, 10), range(0, 3)):
        k = 2 * n + 1
        assert _conv(i, k, 1, k // 2) == i
        assert _conv(i, k, 1, "same") == i
    assert conv_output_size(W_in, W_F, padding="same") == W_in


def test_r4_full_padding():
    assert conv_output_size(W_in, W_F, padding="full") == W_in + W_F - 1
    for i, k, _, _ in SMALL:
        assert _conv(i, k, 1, k - 1) == i + k - 1 == _conv(i, k, 1, "full")


def test_r5_no_padding_non_unit_strides():
    assert conv_output_size(W_in, W_F, stride=S_W) == sympy.floor((W_in - W_F) / S_W) + 1
    for i, k, s, _ in SMALL:
        if k <= i:
            assert _conv(i, k, s) == (i - k) // s + 1


def test_r6_zero_padding_non_unit_strides():
    for i, k, s, p in SMALL:
        if k <= i + 2 * p:
            assert _conv(i, k, s, p) == (i + 2 * p - k) // s + 1


def test_r7_pooling():
    for i, k, s, _ in SMALL:
        if k <= i:
            assert pool_size(i, k, s) == (i - k) // s + 1 == _conv(i, k, s)


def test_r8_transposed_no_padding_unit_strides():
    assert transposed_output_size(W_in, W_F) == W_in + W_F - 1
    for i, k, _, _ in SMALL:
        assert _tconv(i, k) == i + (k - 1)


def test_r9_transposed_zero_padding_unit_strides():
    for i, k, _, p in SMALL:
        if i + (k - 1) - 2 * p >= 1:
            assert _tconv(i, k, 1, p) == i + (k - 1) - 2 * p


def test_r10_transposed_half_padding():
    for i, n in itertools.product(range(1, 10), range(0, 3)):
        k = 2 * n + 1
        assert _tconv(i, k, 1, k // 2) == i


def test_r11_transposed_full_padding():
    for i, k, _, _ in SMALL:
        if i - (k - 1) >= 1:
            assert _tconv(i, k, 1, "full") == i - (k - 1) == _tconv(i, k, 1, k - 1)


def test_r12_transposed_no_padding_non_unit_strides():
    for i, k, s, _ in SMALL:
        if k <= i and (i - k) % s == 0:
            o = _conv(i, k, s)
            assert _tconv(o, k, s) == s * (o - 1) + k == i


def test_r13_transposed_zero_padding_non_unit_strides():
    for i, k, s, p in SMALL:
        if k <= i + 2 * p and (i + 2 * p - k) % s == 0:
            o = _conv(i, k, s, p)
            assert _tconv(o, k, s, p) == s * (o - 1) + k - 2 * p == i


def test_r14_transposed_with_output_padding_inverts_every_convolution():
    for i, k, s, p in SMALL:
        if k <= i + 2 * p:
            o = _conv(i, k, s, p)
            a = (i + 2 * p - k) % s
            assert _tconv(o, k, s, p, a=a) == s * (o - 1) + a + k - 2 * p == i


def test_r15_dilated():
    expected = sympy.floor((W_in + 2 * P_W - W_F - (W_F - 1) * (d_W - 1)) / S_W) + 1
    got = conv_output_size(W_in, W_F, S_W, P_W, d_W)
    assert sympy.simplify(got - expected) == 0
    for (i, k, s, p), d in itertools.product(SMALL, range(1, 4)):
        if effective_kernel(k, d) <= i + 2 * p:
            want = (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1
            assert _conv(i, k, s, p, d) == want == len(window_positions(i, k, s, p, p, d))


def test_same_padding_is_the_least_padding_tensorflow_adds():
    for i, k, s, d in itertools.product(range(1, 10), range(1, 5), range(1, 4), range(1, 3)):
        before, after = same_padding_split(i, k, s, d)
        assert same_padding(i, k, s, d) == before + after
        assert _conv(i, k, s, "same", d) == -(-i // s)
    assert same_padding(W_in, W_F, 1, d_W) == d_W * (W_F - 1)


def test_solving_for_the_padding_that_keeps_the_size():
    from symconv.engine import solve_for

    assert solve_for(conv_output_size(W_in, W_F, padding=P_W), W_in, P_W) == ((W_F - 1) / 2,)


@pytest.mark.parametrize("call, message", [
    (lambda: conv_output_size(3, 5), "kernel spans 5 but the padded input is only 3"),
    (lambda: conv_output_size(8, 3, stride=0), "stride must be at least 1"),
    (lambda: conv_output_size(8, 3, dilation=0), "dilation must be at least 1"),
    (lambda: conv_output_size(0, 3), "input size must be at least 1"),
    (lambda: transposed_output_size(4, 3, stride=2, output_padding=2), "output padding"),
    (lambda: transposed_output_size(1, 1, padding=1), "output would be -1"),
])
def test_impossible_shapes_are_errors(call, message):
    with pytest.raises(InputError, match=message):
        call()
