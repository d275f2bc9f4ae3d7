"""Lint speed of one note of 10,000 formulas, side by side with the linter before issue 11.

    python benchmarks/lint_speed.py [--claims N] [--repeat R] [--baseline COMMIT]

The note comes from benchmarks/make_note.py (the course style widened with the forms of
other people's notes); it is one note again (issue 18: no count of formulas limits a note;
a budget of CPU time does, far above what this note needs). The old linter is the package at BASELINE (default: the layout
commit, the last before the new pipeline), unpacked with `git archive` into a temporary
folder and run from there; both run cold, in their own process, alternately. Target: the
new linter within 2x the old one's time. A benchmark, not a test: CI times nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
BASELINE = "9ef7a6c"   # "Layout: subpackages by concept": the old linter in the new layout


def unpack(commit: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "symconv", "templates"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    path = into / "baseline.tar"
    path.write_bytes(archive)
    with tarfile.open(path) as tar:
        tar.extractall(into, filter="data")
    return into


def timed(cwd: Path, notes: list[Path]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "symconv", "lint", *map(str, notes)], cwd=cwd,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"lint failed in {cwd}: {proc.stderr.strip()[:300]}")
    return elapsed


def main(argv=None) -> int:
    from make_note import make_note

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=10_000,
                    help="formulas in the note (make_note's N; about 93%% are read as claims)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", default=BASELINE)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="symconv-lint-speed-") as tmp:
        tmp = Path(tmp)
        (tmp / "old").mkdir()
        old = unpack(args.baseline, tmp / "old")
        text, wrong = make_note(args.claims)
        notes = [tmp / "note.md"]
        notes[0].write_text(text, encoding="utf-8")
        checked = json.loads(subprocess.run(
            [sys.executable, "-m", "symconv", "lint", "--format", "json", str(notes[0])], cwd=ROOT,
            capture_output=True, text=True).stdout)["checked"]
        new_times, old_times = [], []
        for _ in range(args.repeat):   # alternate, so both see the same machine load
            new_times.append(timed(ROOT, notes))
            old_times.append(timed(old, notes))
    new, base = statistics.median(new_times), statistics.median(old_times)
    ratio = new / base
    print(f"one note of {args.claims:,} formulas, {checked:,} claims checked ({wrong} planted "
          f"wrong), median of {args.repeat} cold runs:")
    print(f"  new linter  {new:6.2f} s   (runs {', '.join(f'{t:.2f}' for t in new_times)}; "
          f"{checked / new:,.0f} claims/s, Python's start and imports included)")
    print(f"  old linter  {base:6.2f} s   (runs {', '.join(f'{t:.2f}' for t in old_times)}; {args.baseline})")
    print(f"  ratio new/old {ratio:.2f} (target <= 2.0): {'yes' if ratio <= 2.0 else 'NO'}")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
