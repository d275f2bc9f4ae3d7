"""The Jinja2 environment every template renders in: a sandbox with bounded work.

A ``--template-dir`` is code written by someone else, so templates (the built-in ones
too, it costs nothing) render in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`:
no attribute that starts with ``_``, no ``str.format`` tricks, ``range`` capped. On top of
it, symconv bounds what a template can make the machine do:

- every ``{% for %}`` loop's iterable passes a counter; all loops of one rendering share
  :data:`~symconv.limits.MAX_TEMPLATE_LOOPS` iterations;
- ``*`` and ``**`` refuse results larger than the output limit (``"x" * 10**9``, ``9**9**9``);
- the rendered text is collected chunk by chunk and refused past
  :data:`~symconv.limits.MAX_TEMPLATE_OUTPUT` characters;
- template files are read like every user file (:func:`symconv.limits.read_text`: regular
  files, 1 MB, UTF-8), never ``..`` outside their folder.

A template folder is trusted as far as the sandbox allows: it cannot read files, import,
or reach Python internals, but it decides what the notes say.

>>> env = sandboxed_environment([], {})
>>> render_bounded(env.from_string("{% for i in range(3) %}{{ i }}{% endfor %}"), {})
'012'
>>> render_bounded(env.from_string("{% for i in range(99999) %}{% for j in range(9) %}"
...                                "{% endfor %}{% endfor %}"), {})
Traceback (most recent call last):
...
jinja2.exceptions.SecurityError: the template's loops run more than 100,000 times
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from ..errors import InputError
from ..limits import MAX_TEMPLATE_LOOPS, MAX_TEMPLATE_OUTPUT, read_text

_COUNTER = "__symconv_loop_counter__"  # a filter name no template can shadow


class _Loader(jinja2.BaseLoader):
    """Templates from folders, read as user files (no FIFO, no device, no huge file)."""

    def __init__(self, dirs):
        self.dirs = [Path(d) for d in dirs]

    def get_source(self, environment, template):
        parts = template.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise jinja2.TemplateNotFound(template)
        for folder in self.dirs:
            path = folder.joinpath(*parts)
            if os.path.lexists(path):
                text = read_text(path, "template file")
                mtime = os.path.getmtime(path)
                return text, str(path), lambda p=path, m=mtime: os.path.exists(p) and \
                    os.path.getmtime(p) == m
        raise jinja2.TemplateNotFound(template)


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _COUNTER, [], [], None, None, lineno=loop.lineno)
        return tree

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > 4096:
                raise jinja2.sandbox.SecurityError("a power in the template is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                        and len(seq) * times > MAX_TEMPLATE_OUTPUT:
                    raise jinja2.sandbox.SecurityError("a repetition in the template is too large")
        return super().call_binop(context, operator, left, right)


@jinja2.pass_environment
def _count(env, iterable):
    for item in iterable:
        env.loops_left -= 1
        if env.loops_left < 0:
            raise jinja2.sandbox.SecurityError(
                f"the template's loops run more than {MAX_TEMPLATE_LOOPS:,} times")
        yield item


def sandboxed_environment(dirs, options: dict) -> jinja2.Environment:
    """A sandboxed environment over template folders ``dirs`` (searched in order)."""
    env = _Sandbox(loader=_Loader(dirs), undefined=jinja2.StrictUndefined, autoescape=False,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, **options)
    env.filters[_COUNTER] = _count
    env.loops_left = MAX_TEMPLATE_LOOPS
    return env


def render_bounded(template: jinja2.Template, context: dict) -> str:
    """Render with a fresh loop budget; refuse output past the limit."""
    env = template.environment
    env.loops_left = MAX_TEMPLATE_LOOPS
    out, size = [], 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_TEMPLATE_OUTPUT:
            raise InputError(f"template {template.name}: the output is more than "
                             f"{MAX_TEMPLATE_OUTPUT:,} characters")
        out.append(chunk)
    return "".join(out)
