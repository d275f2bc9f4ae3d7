"""symconv lint on Jupyter notebooks (symconv/lint/notebook.py): the cells read as the note
they are, each finding at the notebook file's line that holds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import run
from symconv.errors import InputError
from symconv.lint.note import lint_file
from symconv.lint.notebook import notebook_text

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE / "notebooks"
CORPUS = HERE / "corpus" / "notes"


def _verdicts(result) -> list[tuple[str, str]]:
    return sorted((f.kind, f.formula) for f in result.claims if f.kind != "note")


@pytest.mark.parametrize("section", ["padding-and-strides", "googlenet"])
def test_a_notebook_gives_the_claims_of_its_markdown_source(section):
    """d2l's notebooks are generated from the Markdown the corpus holds (hand-labelled): the
    same claims, with the same verdicts, must come out of both."""
    notebook = lint_file(str(NOTEBOOKS / f"d2l-{section}.ipynb"))
    markdown = lint_file(str(CORPUS / f"d2l-en-{section}.md"))
    assert _verdicts(notebook) == _verdicts(markdown)
    assert len(_verdicts(notebook)) >= 3


@pytest.mark.parametrize("section", ["padding-and-strides", "googlenet"])
def test_every_finding_names_the_notebook_line_that_holds_its_formula(section):
    path = NOTEBOOKS / f"d2l-{section}.ipynb"
    lines = path.read_text(encoding="utf-8").splitlines()
    result = lint_file(str(path))
    assert result.claims
    for finding in result.claims:
        text = json.loads(f'"{lines[finding.line - 1].strip().rstrip(",")[1:-1]}"')
        assert finding.formula.split("=")[0].strip()[:12] in text, (finding.line, finding.formula)


def test_a_wrong_number_planted_in_a_real_notebook_is_found_at_its_line(tmp_path):
    """d2l's '0×0+0×1+1×2+2×3=8' changed to '=9' in the notebook's JSON: one wrong claim, on the
    line of the file where the change is."""
    source = (NOTEBOOKS / "d2l-padding-and-strides.ipynb").read_text(encoding="utf-8")
    assert source.count("2\\\\times3=8$") == 1
    planted = source.replace("2\\\\times3=8$", "2\\\\times3=9$")
    path = tmp_path / "planted.ipynb"
    path.write_text(planted, encoding="utf-8")
    line = next(i for i, text in enumerate(planted.splitlines(), 1) if "2\\\\times3=9$" in text)
    wrong = [f for f in lint_file(str(path)).claims if f.kind == "wrong"]
    assert [(f.line, "the left side is 8" in f.message) for f in wrong] == [(line, True)]


def _notebook(*cells, indent=1) -> str:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5}, indent=indent, ensure_ascii=False)


def _markdown(*lines):
    return {"cell_type": "markdown", "metadata": {}, "source": list(lines)}


def test_cells_in_order_code_as_fenced_code_outputs_and_raw_cells_not_read():
    code = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["x = 1\n"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["$1 = 2$\n"]}]}
    raw = {"cell_type": "raw", "metadata": {}, "source": ["$1 = 3$"]}
    text, lines = notebook_text(_notebook(_markdown("# Conv\n", "a\n"), code, raw,
                                          _markdown("b")), "nb.ipynb")
    assert text.splitlines() == ["# Conv", "a", "", "```python", "x = 1", "```", "", "b", ""]
    assert len(lines) == len(text.splitlines())


def test_a_cell_whose_source_is_one_string_points_at_that_string(capsys, tmp_path):
    """Hand-written JSON may hold a cell as one string: its lines all point at it."""
    cell = {"cell_type": "markdown", "metadata": {},
            "source": "# Convolution\n\nParams: $3 \\times 3 \\times 64 \\times 128 + 128 = 73728$"}
    path = tmp_path / "one.ipynb"
    path.write_text(_notebook(cell, indent=None), encoding="utf-8")   # all on one line
    code, out, err = run(capsys, "lint", str(path))
    assert code == 1 and out.startswith(f"{path}:1: wrong:") and "73,856" in out


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not a Jupyter notebook: not JSON (line 1)"),
    ('{"cells": 3}', "is not a Jupyter notebook: no list of cells"),
    ('[1, 2]', "is not a Jupyter notebook: no list of cells"),
    ('{"cells": [{"cell_type": "markdown", "source": 7}]}', "cell 1 has no text source"),
    ('{"cells": [5]}', "cell 1 has no text source"),
    ("[" * 100_000 + "]" * 100_000, "is not a Jupyter notebook: not JSON"),
])
def test_a_file_named_ipynb_that_is_no_notebook_is_one_line_and_exit_2(capsys, tmp_path,
                                                                       content, message):
    path = tmp_path / "bad.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lint_file(str(path))
    code, out, err = run(capsys, "lint", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_an_empty_notebook_file_is_an_empty_note(tmp_path):
    (tmp_path / "empty.ipynb").write_text("", encoding="utf-8")   # d2l's colab repo has some
    assert lint_file(str(tmp_path / "empty.ipynb")).claims == []


def test_a_folder_gives_its_notebooks_too_but_not_jupyters_checkpoints(capsys, tmp_path):
    wrong = _markdown("# Convolution\n", "\n",
                      "Params: $3 \\times 3 \\times 64 \\times 128 + 128 = 73728$\n")
    (tmp_path / "lecture.ipynb").write_text(_notebook(wrong), encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "lecture-checkpoint.ipynb").write_text(
        _notebook(wrong), encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Convolution\n\n$2 \\times 3 = 6$\n", encoding="utf-8")
    line = next(i for i, text in enumerate(
        (tmp_path / "lecture.ipynb").read_text(encoding="utf-8").splitlines(), 1) if "73728" in text)
    code, out, _ = run(capsys, "lint", str(tmp_path), "--jobs", "1")
    assert code == 1
    assert out.count(": wrong:") == 1 and f"lecture.ipynb:{line}: wrong:" in out
    assert "checkpoint" not in out and "2 files: 2 checked, 1 wrong" in out


def test_a_notebook_whose_outputs_pass_the_note_size_is_read_its_cells_text_is_not(tmp_path):
    """Outputs (plots as base64) make most of a notebook and are not read: a 3 MB notebook
    lints; 2 MB of text in its cells is refused as any note of that size is."""
    from symconv.limits import MAX_FILE_BYTES

    plot = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * 3_000_000}}
    cells = [_markdown("# Convolution\n", "\n", "Input: 32x32x64, filter 3x3, 128 filters.\n",
                       "\n", "Params: 73857\n"),
             {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["plot()\n"],
              "outputs": [plot]}]
    path = tmp_path / "plots.ipynb"
    path.write_text(_notebook(*cells), encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    assert [f.kind for f in lint_file(str(path)).claims] == ["wrong"]
    path.write_text(_notebook(_markdown("x" * MAX_FILE_BYTES)), encoding="utf-8")
    with pytest.raises(InputError, match="its cells hold more than 2,000,000 bytes of text"):
        lint_file(str(path))
