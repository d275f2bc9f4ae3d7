"""`symconv net`: formats, sweeps, the zoo by name, a user's spec file, bad input (exit 2)."""

import json

import pytest
import sympy

from symconv.net.arith import parse_arith, parse_number_value
from symconv.errors import InputError
from symconv.net.network import Network
from symconv.sweep import parse_sweep
from symconv.symbols import alpha

from cli_run import run as run_cli

sweep = Network.sweep


def run(capsys, *argv):
    return run_cli(capsys, "net", *argv)


def test_json_numeric(capsys):
    code, out, err = run(capsys, "mobilenet-v1", "H=224", "W=224", "alpha=1", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["total"]["macs"] == 568_740_352
    assert data["total"]["params"] == 4_231_976
    assert data["total"]["weights"] == 4_209_088
    assert data["layers"][0]["label"] == "conv1"
    assert data["layers"][0]["output"] == {"width": 112, "height": 112, "channels": 32}
    assert sum(layer["macs"] for layer in data["layers"]) == data["total"]["macs"]
    assert sum(layer["params"] for layer in data["layers"]) == data["total"]["params"]


def test_json_symbolic_has_expr_and_latex(capsys):
    code, out, _ = run(capsys, "mobilenet-v1", "--assume-divisible", "--format", "json")
    total = json.loads(out)["total"]
    assert total["macs"]["expr"] == "10752*H*W*alpha**2 + 1125*H*W*alpha/2 + 1024000*alpha"
    assert "\\alpha" in total["macs"]["latex"]
    assert total["biases"] == 1000


def test_text_table_and_totals(capsys):
    code, out, _ = run(capsys, "resnet-50", "H=224", "W=224")
    assert code == 0
    assert "4,089,184,256" in out and "25,557,032" in out
    assert "% MACs" in out
    assert "conv5.1.add" in out  # the residual inside the bottleneck-down block, then its ReLU


def test_totals_only_and_closed_form(capsys):
    code, out, _ = run(capsys, "resnet-50", "--assume-divisible", "--totals")
    assert code == 0
    assert "81456⋅H⋅W + 2048000" in out
    assert "conv5.1.add" not in out


@pytest.mark.parametrize("fmt, needle", [("markdown", "| conv1 | conv |"), ("latex", r"\begin{tabular}")])
def test_markdown_and_latex(capsys, fmt, needle):
    code, out, _ = run(capsys, "mobilenet-v1", "H=224", "W=224", "alpha=0.5", "--format", fmt)
    assert code == 0 and needle in out
    assert "149{,}497{,}088" in out


def test_user_spec_file(tmp_path, capsys):
    spec = tmp_path / "mine.toml"
    spec.write_text('name = "mine"\n[[layers]]\ntype = "conv"\nD_out = 16\nK = 3\npadding = 1\n'
                    '[[layers]]\ntype = "global-avg-pool"\n[[layers]]\ntype = "dense"\nD_out = 10\n')
    code, out, _ = run(capsys, str(spec), "H=32", "W=32", "--format", "json")
    data = json.loads(out)
    assert data["network"] == "mine"
    assert data["total"]["macs"] == 3 * 9 * 16 * 32 * 32 + 160


def test_sweep_equals_one_analysis_per_point(capsys):
    code, out, _ = run(capsys, "resnet-50", "--sweep", "H=W=96..512:32", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["H"] for r in rows] == list(range(96, 513, 32))
    net = Network.zoo("resnet-50")
    for r in rows[::5]:
        total = net.analyse({"H": r["H"], "W": r["W"]}).total
        assert r["macs"] == total["macs"] and r["params"] == total["params"]
    assert rows[4]["macs"] == 4_089_184_256


def test_sweep_text_and_alpha(capsys):
    code, out, _ = run(capsys, "mobilenet-v1", "H=224", "W=224", "--sweep", "alpha=0.25..1:0.25")
    assert code == 0
    for value in ("41,030,272", "149,497,088", "325,400,448", "568,740,352"):
        assert value in out


def test_sweep_non_divisible_sizes_use_the_floor_formula():
    net = Network.zoo("mobilenet-v1")
    names, points = parse_sweep("H=W=97..101")
    rows = sweep(net, names, points, {"alpha": 1})
    for row in rows:
        assert row["macs"] == net.analyse({"H": row["H"], "W": row["W"], "alpha": 1}).total["macs"]


def test_list(capsys):
    code, out, _ = run(capsys, "--list")
    assert code == 0 and "mobilenet-v1" in out and "vgg-16" in out


@pytest.mark.parametrize("argv, message", [
    (["nosuch"], "neither a spec file nor a built-in network"),
    (["mobilenet-v1", "Q=3"], "unknown name 'Q'"),
    (["mobilenet-v1", "H=-3"], "H must be a positive number"),
    (["examples/small-net.toml", "H=32", "W=32", "alpha=0.3"], "layer stem (conv): D_out must be a whole"),
    (["resnet-50", "--sweep", "H=W=96"], "--sweep takes"),
    (["resnet-50", "--sweep", "H=512..96"], "START <= STOP"),
    (["resnet-50", "H=224", "--sweep", "H=96..128:32"], "both swept and given"),
    ([], "give a spec file"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_syntax_error_from_the_command_line(tmp_path, capsys):
    spec = tmp_path / "broken.toml"
    spec.write_text('[[layers]]\ntype = "conv"\nD_out = = 3\n')
    code, _, err = run(capsys, str(spec))
    assert code == 2 and f"{spec}:3:" in err


def test_arith_parser():
    assert parse_arith("2*(alpha + 1)/4", {"alpha": alpha}) == (alpha + 1) / 2
    assert parse_arith("-3 + 5") == 2
    for bad in ("1 +", "(1", "2 ** 3", "__import__('os')", "x", "1/0", "1" * 300, "3 4"):
        with pytest.raises(InputError):
            parse_arith(bad)
    assert parse_number_value("0.75", "alpha") == sympy.Rational(3, 4)
    with pytest.raises(InputError):
        parse_number_value("1e9", "H")


def test_readme_spec_is_the_example_file():
    from pathlib import Path

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert block == (root / "examples" / "small-net.toml").read_text(encoding="utf-8")


def test_pretty_totals_stay_unicode_when_the_global_flag_is_off(capsys):
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    flag = pretty_use_unicode(False)
    try:
        code, out, _ = run(capsys, "mobilenet-v1", "--assume-divisible", "--totals")
    finally:
        pretty_use_unicode(flag)
    assert "3139584⋅α" in out


def test_sweep_with_assume_divisible_needs_multiples_of_the_stride(capsys):
    code, _, err = run(capsys, "resnet-50", "--sweep", "H=W=97..101", "--assume-divisible")
    assert code == 2 and "not a multiple of the total stride 32" in err
    code, out, _ = run(capsys, "resnet-50", "--sweep", "H=W=96..224:128", "--assume-divisible")
    assert code == 0 and "4,089,184,256" in out


def test_json_layers_carry_their_share(capsys):
    code, out, _ = run(capsys, "resnet-50", "H=224", "W=224", "--format", "json")
    layers = json.loads(out)["layers"]
    assert abs(sum(layer["percent"]["macs"] for layer in layers) - 100) < 0.01
    assert layers[0]["percent"]["macs"] == round(100 * 118013952 / 4089184256, 4)


def test_latex_output_compiles_with_pdflatex(capsys, tmp_path):
    import os
    import shutil
    import subprocess

    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have pdflatex (see .ci/run)")
        pytest.skip("pdflatex is not installed")
    parts = []
    for argv in (["examples/small-net.toml"], ["mobilenet-v1", "H=224", "W=224", "alpha=1"],
                 ["resnet-50", "--totals"]):
        code, out, _ = run(capsys, *argv, "--format", "latex")
        assert code == 0
        parts.append(out)
    document = ("\\documentclass{article}\n\\usepackage{amsmath}\n"
                "\\usepackage[margin=1cm,landscape]{geometry}\n\\begin{document}\n"
                + "\n".join(parts) + "\\end{document}\n")
    (tmp_path / "net.tex").write_text(document, encoding="utf-8")
    done = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode", "net.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:]


def test_sweep_beyond_64_bit_integers_stays_exact():
    net = Network.zoo("vgg-16")
    rows = sweep(net, ("H", "W"), (10**8, 10**8 + 32, 10**8 + 64), {}, True)
    for row in rows:
        assert row["macs"] == net.analyse({"H": row["H"], "W": row["W"]}).total["macs"]
    assert rows[0]["macs"] > 2**63


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "latex"])
def test_sweep_of_alpha_in_every_format(capsys, fmt):
    code, out, err = run(capsys, "mobilenet-v1", "H=224", "W=224", "--sweep", "alpha=0.25..1:0.25",
                         "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "json":
        rows = json.loads(out)["rows"]
        assert [r["alpha"] for r in rows] == [0.25, 0.5, 0.75, 1.0]
        assert rows[1]["macs"] == 149_497_088
    else:
        assert "0.25" in out and ("149,497,088" in out or "149{,}497{,}088" in out)
