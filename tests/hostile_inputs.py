"""A table of hostile and careless inputs (issue 12), one per row, for every command.

Each :class:`Case` is a command line (``{d}`` stands for a scratch folder the case's
``setup`` fills) and the exit code symconv must give. ``tests/test_fuzz.py`` runs every row
through ``main()`` under a timeout; ``benchmarks/hostile.py`` times them as separate
processes, against this checkout or another one, for before/after figures.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BIG = "9" * 5000           # past Python's 4,300-digit int() limit
HUGE = "1" + "0" * 160     # 10^160: float() of a count built from it overflows


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple
    expect: frozenset = frozenset({2})
    setup: Callable[[Path], None] | None = field(default=None, compare=False)
    what: str = ""


def case(id, *argv, expect=(2,), setup=None, what=""):
    return Case(id, tuple(argv), frozenset(expect), setup, what)


# --- files the cases read -------------------------------------------------------------------

def _write(name: str, text: str | bytes):
    def setup(d: Path) -> None:
        path = d / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return setup


def _spec(body: str, name: str = "net.toml"):
    return _write(name, 'name = "t"\n[input]\nC = 3\nH = "H"\nW = "W"\n' + body)


def _fifo(d: Path) -> None:
    os.mkfifo(d / "pipe.md")


def _big_note(d: Path) -> None:
    line = "- MACs = $D_{in} W_F H_F D_{out} W_{out} H_{out}$\n"
    with open(d / "big.md", "w", encoding="utf-8") as out:
        out.write("# Convolution\n\n" + line * (21_000_000 // len(line)))


def _many_formulas(d: Path) -> None:
    (d / "many.md").write_text("# Convolution\n\n" + "$1=1$\n" * 100_000, encoding="utf-8")


def _distinct_cubes(d: Path) -> None:
    """2,000 different formulas whose check keeps sympy's solver busy (0.3-0.8 s each): no
    count of formulas or of their terms bounds this; the note's budget of CPU time does."""
    cube = "(D_{in}+D_{out}+W_F+H_F)^3"
    lines = ["- MACs = $" + " + ".join(f"{7 * i + j} {cube}" for j in range(1, 7)) + "$"
             for i in range(2000)]
    (d / "cubes.md").write_text("# Convolution\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _symlink_dangling(d: Path) -> None:
    (d / "out").mkdir()
    os.symlink(d / "nowhere" / "x.md", d / "out" / "conv.md")


def _folder_as_note(d: Path) -> None:
    (d / "out" / "conv.md").mkdir(parents=True)


def _read_only(d: Path) -> None:
    (d / "ro").mkdir()
    os.chmod(d / "ro", stat.S_IRUSR | stat.S_IXUSR)


def _non_utf8_note(d: Path) -> None:
    (d / "out").mkdir()
    (d / "out" / "mine.md").write_bytes(b"# my own notes \xff\xfe caf\xe9\n")


def _non_utf8_generated_name(d: Path) -> None:
    (d / "out").mkdir()
    (d / "out" / "conv.md").write_bytes(b"caf\xe9 \xff\n")


def _template(name: str, text: str):
    return _write(f"tpl/{name}", text)


NESTED_FRAC = "\\frac{" * 500 + "D_{in}" + "}{2}" * 500
SPEC_RESIDUAL = """
[[layers]]
type = "residual"
body = [ { type = "conv", D_out = 3, K = 3, stride = 2, padding = 1 },
         { type = "transposed-conv", D_out = 3, K = 2, stride = 2 } ]
"""

SPEC_RESIDUAL8 = SPEC_RESIDUAL.replace("K = 3, stride = 2, padding = 1", "K = 1, stride = 8").replace(
    "K = 2, stride = 2", "K = 8, stride = 8")

CASES: list[Case] = [
    # 1. unbounded work
    case("check-huge-power", "check", "((10^10)^10)^10 D_in + D_out", "--layer", "conv",
         "--quantity", "params", expect=(1, 2), what="53-100 s in factor_list, then exit 1"),
    case("check-huge-power-sum", "check", "(10^10)^10 D_in^12 W_F^12 + (3 D_out + 7)^12",
         "--quantity", "macs", expect=(1, 2)),
    case("eval-groups-divisors", "eval", "conv", "--groups", "3", "D_in=100000000000",
         what="divisors listed by a loop up to D_in"),
    case("lint-big-note", "lint", "{d}/big.md", setup=_big_note, what="a 21 MB note"),
    # issue 18: no count of formulas refuses a note; 100,000 of them (none a claim) read in
    # about 3 s, or stop at the note's budget of CPU time (exit 2) on a slow machine
    case("lint-many-formulas", "lint", "{d}/many.md", setup=_many_formulas, expect=(0, 2),
         what="100,000 formulas"),
    case("lint-costly-formulas", "lint", "{d}/cubes.md", setup=_distinct_cubes,
         what="2,000 formulas of 0.3-0.8 s each: minutes, with no budget"),
    case("lint-dev-zero", "lint", "/dev/zero", what="ran out of memory"),
    case("lint-fifo", "lint", "{d}/pipe.md", setup=_fifo, what="hangs on open()"),
    case("net-repeat", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = 8\nK = 1\nrepeat = 999999\n'),
         what="18-30 s, 577 MB"),
    case("net-dev-zero", "net", "/dev/zero"),
    case("net-fifo", "net", "{d}/pipe.md", setup=_fifo),
    case("notes-template-fifo", "notes", "-o", "{d}/out", "--template-dir", "{d}",
         setup=lambda d: os.mkfifo(d / "layer.md.j2")),
    # 3. tracebacks
    case("check-nested-frac", "check", NESTED_FRAC, "--quantity", "params",
         what="RecursionError"),
    case("check-sqrt-maxpool", "check", "sqrt(D_in)", "--layer", "max-pool", "--quantity",
         "params", expect=(1, 2), what="PolificationFailed"),
    case("eval-overflow", "eval", "conv", f"D_in={HUGE}", f"D_out={HUGE}", "K=3",
         "W_in=10", "H_in=10", what="OverflowError"),
    case("eval-4300-digits", "eval", "conv", f"D_in={BIG}"),
    case("show-stride-4300-digits", "show", "conv", "--stride", BIG),
    case("check-size-4300-digits", "check", "D_in", "--quantity", "params", f"D_in={BIG}"),
    case("net-H-4300-digits", "net", "resnet-50", f"H={BIG}", f"W={BIG}"),
    case("lint-example-4300-digits", "lint", "{d}/n.md",
         setup=_write("n.md", f"# Convolution\n\n- Input: {BIG}x128x8, Filter = 5x5x8x32\n"
                              "- Params = $6432$\n"), expect=(0, 1, 2)),
    case("net-spec-param-4300-digits", "net", "{d}/net.toml",
         setup=_spec(f'[[layers]]\ntype = "conv"\nD_out = "{BIG}"\nK = 1\n')),
    case("net-spec-int-4300-digits", "net", "{d}/net.toml",
         setup=_spec(f'[[layers]]\ntype = "conv"\nD_out = {BIG}\nK = 1\n')),
    case("ratio-conv-maxpool-latex", "ratio", "conv", "max-pool", "--format", "latex"),
    case("net-spec-inf", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = inf\nK = 1\n')),
    case("net-spec-nan", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = nan\nK = 1\n')),
    case("net-spec-1e309", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = 1e309\nK = 1\n')),
    case("net-spec-stride-inf", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = 4\nK = 1\nstride = inf\n')),
    case("net-spec-D_in-word", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = 4\nK = 1\nD_in = "valid"\n')),
    case("net-spec-K-word", "net", "{d}/net.toml",
         setup=_spec('[[layers]]\ntype = "conv"\nD_out = 4\nK = "same"\n')),
    case("net-sweep-1e20", "net", "resnet-50", "--sweep", "H=W=100000000000000000000..100000000000000000064:32"),
    case("net-sweep-1e20-count", "net", "resnet-50", "--sweep", "H=1..100000000000000000000:1"),
    case("notes-o-file", "notes", "-o", "{d}/file.md", setup=_write("file.md", "x")),
    case("notes-read-only", "notes", "-o", "{d}/ro", setup=_read_only),
    case("notes-dangling-symlink", "notes", "-o", "{d}/out", "--layers", "conv",
         setup=_symlink_dangling, expect=(1, 2)),
    case("notes-folder-as-note", "notes", "-o", "{d}/out", "--layers", "conv",
         setup=_folder_as_note),
    case("notes-non-utf8-other-file", "notes", "-o", "{d}/out", "--layers", "conv",
         setup=_non_utf8_note, expect=(0,), what="a Markdown file of the user's own"),
    case("notes-non-utf8-note-name", "notes", "-o", "{d}/out", "--layers", "conv",
         setup=_non_utf8_generated_name, expect=(1,), what="not ours: not overwritten"),
    case("notes-template-syntax", "notes", "-o", "{d}/out", "--template-dir", "{d}/tpl",
         setup=_template("layer.md.j2", "{% for x in %}")),
    case("notes-template-undefined", "notes", "-o", "{d}/out", "--template-dir", "{d}/tpl",
         setup=_template("layer.md.j2", "{{ nothing.at.all }}")),
    case("notes-template-error", "notes", "-o", "{d}/out", "--template-dir", "{d}/tpl",
         setup=_template("layer.md.j2", "{{ 1 // 0 }}")),
    case("notes-template-non-utf8", "notes", "-o", "{d}/out", "--template-dir", "{d}/tpl",
         setup=_write("tpl/layer.md.j2", b"\xff\xfe{{ x }}")),
    case("notes-template-not-a-dir", "notes", "-o", "{d}/out", "--template-dir", "{d}/nope"),
    # 4. wrong answers with exit 0
    case("net-residual-sweep", "net", "{d}/net.toml", "--sweep", "H=W=224..232:4",
         setup=_spec(SPEC_RESIDUAL8), what="shapes compared at 6 sample sizes"),
    case("net-residual-odd", "net", "{d}/net.toml", "H=229", "W=229",
         setup=_spec(SPEC_RESIDUAL8)),
    case("net-residual-even", "net", "{d}/net.toml", "H=232", "W=232", expect=(0,),
         setup=_spec(SPEC_RESIDUAL8)),
    case("net-residual-symbolic", "net", "{d}/net.toml", setup=_spec(SPEC_RESIDUAL)),
    case("net-C-ignored", "net", "resnet-50", "C=1", "H=224", "W=224"),
    case("eval-twice", "eval", "conv", "D_in=8", "D_in=16"),
    case("eval-K-and-W_F", "eval", "conv", "K=3", "W_F=5"),
    case("eval-stride-twice", "eval", "conv", "--stride", "2", "stride=3"),
    case("eval-alias-twice", "eval", "conv", "D_in=8", "C_in=8", expect=(0,), what="the same value twice"),
    case("eval-alias-conflict", "eval", "conv", "D_in=8", "C_in=16"),
    case("net-H-twice", "net", "resnet-50", "H=224", "H=32"),
    case("check-zero-over-zero", "check", "D_out*(W_F*H_F*D_in + 1)*(D_in - D_in)/(D_in - D_in)",
         "--quantity", "params"),
    case("check-one-over-zero", "check", "1/(D_in - D_in)", "--quantity", "params"),
    case("ratio-gap-gap", "ratio", "global-avg-pool", "global-avg-pool", what="printed nan"),
    case("ratio-conv-maxpool", "ratio", "conv", "max-pool", what="printed zoo"),
    case("ratio-maxpool-conv", "ratio", "max-pool", "conv", expect=(0,)),
    # 5. notes never lose an edit
    case("notes-o-empty", "notes", "-o", ""),
    # 7. escaping
    case("net-name-control", "net", "{d}/net.toml", "--format", "latex", expect=(0,),
         setup=_write("net.toml", 'name = "a\\u0000b\\u001b[31mc\\u007fd\\u0085"\n'
                                  '[[layers]]\ntype = "conv"\nD_out = 4\nK = 1\nname = "x\\u001b"\n')),
    case("lint-formfeed-lines", "lint", "{d}/n.md", expect=(1,),
         setup=_write("n.md", "# Convolution\x0c\x1c\x1d\x1e\u2028\n- Params = $D_{out} W_F H_F D_{in} D_{in}$\n")),
    # 8. validation gaps
    case("eval-maxpool-padding", "eval", "max-pool", "K=2", "--padding", "2"),
    case("net-spec-padding-expr", "net", "{d}/net.toml", expect=(0,),
         setup=_write("net.toml", '[blocks.b]\nparams = { k = 3 }\ntype = "sequence"\n'
                                  'layers = [ { type = "conv", D_out = 4, K = "k", padding = "(k-1)/2" } ]\n'
                                  '[[layers]]\ntype = "b"\n')),
]
