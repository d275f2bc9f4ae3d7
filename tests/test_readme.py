"""The README shows real output: its Python examples run, its CLI blocks match the CLI."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from symconv.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    parser = doctest.DocTestParser()
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README python block {i}", "README.md", 0)
        runner = doctest.DocTestRunner()
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0


# A text block right after a paragraph that ends with "(`symconv ...`):" is that command's output.
SHOWN = re.findall(r"\(`symconv ([^`]*)`\):\n\n```text\n(.*?)```", README, re.S)


@pytest.mark.parametrize("command, shown", SHOWN, ids=[c for c, _ in SHOWN])
def test_cli_blocks_are_real_output(capsys, command, shown):
    assert main(command.split()) == 0
    assert capsys.readouterr().out == shown


def test_readme_has_cli_examples():
    assert len(SHOWN) >= 3


# A text block of "$ symconv ..." lines, each followed by what it printed (stdout and stderr).
SESSIONS = re.findall(r"```text\n(\$ symconv .*?)```", README, re.S)


@pytest.mark.parametrize("session", SESSIONS)
def test_text_sessions_are_real_output(capsys, session):
    import shlex

    for part in session.split("$ symconv ")[1:]:
        command, _, shown = part.partition("\n")
        main(shlex.split(command))
        out, err = capsys.readouterr()
        assert out + err == shown


def test_readme_has_sessions():
    assert SESSIONS


# The check section shows three real diagnoses; their causes are the ones the README names.
CHECKS = re.findall(r"```console\n\$ symconv (check [^\n]*)\n(.*?)\$ echo \$\?\n(\d)\n```", README, re.S)


def test_check_section_shows_three_real_diagnoses(capsys):
    import json
    import shlex

    causes = {}
    for command, shown, code in CHECKS:
        argv = shlex.split(command)
        assert main(argv) == int(code)
        assert capsys.readouterr().out == shown
        main(argv + ["--format", "json"])
        causes[json.loads(capsys.readouterr().out)["cause"]] = command
    assert {"missing-bias", "macs-as-flops", "transposed-output-grid"} <= set(causes)


# Every TOML block is a spec that reads and runs; one whose last line says
# "# At H=.. W=.. [NAME=..]: params = N, MACs = M[; head X: params = N, MACs = M]" gives that.
TOMLS = re.findall(r"```toml\n(.*?)```", README, re.S)
AT = re.compile(r"^# At ((?:\w+=[\d.]+ ?)+): params = ([\d,]+), MACs = ([\d,]+)"
                r"(?:; head (\w+): params = ([\d,]+), MACs = ([\d,]+))?$", re.M)


@pytest.mark.parametrize("block", TOMLS)
def test_toml_blocks_run_and_give_their_numbers(block):
    from fractions import Fraction

    from symconv.net.network import Network

    net = Network.from_spec_text(block, "README.md")
    net.analyse()
    for given, params, macs, head, head_params, head_macs in AT.findall(block):
        values = {"alpha": 1, **{k: Fraction(v) for k, v in (p.split("=") for p in given.split())}}
        result = net.analyse(values)
        assert (result.total["params"], result.total["macs"]) == (
            int(params.replace(",", "")), int(macs.replace(",", "")))
        if head:
            assert (result.heads[head]["params"], result.heads[head]["macs"]) == (
                int(head_params.replace(",", "")), int(head_macs.replace(",", "")))


def test_readme_shows_each_spec_construct():
    checked = [b for b in TOMLS if AT.search(b)]
    assert len(checked) >= 7
    text = "".join(checked)
    for construct in ('"multiply"', "ceil_mode", "adaptive-avg-pool", '"take"', "channel-shuffle",
                      "make_divisible", "D_in", '"head"', "padding = [", "groups =",
                      "params = { width_mult", 'repeat = "ceil('):
        assert construct in text, construct


def test_why_do_the_tools_disagree_table_is_what_the_conventions_count():
    """Each tool's MobileNet v1 and ResNet-50 figures in the README are symconv's counts under
    that convention (tests/test_conventions.py checks those against the tools themselves)."""
    from symconv import Network, count_as

    section = README.split("## Why do the tools disagree?", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\S+)[^|]*\| [^|]*\| ([\d,]+) \| ([\d,]+) \|", section, re.M)
    tools = {"symconv": "symconv", "fvcore": "fvcore", "ptflops": "ptflops", "thop": "thop",
             "torchinfo": "torchinfo", "calflops": "calflops", "DeepSpeed": "deepspeed",
             "torch.utils.flop_counter": "torch-flop-counter", "Keras": "keras"}
    assert [tool for tool, _, _ in rows] == list(tools)
    mobilenet = Network.zoo("mobilenet-v1").analyse({"H": 224, "W": 224, "alpha": 1})
    resnet = Network.zoo("resnet-50").analyse({"H": 224, "W": 224})
    for tool, mv1, r50 in rows:
        name = tools[tool]
        assert (count_as(mobilenet, name), count_as(resnet, name)) == \
            (int(mv1.replace(",", "")), int(r50.replace(",", ""))), tool
