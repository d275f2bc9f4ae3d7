"""Survey: ``symconv net --torch torchvision.models:NAME H=224 W=224`` on every torchvision
classification model, against PyTorch's own figures.

For each model it records the CLI's exit code and last stderr line (``--totals --format
json``, then ``--totals`` as text), symconv's params and MACs, and two independent
figures made here: PyTorch's ``sum(p.numel() for p in model.parameters())`` and MACs as
``torch.utils.flop_counter.FlopCounterMode``'s FLOPs / 2 (convolutions and matrix
products: conv, addmm, mm, bmm, ...; batch 1, a forward on the meta device, grad enabled
so that nn.MultiheadAttention takes its plain path of matrix products).

Each model is run once and appended to the output file as one JSON line; a model already
in the file is skipped, so an interrupted survey resumes. Not run by CI (needs torch and
minutes per large model):

    python benchmarks/torchvision_survey.py OUT.jsonl [NAME ...]
    SYMCONV_TREE=/other/checkout python benchmarks/torchvision_survey.py OUT.jsonl   # its symconv
    python benchmarks/torchvision_survey.py --table OUT.jsonl
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("SYMCONV_TREE") or Path(__file__).resolve().parents[1])


def reference(name: str) -> dict:
    import torch
    import torchvision
    from torch.utils.flop_counter import FlopCounterMode

    try:
        with torch.device("meta"):
            model = torchvision.models.get_model(name, weights=None)
    except Exception:   # a constructor that reads tensor values (RegNet's widths)
        model = torchvision.models.get_model(name, weights=None).to("meta")
    model.eval()
    params = sum(p.numel() for p in model.parameters())
    counter = FlopCounterMode(display=False)
    with counter:
        model(torch.zeros(1, 3, 224, 224, device="meta"))
    ops = {str(k): v // 2 for k, v in counter.get_flop_counts()["Global"].items()}
    return {"torch_params": params, "torch_macs": sum(ops.values()), "torch_ops": ops}


def cli(name: str, *extra: str, timeout: int = 1800) -> dict:
    argv = [sys.executable, "-m", "symconv", "net", "--torch", f"torchvision.models:{name}",
            "H=224", "W=224", "--totals", *extra]
    start = time.time()
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return {"rc": None, "stderr": f"timeout after {timeout} s", "seconds": timeout}
    lines = done.stderr.strip().splitlines()
    out = {"rc": done.returncode, "stderr": lines[-1] if lines else "",
           "stderr_lines": len(lines), "seconds": round(time.time() - start, 1)}
    if done.returncode == 0 and "--format" in extra:
        total = json.loads(done.stdout)["total"]
        out.update(params=total["params"], macs=total["macs"])
    return out


def survey(path: Path, names: list[str]) -> None:
    done = {json.loads(line)["model"] for line in path.read_text().splitlines()} \
        if path.exists() else set()
    for name in names:
        if name in done:
            continue
        row = {"model": name, **reference(name)}
        row["json"] = cli(name, "--format", "json")
        row["text"] = cli(name) if row["json"]["rc"] == 0 else None
        with path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(name, row["json"], flush=True)


def table(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    out = ["| model | exit | params (symconv / PyTorch) | MACs (symconv / FlopCounterMode) | note |",
           "|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: r["model"]):
        j = r["json"]
        if j["rc"] == 0:
            unused = re.search(r"symconv: ([\d,]+) parameters that this forward", j["stderr"])
            left = int(unused.group(1).replace(",", "")) if unused else 0
            p = "equal" if j["params"] == r["torch_params"] else (
                f"equal with the {left:,} unused (said)" if j["params"] + left == r["torch_params"]
                else f"{j['params']:,} / {r['torch_params']:,}")
            m = "equal" if j["macs"] == r["torch_macs"] else f"{j['macs']:,} / {r['torch_macs']:,}"
            note = "" if r["text"] and r["text"]["rc"] == 0 else f"text: {r['text']}"
            if j["stderr"]:
                note = (note + " " + j["stderr"][:120]).strip()
        else:
            p = f"- / {r['torch_params']:,}"
            m = f"- / {r['torch_macs']:,}"
            note = j["stderr"][:160].replace("|", "\\|")
        out.append(f"| {r['model']} | {j['rc']} | {p} | {m} | {note} |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--table"]:
        print(table(Path(argv[1])))
        return 0
    import torchvision

    names = argv[1:] or torchvision.models.list_models(module=torchvision.models)
    survey(Path(argv[0]), names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
