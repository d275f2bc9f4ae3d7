"""The output cache: a hit prints exactly what the command printed, and never a stale answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from symconv.cli import cache
from symconv.cli import main


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMCONV_NO_CACHE", "0")
    monkeypatch.setenv("SYMCONV_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_second_call_is_served_from_the_cache(cache_dir, capsys):
    argv = ["ratio", "--dw-sep", "--format", "json"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert len(list(cache_dir.iterdir())) == 1
    (cache_dir / cache.key(argv)).write_text(first.replace("D_out", "D_OUT_FROM_CACHE"))
    assert main(argv) == 0
    assert "D_OUT_FROM_CACHE" in capsys.readouterr().out  # it really came from the cache


def test_a_cache_hit_does_not_import_sympy(cache_dir):
    env = {**os.environ, "SYMCONV_NO_CACHE": "0", "SYMCONV_CACHE_DIR": str(cache_dir)}
    code = ("import sys; from symconv.cli import main; code = main(['ratio', '--dw-sep']); "
            "print('sympy' in sys.modules, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
            for _ in range(2)]
    assert [r.stderr.strip() for r in runs] == ["True", "False"]
    assert runs[0].stdout == runs[1].stdout and "ratio" in runs[0].stdout


def test_errors_and_impure_commands_are_not_cached(cache_dir, capsys):
    assert main(["eval", "conv", "D_in=0"]) == 2
    assert main(["layers", "--help"]) == 0
    capsys.readouterr()
    assert list(cache_dir.iterdir()) == []


def test_different_arguments_are_different_entries(cache_dir, capsys):
    main(["eval", "conv", "K=3", "--format", "json"])
    main(["eval", "conv", "K=5", "--format", "json"])
    outs = capsys.readouterr().out
    assert len(list(cache_dir.iterdir())) == 2 and "9*D_in" in outs and "25*D_in" in outs


def test_editing_the_source_changes_the_key(cache_dir, monkeypatch):
    before = cache.key(["layers"])
    monkeypatch.setattr(cache, "_fingerprint", lambda: "another version of the code")
    assert cache.key(["layers"]) != before


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SYMCONV_NO_CACHE", "0")
    monkeypatch.setenv("SYMCONV_CACHE_DIR", str(blocker / "sub"))
    assert main(["ratio", "--dw-sep", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ratio"]["expr"] == "1/(H_F*W_F) + 1/D_out"


def test_editing_a_named_spec_file_is_a_new_entry(cache_dir, tmp_path, capsys):
    spec = tmp_path / "net.toml"
    spec.write_text('[input]\nC = 3\nH = 32\nW = 32\n\n[[layers]]\ntype = "conv"\nD_out = 8\nK = 3\n')
    assert main(["net", str(spec), "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)["total"]["params"]
    spec.write_text(spec.read_text().replace("D_out = 8", "D_out = 16"))
    os.utime(spec, ns=(1, 1))  # a different modification time, whatever the clock's resolution
    assert main(["net", str(spec), "--format", "json"]) == 0
    second = json.loads(capsys.readouterr().out)["total"]["params"]
    assert (first, second) == (8 * (27 + 1), 16 * (27 + 1))
