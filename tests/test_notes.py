"""Course notes: snapshots, numbers re-read against the engine, Markdown math, pdflatex,
safe writing, hostile names, the committed notes/ folder, and a wheel that renders them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symconv.errors import InputError
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from symconv.cli.commands.notes import generate
from symconv.layers import REGISTRY
from symconv.notes.book import Book
from symconv.notes.example import example_layer

from cli_run import run

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
REGENERATE = "SYMCONV_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_notes.py -k snapshot"
HOSTILE = r"50% of {x}_1 & #2 \emph{y} $z$ ^ ~ <b>*bold*</b> [l](u) | `c`"


@pytest.fixture(scope="module")
def markdown_notes():
    return generate("markdown")


@pytest.fixture(scope="module")
def latex_notes():
    return generate("latex")


# --- snapshots -----------------------------------------------------------------------

SNAPSHOT_CASES = [("markdown", "conv.md"), ("markdown", "dw-sep.md"), ("markdown", "index.md"),
                  ("latex", "conv.tex"), ("latex", "dw-sep.tex")]


@pytest.mark.parametrize("fmt, name", SNAPSHOT_CASES)
def test_snapshot_of_rendered_notes(fmt, name, markdown_notes, latex_notes):
    text = (markdown_notes if fmt == "markdown" else latex_notes)[name]
    path = SNAPSHOTS / name
    if os.environ.get("SYMCONV_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; create it with: {REGENERATE}"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its snapshot {path}; if the change is intended, "
        f"regenerate with: {REGENERATE}")


def test_the_committed_notes_folder_is_what_generation_writes(capsys):
    code, out, err = run(capsys, "notes", "--check", "-o", str(REPO / "notes"))
    assert code == 0, f"notes/ is stale:\n{out}{err}regenerate with: symconv notes -o notes/"


# --- the worked examples, re-read from the rendered text ------------------------------

_ROW = re.compile(r"^\| (params|MACs|FLOPs|\$[WH]_\{out\}\$) \| \$(.*)\$ \| ([0-9,]+) \|$", re.M)


def _example_numbers(note: str) -> dict[str, int]:
    section = note.split("## Worked example", 1)[1].split("\n## ", 1)[0]
    numbers = {m.group(1).strip("$"): int(m.group(3).replace(",", ""))
               for m in _ROW.finditer(section)}
    shape = re.search(r"Output: ([0-9,]+) × ([0-9,]+) × ([0-9,]+)\.", section)
    numbers["output"] = tuple(int(g.replace(",", "")) for g in shape.groups())
    return numbers


def test_the_conv_example_has_the_course_numbers(markdown_notes):
    numbers = _example_numbers(markdown_notes["conv.md"])
    assert numbers["W_{out}"] == numbers["H_{out}"] == 124
    assert numbers["params"] == 6432 and numbers["MACs"] == 98_406_400
    assert numbers["FLOPs"] == 2 * 98_406_400 and numbers["output"] == (124, 124, 32)
    assert "input $128 \\times 128 \\times 8$, $32$ filters of $5 \\times 5 \\times 8$" in \
        markdown_notes["conv.md"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_rendered_example_matches_the_engine(name, markdown_notes):
    numbers = _example_numbers(markdown_notes[f"{name}.md"])
    layer = example_layer(REGISTRY[name])
    assert numbers["params"] == layer.params
    assert numbers["MACs"] == layer.macs
    assert numbers["FLOPs"] == layer.flops
    assert numbers["output"] == tuple(layer.output_size)
    if "W_{out}" in numbers:
        assert (numbers["W_{out}"], numbers["H_{out}"]) == tuple(layer.output_size)[:2]


def test_the_dw_sep_note_states_the_ratio_and_the_3x3_reading(markdown_notes):
    note = markdown_notes["dw-sep.md"]
    assert r"&= \frac{1}{D_{out}} + \frac{1}{W_{F} H_{F}}" in note
    assert "8 to 9 times fewer MACs" in note
    # standard Markdown links by default (GitHub, any CommonMark viewer); --links wiki: [[conv]]
    assert "[conv](conv.md)" in note and "[index](index.md)" in note and "[[" not in note


# --- Markdown: parses, and every math span is one a KaTeX-style renderer accepts ------

def _math_spans(text: str) -> list[str]:
    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)
    spans = []

    def walk(tokens):
        for token in tokens:
            if token.type.startswith("math"):
                spans.append(token.content)
            elif token.type in ("text", "code_inline") and "$" in token.content:
                spans.append("UNPAIRED $ in " + token.content)
            if token.children:
                walk(token.children)

    walk(md.parse(text))
    return spans


def _balanced(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\.|[{}]", tex):
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0 and tex.count(r"\left") == tex.count(r"\right")


def test_every_markdown_math_span_is_well_formed(markdown_notes):
    for name, text in markdown_notes.items():
        if not name.endswith(".md"):
            continue
        spans = _math_spans(text)
        assert len(spans) > 3, name
        for span in spans:
            assert not span.startswith("UNPAIRED"), f"{name}: {span}"
            assert _balanced(span), f"{name}: unbalanced braces in ${span}$"
            for leftover in ("{{", "{%", "%}", r"\VAR", r"\BLOCK", "None"):
                assert leftover not in span.replace(r"\{", ""), f"{name}: {leftover} in {span}"


_KATEX = """
const katex = require('katex');
const spans = JSON.parse(require('fs').readFileSync(0, 'utf8'));
for (const [display, tex] of spans) {
  try { katex.renderToString(tex, {displayMode: display, throwOnError: true, strict: 'error'}); }
  catch (e) { console.log(tex.slice(0, 80) + ' -> ' + e.message.slice(0, 160)); }
}
"""


#: the author's choices, rendered and compiled too: exercises, a network note, notations.
FULL = Book(exercises=3, seed=1, net="mobilenet-v1")
NOTATIONS = [Book(notation=n, layers=("conv", "dw-sep", "transposed-conv"))
             for n in ("mobilenet", "cin-cout", "pytorch", "d2l", "dumoulin")]


def test_every_markdown_math_span_renders_in_katex(markdown_notes):
    """KaTeX itself, when a KaTeX install is named by SYMCONV_KATEX_DIR (npm install katex),
    over the default notes, a set with exercises and a network note, and every notation."""
    where = os.environ.get("SYMCONV_KATEX_DIR")
    if not where or not shutil.which("node"):
        if os.environ.get("CI"):
            pytest.fail("CI must have KaTeX (see .ci/run)")
        pytest.skip("set SYMCONV_KATEX_DIR to a directory where 'npm install katex' ran")
    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)
    spans = []

    def walk(tokens):
        for token in tokens:
            if token.type.startswith("math"):
                spans.append((token.type.startswith("math_block"), token.content))
            walk(token.children or [])

    sets = [markdown_notes] + [generate("markdown", book=b) for b in [FULL, *NOTATIONS]]
    for files in sets:
        for name, text in files.items():
            if name.endswith(".md"):
                walk(md.parse(text))
    assert len(spans) > 1000
    import json

    done = subprocess.run(["node", "-e", _KATEX], input=json.dumps(spans), cwd=where,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_markdown_tables_have_the_header_width_on_every_row(markdown_notes):
    for name, text in markdown_notes.items():
        rows = [line for line in text.splitlines() if line.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) <= 2, f"{name}: table rows of different widths {widths}"


# --- LaTeX: compiles with pdflatex -halt-on-error -------------------------------------

def _pdflatex():
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have pdflatex (see .ci/run)")
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base "
                    "texlive-latex-recommended)")
    return found


def _compile(files: dict[str, str], directory: Path) -> str:
    pdflatex = _pdflatex()
    directory.mkdir(parents=True, exist_ok=True)
    assert "index.tex" in files or (directory / "index.tex").exists()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    done = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode", "index.tex"],
                          cwd=directory, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (directory / "index.pdf").stat().st_size > 10_000
    return done.stdout


def test_the_latex_notes_compile_with_pdflatex(latex_notes, tmp_path):
    _compile(latex_notes, tmp_path / "tex")


def test_the_full_latex_book_has_vector_fonts_contents_and_notes_that_stand_alone(tmp_path):
    """Exercises, a network note and every figure: pdflatex twice (for the contents), then
    pdffonts lists no bitmap Type 3 font, the contents name every chapter, and a note, an
    answer key and the network note each compile on their own."""
    files = generate("latex", book=FULL)
    where = tmp_path / "tex"
    _compile(files, where)
    _compile({}, where)  # the second run reads the table of contents
    toc = (where / "index.toc").read_text()
    for name in REGISTRY:
        title = re.search(r"\\chapter\{(.*?)\}", files[f"{name}.tex"]).group(1)
        assert f"{{chapter}}{{\\numberline {{" in toc and title in toc, title
    assert "The network mobilenet-v1" in toc
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have pdffonts (poppler-utils, see .ci/run)")
        pytest.skip("pdffonts is not installed (apt-get install poppler-utils)")
    fonts = subprocess.run([pdffonts, str(where / "index.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and not [f for f in fonts if "Type 3" in f], fonts
    assert all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    for single in ("conv", "answers-dw-sep", "net-mobilenet-v1"):
        done = subprocess.run([_pdflatex(), "-halt-on-error", "-interaction=nonstopmode",
                               f"{single}.tex"], cwd=where, capture_output=True, text=True,
                              timeout=180)
        assert done.returncode == 0, done.stdout[-2000:]
        assert (where / f"{single}.pdf").stat().st_size > 10_000


def test_a_hostile_title_compiles_and_stays_text(tmp_path):
    files = generate("latex", "conv", title=HOSTILE)
    assert r"50\% of \{x\}\_1 \& \#2 \textbackslash{}emph\{y\} \$z\$ \^{} \~{}" in \
        files["index.tex"]
    _compile(files, tmp_path / "tex")


# --- hostile names in Markdown -----------------------------------------------------------

def test_a_hostile_title_is_plain_text_in_markdown():
    files = generate("markdown", "conv", title=HOSTILE)
    md = MarkdownIt("commonmark").use(dollarmath_plugin)
    tokens = md.parse(files["index.md"])
    heading = next(t for i, t in enumerate(tokens) if tokens[i - 1].type == "heading_open")
    assert [c.type for c in heading.children] == ["text"]
    assert heading.children[0].content == HOSTILE


# --- writing safely --------------------------------------------------------------------

def test_an_edited_note_is_not_overwritten_without_force(capsys, tmp_path):
    out = tmp_path / "notes"
    assert run(capsys, "notes", "-o", str(out), "--layers", "conv,dw-sep")[0] == 0
    edited = out / "conv.md"
    edited.write_text(edited.read_text() + "\nMy own remark.\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, err = run(capsys, "notes", "-o", str(out), "--layers", "conv,dw-sep")
    assert code == 1 and "conv.md was edited after generation" in err and "--force" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    code, out_text, _ = run(capsys, "notes", "--check", "-o", str(out), "--layers", "conv,dw-sep")
    assert code == 1 and "conv.md: edited" in out_text
    code, _, _ = run(capsys, "notes", "-o", str(out), "--layers", "conv,dw-sep", "--force")
    assert code == 0 and "My own remark" not in edited.read_text()


def test_a_file_symconv_did_not_write_is_protected_too(capsys, tmp_path):
    (tmp_path / "conv.md").write_text("# my notes on convolution\n")
    code, _, err = run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv")
    assert code == 1 and "conv.md was not written by symconv notes" in err
    assert (tmp_path / "conv.md").read_text() == "# my notes on convolution\n"


def test_unchanged_notes_are_not_rewritten(capsys, tmp_path):
    assert run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv")[0] == 0
    stamp = (tmp_path / "conv.md").stat().st_mtime_ns
    code, out, _ = run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv")
    assert code == 0 and "wrote 0 of 3 files" in out  # conv.md, its figure, index.md
    assert (tmp_path / "conv.md").stat().st_mtime_ns == stamp


def test_a_failing_render_leaves_the_old_files_intact(capsys, tmp_path):
    out = tmp_path / "notes"
    assert run(capsys, "notes", "-o", str(out), "--layers", "conv,pointwise")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "layer.md.j2").write_text("# {{ title }}\n{{ no_such_value }}\n")
    code, _, err = run(capsys, "notes", "-o", str(out), "--layers", "conv,pointwise",
                       "--template-dir", str(broken), "--force")
    assert code == 2 and "layer.md.j2" in err and "no_such_value" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_failing_write_leaves_the_old_file_and_no_temporary(capsys, tmp_path, monkeypatch):
    assert run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv")[0] == 0
    from symconv.notes import files as notefiles

    old = (tmp_path / "conv.md").read_bytes()
    files = generate("markdown", "conv", title="Another title")
    files["conv.md"] = files["conv.md"].replace("Standard convolution", "Convolution")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(notefiles.os, "replace", failing_replace)
    with pytest.raises(InputError, match="disk full"):  # one line and exit 2 (issue 12)
        notefiles.write(files, tmp_path)
    assert (tmp_path / "conv.md").read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conv-window.svg", "conv.md", "index.md"]


def test_check_lists_generated_files_that_are_no_longer_part_of_the_notes(capsys, tmp_path):
    assert run(capsys, "notes", "-o", str(tmp_path))[0] == 0
    (tmp_path / "old-layer.md").write_text((tmp_path / "dense.md").read_text())
    (tmp_path / "mine.md").write_text("my own file\n")
    code, out, _ = run(capsys, "notes", "--check", "-o", str(tmp_path))
    assert code == 1 and "old-layer.md: generated, but no longer part" in out
    assert "mine.md" not in out
    code, out, _ = run(capsys, "notes", "--check", "-o", str(tmp_path), "--layers", "conv")
    assert "old-layer.md" not in out  # a subset says nothing about the other files


def test_unknown_layers_are_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv,nope")
    assert code == 2 and "unknown layer 'nope'" in err and "dw-sep" in err
    assert not any(tmp_path.iterdir())


def test_json_is_not_a_notes_format(capsys, tmp_path):
    code, _, err = run(capsys, "notes", "--format", "json", "-o", str(tmp_path))
    assert code == 2 and "formats: markdown, latex" in err and "see 'symconv notes --help'" in err
    # text is not a notes format either (it used to write Markdown silently); it suggests one
    code, _, err = run(capsys, "notes", "--format", "text", "-o", str(tmp_path))
    assert code == 2 and "did you mean markdown?" in err and not any(tmp_path.iterdir())


# --- a wheel built from the tree renders notes --------------------------------------------

def test_a_wheel_installed_in_a_fresh_venv_renders_notes(tmp_path):
    source = _mkdir(tmp_path / "src")
    for name in ("pyproject.toml", "README.md"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, source / name)
    for folder in ("symconv", "templates"):
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)], check=True, timeout=300)
    (wheel,) = wheels.glob("symconv-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The runtime dependencies come from this interpreter (no network): a .pth file puts
    # their directories after the venv's own site-packages, so the wheel's symconv wins.
    import jinja2
    import markupsafe
    import mpmath
    import numpy
    import sympy

    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True)
    dirs = {str(Path(m.__file__).resolve().parent.parent)
            for m in (jinja2, markupsafe, mpmath, numpy, sympy)}
    (Path(site.stdout.strip()) / "symconv_test_deps.pth").write_text("\n".join(sorted(dirs)))
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--force-reinstall", str(wheel)], check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import symconv.notes.render as r; "
                            "print(r.builtin_template_dir())"], cwd=elsewhere, check=True,
                           capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("symconv/templates")
    done = subprocess.run([str(venv / "bin" / "symconv"), "notes", "-o", "out", "--layers",
                           "conv"], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "98,406,400" in (elsewhere / "out" / "conv.md").read_text()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the README shows real notes --------------------------------------------------------

def test_the_readme_worked_example_is_the_committed_note():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```markdown\n(.*?)```", readme, re.S)
                 if b.startswith("Setting:"))
    assert block in (REPO / "notes" / "conv.md").read_text(encoding="utf-8")


def test_the_readme_image_is_a_png_made_by_the_script_it_names():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "![The dw-sep note, first two pages](docs/dw-sep-note.png)" in readme
    assert "python scripts/note_png.py" in readme and (REPO / "scripts/note_png.py").is_file()
    assert (REPO / "docs/dw-sep-note.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_readme_notes_toml_runs(capsys, tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml notes.toml\n(.*?)```", readme, re.S)
    (tmp_path / "notes.toml").write_text(block)
    (tmp_path / "my-templates").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "notes", "-o", "out")
    assert code == 0, err
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"dw-sep.md", "answers-dw-sep.md", "net-mobilenet-v1.md"} <= names
    assert "dense.md" not in names and "[[dw-sep]]" in (tmp_path / "out" / "conv.md").read_text()


def test_an_edit_saved_while_notes_are_written_is_not_overwritten(tmp_path, monkeypatch):
    """The plan sees a generated note; a person saves an edit before the rename lands: the
    recheck right before the rename refuses, and the edit stays (issue 12)."""
    from symconv.notes import files as notefiles

    first = generate("markdown", "conv")
    notefiles.write(first, tmp_path)
    again = {name: text.replace("Standard convolution", "Convolution") for name, text in first.items()}
    real_mkstemp = notefiles.tempfile.mkstemp

    def mkstemp_then_edit(*args, **kwargs):
        made = real_mkstemp(*args, **kwargs)
        (tmp_path / "conv.md").write_text("my edit\n")  # lands between plan and rename
        return made

    monkeypatch.setattr(notefiles.tempfile, "mkstemp", mkstemp_then_edit)
    with pytest.raises(InputError, match="changed while symconv notes ran"):
        notefiles.write(again, tmp_path)
    assert (tmp_path / "conv.md").read_text() == "my edit\n"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_temporary_files_of_a_killed_run_are_removed(tmp_path):
    import os
    import time

    from symconv.notes import files as notefiles

    files = generate("markdown", "conv")
    stale, fresh, mine = (tmp_path / ".conv.md.abc123.tmp", tmp_path / ".index.md.x9.tmp",
                          tmp_path / ".notes.tmp")
    for path in (stale, fresh, mine):
        path.write_text("half a note")
    old = time.time() - 2 * notefiles.STALE_AFTER
    os.utime(stale, (old, old))
    os.utime(mine, (old, old))
    notefiles.write(files, tmp_path)
    assert not stale.exists()            # left by a killed run
    assert fresh.exists()                # maybe another run's, still being written
    assert mine.exists()                 # not a temporary file of a note


@pytest.mark.parametrize("output", ["", "file"])
def test_output_must_be_a_folder(capsys, tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    assert run(capsys, "notes", "-o", output, "--layers", "conv")[0] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
