"""Fuzzing the command line (issue 12): every command, hostile and generated input.

Each case runs ``main()`` in a scratch folder (the current directory and ``$HOME`` point
there) under a timeout, and must:

- exit 0, 1 or 2 (3 would be a bug in symconv; a timeout fails the test);
- on exit 2, print exactly one line on stderr, without "Traceback";
- print no control character (ESC, NUL, DEL, U+0085 ...) on stdout or stderr;
- touch no file outside the output folder it names.

The cases are the table of ``tests/hostile_inputs.py`` (each with the exit code it must
give) and inputs drawn by hypothesis: formulas, notes, specs, NAME=VALUE lists and file
kinds. Marked ``fuzz`` (CI runs it; ``-m "not fuzz"`` skips it locally). The timeout is a
guard, not a speed test: ``SYMCONV_FUZZ_TIMEOUT`` seconds of CPU (default 10) per case.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.cli import main
from symconv.errors import CONTROL

from hostile_inputs import CASES

pytestmark = pytest.mark.fuzz

CPU_SECONDS = float(os.environ.get("SYMCONV_FUZZ_TIMEOUT", "10"))
WALL_SECONDS = 6 * CPU_SECONDS  # a loaded machine: the CPU budget is the real guard


class CaseTimeout(BaseException):
    """Raised by the timer inside the case (a BaseException: main() must not catch it)."""


@contextlib.contextmanager
def time_limit():
    def expire(signum, frame):
        raise CaseTimeout(f"more than {CPU_SECONDS} s of CPU or {WALL_SECONDS} s of wall time")
    old_prof = signal.signal(signal.SIGPROF, expire)
    old_alarm = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_PROF, CPU_SECONDS)
    signal.setitimer(signal.ITIMER_REAL, WALL_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old_prof)
        signal.signal(signal.SIGALRM, old_alarm)


def snapshot(root: Path, skip: Path | None) -> dict:
    """Every entry under ``root`` but ``skip``: kind, size, mtime and a hash of regular files."""
    out = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if skip is not None and (here == skip or skip in here.parents):
            dirs[:] = []
            continue
        for name in dirs + files:
            path = here / name
            if skip is not None and (path == skip or skip in path.parents):
                continue
            info = os.lstat(path)
            digest = None
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(root))] = (stat.S_IFMT(info.st_mode), info.st_size,
                                                info.st_mtime_ns, digest)
    return out


def output_folder(argv, root: Path) -> Path | None:
    """The folder a command may write: ``notes -o DIR`` (or its default, ``notes``)."""
    if not argv or argv[0] != "notes" or "--check" in argv:
        return None
    for flag in ("-o", "--output"):
        if flag in argv and argv.index(flag) + 1 < len(argv):
            value = argv[argv.index(flag) + 1]
            return (root / value) if value.strip() else None
    return root / "notes"


def drive(argv, root: Path, capsys, monkeypatch):
    """Run ``symconv ARGV`` in ``root``; check the contract; return (code, out, err)."""
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(root / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "home" / ".cache"))
    monkeypatch.delenv("SYMCONV_DEBUG", raising=False)
    skip = output_folder(argv, root)
    before = snapshot(root, skip)
    capsys.readouterr()
    with time_limit():
        code = main(list(argv))
    out, err = capsys.readouterr()
    shown = " ".join(a[:60] for a in argv)[:300]
    assert code in (0, 1, 2), f"exit {code} for {shown}: {err[:500]}"
    assert "Traceback" not in err, f"traceback for {shown}: {err[:500]}"
    if code == 2:
        assert err.count("\n") == 1 and err.endswith("\n"), f"not one line for {shown}: {err[:500]}"
    assert CONTROL.search(out) is None, f"control character on stdout for {shown}"
    assert CONTROL.search(err) is None, f"control character on stderr for {shown}"
    assert snapshot(root, skip) == before, f"a file outside the output folder changed: {shown}"
    return code, out, err


def _writable(root: Path) -> None:
    for folder, dirs, _ in os.walk(root):
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(folder, name), 0o700)


# --- the table of hostile inputs ------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case, tmp_path, capsys, monkeypatch):
    if case.setup:
        case.setup(tmp_path)
    argv = [a.replace("{d}", str(tmp_path)) for a in case.argv]
    try:
        code, out, err = drive(argv, tmp_path, capsys, monkeypatch)
    finally:
        _writable(tmp_path)
    if case.id == "notes-read-only" and os.geteuid() == 0:
        assert code in (0, 2)  # root writes into a read-only folder anyway
        return
    assert code in case.expect, f"{case.id}: exit {code}, expected {sorted(case.expect)}: {err}"


# --- generated input -----------------------------------------------------------------------

LAYERS = ["conv", "grouped", "depthwise", "pointwise", "dw-sep", "transposed-conv", "dense",
          "max-pool", "avg-pool", "global-avg-pool", "batchnorm"]
QUANTITIES = ["params", "macs", "flops", "output-size", "macs-per-output-pixel"]
NAMES = ["D_in", "D_out", "W_F", "H_F", "K", "W_in", "H_in", "W_out", "S_W", "g", "C_in", "Din",
         "stride", "padding", "dilation", "groups", "bias", "H", "W", "C", "alpha", "x", ""]
#: pieces people (and attackers) put in formulas, notes and values.
PIECES = ["D_in", "D_{out}", "W_F", "H_{F}", "K", "W_{out}", "H_out", "g", "S_W", "2", "3", "0",
          "10^10", "9" * 40, "1e309", "inf", "nan", "-1", "0.5", "+", "-", "*", "/", "^", "(", ")",
          r"\frac{", "}{", "}", r"\lfloor", r"\rfloor", r"\cdot", r"\times", "sqrt(", "x", "=",
          "$", "$$", " ", "\n", "\t", "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028", "\x0c",
          "\ufeff", "é", "𝜌", "__import__('os')", "{{ 7*7 }}", r"\input{/etc/passwd}", "%",
          "Params = ", "MACs: ", "- Input: 128x128x8", "Filter = 5x5x8x32", "# Convolution",
          "stride = 2", "padding = valid"]

texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), min_size=1, max_size=25).map("".join)
values = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(
    ["8", "0", "-3", "3,2", "valid", "same", "full", "S", "P", "d", "1e3", "9" * 40, "7" * 5000,
     "on", "0.5", "", "=", "\x1b", "224", "inf"])).map(lambda t: f"{t[0]}={t[1]}"), max_size=6)
options = st.lists(st.sampled_from(["--stride", "--padding", "--dilation", "--groups",
                                    "--depth-multiplier", "--output-padding"]).flatmap(
    lambda o: st.tuples(st.just(o), st.sampled_from(["1", "2", "3", "S", "0", "same", "2,3",
                                                     "-1", "9" * 50, "x"]))), max_size=3)
FUZZ = settings(max_examples=int(os.environ.get("SYMCONV_FUZZ_EXAMPLES", "25")), deadline=None,
                derandomize=os.environ.get("SYMCONV_FUZZ_EXAMPLES") is None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _flat(pairs):
    return [x for pair in pairs for x in pair]


@FUZZ
@given(formula=texts, layer=st.sampled_from(LAYERS), quantity=st.sampled_from(QUANTITIES),
       sizes=values)
def test_check_generated_formulas(formula, layer, quantity, sizes, tmp_path_factory, capsys,
                                  monkeypatch):
    root = tmp_path_factory.mktemp("check")
    drive(["check", "--layer", layer, "--quantity", quantity, *sizes, "--", formula], root,
          capsys, monkeypatch)


@FUZZ
@given(command=st.sampled_from(["show", "eval", "ratio"]), layer=st.sampled_from(LAYERS),
       other=st.sampled_from(LAYERS), sizes=values, opts=options,
       fmt=st.sampled_from(["text", "latex", "markdown", "json"]))
def test_layer_commands_generated_values(command, layer, other, sizes, opts, fmt,
                                         tmp_path_factory, capsys, monkeypatch):
    root = tmp_path_factory.mktemp("layer")
    layers = [layer, other] if command == "ratio" else [layer]
    drive([command, *layers, *_flat(opts), "--format", fmt, *sizes], root, capsys, monkeypatch)


@FUZZ
@given(lines=st.lists(texts, max_size=12), fmt=st.sampled_from(["text", "json", "markdown"]))
def test_lint_generated_notes(lines, fmt, tmp_path_factory, capsys, monkeypatch):
    root = tmp_path_factory.mktemp("lint")
    (root / "note.md").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    drive(["lint", "--format", fmt, str(root / "note.md")], root, capsys, monkeypatch)


_SPEC_VALUES = st.sampled_from(['8', '0', '-2', '3.5', '1e309', 'inf', 'nan', '"16*alpha"',
                                '"(k-1)/2"', '"valid"', '"same"', '[3, 1]', '[0]', 'true',
                                '"' + "9" * 40 + '"', "9" * 40, '"\\u001b[31m"', '"k"', '"D_in"'])
_SPEC_KEYS = st.sampled_from(["D_out", "K", "W_F", "stride", "padding", "dilation", "groups",
                              "bias", "D_in", "repeat", "name", "ceil_mode", "output"])
_SPEC_TYPES = st.sampled_from(LAYERS + ["flatten", "relu", "residual", "concat", "b", "nope"])


@st.composite
def specs(draw):
    height = draw(st.sampled_from(['8', '"H"', '224', '0']))
    lines = ['name = "f\\u001bz"', "[input]", f"C = {draw(st.sampled_from(['3', '1', '0']))}",
             f"H = {height}", 'W = "W"',
             "[blocks.b]", "params = { k = 3 }", 'type = "sequence"',
             'layers = [ { type = "conv", D_out = 4, K = "k", padding = "(k-1)/2" } ]']
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(_SPEC_TYPES)
        lines += ["[[layers]]", f'type = "{kind}"']
        if kind == "residual":
            lines.append('body = [ { type = "conv", D_out = 3, K = 3, stride = %s, padding = 1 } ]'
                         % draw(st.sampled_from(["1", "2"])))
        elif kind == "concat":
            lines.append('branches = [ [ { type = "max-pool", K = 3, stride = 1, padding = 1 } ], [] ]')
        for key in draw(st.lists(_SPEC_KEYS, max_size=3, unique=True)):
            lines.append(f"{key} = {draw(_SPEC_VALUES)}")
    return "\n".join(lines) + "\n"


@FUZZ
@given(spec=specs(), sizes=st.lists(st.sampled_from(["H=8", "W=8", "H=224", "C=3", "alpha=0.5",
                                                     "H=" + "9" * 40, "H=0", "Q=1"]), max_size=3),
       extra=st.sampled_from([[], ["--totals"], ["--assume-divisible"], ["--format", "latex"],
                              ["--format", "json"], ["--sweep", "H=W=8..64:8"]]))
def test_net_generated_specs(spec, sizes, extra, tmp_path_factory, capsys, monkeypatch):
    root = tmp_path_factory.mktemp("net")
    (root / "net.toml").write_text(spec, encoding="utf-8")
    drive(["net", str(root / "net.toml"), *sizes, *extra], root, capsys, monkeypatch)


def _make(kind: str, path: Path) -> None:
    """A file system entry of one kind at ``path``."""
    if kind == "missing":
        return
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling":
        os.symlink(path.parent / "nowhere", path)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "sparse-big":
        with open(path, "wb") as handle:
            handle.truncate(3_000_000)
    else:
        path.write_text("# Convolution\n- Params = $D_{out}(W_F H_F D_{in} + 1)$\n")


KINDS = ["missing", "folder", "fifo", "dangling", "empty", "binary", "sparse-big", "note"]


@FUZZ
@given(kind=st.sampled_from(KINDS), command=st.sampled_from(["lint", "net", "template", "output"]))
def test_file_kinds(kind, command, tmp_path_factory, capsys, monkeypatch):
    root = tmp_path_factory.mktemp("kinds")
    if command == "template":
        (root / "tpl").mkdir()
        _make(kind, root / "tpl" / "layer.md.j2")
        argv = ["notes", "--layers", "conv", "--template-dir", str(root / "tpl"), "-o",
                str(root / "out")]
    elif command == "output":
        (root / "out").mkdir()
        _make(kind, root / "out" / "conv.md")
        argv = ["notes", "--layers", "conv", "-o", str(root / "out")]
    else:
        _make(kind, root / "f.md")
        argv = [command, str(root / "f.md")]
    drive(argv, root, capsys, monkeypatch)
