"""symconv/notes/sandbox.py: templates render in a sandbox with bounded work."""

import jinja2
import pytest

from symconv.errors import InputError
from symconv.notes.sandbox import render_bounded, sandboxed_environment


def _render(source: str, **context) -> str:
    env = sandboxed_environment([], {})
    return render_bounded(env.from_string(source), context)


def test_ordinary_templates_render():
    assert _render("{% for r in rows %}{{ r.name }}={{ r.value }};{% endfor %}",
                   rows=[{"name": "a", "value": 1}, {"name": "b", "value": 2}]) == "a=1;b=2;"
    assert _render("{{ 2 ** 10 }} {{ 'ab' * 3 }}") == "1024 ababab"


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",                     # Python internals
    "{{ cycler.__init__.__globals__ }}",
    "{{ (1).__class__.__base__.__subclasses__() }}",
    "{% for i in range(100000) %}{% for j in range(2) %}{% endfor %}{% endfor %}",  # loops
    "{{ 'x' * 1000000000 }}",                         # a gigabyte string
    "{{ 9 ** 999999 }}",                              # a huge number
])
def test_the_sandbox_refuses(source):
    with pytest.raises(jinja2.exceptions.SecurityError):
        _render(source)


def test_output_is_capped():
    with pytest.raises(InputError, match="output is more than"):
        _render("{% for i in range(20000) %}{{ 'y' * 1000 }}{% endfor %}")


def test_the_loop_budget_is_per_rendering():
    env = sandboxed_environment([], {})
    template = env.from_string("{% for i in range(60000) %}{% endfor %}ok")
    assert render_bounded(template, {}) == "ok"
    assert render_bounded(template, {}) == "ok"  # a fresh budget each time


def test_template_files_are_read_as_user_files(tmp_path):
    import os

    os.mkfifo(tmp_path / "t.j2")
    (tmp_path / "ok.j2").write_text("fine")
    env = sandboxed_environment([str(tmp_path)], {})
    assert render_bounded(env.get_template("ok.j2"), {}) == "fine"
    with pytest.raises(InputError, match="not a regular file"):
        env.get_template("t.j2")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("../etc/passwd")
