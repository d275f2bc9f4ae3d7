"""The network sweep benchmark: totals of a zoo network over many input sizes.

``net_sweep_pair(name, sizes)`` gives two callables returning the same MAC counts:
symconv's ``--sweep`` (one derived formula, evaluated over numpy columns) and the
baseline, which substitutes every size into every layer's formula one at a time.
"""

from __future__ import annotations


def net_sweep_pair(name: str, sizes):
    from symconv.net.network import Network
    from symconv.symbols import H, W

    net = Network.zoo(name)
    sizes = tuple(sizes)
    rows = net.analyse().rows  # the per-layer formulas, derived once, outside the timing

    def symconv_sweep():
        return [int(r["macs"]) for r in net.sweep(("H", "W"), sizes)]

    def python_loop():
        return [int(sum(row.macs.xreplace({H: s, W: s}) for row in rows)) for s in sizes]

    assert symconv_sweep() == python_loop(), "sweep and per-layer evaluation disagree"
    return symconv_sweep, python_loop
