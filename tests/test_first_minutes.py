"""The first five minutes (issue 16): what a new user types first works, or says what to type.

Two tables run through ``main()``. ANSWERS: inputs that now work, each checked against a
value computed here by hand (not by symconv). SUGGESTED: inputs that are refused with one
line that names a fix; the test takes the fix out of the error message itself (it does not
know it in advance), applies it, and runs the fixed command, which must work.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from cli_run import run

# --- inputs that work, with the answer computed independently --------------------------

MACS_3x3_224 = 3 * 3 * 3 * 64 * 222 * 222  # K K D_in D_out W_out H_out, valid padding


def _json(out):
    return json.loads(out)


ANSWERS = [
    # layer names people type first: any case, PyTorch/Keras/paper names
    (["show", "conv2d"], lambda out: out.startswith("conv: standard convolution")),
    (["show", "Conv2d"], lambda out: out.startswith("conv: ")),
    (["show", "Conv"], lambda out: out.startswith("conv: ")),
    (["show", "dwsep"], lambda out: out.startswith("dw-sep: ")),
    (["show", "depthwise-separable"], lambda out: out.startswith("dw-sep: ")),
    (["show", "separable"], lambda out: out.startswith("dw-sep: ")),
    (["show", "SeparableConv2D"], lambda out: out.startswith("dw-sep: ")),
    (["show", "linear"], lambda out: out.startswith("dense: ")),
    (["show", "fc"], lambda out: out.startswith("dense: ")),
    (["show", "bn"], lambda out: out.startswith("batchnorm: ")),
    (["show", "BatchNorm2d"], lambda out: out.startswith("batchnorm: ")),
    (["show", "maxpool"], lambda out: out.startswith("max-pool: ")),
    (["show", "MaxPool2d"], lambda out: out.startswith("max-pool: ")),
    (["show", "avgpool"], lambda out: out.startswith("avg-pool: ")),
    (["show", "gap"], lambda out: out.startswith("global-avg-pool: ")),
    (["show", "deconv"], lambda out: out.startswith("transposed-conv: ")),
    (["show", "ConvTranspose2d"], lambda out: out.startswith("transposed-conv: ")),
    (["Eval", "conv", "K=3"], lambda out: out.startswith("conv: ")),
    (["show", "conv", "k=3", "--format", "json"],
     lambda out: _json(out)["params"]["expr"] == "D_out*(9*D_in + 1)"),
    (["net", "resnet-50", "--sweep", "h=w=224..224", "--format", "json"],
     lambda out: _json(out)["rows"][0]["params"] == 25_557_032),
    (["net", "resnet50", "H=224", "W=224", "--format", "json", "--totals"],
     lambda out: _json(out)["total"]["params"] == 25_557_032),
    (["net", "ResNet-50", "h=224", "w=224", "--format", "json", "--totals"],
     lambda out: _json(out)["total"]["params"] == 25_557_032),
    # ratio: one name compares with conv; sizes and options as in show; numbers when they can
    (["ratio", "dw-sep", "--format", "json"],
     lambda out: _json(out)["ratio"]["expr"] == "1/(H_F*W_F) + 1/D_out"
     and _json(out)["layers"] == ["dw-sep", "conv"]),
    (["ratio", "--dw-sep", "K=3", "--format", "json"],
     lambda out: _json(out)["ratio"]["expr"] == "1/9 + 1/D_out"),
    (["ratio", "separable", "k=3", "Dout=64", "--format", "json"],
     lambda out: Fraction(_json(out)["ratio"]["expr"]) == Fraction(1, 64) + Fraction(1, 9)),
    (["ratio", "dw-sep", "K=3", "D_out=64"], lambda out: "73" in out and "≈ 0.1267" in out),
    (["ratio", "--dw-sep", "--quantity", "Parameters", "--no-bias", "K=5", "D_out=32",
      "--format", "json"],
     lambda out: Fraction(_json(out)["ratio"]["expr"]) == Fraction(1, 32) + Fraction(1, 25)),
    # sizes: aliases, any case, agreeing values, PyTorch's words
    (["eval", "conv", "Din=3", "Dout=64", "k=3", "W_in=224", "H_in=224", "--format", "json"],
     lambda out: _json(out)["macs"] == MACS_3x3_224),
    (["eval", "conv", "in_channels=3", "out_channels=64", "kernel_size=3", "w_in=224",
      "h_in=224", "--format", "json"], lambda out: _json(out)["macs"] == MACS_3x3_224),
    (["eval", "conv", "D_in=3", "C_in=3", "D_out=64", "K=3", "W_F=3", "W_in=224", "H_in=224",
      "--format", "json"], lambda out: _json(out)["macs"] == MACS_3x3_224),
    (["eval", "depthwise", "D_in=32", "D_out=32", "K=3", "--format", "json"],
     lambda out: _json(out)["params"] == 32 * (9 + 1)),
    (["eval", "conv", "K=3", "W_in=224", "H_in=224", "W_out=222", "--format", "json"],
     lambda out: _json(out)["output_size"]["width"] == 222),
    (["eval", "conv", "D_in=8", "D_out=32", "K=5", "W_in=128", "H_in=128", "--format",
      "markdown"], lambda out: "98{,}406{,}400" in out and "6{,}432" in out),
    # quantities and option values in any case, with their usual other names
    (["check", "D_out*(W_F*H_F*D_in + 1)", "--quantity", "MACs"], lambda out: "wrong" in out),
    (["check", "D_out*(W_F*H_F*D_in + 1)", "--quantity", "param"], lambda out: "correct" in out),
    (["check", "D_out*(W_F*H_F*D_in + 1)", "--quantity", "parameters", "--layer", "Conv2d"],
     lambda out: "correct" in out),
    (["check", "K*K*Cin*Cout*H*W", "--quantity", "MACs", "--notation", "cin-cout"],
     lambda out: out.startswith("correct")),
    (["show", "conv", "--padding", "SAME", "--format", "json"],
     lambda out: _json(out)["W_out"] == {"expr": "W_in", "latex": "W_{in}"}),
    (["show", "conv", "--format", "md"], lambda out: out.startswith("**conv")),
    (["check", "M N D_K^2 D_F^2", "--notation", "MobileNet", "--quantity", "MACs"],
     lambda out: out.startswith("correct")),
    (["layers", "--format", "json"],
     lambda out: "linear" in next(c for c in _json(out)["layers"] if c["name"] == "dense")["also"]),
    (["--version"], lambda out: re.fullmatch(r"symconv \d+\.\d+\.\d+\n", out)),
]


@pytest.mark.parametrize("argv, right", ANSWERS, ids=[" ".join(a) for a, _ in ANSWERS])
def test_what_people_type_first_works(capsys, argv, right):
    code, out, err = run(capsys, *argv)
    assert code in (0, 1) and err == "", err  # 1: check's verdict "wrong"
    assert right(out), out


# --- inputs that are refused, with a fix the message names ------------------------------


def did_you_mean(bad):
    """Replace ``bad`` with the word after 'did you mean'."""
    def fix(argv, err):
        word = re.search(r"did you mean '?(?:symconv )?([^?']+?)'?\?", err).group(1)
        i = argv.index(bad)
        return argv[:i] + word.split() + argv[i + 1:]
    return fix


def for_example(*bad):
    """Replace the items ``bad`` with the items after 'e.g.'."""
    def fix(argv, err):
        words = re.search(r"e\.g\. ((?:\S+=\S+ ?)+)", err).group(1).split()
        kept = [a for a in argv if a not in bad]
        return kept + words
    return fix


def rename(bad):
    """Rename the NAME of the item ``bad=VALUE`` to the word after 'did you mean'."""
    def fix(argv, err):
        word = re.search(r"did you mean (\w+)\?", err).group(1)
        return [word + a[len(bad):] if a.startswith(bad + "=") else a for a in argv]
    return fix


def give(bad):
    """Replace ``bad`` with the NAME=VALUE after 'give'."""
    def fix(argv, err):
        word = re.search(r"give (\S+=\S+)", err).group(1)
        return [word if a == bad else a for a in argv]
    return fix


def add(pattern):
    """Append the options the message names (the first group of ``pattern``)."""
    def fix(argv, err):
        return argv + re.search(pattern, err).group(1).split()
    return fix


def instead(pattern):
    """Run the command the message names (the first group of ``pattern``) instead."""
    def fix(argv, err):
        return re.search(pattern, err).group(1).split()[1:]  # without "symconv"
    return fix


SUGGESTED = [
    (["show", "convolutoin"], did_you_mean("convolutoin")),
    (["eval", "depthwise-seperable", "K=3"], did_you_mean("depthwise-seperable")),
    (["show", "maxpol"], did_you_mean("maxpol")),
    (["show", "dilated"], did_you_mean("dilated")),
    (["eval", "conv1d", "D_in=8", "D_out=16", "W_F=3", "W_in=100"], did_you_mean("conv1d")),
    (["show", "mobilenet"], instead(r"try '(symconv net [^']+)'")),
    (["net", "resnet", "--totals"], did_you_mean("resnet")),
    (["net", "mobilenet", "--totals"], did_you_mean("mobilenet")),
    (["net", "resnet-50", "Hh=224", "--totals"], rename("Hh")),
    (["net", "resnet-50", "W=224", "--sweep", "Hx=224..224"],
     lambda a, e: a[:-1] + [re.search(r"did you mean (\w+)\?", e).group(1) + "=224..224"]),
    (["evl", "conv"], did_you_mean("evl")),
    (["conv2d"], did_you_mean("conv2d")),
    (["eval", "conv", "Din=3", "Dout=64", "K=3", "W=224", "H=224"],
     for_example("W=224", "H=224")),
    (["eval", "conv", "C=3"], for_example("C=3")),
    (["eval", "conv", "Wi=3", "K=3"], rename("Wi")),
    (["eval", "conv", "K=3", "stides=2"], rename("stides")),
    (["eval", "depthwise", "D_in=32", "D_out=64"], add(r"use (--depth-multiplier \d+)")),
    (["eval", "depthwise", "D_out=64"], give("D_out=64")),
    (["eval", "conv", "K=3", "W_in=224", "H_in=224", "W_out=224"],
     add(r"; (--padding same) keeps")),
    (["check", "K*K*Cin*Cout*H*W", "--quantity", "macs"], add(r"add (--notation \S+)")),
    (["check", "K*K*Cin*Cout*H*W", "--quantity", "macs"],
     add(r"or ((?:--alias \S+ ?)+)$")),
    (["check", "D_out*(W_F*H_F*D_in + 1)", "--quantity", "parms"], did_you_mean("parms")),
    (["check", "M N D_K^2 D_F^2", "--notation", "mobilnet", "--quantity", "macs"],
     did_you_mean("mobilnet")),
    (["ratio", "--dw-sep", "--quantity", "mac"], None),  # accepted: not an error (see below)
    (["ratio", "--dw-sep", "--quantity", "flps"], did_you_mean("flps")),
    (["ratio", "--dw-sep", "--quantiy", "params"], did_you_mean("--quantiy")),
    (["ratio", "--dw-sep", "conv", "dense"], instead(r"is '(symconv ratio [^']+)'")),
    (["ratio", "conv"], instead(r"e\.g\. (symconv ratio \S+)")),
    (["show", "conv", "--padding", "half"], did_you_mean("half")),
    (["show", "conv", "--padding", "vaild"], did_you_mean("vaild")),
    (["show", "conv", "--format", "yml"], None),
    (["notes", "--format", "text", "-o", "TMP"], did_you_mean("text")),
    (["notes", "--layers", "conv,dwsep,nope", "-o", "TMP"],
     lambda a, e: [x.replace(",nope", "") for x in a]),
]


@pytest.mark.parametrize("argv, fix", [c for c in SUGGESTED if c[1] is not None],
                         ids=[" ".join(a) for a, f in SUGGESTED if f is not None])
def test_a_refusal_names_a_fix_that_works(capsys, tmp_path, argv, fix):
    argv = [str(tmp_path / "notes") if a == "TMP" else a for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "", (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    command = argv[0] if argv[0] in {"show", "eval", "ratio", "check", "net", "notes"} else None
    assert err.startswith(f"symconv {command}: error: " if command else "symconv: error: ")
    fixed = fix(argv, err)
    assert fixed != argv
    code, out, err2 = run(capsys, *fixed)
    assert code == 0, (fixed, err, err2)


def test_ratio_quantity_words(capsys):
    for word in ("mac", "MACs", "Multiply-Accumulates"):
        code, out, _ = run(capsys, "ratio", "--dw-sep", "--quantity", word, "--format", "json")
        assert code == 0 and _json(out)["quantity"] == "macs"
    code, _, err = run(capsys, "show", "conv", "--format", "yml")
    assert code == 2 and "unknown format 'yml'" in err and "see 'symconv show --help'" in err


def test_sizes_are_listed_in_one_documented_order(capsys):
    code, _, err = run(capsys, "eval", "conv", "g=2")
    assert code == 2 and "its sizes are D_in, D_out, W_F, H_F, K, W_in, H_in" in err
    code, _, err = run(capsys, "eval", "depthwise", "S_W=2")
    assert code == 2 and "its sizes are D_in, W_F, H_F, K, W_in, H_in" in err


def test_values_that_disagree_are_refused(capsys):
    code, _, err = run(capsys, "eval", "conv", "K=3", "W_F=5")
    assert code == 2 and "W_F is given twice with different values" in err
    code, _, err = run(capsys, "eval", "conv", "K=3", "W_in=224", "W_out=200")
    assert code == 2 and "W_out is 222 with these sizes and options, not 200" in err


def test_unknown_option_is_the_subcommands_error(capsys):
    code, _, err = run(capsys, "notes", "--colour", "blue")  # (--notation exists: issue 15)
    assert code == 2 and err.startswith("symconv notes: error: unrecognized arguments")
    assert "see 'symconv notes --help'" in err and "symconv --help" not in err


def test_the_check_hint_for_an_edited_note_works_as_written(capsys, tmp_path):
    import shlex

    folder = str(tmp_path / "notes")
    assert run(capsys, "notes", "-o", folder, "--layers", "conv")[0] == 0
    with open(tmp_path / "notes" / "conv.md", "a", encoding="utf-8") as note:
        note.write("my own paragraph\n")
    code, out, err = run(capsys, "notes", "--check", "-o", folder, "--layers", "conv")
    assert code == 1 and "1 file differs" in err and "1 files" not in err
    hint = err.split("regenerate with: ")[1].strip()
    assert hint.startswith("symconv notes ") and "--force" in hint
    assert run(capsys, *shlex.split(hint)[1:])[0] == 0
    code, out, _ = run(capsys, "notes", "--check", "-o", folder, "--layers", "conv")
    assert code == 0 and "3 files up to date" in out  # conv.md, its figure, index.md


# --- Python: numbers that behave like numbers ------------------------------------------


def test_numeric_counts_are_plain_ints_with_the_sympy_form_one_attribute_away():
    import sympy

    from symconv import Conv

    layer = Conv(D_in=8, D_out=32, W_F=5, H_F=5, W_in=128, H_in=128)
    macs = layer.macs
    assert isinstance(macs, int) and int(macs) == 8 * 32 * 5 * 5 * 124 * 124
    assert f"{macs:,}" == "98,406,400"
    assert json.dumps({"macs": macs, "params": layer.params}) == \
        '{"macs": 98406400, "params": 6432}'
    assert macs.expr == sympy.Integer(98406400) and isinstance(macs.expr, sympy.Integer)
    assert macs / 1e6 == pytest.approx(98.4064)  # int arithmetic, as for any int
    assert isinstance(Conv().macs, sympy.Expr)  # with symbols: a sympy expression


def test_sizes_accept_numpy_integers_whole_floats_and_K():
    np = pytest.importorskip("numpy")
    from symconv import Conv, DepthwiseSeparable, InputError, MaxPool, layer

    want = Conv(D_in=8, D_out=16, W_F=3, H_F=3, W_in=32, H_in=32)
    assert Conv(D_in=np.int64(8), D_out=16.0, K=3, W_in=np.int32(32), H_in=32) == want
    assert layer("Conv2d", D_in=8, D_out=16, K=3, W_in=32, H_in=32) == want
    assert DepthwiseSeparable(K=3).W_F == 3 and MaxPool(K=2).stride == (2, 2)
    with pytest.raises(InputError, match="whole number"):
        Conv(D_in=2.5)
    with pytest.raises(InputError, match="K=3 but W_F=5"):
        Conv(K=3, W_F=5)


def test_a_numeric_ratio_is_a_fraction():
    from symconv import Conv, DepthwiseSeparable, ratio

    r = ratio(DepthwiseSeparable(K=3, D_out=64), Conv(K=3, D_out=64))
    assert r.value == Fraction(1, 64) + Fraction(1, 9) and isinstance(r.value, Fraction)
    assert ratio(DepthwiseSeparable(), Conv()).value is None


def test_quantities_by_any_name():
    from symconv import Conv, Quantity

    assert Quantity("MACs") is Quantity.MACS and Quantity("parameters") is Quantity.PARAMS
    assert Conv(K=3).quantity("FLOPs") == 2 * Conv(K=3).quantity("macs")


def test_equivalence_is_its_verdict_and_shows_it():
    from symconv import equivalent
    from symconv.symbols import D_out, W_F

    same, different = equivalent(D_out * (W_F + 1), D_out * W_F + D_out), \
        equivalent(D_out * W_F, D_out * W_F + 1)
    assert bool(same) is True and bool(different) is False
    assert "(proven)" in same._repr_latex_() and r"\neq" in different._repr_latex_()


def test_every_public_property_has_a_one_line_docstring():
    import functools
    import inspect

    from symconv import REGISTRY

    def is_property(member):
        return isinstance(member, (property, functools.cached_property))

    for cls in REGISTRY.values():
        for name, member in inspect.getmembers(cls, is_property):
            if name.startswith("_"):
                continue
            doc = (member.__doc__ or "").strip()
            assert doc, f"{cls.__name__}.{name} has no docstring"
            first = doc.splitlines()[0]
            assert first.endswith((".", ")")) or len(doc.splitlines()) > 1, (cls, name, doc)


# --- --version and shell completion ----------------------------------------------------


def test_version_matches_pyproject(capsys):
    from pathlib import Path

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")

    meta = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"symconv {meta['project']['version']}\n"


def _bash_complete(script: str, words: list[str]) -> list[str]:
    """What bash completes for the command line ``words`` (the last one being typed)."""
    import shlex
    import subprocess

    line = " ".join(shlex.quote(w) for w in words)
    program = (f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
               "_symconv; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_bash_completion_is_generated_from_the_parser(capsys):
    import shutil

    if not shutil.which("bash"):
        pytest.skip("no bash")
    code, script, _ = run(capsys, "completion", "bash")
    assert code == 0
    from symconv.cli import COMMANDS

    assert set(_bash_complete(script, ["symconv", ""])) >= set(COMMANDS)
    assert _bash_complete(script, ["symconv", "ra"]) == ["ratio"]
    assert _bash_complete(script, ["symconv", "show", "--pad"]) == ["--padding"]
    assert _bash_complete(script, ["symconv", "show", "conv", "--padding", ""]) == \
        ["valid", "same", "full"]
    assert _bash_complete(script, ["symconv", "ratio", "--quantity", ""]) == \
        ["macs", "params", "flops"]
    assert _bash_complete(script, ["symconv", "notes", "--format", ""]) == ["markdown", "latex"]
    assert "dw-sep" in _bash_complete(script, ["symconv", "eval", ""])
    assert "resnet-50" in _bash_complete(script, ["symconv", "net", "res"])


@pytest.mark.parametrize("shell, check", [("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])])
def test_zsh_and_fish_scripts_parse(capsys, tmp_path, shell, check):
    import shutil
    import subprocess

    if not shutil.which(check[0]):
        pytest.skip(f"no {shell}")
    code, script, _ = run(capsys, "completion", shell)
    assert code == 0 and "ratio" in script and "--quantity" in script.replace("-l quantity",
                                                                              "--quantity")
    path = tmp_path / f"symconv.{shell}"
    path.write_text(script)
    done = subprocess.run([*check, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_fish_completion_completes_choices(capsys, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("fish"):
        pytest.skip("no fish")
    path = tmp_path / "symconv.fish"
    path.write_text(run(capsys, "completion", "fish")[1])
    done = subprocess.run(["fish", "-c", f"source {path}; complete -C 'symconv ratio --quantity '"],
                          capture_output=True, text=True, check=True)
    assert sorted(done.stdout.split()) == ["flops", "macs", "params"]


def _help_examples():
    import importlib

    from symconv.cli import COMMANDS

    for name in COMMANDS:
        doc = importlib.import_module(f"symconv.cli.commands.{name}").__doc__ or ""
        for line in re.findall(r"^  symconv (.*)$", doc, re.M):
            line = re.split(r"\s{2,}\(|\s>\s|\s&&\s", line)[0]  # no comment, redirect, second command
            yield line


@pytest.mark.parametrize("example", list(_help_examples()))
def test_every_help_example_works_as_written(capsys, tmp_path, monkeypatch, example):
    """The examples in each command's --help run (files they name are placeholders only when
    called my-...; -o DIR goes to a temporary folder)."""
    import shlex
    from pathlib import Path

    argv = shlex.split(example)
    if any(a.startswith("my-") for a in argv):
        pytest.skip("names the user's own file")
    argv = [str(tmp_path / "out") if i and argv[i - 1] == "-o" else a for i, a in enumerate(argv)]
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    # the shell expands a file glob (notes/*.md)
    argv = [x for a in argv for x in (sorted(map(str, Path().glob(a))) if "*" in a and "/" in a
                                      else [a])]
    code, out, err = run(capsys, *argv)
    assert code in (0, 1) and "error" not in err, (example, err)
