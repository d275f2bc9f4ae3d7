"""What an author chooses (example, notation, links, config, exercises, a network note), and a
walk over every generated note for the classes of defect a course author found: an empty
table, a setting the formulas use but the note does not state, a symbol it never defines."""

from __future__ import annotations

import json
import re

import pytest

from symconv.cli.commands.notes import generate
from symconv.errors import InputError
from symconv.layers import REGISTRY
from symconv.layers.options import OPTION_NAMES, SWITCHES
from symconv.notes.book import Book
from symconv.notes.example import Examples, example_layer

from cli_run import run

SETS = {
    "default": Book(),
    "example": Book(examples=Examples.parse(["D_in=16 D_out=64 K=3 W_in=56 H_in=56 "
                                             "padding=same stride=2",
                                             "dense: D_in=1024 D_out=1000"])),
    "mobilenet": Book(notation="mobilenet", layers=("conv", "depthwise", "pointwise", "dw-sep")),
    "exercises": Book(exercises=4, seed=3, links="wiki"),
    "net": Book(net="mobilenet-v1", layers=("conv",)),
}


@pytest.fixture(scope="module", params=list(SETS))
def note_set(request):
    book = SETS[request.param]
    return request.param, book, generate("markdown", book=book), generate("latex", book=book)


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


# --- the walk: empty tables, unstated settings, undefined symbols --------------------------

def test_no_table_is_empty(note_set):
    name, _, markdown, latex = note_set
    for file, text in markdown.items():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):  # a header separator
                body = lines[i + 1] if i + 1 < len(lines) else ""
                assert body.startswith("|"), f"{name}/{file}: empty table under {lines[i - 1]}"
    for file, text in latex.items():
        for body in re.findall(r"\\begin\{(?:tabular|longtable)\}.*?\\hline(.*?)\\end\{", text,
                               re.S):
            assert "\\\\" in body, f"{name}/{file}: empty LaTeX table"


def _options_of(layer) -> dict[str, str]:
    """The layer's options and their values in words, read off the dataclass (not the note)."""
    out = {}
    for option in OPTION_NAMES:
        if hasattr(layer, option):
            value = getattr(layer, option)
            if option in SWITCHES:
                value = "on" if value else "off"
            elif isinstance(value, tuple) and value[0] == value[1]:
                value = value[0]
            out[option.replace("_", " ")] = str(value)
    return out


def test_every_setting_a_note_uses_is_stated(note_set):
    name, book, markdown, _ = note_set
    for layer_name in book.layers or REGISTRY:
        sections = _sections(markdown[f"{layer_name}.md"])
        glance = sections["At a glance"]
        for option, value in _options_of(REGISTRY[layer_name]()).items():
            if value[0].isdigit() or value in ("valid", "same", "full", "on", "off"):
                assert f"{option} {value}" in glance, (name, layer_name, option)
            else:  # a symbol (grouped's g, pooling's stride W_F) is shown as math
                assert f"{option} $" in glance or f"{option} ($" in glance, (layer_name, option)
        setting = sections["Worked example"].split("\n\n")[1]
        for option, value in _options_of(example_layer(REGISTRY[layer_name],
                                                        book.examples)).items():
            assert f"{option} {value}" in setting, (name, layer_name, option, setting)


_SYMBOL = re.compile(r"(?<![\\A-Za-z])([A-Za-z])_\{([A-Za-z]+)\}")


def test_every_symbol_a_note_uses_is_defined(note_set):
    name, book, markdown, _ = note_set
    for layer_name in book.layers or REGISTRY:
        text = markdown[f"{layer_name}.md"]
        sections = _sections(text)
        defined = set(_SYMBOL.findall(sections["Symbols"]))
        body = re.sub(r"\\text\{[^{}]*\}", "", text.split("## Symbols", 1)[1])
        math = " ".join(m for pair in re.findall(r"\$\$(.*?)\$\$|\$([^$]+)\$", body, re.S)
                        for m in pair)
        used = set(_SYMBOL.findall(math))
        assert used <= defined, (name, layer_name, sorted(used - defined))


# --- the defects, one by one ---------------------------------------------------------------

def test_the_pointwise_note_has_no_padding_or_dilation():
    note = generate("markdown", "pointwise")["pointwise.md"]
    size = _sections(note)["Output size"]
    assert "padding" not in size and "dilation" not in size
    assert "| stride 1 | $S_{W} = 1$ | $W_{in}$ |" in size


def test_the_transposed_output_size_has_its_output_padding():
    note = generate("markdown", "transposed-conv")["transposed-conv.md"]
    size = _sections(note)["Output size"]
    assert "W_{out} = S_{W} \\left(W_{in} - 1\\right) + d_{W} \\left(W_{F} - 1\\right) + a_{W} " \
        "- 2 P_{W} + 1" in size
    assert "| $a_{W}$ | output padding of a transposed conv, along the width" in \
        _sections(note)["Symbols"]


def test_dense_inputs_are_features_not_channels():
    symbols = _sections(generate("markdown", "dense")["dense.md"])["Symbols"]
    assert "| $D_{in}$ | input features" in symbols and "channels" not in symbols


def test_the_depthwise_ratio_is_the_one_symconv_ratio_gives(capsys):
    code, out, _ = run(capsys, "ratio", "depthwise", "conv", "--format", "json")
    expected = json.loads(out)["ratio"]["latex"]
    note = generate("markdown", "depthwise")["depthwise.md"]
    derivation = _sections(note)["Compared with the standard convolution"]
    assert f" &= {expected}\n\\end{{aligned}}" in derivation
    assert expected == r"\frac{1}{D_{out}}"


def test_latex_at_a_glance_is_math_not_escaped_text():
    tex = generate("latex", "conv")["conv.tex"]
    glance = tex.split(r"\section*{At a glance}")[1].split(r"\section*")[0]
    assert r"\begin{align*}" in glance and r"W_{out} &= W_{in} - W_{F} + 1" in glance
    assert r"\_" not in glance and "*" not in glance.replace("align*", "")
    assert "stride 1, padding valid, dilation 1, groups 1, bias on" in glance


# --- the author's choices ------------------------------------------------------------------

def test_the_authors_example_sets_every_worked_number():
    book = Book(layers=("conv",), examples=Examples.parse(
        ["D_in=3 D_out=16 K=3 W_in=32 H_in=32 padding=1 stride=2"]))
    note = generate("markdown", book=book)["conv.md"]
    example = _sections(note)["Worked example"]
    # by hand: floor((32 + 2 - 3)/2) + 1 = 16; params 16 (27 + 1) = 448; MACs 27 * 256 * 16
    assert "input $32 \\times 32 \\times 3$, $16$ filters of $3 \\times 3 \\times 3$" in example
    assert "stride 2, padding 1" in example
    assert "| 16 |" in example and "| 448 |" in example and "| 110,592 |" in example


def test_a_per_layer_example_changes_only_that_layer():
    examples = Examples.parse(["dense: D_in=1024 D_out=1000"])
    assert examples.spec("dense")["D_in"] == 1024 and examples.spec("conv")["D_in"] == 8


@pytest.mark.parametrize("text, message", [
    ("D_in=8 nonsense", "NAME=VALUE"), ("Q=3", "unknown symbol"),
    ("D_in=-3", "positive"), ("padding=sideways", "padding"),
])
def test_a_bad_example_is_one_clear_error(text, message):
    with pytest.raises(InputError, match=message):
        Examples.parse([text])


def test_an_example_that_cannot_exist_names_the_layer(capsys, tmp_path):
    code, _, err = run(capsys, "notes", "-o", str(tmp_path), "--layers", "conv",
                       "--example", "K=9 W_in=4 H_in=4")
    assert code == 2 and "worked example of conv" in err and not any(tmp_path.iterdir())


def test_the_mobilenet_notation_prints_the_papers_letters():
    note = generate("markdown", book=SETS["mobilenet"])["dw-sep.md"]
    assert r"D_{K}^{2} M D_{F}^{2} + M N D_{F}^{2}" in note  # the paper's (4)
    assert r"\frac{1}{N} + \frac{1}{D_{K}^{2}}" in note       # the paper's (5)
    assert "D_{in}" not in note.split("## Worked example")[0].split("## Symbols")[1]
    index = generate("markdown", book=SETS["mobilenet"])["index.md"]
    assert "$M$ is `D_in`" in index


def test_an_unknown_notation_lists_the_known_ones(capsys, tmp_path):
    code, _, err = run(capsys, "notes", "-o", str(tmp_path), "--notation", "klingon")
    assert code == 2 and "mobilenet" in err and "cin-cout" in err


def test_wiki_links_for_obsidian():
    files = generate("markdown", book=Book(layers=("conv", "dw-sep"), links="wiki"))
    assert "[[dw-sep]]" in files["conv.md"] and "](dw-sep.md)" not in files["conv.md"]


def test_notes_toml_holds_the_authors_choices(capsys, tmp_path, monkeypatch):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "index.md.j2").write_text("# {{ title|text }} (my index)\n")
    (tmp_path / "notes.toml").write_text(
        'title = "Week 3"\nlayers = ["conv", "dw-sep"]\ntemplate_dir = "mine"\n'
        'example = "K=3"\nnotation = "cin-cout"\nlinks = "wiki"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "notes", "-o", "out")
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "conv.md" in written and "dense.md" not in written
    assert "# Week 3 (my index)" in (tmp_path / "out" / "index.md").read_text()
    conv = (tmp_path / "out" / "conv.md").read_text()
    assert "[[dw-sep]]" in conv and "filters of $3 \\times 3" in conv and "C_{in}" in conv


def test_pyproject_tool_table_and_bad_keys(capsys, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.symconv.notes]\nlayers = ["dense"]\n')
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "notes", "-o", "out")[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dense.md", "index.md"]
    (tmp_path / "notes.toml").write_text('titel = "typo"\n')
    code, _, err = run(capsys, "notes", "-o", "out")
    assert code == 2 and "unknown key 'titel'" in err


def test_a_network_note_has_its_table_closed_form_and_plot():
    files = generate("markdown", book=SETS["net"])
    note = files["net-mobilenet-v1.md"]
    # the published MobileNet v1 count at 224 x 224 (Howard et al., Table 1)
    assert "568,740,352 MACs" in note and "4,231,976 parameters" in note
    # 22629/2 * 224 * 224 + 1,024,000 = 568,740,352: the closed form gives the published count
    assert r"&= \frac{22629 H W}{2} + 1024000" in note
    assert "net-mobilenet-v1-macs.svg" in files and "(net-mobilenet-v1.md)" in files["index.md"]
