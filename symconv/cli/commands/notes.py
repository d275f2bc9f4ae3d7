"""Generate course notes: one note per layer type plus an index, in Markdown or LaTeX.

Every formula, derivation step and worked number comes from the engine. Files are
written atomically and marked with a content hash; a note a person edited after
generation is not overwritten without --force (exit 1, naming the file).

examples:
  symconv notes -o notes/
  symconv notes --format latex -o tex/ && (cd tex && pdflatex index.tex)
  symconv notes --layers conv,dw-sep --template-dir my-templates/ -o notes/
  symconv notes --check -o notes/      (exit 1 and list the files that differ)
"""

from __future__ import annotations

import sys
from pathlib import Path

#: the formats notes are written in (a note is a file: no plain-text or JSON notes).
FORMATS = ("markdown", "latex")
FORMAT_HINTS = {"text": "markdown", "txt": "markdown", "plain": "markdown", "json": "markdown",
                "html": "markdown", "pdf": "latex"}
FORMAT_HELP = "markdown (default) or latex"


def configure(parser) -> None:
    parser.add_argument("-o", "--output", metavar="DIR", default="notes",
                        help="directory to write the notes into (default: notes)")
    parser.add_argument("--layers", metavar="A,B",
                        help="only these layer notes, comma-separated (default: all)")
    parser.add_argument("--template-dir", metavar="DIR", action="append", default=[],
                        help="search this directory for templates before the built-in ones "
                             "(repeatable); override one template, keep the rest")
    parser.add_argument("--title", help="the title of the index")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that differ from "
                             "what generation would write")
    parser.add_argument("--force", action="store_true",
                        help="overwrite notes that were edited after generation")


def generate(fmt: str, layers: str | None = None, template_dirs=(), title: str | None = None):
    """The marked files of a note set, ``{filename: text}`` (nothing written)."""
    from ...notes.files import with_marker
    from ...notes.content import DEFAULT_TITLE, render_notes, select

    files = render_notes(fmt, select(layers), template_dirs, title or DEFAULT_TITLE)
    return {name: with_marker(text, fmt) for name, text in files.items()}


def run(args) -> int:
    from ...errors import InputError
    from ...notes.files import plan, write

    from ...suggest import plural

    fmt = args.format
    files = generate(fmt, args.layers, args.template_dir, args.title)
    directory = str(Path(args.output))  # "notes/" prints as "notes"
    if args.check:
        result = plan(files, directory)
        orphans = [] if args.layers else result.orphans  # a subset leaves the others alone
        if not result.changes and not orphans:
            print(f"{directory}: {plural(len(files), 'note')} up to date")
            return 0
        for name in result.changes:
            print(f"{directory}/{name}: {result.states[name]}")
        for name in orphans:
            print(f"{directory}/{name}: generated, but no longer part of the notes")
        differ = len(result.changes) + len(orphans)
        print(f"{plural(differ, 'note')} {'differs' if differ == 1 else 'differ'} from what "
              f"symconv notes writes; regenerate with: {_again(args, directory, result)}",
              file=sys.stderr)
        return 1
    result = write(files, directory, force=args.force)
    if result.blocked and not args.force:
        for name in result.blocked:
            what = "was edited after generation" if result.states[name] == "edited" else \
                "was not written by symconv notes"
            print(f"symconv notes: {directory}/{name} {what}; not overwriting it "
                  f"(use --force to replace it)", file=sys.stderr)
        return 1
    changed = result.changes
    if result.orphans and not args.layers:
        print(f"symconv notes: {', '.join(result.orphans)} in {directory} no longer belong to "
              f"the notes; delete them if they are not yours", file=sys.stderr)
    print(f"{directory}: wrote {len(changed)} of {plural(len(files), 'note')}"
          + (f" ({', '.join(changed)})" if 0 < len(changed) <= 4 else ""))
    return 0


def _again(args, directory: str, result) -> str:
    """The command that regenerates what --check found, as it works when typed: the same
    format, layers, templates and title, and --force when a note was edited by hand."""
    import shlex

    words = ["symconv", "notes", "--format", args.format, "-o", directory]
    if args.layers:
        words += ["--layers", args.layers]
    for folder in args.template_dir:
        words += ["--template-dir", folder]
    if args.title:
        words += ["--title", args.title]
    if any(result.states[name] in ("edited", "foreign") for name in result.changes):
        words.append("--force")  # an edited or foreign note is not overwritten without it
    return " ".join(shlex.quote(w) for w in words)
