"""symconv's performance figures: every one cold, side by side with its baseline, in one run.

    python benchmarks/run.py [--repeat N] [--only GROUP ...] [--json OUT.json]

A figure is a command run in a new process each time ("cold": Python's start, the
imports, reading the input and computing the answer, as a user pays them),
alternated with its baseline (A B A B ...) so that a machine that slows down slows
both alike. Printed for each: the median and the range (fastest-slowest) of the
figure and of its baseline, their ratio (the median of the ratios of neighbouring
A, B pairs; the targets are judged on it) and the same ratio over CPU time (steadier
when other processes share the machine), the peak memory of the figure's process (its maximum resident set) and
whether the target is met. The script exits 1 if any target is missed.

Before timing, the checkout's bytecode is compiled (``compileall``), as ``pip install``
does for an installed package: a checkout run with ``PYTHONDONTWRITEBYTECODE`` would
otherwise compile symconv's source on every call. These are benchmarks, not tests:
CI times nothing.

Groups: ``cli`` (ratio --dw-sep, --help), ``net`` (ResNet-50's totals), ``deep``
(1,000 to 5,000 layers that all differ), ``lint`` (claims per second, one note and a
folder), ``sweep`` (numpy sweeps, in process), ``peers`` (ptflops, fvcore, thop and
torch's FlopCounterMode on the same model, where torch is installed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path[:0] = [str(ROOT), str(BENCH)]  # this checkout, and the helper scripts here

SYMCONV = [sys.executable, "-m", "symconv"]
PASS = [sys.executable, "-c", "pass"]
IMPORT_SYMPY = [sys.executable, "-c", "import sympy"]
MEMORY_LIMIT_MB = 200
DEPTHS = (1000, 2500, 5000)
SWEEP_SIZES = (96, 1095)  # 1,000 input sizes, H = W = 96..1095


# --- running one command cold -----------------------------------------------------------------

@dataclass
class Run:
    wall: float      # seconds, start to exit
    cpu: float       # user + system seconds of the process
    memory: float    # maximum resident set, MB
    stdout: str = ""


def run_cold(argv: list[str], ok: tuple[int, ...] = (0,), keep_output: bool = False) -> Run:
    """Run ``argv`` in a new process; its wall and CPU time and peak memory (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        text = ""
        if keep_output:
            out.seek(0)
            text = out.read().decode()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Figure:
    """A command against a baseline command. ``check(result)`` says whether the target is met."""

    name: str
    argv: list[str]
    baseline_name: str | None = None
    baseline: list[str] | None = None
    target: str = "none (reported)"
    check: Callable[["Result"], bool] = lambda r: True
    ok: tuple[int, ...] = (0,)
    repeat: int | None = None
    memory_limit: float | None = MEMORY_LIMIT_MB  # None: a peer, reported only
    key: str = ""


@dataclass
class Result:
    figure: Figure
    runs: list[Run]
    base: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def base_median(self) -> float | None:
        return statistics.median(r.wall for r in self.base) if self.base else None

    @property
    def ratio(self) -> float | None:
        """Median over neighbouring pairs of figure / baseline time."""
        if not self.base:
            return None
        return statistics.median(a.wall / b.wall for a, b in zip(self.runs, self.base))

    @property
    def cpu_ratio(self) -> float | None:
        """The same over CPU time (user + system): steadier than wall time on a busy machine."""
        if not self.base:
            return None
        return statistics.median(a.cpu / b.cpu for a, b in zip(self.runs, self.base) if b.cpu)

    @property
    def memory(self) -> float:
        return max(r.memory for r in self.runs)

    @property
    def met(self) -> bool:
        memory_ok = self.figure.memory_limit is None or self.memory <= self.figure.memory_limit
        return memory_ok and self.figure.check(self)


def measure(fig: Figure, repeat: int) -> Result:
    repeat = fig.repeat or repeat
    run_cold(fig.argv, fig.ok)  # warm the file cache, unmeasured
    if fig.baseline:
        run_cold(fig.baseline)
    result = Result(fig, [])
    for _ in range(repeat):  # A B A B ...
        result.runs.append(run_cold(fig.argv, fig.ok))
        if fig.baseline:
            result.base.append(run_cold(fig.baseline))
    return result


def at_most(limit: float) -> Callable[[Result], bool]:
    return lambda r: r.ratio is not None and r.ratio <= limit


def cli_figures(context: dict) -> list[Figure]:
    return [
        Figure("symconv ratio --dw-sep", SYMCONV + ["ratio", "--dw-sep"],
               'python -c "import sympy"', IMPORT_SYMPY, "at most 1.2x", at_most(1.2)),
        Figure("symconv --help", SYMCONV + ["--help"], 'python -c "pass"', PASS,
               "at most 2.5x", at_most(2.5)),
    ]


def net_figures(context: dict) -> list[Figure]:
    return [
        Figure("symconv net resnet-50 --totals (symbolic H, W)",
               SYMCONV + ["net", "resnet-50", "--totals"],
               'python -c "import sympy"', IMPORT_SYMPY, "at most 1.3x", at_most(1.3)),
        Figure("symconv net resnet-50 --totals H=224 W=224",
               SYMCONV + ["net", "resnet-50", "--totals", "H=224", "W=224"],
               'python -c "import sympy"', IMPORT_SYMPY, "at most 1.3x", at_most(1.3)),
        Figure(f"symconv net resnet-50 --sweep H=W={SWEEP_SIZES[0]}..{SWEEP_SIZES[1]} "
               "(1,000 sizes)",
               SYMCONV + ["net", "resnet-50", f"--sweep=H=W={SWEEP_SIZES[0]}..{SWEEP_SIZES[1]}"],
               'python -c "import sympy"', IMPORT_SYMPY),
    ]


def _deep_specs() -> dict[int, Path]:
    from deep_net import deep_spec, unique_layers

    folder = Path(tempfile.mkdtemp(prefix="symconv-deep-"))
    paths = {}
    for depth in DEPTHS:
        assert unique_layers(depth) == depth, "the deep network repeats a layer"
        paths[depth] = folder / f"deep-{depth}.toml"
        paths[depth].write_text(deep_spec(depth), encoding="utf-8")
    return paths


def deep_figures(context: dict) -> list[Figure]:
    paths = context.setdefault("deep", _deep_specs())
    figures = []
    for mode, values, limit in (("numeric", ["H=56", "W=56"], 2.0), ("symbolic", [], 3.0)):
        for depth in DEPTHS:
            last = depth == DEPTHS[-1]
            figures.append(Figure(
                f"net, {depth:,} layers all different, {mode}"
                + (" (H=W=56)" if values else " (H, W)"),
                SYMCONV + ["net", str(paths[depth]), "--totals", *values],
                'python -c "import sympy"', IMPORT_SYMPY,
                f"at most {limit:g}x" if last else "none (reported)",
                at_most(limit) if last else (lambda r: True), key=f"deep-{mode}-{depth}"))
    # The time per layer, side by side: the deepest network alternated with the shallowest
    # (A B A B ...), so that both see the machine in the same state; per layer is the
    # median over pairs of the difference divided by the layers added.
    (a, c) = DEPTHS[0], DEPTHS[-1]
    figures.append(Figure(
        f"net, {c:,} layers vs {a:,} layers, numeric (H=W=56), side by side",
        SYMCONV + ["net", str(paths[c]), "--totals", "H=56", "W=56"],
        f"net, {a:,} layers", SYMCONV + ["net", str(paths[a]), "--totals", "H=56", "W=56"],
        "time per layer under 50 us", per_layer_under(50.0, c - a), repeat=9,
        key="deep-numeric-per-layer"))
    return figures


def per_layer(result: "Result", added: int) -> tuple[float, float]:
    """Microseconds per added layer, wall and CPU: the median over A, B pairs."""
    wall = statistics.median((x.wall - y.wall) / added * 1e6 for x, y in zip(result.runs, result.base))
    cpu = statistics.median((x.cpu - y.cpu) / added * 1e6 for x, y in zip(result.runs, result.base))
    return wall, cpu


def per_layer_under(limit_us: float, added: int) -> Callable[["Result"], bool]:
    return lambda r: per_layer(r, added)[0] < limit_us


def deep_derived(results: dict[str, Result]) -> list[tuple[str, str, str, bool]]:
    """Per-layer cost (slope between depths) and linear growth, from the deep figures."""
    rows = []
    paired = results.get("deep-numeric-per-layer")
    if paired is not None:
        wall, cpu = per_layer(paired, DEPTHS[-1] - DEPTHS[0])
        rows.append((f"net, numeric: time per layer ({DEPTHS[0]:,} to {DEPTHS[-1]:,} layers, "
                     "side by side)", f"{wall:.0f} us (CPU {cpu:.0f} us)", "under 50 us",
                     wall < 50.0))
    for mode, limit_us in (("numeric", None if paired is not None else 50.0), ("symbolic", None)):
        times = {d: results.get(f"deep-{mode}-{d}") for d in DEPTHS}
        if any(r is None for r in times.values()):
            continue
        t = {d: r.median for d, r in times.items()}
        (a, b, c) = DEPTHS
        overall = (t[c] - t[a]) / (c - a) * 1e6
        first, second = (t[b] - t[a]) / (b - a) * 1e6, (t[c] - t[b]) / (c - b) * 1e6
        ok = limit_us is None or overall < limit_us
        rows.append((f"net, {mode}: time per layer ({a:,} to {c:,} layers, from the medians)",
                     f"{overall:.0f} us",
                     f"under {limit_us:g} us" if limit_us else "none (reported)", ok))
        linear = second <= 1.5 * first + 10
        rows.append((f"net, {mode}: growth with depth (per layer {a:,}-{b:,} vs {b:,}-{c:,})",
                     f"{first:.0f} us vs {second:.0f} us", "linear (second at most 1.5x first)",
                     linear))
    return rows


def _lint_folder(count: int, formulas: int) -> tuple[Path, int, int]:
    """A folder of ``count`` generated notes; (folder, claims checked per note, planted)."""
    from make_note import make_note

    folder = Path(tempfile.mkdtemp(prefix="symconv-lint-"))
    planted = 0
    for i in range(count):
        text, wrong = make_note(formulas, seed=i) if _takes_seed() else make_note(formulas)
        (folder / f"note-{i:02}.md").write_text(text, encoding="utf-8")
        planted += wrong
    return folder, formulas, planted


def _takes_seed() -> bool:
    import inspect

    from make_note import make_note
    return "seed" in inspect.signature(make_note).parameters


def _claims(output: str) -> int:
    """Claims lint checked, from its JSON report."""
    data = json.loads(output)
    for key in ("checked", "claims"):
        if isinstance(data.get(key), int):
            return data[key]
        if isinstance(data.get("summary"), dict) and isinstance(data["summary"].get(key), int):
            return data["summary"][key]
    raise RuntimeError("lint's JSON report has no count of checked claims")


def lint_figures(context: dict) -> list[Figure]:
    # one note of 10,000 formulas (the figure; no count of formulas limits a note since
    # issue 18), one of 2,000 (where Python's start and `import sympy` weigh more), a folder
    one, _, _ = _lint_folder(1, 10_000)
    small, _, _ = _lint_folder(1, 2_000)
    many, _, _ = _lint_folder(8, 1_250)
    note, small_note = sorted(one.iterdir()), sorted(small.iterdir())
    notes = sorted(many.iterdir())
    cores = os.cpu_count() or 1

    def count(argv):
        return _claims(run_cold(SYMCONV + ["lint", "--format", "json", *argv], ok=(0, 1),
                                keep_output=True).stdout)

    folder_argv = ([str(many)] if _lint_takes_folder() else [str(n) for n in notes])
    claims_one, claims_small = count(map(str, note)), count(map(str, small_note))
    claims_many = count(folder_argv)
    context["lint"] = {"one": claims_one, "small": claims_small, "many": claims_many,
                       "cores": cores}
    per_core = 2000

    def rate(claims: int, per: int = 1):
        return lambda r: claims / r.median / per >= per_core

    return [
        Figure(f"symconv lint, one note of 10,000 formulas, {claims_one:,} claims (one core)",
               SYMCONV + ["lint", *map(str, note)], target=f"at least {per_core:,} claims/s",
               check=rate(claims_one), ok=(0, 1), repeat=3, key="lint-one"),
        Figure(f"symconv lint, one note of 2,000 formulas, {claims_small:,} claims (one core)",
               SYMCONV + ["lint", *map(str, small_note)], target=f"at least {per_core:,} claims/s",
               check=rate(claims_small), ok=(0, 1), repeat=3, key="lint-small"),
        Figure(f"symconv lint, a folder of {len(notes)} notes, {claims_many:,} claims "
               f"({cores} cores)", SYMCONV + ["lint", *folder_argv],
               target=f"at least {per_core:,} claims/s per core", check=rate(claims_many, cores),
               ok=(0, 1), repeat=3, key="lint-many"),
    ]


def _lint_takes_folder() -> bool:
    text = run_cold(SYMCONV + ["lint", "--help"], keep_output=True).stdout
    return "DIR" in text or "folder" in text


# --- in-process numpy sweeps (imports excluded: the derivation and evaluation only) -----------

def sweep_figures(context: dict) -> list:
    import itertools

    import numpy as np

    from symconv.layers import Conv
    from symconv.sweep import evaluate, grid
    from symconv.symbols import D_in, D_out, H_F, H_in, K, S_H, S_W, W_F, W_in

    axes = {D_in: list(range(16, 176, 16)), D_out: list(range(32, 352, 32)),
            K: list(range(1, 11)), W_in: list(range(32, 352, 32)),
            H_in: list(range(24, 264, 24)), S_W: list(range(1, 11))}
    grid_configs = list(itertools.product(*axes.values()))

    def symconv_grid():
        layer = Conv(W_F=K, H_F=K, stride=S_W, padding=1)  # derived inside the timing
        return grid(layer.from_input(layer.macs), axes)

    def python_grid_loop():
        return [k * k * d_in * d_out * ((w_in + 2 - k) // s + 1) * ((h_in + 2 - k) // s + 1)
                for d_in, d_out, k, w_in, h_in, s in grid_configs]

    rng = np.random.default_rng(0)
    n = 1_000_000
    cols = {D_in: rng.integers(1, 512, n), D_out: rng.integers(1, 512, n),
            W_F: rng.integers(1, 8, n), H_F: rng.integers(1, 8, n),
            W_in: rng.integers(8, 512, n), H_in: rng.integers(8, 512, n),
            S_W: rng.integers(1, 4, n), S_H: rng.integers(1, 4, n)}
    rows = list(zip(*(cols[s].tolist() for s in cols)))

    def symconv_columns():
        layer = Conv(stride=(S_W, S_H), padding=1)
        return evaluate(layer.from_input(layer.macs), cols)

    def python_loop():
        return [kw * kh * d_in * d_out * ((w_in + 2 - kw) // sw + 1) * ((h_in + 2 - kh) // sh + 1)
                for d_in, d_out, kw, kh, w_in, h_in, sw, sh in rows]

    assert symconv_grid().ravel().tolist() == python_grid_loop(), "grid and loop disagree"
    assert symconv_columns().tolist() == python_loop(), "sweep and loop disagree"
    return [("sweep (in process): conv MACs over a 1,000,000-shape grid", symconv_grid,
             "pure-Python loop, same shapes", python_grid_loop, 50.0),
            ("sweep (in process): conv MACs at 1,000,000 random shapes", symconv_columns,
             "pure-Python loop, same shapes", python_loop, None)]


def run_in_process(entries, repeat: int) -> list[tuple[str, str, str, bool]]:
    rows = []
    for name, fn, base_name, base, faster in entries:
        fn(), base()
        a, b = [], []
        for _ in range(repeat):
            for fun, out in ((fn, a), (base, b)):
                start = time.perf_counter()
                fun()
                out.append(time.perf_counter() - start)
        ratio = statistics.median(y / x for x, y in zip(a, b))
        ok = faster is None or ratio >= faster
        rows.append((f"{name} vs {base_name} ({statistics.median(b):.3f} s)",
                     f"{statistics.median(a):.3f} s ({min(a):.3f}-{max(a):.3f}), {ratio:.1f}x faster",
                     f"at least {faster:g}x faster" if faster else "none (reported)", ok))
    return rows


# --- other tools, on the same model ------------------------------------------------------------

def _installed(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def peer_figures(context: dict) -> list[Figure]:
    from peers import TOOLS

    if not (_installed("torch") and _installed("torchvision")):
        context["peers_skipped"] = "torch and torchvision are not installed"
        return []
    peers = [tool for tool, module in TOOLS.items() if _installed(module)]
    lo, hi = SWEEP_SIZES
    # symconv's answers, to set beside each tool's own count.
    one = json.loads(run_cold(SYMCONV + ["net", "resnet-50", "--totals", "H=224", "W=224",
                                         "--format", "json"], keep_output=True).stdout)
    sweep = json.loads(run_cold(SYMCONV + ["net", "resnet-50", f"--sweep=H=W={lo}..{hi}",
                                           "--format", "json"], keep_output=True).stdout)
    context["symconv_macs"] = {"one": _json_macs(one),
                               "sweep": [int(r["macs"]) for r in sweep["rows"]]}
    figures = []
    peer_script = [sys.executable, str(BENCH / "peers.py")]
    for tool in peers:
        figures.append(Figure(
            f"{_tool_name(tool)}, resnet50 at 224x224 (import torch, build, count)",
            peer_script + [tool, "resnet50", "224", "224"],
            "symconv net resnet-50 --totals H=224 W=224",
            SYMCONV + ["net", "resnet-50", "--totals", "H=224", "W=224"],
            repeat=3, memory_limit=None, key=f"peer-one-{tool}"))
        sample = ["--sample", "10"] if tool == "fvcore" else []
        figures.append(Figure(
            f"{_tool_name(tool)}, resnet50 at 1,000 sizes ({lo}..{hi})"
            + (" (10 sizes, extrapolated)" if sample else ""),
            peer_script + [tool, "resnet50", str(lo), str(hi), *sample],
            f"symconv net resnet-50 --sweep H=W={lo}..{hi}",
            SYMCONV + ["net", "resnet-50", f"--sweep=H=W={lo}..{hi}"],
            repeat=3 if not sample else 2, memory_limit=None, key=f"peer-sweep-{tool}"))
    return figures


def _json_macs(data: dict) -> int:
    for path in (("totals", "macs"), ("total", "macs")):
        node = data
        for part in path:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, (int, str)) and str(node).isdigit():
            return int(node)
    raise RuntimeError("no MAC total in symconv's JSON")


def _tool_name(tool: str) -> str:
    return {"flopcounter": "torch FlopCounterMode", "ptflops": "ptflops", "fvcore": "fvcore",
            "thop": "thop"}[tool]


def peer_time(result: Result) -> tuple[float, str]:
    """A peer's time for all 1,000 sizes: measured, or extrapolated from its sampled loop."""
    runs = [json.loads(r.stdout) for r in result.runs if r.stdout]
    if not runs or len(runs[0]["sizes"]) >= SWEEP_SIZES[1] - SWEEP_SIZES[0] + 1:
        return result.median, ""
    n_all = SWEEP_SIZES[1] - SWEEP_SIZES[0] + 1
    extra = statistics.median(r["loop_seconds"] / len(r["sizes"]) for r in runs) * (
        n_all - len(runs[0]["sizes"]))
    return result.median + extra, f" (measured {result.median:.1f} s for {len(runs[0]['sizes'])})"


def measure_peer(fig: Figure, repeat: int) -> Result:
    """Like :func:`measure`, keeping the peer's output (its counts)."""
    result = Result(fig, [])
    for _ in range(fig.repeat or repeat):
        result.runs.append(run_cold(fig.argv, keep_output=True))
        result.base.append(run_cold(fig.baseline))
    return result


# --- the report ---------------------------------------------------------------------------------

GROUPS = {"cli": cli_figures, "net": net_figures, "deep": deep_figures, "lint": lint_figures,
          "sweep": sweep_figures, "peers": peer_figures}


def _range(runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    return f"{statistics.median(walls):.3f} s ({min(walls):.3f}-{max(walls):.3f})"


def _ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{1 / ratio:.1f}x faster" if ratio < 1 else f"{ratio:.2f}x"


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, {time.strftime('%Y-%m-%d')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="A B pairs per figure (median)")
    parser.add_argument("--only", nargs="*", choices=list(GROUPS), help="run only these groups")
    parser.add_argument("--json", metavar="OUT", help="also write every run's times to OUT")
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "symconv")], check=True)
    print(f"machine: {machine()}")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| figure | time, median (range) | baseline | baseline, median (range) | ratio "
          "| target | peak memory | met |")
    print("|---|---|---|---|---|---|---|---|")
    missed, context, results, dump = 0, {}, {}, []
    groups = args.only or [g for g in GROUPS]
    for group in groups:
        figures = GROUPS[group](context)
        if group == "sweep":
            for name, value, target, ok in run_in_process(figures, args.repeat):
                missed += not ok
                print(f"| {name} | {value} | | | | {target} | - | {'yes' if ok else 'NO'} |",
                      flush=True)
            continue
        for fig in figures:
            r = measure_peer(fig, args.repeat) if group == "peers" else measure(fig, args.repeat)
            results[fig.key or fig.name] = r
            dump.append({"figure": fig.name, "runs": [vars(x) | {"stdout": ""} for x in r.runs],
                         "baseline": [vars(x) | {"stdout": ""} for x in r.base]})
            if group == "peers":
                print(_peer_row(r, context), flush=True)
                continue
            missed += not r.met
            extra = ""
            cpu = statistics.median(x.cpu for x in r.runs)
            if fig.key in ("lint-one", "lint-small"):
                claims = context["lint"][fig.key[5:]]
                extra = (f", {claims / r.median:,.0f} claims/s (per CPU second: "
                         f"{claims / cpu:,.0f})")
            elif fig.key == "lint-many":
                lint = context["lint"]
                extra = (f", {lint['many'] / r.median / lint['cores']:,.0f} claims/s per core "
                         f"(per CPU second, all processes: {lint['many'] / cpu:,.0f})")
            print(f"| {fig.name} | {_range(r.runs)}{extra} | {fig.baseline_name or '-'} | "
                  f"{_range(r.base) if r.base else '-'} | {_ratio_text(r.ratio)}"
                  f"{f' (CPU {_ratio_text(r.cpu_ratio)})' if r.base else ''} | {fig.target} | "
                  f"{r.memory:.0f} MB | {'yes' if r.met else 'NO'} |", flush=True)
        if group == "deep":
            for name, value, target, ok in deep_derived(results):
                missed += not ok
                print(f"| {name} | {value} | | | | {target} | - | {'yes' if ok else 'NO'} |",
                      flush=True)
    if "peers_skipped" in context:
        print(f"\npeers: skipped ({context['peers_skipped']})")
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "figures": dump}, indent=1))
    print(f"\n{missed} target(s) missed" if missed else "\nall targets met")
    return 1 if missed else 0


def _peer_row(r: Result, context: dict) -> str:
    fig = r.figure
    sweep = fig.key.startswith("peer-sweep")
    peer, note = peer_time(r) if sweep else (r.median, "")
    out = json.loads(r.runs[-1].stdout)
    theirs = out["counts"]
    ours = context["symconv_macs"]["sweep"] if sweep else [context["symconv_macs"]["one"]]
    if sweep:
        lo = SWEEP_SIZES[0]
        ours = [ours[s - lo] for s in out["sizes"]]
    same = sum(a == b for a, b in zip(theirs, ours))
    counts = (f"its count {theirs[0]:,} vs symconv's {ours[0]:,}" if not sweep else
              f"same MACs as symconv at {same} of {len(ours)} sizes")
    symconv_time = statistics.median(b.wall for b in r.base)
    return (f"| {fig.name}: {counts} | {peer:.2f} s{note} | {fig.baseline_name} | "
            f"{_range(r.base)} | symconv {peer / symconv_time:.1f}x faster | none (reported) | "
            f"{r.memory:.0f} MB (symconv {max(b.memory for b in r.base):.0f} MB) | - |")


if __name__ == "__main__":
    sys.exit(main())
