"""The command line's torch options: --torch, --convention, --compare, --format csv; torch
stays out of every other import path, and without torch --torch says how to install it."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
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


_USER_MODEL = '''
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(self.pool(self.conv(x)).mean((2, 3)))
'''


@pytest.mark.parametrize("how", ["file", "relative file", "module in the current folder"])
def test_a_model_of_the_users_own_by_file_or_by_module_name(capsys, tmp_path, monkeypatch, how):
    """A model in the user's own file: by its path, or by module name from the folder the
    command runs in (a console script does not put that folder on sys.path)."""
    need("torch")
    stem = "user_net_" + how.replace(" ", "_")
    (tmp_path / f"{stem}.py").write_text(_USER_MODEL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    target = {"file": f"{tmp_path / stem}.py:Net", "relative file": f"./{stem}.py:Net",
              "module in the current folder": f"{stem}:Net"}[how]
    code, out, err = run(capsys, "net", "--torch", target, "H=31", "W=31", "--format", "json")
    assert code == 0, err
    totals = json.loads(out)["total"]
    spec = importlib.util.spec_from_file_location("reference_net", tmp_path / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Net()
    assert int(totals["params"]) == sum(p.numel() for p in model.parameters())
    # MACs by hand: the conv's 31 x 31 x 8 outputs of 27 taps each, the linear layer's 8 x 10
    assert int(totals["macs"]) == 31 * 31 * 8 * 3 * 3 * 3 + 8 * 10
    assert str(tmp_path) not in sys.path   # the folder was on sys.path only while importing


@pytest.mark.parametrize("target, message", [
    ("missing.py:Net", "cannot import 'missing.py': no such file"),
    ("broken.py:Net", "importing 'broken.py' failed: ValueError: boom"),
    ("syntax.py:Net", "importing 'syntax.py' failed: SyntaxError"),
    (".relative:Net", "not a module name (a file needs .py)"),
    ("broken.py:", "--torch takes MODULE:CALLABLE"),
])
def test_a_users_model_file_that_cannot_be_loaded_is_one_line(capsys, tmp_path, monkeypatch,
                                                              target, message):
    need("torch")
    (tmp_path / "broken.py").write_text("raise ValueError('boom')\n", encoding="utf-8")
    (tmp_path / "syntax.py").write_text("def f(:\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "net", "--torch", target)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
