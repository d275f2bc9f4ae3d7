"""The command line through ``main([...])``: output, formats, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symconv.cli import COMMANDS, FORMATS
from symconv.layers import REGISTRY

from brute_force import ceil_pool_size
from cli_run import run

EXAMPLE = ["eval", "conv", "D_in=8", "D_out=32", "W_F=5", "H_F=5", "W_in=128", "H_in=128",
           "--padding", "valid"]


def test_ratio_dw_sep_prints_the_closed_form(capsys):
    code, out, _ = run(capsys, "ratio", "--dw-sep", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["ratio"] == {"expr": "1/(H_F*W_F) + 1/D_out",
                             "latex": r"\frac{1}{D_{out}} + \frac{1}{W_{F} H_{F}}"}
    assert {d["symbol"]: d["value"]["expr"] for d in data["limits"]} == {
        "D_out": "1/(H_F*W_F)", "H_F": "1/D_out", "W_F": "1/D_out"}


def test_ratio_text_shows_the_limits(capsys):
    code, out, _ = run(capsys, "ratio", "--dw-sep")
    assert code == 0 and "limit as D_out → ∞" in out and "ratio =" in out
    # symbols print by their names, as they are typed back into symconv (not as Dₒᵤₜ)
    assert "W_F⋅H_F⋅D_in⋅D_out⋅W_out⋅H_out" in out and "ₒ" not in out


def test_ratio_of_params_without_bias(capsys):
    code, out, _ = run(capsys, "ratio", "--dw-sep", "--quantity", "params", "--no-bias",
                       "--format", "json")
    assert code == 0 and json.loads(out)["ratio"]["expr"] == "1/(H_F*W_F) + 1/D_out"


def test_general_ratio_of_two_layers(capsys):
    code, out, _ = run(capsys, "ratio", "grouped", "conv", "--format", "json")
    assert code == 0 and json.loads(out)["ratio"]["expr"] == "1/g"


def test_the_worked_example_evaluates_exactly(capsys):
    code, out, _ = run(capsys, *EXAMPLE)
    assert code == 0
    for line in ("W_out = 124", "H_out = 124", "params = 6432", "MACs = 98406400"):
        assert line in out
    code, out, _ = run(capsys, *EXAMPLE, "--format", "json")
    data = json.loads(out)
    assert (data["params"], data["macs"], data["flops"]) == (6432, 98406400, 196812800)
    assert data["output_size"] == {"width": 124, "height": 124, "channels": 32}


def test_eval_takes_options_as_assignments_and_aliases(capsys):
    code, out, _ = run(capsys, "eval", "conv", "C_in=8", "Dout=32", "K=5", "W_in=128",
                       "H_in=128", "padding=valid", "--format", "json")
    assert code == 0 and json.loads(out)["macs"] == 98406400


@pytest.mark.parametrize("pool", ["max-pool", "avg-pool"])
@pytest.mark.parametrize("i, k, s, p", [(112, 3, 2, 0), (55, 3, 2, 0), (13, 3, 2, 1), (7, 2, 2, 0),
                                        (6, 3, 3, 1), (147, 3, 2, 0), (5, 2, 3, 1)])
def test_ceil_mode_on_the_command_line_counts_windows_as_pytorch(capsys, pool, i, k, s, p):
    """--ceil-mode and ceil_mode=true give PyTorch's size, checked by listing the windows."""
    sizes = [f"D_in=4", f"K={k}", f"W_in={i}", f"H_in={i}", f"stride={s}", f"padding={p}"]
    for argv in ([*sizes, "--ceil-mode"], [*sizes, "ceil_mode=true"]):
        code, out, err = run(capsys, "eval", pool, *argv, "--format", "json")
        assert code == 0, err
        assert json.loads(out)["output_size"]["width"] == ceil_pool_size(i, k, s, p)
    code, out, _ = run(capsys, "eval", pool, *sizes, "--no-ceil-mode", "--format", "json")
    assert json.loads(out)["output_size"]["width"] == (i + 2 * p - k) // s + 1


def test_eval_leaves_unset_sizes_symbolic(capsys):
    code, out, _ = run(capsys, "eval", "conv", "K=3", "--padding", "same", "--format", "json")
    assert code == 0 and json.loads(out)["params"]["expr"] == "D_out*(9*D_in + 1)"


@pytest.mark.parametrize("name", list(REGISTRY))
@pytest.mark.parametrize("fmt", FORMATS)
def test_show_every_layer_in_every_format(capsys, name, fmt):
    code, out, err = run(capsys, "show", name, "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "json":
        data = json.loads(out)
        assert set(data) >= {"params", "macs", "flops", "output_size"}
    else:
        assert "params" in out and ("MACs" in out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_layers_lists_the_registry(capsys, fmt):
    code, out, _ = run(capsys, "layers", "--format", fmt)
    assert code == 0
    for name in REGISTRY:
        assert name in out


def test_show_with_symbolic_options(capsys):
    code, out, _ = run(capsys, "show", "conv", "--stride", "S", "--padding", "P", "--dilation",
                       "d", "--format", "json")
    width = json.loads(out)["W_out"]["expr"]
    assert code == 0 and width == "floor((2*P_W + W_in - d_W*(W_F - 1) - 1)/S_W) + 1"


@pytest.mark.parametrize("argv, message", [
    (["eval", "conv", "D_in=0"], "D_in must be at least 1, not 0"),
    (["eval", "conv", "K=5", "W_in=3", "H_in=3"], "kernel spans 5 but the padded input is only 3"),
    (["eval", "conv", "--stride", "0"], "stride must be at least 1"),
    (["show", "conv", "--dilation", "0"], "dilation must be at least 1"),
    (["eval", "conv", "D_in=8", "--groups", "3"], "groups=3 does not divide D_in=8"),
    (["eval", "convolutoin"], "unknown layer 'convolutoin'; did you mean conv? (layers: conv"),
    (["eval", "conv", "X_y=3"], "unknown symbol 'X_y'"),
    (["eval", "conv", "D_in=2.5"], "D_in must be a whole number, not '2.5'"),
    (["eval", "conv", "D_in=-4"], "D_in must be a positive whole number"),
    (["eval", "conv", "D_in"], "expected NAME=VALUE"),
    (["eval", "conv", "W_out=3"], "conv has no size W_out (it is computed"),
    (["eval", "dense", "--stride", "2"], "dense has no stride option"),
    (["show", "conv", "--padding", "sideways"], "must be valid, same, full, a whole number"),
    (["eval", "conv", "--ceil-mode"], "conv has no ceil mode option"),
    (["eval", "max-pool", "K=3", "ceil_mode=maybe"], "ceil mode must be on or off, not 'maybe'"),
    (["eval", "max-pool", "K=3", "ceil_mode=on", "--no-ceil-mode"], "ceil mode is given two values"),
    (["ratio", "conv"], "give the layer to compare with conv, e.g. symconv ratio dw-sep"),
    (["ratio", "--dw-sep", "conv", "dense"], "either --dw-sep or two layer names"),
    (["ratio", "conv", "--format", "yaml"], "unknown format 'yaml'; formats: text, latex"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["show"], "the following arguments are required: LAYER"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as stop:
        from symconv.cli import build_parser
        build_parser().parse_args([command, "--help"])
    assert stop.value.code == 0
    assert command == "completion" or "--format" in capsys.readouterr().out


def test_help_does_not_import_sympy():
    code = ("import sys; from symconv.cli import build_parser; build_parser(); "
            "print('sympy' in sys.modules, 'jinja2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_console_script_module_runs():
    out = subprocess.run([sys.executable, "-m", "symconv", "ratio", "--dw-sep"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "ratio" in out.stdout


def test_latex_output_comments_every_title_line_and_brackets_sums(capsys):
    code, out, _ = run(capsys, "eval", "conv", "K=3", "--format", "latex")
    assert code == 0
    before_math = out.split(r"\begin{align*}")[0].strip().splitlines()
    assert before_math and all(line.startswith("%") for line in before_math)
    assert r"\left(W_{in} - 2\right) \times \left(H_{in} - 2\right) \times D_{out}" in out


from symconv.cli import main  # noqa: E402


# --- failures: one line, and the exit code says whose fault (issue 12) ----------------------

def test_a_bug_is_one_line_and_exit_3(capsys, monkeypatch):
    """Any unexpected exception is symconv's bug: exit 3 (not 1, "your formula is wrong", not
    2, "your input is bad"), one line asking for a report; SYMCONV_DEBUG=1 adds the traceback."""
    from symconv.cli.commands import layers as layers_command

    def broken(args):
        raise KeyError("a bug")

    monkeypatch.setattr(layers_command, "run", broken)
    monkeypatch.delenv("SYMCONV_DEBUG", raising=False)
    assert main(["layers"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bug in symconv" in err and "Traceback" not in err
    monkeypatch.setenv("SYMCONV_DEBUG", "1")
    assert main(["layers"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err


@pytest.mark.parametrize("error", [RecursionError("deep"), MemoryError(),
                                   ValueError("Exceeds the limit (4300 digits) for integer "
                                              "string conversion")])
def test_failures_only_input_can_cause_are_exit_2(capsys, monkeypatch, error):
    from symconv.cli.commands import layers as layers_command

    def failing(args):
        raise error

    monkeypatch.setattr(layers_command, "run", failing)
    assert main(["layers"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_control_characters_never_reach_the_terminal(capsys, tmp_path):
    spec = tmp_path / "net.toml"
    spec.write_text('name = "a\\u001b[2Jb\\u0000c\\u0085"\n[[layers]]\ntype = "conv"\n'
                    'D_out = 4\nK = 1\nname = "x\\u001b[31m"\n', encoding="utf-8")
    assert main(["net", str(spec), "H=8", "W=8"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x00" not in out and "\x85" not in out
    assert "a\\x1b[2Jb\\x00c\\x85" in out  # shown, not obeyed
    assert main(["eval", "conv", "\x1b[31m=8"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b" in err
