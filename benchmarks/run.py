"""symconv's performance figures, each measured against its baseline in the same run.

    python benchmarks/run.py [--repeat N] [--only NAME ...]

Every figure is the median of several repetitions, printed beside the median of
its baseline and their ratio; the script exits 1 if any target is missed. These
are benchmarks, not tests: CI times nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout, and the helper scripts here


def _symconv() -> list[str]:
    script = shutil.which("symconv")
    return [script] if script else [sys.executable, "-m", "symconv.cli"]


def _timed(fn: Callable[[], object]) -> Callable[[], float]:
    """A timer for one call of ``fn``."""
    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    return run


def wall(argv: list[str], ok: tuple[int, ...] = (0,), **env: str) -> Callable[[], float]:
    """A timer for one run of a command (output discarded; an exit code not in ``ok`` stops
    the benchmark)."""
    environment = {**os.environ, **env}

    def run() -> None:
        code = subprocess.run(argv, stdout=subprocess.DEVNULL, cwd=ROOT, env=environment).returncode
        if code not in ok:
            raise RuntimeError(f"{' '.join(argv)} exited {code}")
    return _timed(run)


def median_time(timer: Callable[[], float], repeat: int) -> float:
    timer()  # warm the file cache
    return statistics.median(timer() for _ in range(repeat))


@dataclass
class Figure:
    name: str
    measure: Callable[[], float]
    baseline_name: str | None
    baseline: Callable[[], float] | None
    check: Callable[[float, float | None], bool]
    target: str


# --- sweep of one conv layer over a million shapes ------------------------------------------

def _sweep_columns(n: int = 1_000_000):
    import numpy as np

    from symconv.symbols import D_in, D_out, H_F, H_in, S_H, S_W, W_F, W_in

    rng = np.random.default_rng(0)
    return {D_in: rng.integers(1, 512, n), D_out: rng.integers(1, 512, n),
            W_F: rng.integers(1, 8, n), H_F: rng.integers(1, 8, n),
            W_in: rng.integers(8, 512, n), H_in: rng.integers(8, 512, n),
            S_W: rng.integers(1, 4, n), S_H: rng.integers(1, 4, n)}


def sweep_figures() -> tuple[Figure, ...]:
    import itertools

    from symconv.layers import Conv
    from symconv.sweep import evaluate, grid
    from symconv.symbols import D_in, D_out, H_in, K, S_W, W_in

    # A sweep over a grid: 10 values each of D_in, D_out, K, W_in, H_in and the stride.
    axes = {D_in: list(range(16, 176, 16)), D_out: list(range(32, 352, 32)),
            K: list(range(1, 11)), W_in: list(range(32, 352, 32)),
            H_in: list(range(24, 264, 24)), S_W: list(range(1, 11))}
    grid_configs = list(itertools.product(*axes.values()))

    def symconv_grid():
        layer = Conv(W_F=K, H_F=K, stride=S_W, padding=1)  # derived inside the timing
        return grid(layer.from_input(layer.macs), axes)

    def python_grid_loop():
        out = []
        for d_in, d_out, k, w_in, h_in, s in grid_configs:
            out.append(k * k * d_in * d_out * ((w_in + 2 - k) // s + 1) * ((h_in + 2 - k) // s + 1))
        return out

    # The same formula at a million independent random shapes (no grid structure to exploit).
    cols = _sweep_columns()
    rows = list(zip(*(cols[s].tolist() for s in cols)))

    def symconv_columns():
        from symconv.symbols import S_H
        layer = Conv(stride=(S_W, S_H), padding=1)
        return evaluate(layer.from_input(layer.macs), cols)

    def python_loop():
        out = []
        for d_in, d_out, kw, kh, w_in, h_in, sw, sh in rows:
            out.append(kw * kh * d_in * d_out * ((w_in + 2 - kw) // sw + 1)
                       * ((h_in + 2 - kh) // sh + 1))
        return out

    assert symconv_grid().ravel().tolist() == python_grid_loop(), "grid and loop disagree"
    assert symconv_columns().tolist() == python_loop(), "sweep and loop disagree"
    return (Figure("sweep: conv MACs over a 1,000,000-shape grid", _timed(symconv_grid),
                   "pure-Python loop, same shapes", _timed(python_grid_loop),
                   lambda t, b: b / t >= 50, "at least 50x faster"),
            Figure("sweep: conv MACs at 1,000,000 random shapes", _timed(symconv_columns),
                   "pure-Python loop, same shapes", _timed(python_loop),
                   lambda t, b: True, "none (reported)"))


def against_import_sympy(name: str, argv: list[str], limit: float) -> Figure:
    """A command's wall time (every call derives its answer: there is no output cache),
    against ``python -c "import sympy"`` in the same run."""
    return Figure(name, wall(argv), 'python -c "import sympy"',
                  wall([sys.executable, "-c", "import sympy"]),
                  lambda t, b: t / b <= limit, f"at most {limit}x")


def cli_figures() -> tuple[Figure, ...]:
    sc = _symconv()
    return (
        against_import_sympy("symconv ratio --dw-sep", sc + ["ratio", "--dw-sep"], 1.25),
        Figure("symconv --help", wall(sc + ["--help"]),
               'python -c "pass"', wall([sys.executable, "-c", "pass"]),
               lambda t, b: t / b <= 3, "at most 3x"),
    )


def net_figures() -> tuple[Figure, ...]:
    return (against_import_sympy("symconv net resnet-50 (symbolic totals)",
                                 _symconv() + ["net", "resnet-50"], 3),)


def lint_figures() -> tuple[Figure, ...]:
    from make_note import make_note

    note = Path(tempfile.mkdtemp()) / "big-note.md"
    text, planted = make_note(1000)
    note.write_text(text, encoding="utf-8")
    found = subprocess.run(_symconv() + ["lint", str(note)], capture_output=True, text=True,
                           cwd=ROOT).stdout.count(": wrong:")
    assert found == planted, f"lint found {found} wrong formulas, {planted} were planted"

    lint = wall(_symconv() + ["lint", str(note)], ok=(1,))  # exit 1: it found the planted errors
    return (Figure("symconv lint, 1,000-formula note", lint, None, None,
                   lambda t, b: t < 5, "under 5 s"),)


def net_sweep_figures() -> tuple[Figure, ...]:
    from net_sweep import net_sweep_pair

    symconv_sweep, python_loop = net_sweep_pair("resnet-50", range(96, 96 + 1000))
    return (Figure("net resnet-50 sweep, 1,000 input sizes", _timed(symconv_sweep),
                   "1,000 numeric evaluations of the per-layer formulas", _timed(python_loop),
                   lambda t, b: b / t >= 20, "at least 20x faster"),)


GROUPS = {"cli": cli_figures, "sweep": sweep_figures, "net": net_figures,
          "lint": lint_figures, "net-sweep": net_sweep_figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="repetitions per figure (median)")
    parser.add_argument("--only", nargs="*", choices=list(GROUPS), help="run only these groups")
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()} {platform.release()}")
    print("| figure | time | baseline | baseline time | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    missed = 0
    for group in args.only or list(GROUPS):
        for fig in GROUPS[group]():
            t = median_time(fig.measure, args.repeat)
            b = median_time(fig.baseline, args.repeat) if fig.baseline else None
            ok = fig.check(t, b)
            missed += not ok
            if b is None:
                ratio = "-"
            elif b > t:
                ratio = f"{b / t:.1f}x faster"
            else:
                ratio = f"{t / b:.2f}x"
            print(f"| {fig.name} | {t:.3f} s | {fig.baseline_name or '-'} | "
                  f"{'-' if b is None else f'{b:.3f} s'} | {ratio} | {fig.target} | "
                  f"{'yes' if ok else 'NO'} |", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
