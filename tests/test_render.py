"""Rendering: template search path, environments, filters, escaping, show/ratio through templates."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from symconv.notes import render
from symconv.notes.book import notation_style
from symconv.errors import InputError

from cli_run import run

REPO = Path(__file__).resolve().parent.parent


def test_builtin_templates_are_found_in_the_checkout():
    assert render.builtin_template_dir() == REPO / "templates"
    for name in ("layer", "index", "ratio", "quantities", "macros"):
        for suffix in ("md", "tex"):
            assert (REPO / "templates" / f"{name}.{suffix}.j2").is_file()


def test_every_format_registers_the_same_filters():
    assert set(render.FILTERS["markdown"]) <= set(render.FILTERS["latex"])
    for fmt in render.FILTERS:
        env = render.environment(fmt)
        for name, function in render.FILTERS[fmt].items():
            assert env.filters[name] is function


@pytest.mark.parametrize("char, escaped", [
    ("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("%", r"\%"), ("#", r"\#"),
    ("_", r"\_"), ("&", r"\&"), ("$", r"\$"), ("^", r"\^{}"), ("~", r"\~{}")])
def test_latex_escapes_each_special_character(char, escaped):
    assert render.escape_latex(f"a{char}b") == f"a{escaped}b"


def _inline_tokens(markdown: str):
    md = MarkdownIt("commonmark")
    (_, inline, _) = md.parse(markdown)
    return inline.children


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable.replace("\n", "").replace("\r", "")
               .replace("\x0b", "").replace("\x0c", ""), min_size=1, max_size=40))
def test_escaped_markdown_reads_back_as_the_same_plain_text(text):
    text = text.strip()
    if not text:
        return
    tokens = _inline_tokens("word " + render.escape_markdown(text))
    assert all(t.type in ("text", "softbreak") for t in tokens), [t.type for t in tokens]
    assert "".join(t.content for t in tokens) == "word " + text


def test_hostile_markdown_makes_no_link_emphasis_or_html():
    hostile = "<script>x</script> *a* _b_ [l](http://e) ![i](x) `c` $x$ | # ~~s~~"
    tokens = _inline_tokens(render.escape_markdown(hostile))
    assert [t.type for t in tokens] == ["text"]
    assert tokens[0].content == hostile


def test_latex_environment_leaves_tex_braces_and_percent_alone(tmp_path):
    (tmp_path / "layer.tex.j2").write_text(
        "\\newcommand{\\x}{{a}} {% raw %} {{ not jinja }} % comment\n"
        "\\VAR{name|text}\\BLOCK{if yes} yes\\BLOCK{endif}\n")
    out = render.render("layer", "latex", {"name": "a_b", "yes": True}, [tmp_path])
    assert out == "\\newcommand{\\x}{{a}} {% raw %} {{ not jinja }} % comment\na\\_b yes"


def test_a_user_template_directory_overrides_one_template_and_keeps_the_rest(tmp_path):
    (tmp_path / "quantities.md.j2").write_text("CUSTOM {{ glance.rows|length }} rows\n")
    out = render.render("layer", "markdown", _conv_context(), [tmp_path])
    assert "CUSTOM 6 rows" in out and "## Worked example" in out


def _conv_context():
    from symconv.notes.content import layer_context
    from symconv.notes.example import Examples

    return {**layer_context("conv", Examples(), render.Style()), "notes": ["conv"],
            "exercises": []}


def test_template_errors_name_the_template(tmp_path):
    (tmp_path / "layer.md.j2").write_text("{{ nothing_here }}\n")
    with pytest.raises(InputError, match="layer.md.j2.*nothing_here"):
        render.render("layer", "markdown", {}, [tmp_path])
    (tmp_path / "index.md.j2").write_text("{% if %}\n")
    with pytest.raises(InputError, match="index.md.j2, line 1"):
        render.render("index", "markdown", {}, [tmp_path])


def test_a_missing_template_directory_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "notes", "-o", str(tmp_path / "out"),
                       "--template-dir", str(tmp_path / "nope"))
    assert code == 2 and "template directory" in err and "does not exist" in err


def test_templates_receive_structured_values_and_print_them_with_filters(tmp_path):
    """A custom template changes presentation without Python: it gets the expressions,
    numbers, steps and settings themselves, and the filters to print them."""
    import sympy

    context = _conv_context()
    assert isinstance(context["params_expr"], sympy.Expr)
    assert isinstance(context["example"]["numbers"]["macs"], int)
    (tmp_path / "layer.md.j2").write_text(
        "{{ params_expr|latex }} | {{ (example.numbers.macs / 1e6)|round(1) }} M | "
        "{% for s in glance.settings %}{{ s.name }}={{ s.value|setting }};{% endfor %} | "
        "{{ macs.steps[0]|step(false) }} | {{ example.rows[0].step|numbers(example.subs) }}\n")
    out = render.render("layer", "markdown", context, [tmp_path])
    assert out == (r"D_{out} \left(W_{F} H_{F} D_{in} + 1\right) | 98.4 M | "
                   "stride=1;padding=valid;dilation=1;groups=1;bias=on; | "
                   r"W_{F} H_{F} D_{in} \cdot W_{out} H_{out} \cdot D_{out} | "
                   r"32 \cdot \left(5 \cdot 5 \cdot 8 + 1\right)" + "\n")
    mobilenet = render.render("layer", "markdown", context, [tmp_path],
                              notation_style("mobilenet"))
    assert mobilenet.startswith(r"N \left(D_{K}^{2} M + 1\right)")


def test_numeric_latex_keeps_the_computation_visible():
    from symconv.symbols import D_in, D_out, H_F, W_F

    assert render.numeric_latex(D_out * (W_F * H_F * D_in + 1),
                                {D_out: 32, W_F: 5, H_F: 5, D_in: 8}) == \
        r"32 \cdot \left(5 \cdot 5 \cdot 8 + 1\right)"


def test_show_markdown_renders_through_the_quantities_template(capsys):
    code, out, _ = run(capsys, "show", "conv", "--format", "markdown")
    assert code == 0
    assert "| quantity | formula | what it counts |" in out
    assert r"| MACs | $W_{F} H_{F} D_{in} D_{out} W_{out} H_{out}$ |" in out


def test_show_latex_is_an_align_block(capsys):
    code, out, _ = run(capsys, "show", "dw-sep", "--no-bias", "--format", "latex")
    assert code == 0 and r"\begin{align*}" in out and r"\end{align*}" in out
    assert r"\text{params} &= W_{F} H_{F} D_{in} + D_{in} D_{out}" in out


def test_ratio_markdown_derives_the_dw_sep_ratio_step_by_step(capsys):
    code, out, _ = run(capsys, "ratio", "--dw-sep", "--format", "markdown")
    assert code == 0
    assert r"&= \frac{1}{D_{out}} + \frac{1}{W_{F} H_{F}}" in out
    assert "8 to 9 times fewer MACs" in out and r"$D_{out} \geq 72$" in out


def test_ratio_latex_states_the_limits(capsys):
    code, out, _ = run(capsys, "ratio", "grouped", "conv", "--format", "latex")
    assert code == 0 and r"&= \frac{1}{g}" in out and "$g$ & $0$" in out
