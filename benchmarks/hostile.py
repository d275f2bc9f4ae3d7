"""Times every row of the hostile-input table (tests/hostile_inputs.py) as its own process.

    python benchmarks/hostile.py [--tree DIR] [--timeout S] [--only ID ...] [--jobs N]

``--tree`` runs another checkout's ``python -m symconv`` (for before/after figures; an old
tree gets ``SYMCONV_NO_CACHE=1``). Prints one Markdown row per case: exit code, wall
time, stderr lines and whether a traceback was printed. A case past the timeout is
killed and shown as ``timeout``. Not a test: CI times nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import CASES  # noqa: E402


def run_case(case, tree: Path, timeout: float) -> tuple[str, str, float, int, bool]:
    with tempfile.TemporaryDirectory() as scratch:
        d = Path(scratch)
        if case.setup:
            case.setup(d)
        argv = [a.replace("{d}", str(d)) for a in case.argv]
        env = {**os.environ, "SYMCONV_NO_CACHE": "1", "HOME": str(d / "home")}
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "symconv", *argv], cwd=tree, env=env,
                                  capture_output=True, text=True, errors="replace",
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return case.id, "timeout", time.perf_counter() - start, 0, False
        finally:
            for root, dirs, _ in os.walk(d):  # let the read-only folder be removed
                for name in dirs:
                    os.chmod(os.path.join(root, name), 0o700)
        took = time.perf_counter() - start
        lines = len(done.stderr.splitlines())
        return case.id, str(done.returncode), took, lines, "Traceback" in done.stderr


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.only or c.id in args.only]
    print("| case | exit | expected | seconds | stderr lines | traceback |")
    print("|---|---|---|---|---|---|")
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_case, c, args.tree, args.timeout) for c in cases]
        for c, f in zip(cases, futures):
            cid, code, took, lines, tb = f.result()
            expected = "/".join(str(e) for e in sorted(c.expect))
            print(f"| {cid} | {code} | {expected} | {took:.2f} | {lines} | "
                  f"{'yes' if tb else ''} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
