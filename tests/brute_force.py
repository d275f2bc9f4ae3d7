"""Independent loop counts: slide the window, scatter the taps, count every MAC one by one.

Nothing here uses symconv; the tests compare these counts with the catalog's formulas.
"""

from __future__ import annotations


def window_positions(i: int, k: int, s: int, pad_before: int, pad_after: int, d: int) -> list[int]:
    """Start offsets (in the padded input) of every window that fits entirely."""
    padded = i + pad_before + pad_after
    span = d * (k - 1) + 1
    return [start for start in range(0, padded, s) if start + span <= padded]


def same_padding_split(i: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's 'same', found by search: the least total padding giving ceil(i/s) outputs."""
    want = -(-i // s)
    for total in range(0, d * (k - 1) + s + 1):
        before, after = total // 2, total - total // 2
        if len(window_positions(i, k, s, before, after, d)) == want:
            return before, after
    raise AssertionError("no padding gives ceil(i/s)")


def pads(padding, i: int, k: int, s: int, d: int) -> tuple[int, int]:
    if padding == "valid":
        return 0, 0
    if padding == "full":
        return d * (k - 1), d * (k - 1)
    if padding == "same":
        return same_padding_split(i, k, s, d)
    return padding, padding


def conv_counts(d_in, d_out, kw, kh, w_in, h_in, s=1, padding=0, dil=1, groups=1, bias=True):
    """(W_out, H_out, params, MACs) of a grouped convolution, by loops."""
    xs = window_positions(w_in, kw, s, *pads(padding, w_in, kw, s, dil), dil)
    ys = window_positions(h_in, kh, s, *pads(padding, h_in, kh, s, dil), dil)
    in_per_group = d_in // groups
    macs = 0
    for _y in ys:
        for _x in xs:
            for _out_channel in range(d_out):
                for _ty in range(kh):
                    for _tx in range(kw):
                        macs += len(range(in_per_group))  # one MAC per input channel of the group
    weight_shape = (d_out, in_per_group, kh, kw)  # PyTorch's Conv2d.weight
    params = 1
    for n in weight_shape:
        params *= n
    params += d_out if bias else 0
    return len(xs), len(ys), params, macs


def depthwise_counts(d_in, kw, kh, w_in, h_in, s=1, padding=0, dil=1, multiplier=1, bias=True):
    d_out = d_in * multiplier
    return conv_counts(d_in, d_out, kw, kh, w_in, h_in, s, padding, dil, groups=d_in, bias=bias)


def transposed_counts(d_in, d_out, kw, kh, w_in, h_in, s=1, padding=0, dil=1, out_pad=0,
                      bias=True):
    """Scatter every input value through every tap; the output spans what is reached,
    cropped by ``padding`` on each side, plus ``out_pad`` at the end."""
    def axis(i, k, op):
        reached = [x * s + t * dil for x in range(i) for t in range(k)]
        return max(reached) + 1 - 2 * padding + op
    macs = 0
    for _y in range(h_in):
        for _x in range(w_in):
            for _ty in range(kh):
                for _tx in range(kw):
                    macs += d_in * d_out
    params = d_in * d_out * kw * kh + (d_out if bias else 0)
    return axis(w_in, kw, out_pad), axis(h_in, kh, out_pad), params, macs


def pool_size(i, k, s, padding=0, dil=1) -> int:
    return len(window_positions(i, k, s, *pads(padding, i, k, s, dil), dil))


def ceil_pool_size(i, k, s, p=0, dil=1) -> int:
    """PyTorch's ceil_mode, by listing windows: a window may run past the right edge, but
    must start inside the input or its left padding (torch.nn.MaxPool2d's documentation)."""
    span = dil * (k - 1) + 1
    starts = []
    t = 0
    while True:
        start = t * s
        # the last window may hang over the right padding by less than a stride
        if start >= i + p or start + span > i + 2 * p + s - 1:
            break
        starts.append(start)
        t += 1
    return len(starts)


def chunk_sizes(c: int, n: int) -> list[int]:
    """torch.chunk along channels, by slicing a list: parts of ceil(c/n), the last smaller."""
    step = -(-c // n)
    channels = list(range(c))
    return [len(channels[a:a + step]) for a in range(0, c, step)]


def make_divisible(v: float, divisor: int, min_value=None) -> int:
    """torchvision.models._utils._make_divisible, as published (floats and all)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
