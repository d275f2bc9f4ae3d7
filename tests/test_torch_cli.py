"""The command line's torch options: --torch, --convention, --compare, --format csv; torch
stays out of every other import path, and without torch --torch says how to install it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from cli_run import run
from symconv.net import conventions
from symconv.net.network import Network
from symconv.net.spec import zoo_names
from torch_models import need

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_import_and_the_cli_without_torch_never_import_torch():
    code = ("import sys, symconv\n"
            "from symconv.cli import main\n"
            "for argv in (['net', 'mobilenet-v1', 'H=224', 'W=224', '--convention', 'ptflops'],\n"
            "             ['net', 'resnet-50', '--compare', 'thop', 'fvcore'],\n"
            "             ['net', 'vgg-16', '--format', 'csv'], ['show', 'conv', '--convention', 'thop']):\n"
            "    assert main(argv) == 0\n"
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n")
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_without_torch_the_torch_option_says_how_to_install_and_exits_2():
    code = ("import sys\n"
            "sys.modules['torch'] = None   # as if torch were not installed\n"
            "from symconv.cli import main\n"
            "sys.exit(main(['net', '--torch', 'torchvision.models:resnet50', 'H=224', 'W=224']))\n")
    result = _python(code)
    assert result.returncode == 2
    assert result.stderr.strip() == ("symconv net: error: PyTorch is not installed; install it with: "
                                     "pip install 'symconv[torch]'")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", zoo_names())
def test_csv_rows_sum_to_the_totals_for_every_zoo_model(capsys, name):
    values = {"H": 224, "W": 224, **({"alpha": 1} if "alpha" in _symbols(name) else {})}
    argv = ["net", name, *(f"{k}={v}" for k, v in values.items()), "--format", "csv",
            "--convention", "ptflops"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    total = rows.pop()
    assert total["layer"] == "total" and rows
    counted = [r for r in rows if not r["head"]]   # side heads are not in the totals
    for key in ("params", "weights", "biases", "bn_affine", "bn_buffers", "macs", "flops", "ptflops"):
        assert sum(int(r[key]) for r in counted) == int(total[key]), key
    a = Network.zoo(name).analyse(values)
    assert int(total["macs"]) == a.total["macs"]
    assert int(total["ptflops"]) == conventions.total(a, "ptflops")[0]


def _symbols(name):
    return {str(s) for s in Network.zoo(name).analyse().total["macs"].free_symbols}


def test_compare_prints_both_totals_and_the_terms(capsys):
    code, out, _ = run(capsys, "net", "resnet-50", "H=224", "W=224", "--compare", "symconv", "fvcore")
    assert code == 0
    assert "symconv    4,089,184,256  MACs" in out
    assert "fvcore - symconv = " in out and "normalisation (53 layers)" in out
    code, out, _ = run(capsys, "net", "resnet-50", "H=224", "W=224", "--compare", "thop", "keras")
    assert code == 2


def test_show_convention_is_the_tools_formula(capsys):
    code, out, _ = run(capsys, "show", "transposed-conv", "--convention", "thop", "--format", "json")
    assert code == 0
    assert '"expr": "D_in*D_out*H_F*H_out*W_F*W_out"' in out   # thop: the output grid


def test_torch_option_runs_a_torchvision_model(capsys):
    need("torchvision")
    code, out, err = run(capsys, "net", "--torch", "torchvision.models:resnet18", "H=224", "W=224",
                         "--totals", "--convention", "fvcore")
    assert code == 0, err
    assert "params     = 11,689,512" in out and "MACs       = 1,814,073,344" in out
    assert "fvcore convention" in out
    code, out, err = run(capsys, "net", "--torch", "torchvision.models:nothing_here")
    assert code == 2 and "has no 'nothing_here'" in err
    code, out, err = run(capsys, "net", "--torch", "resnet18")
    assert code == 2 and "MODULE:CALLABLE" in err
