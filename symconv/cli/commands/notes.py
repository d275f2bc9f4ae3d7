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

    fmt = "markdown" if args.format in ("text", "markdown") else args.format
    if fmt not in ("markdown", "latex"):
        raise InputError(f"notes are written as markdown or latex, not {args.format}")
    files = generate(fmt, args.layers, args.template_dir, args.title)
    directory = str(Path(args.output))  # "notes/" prints as "notes"
    if args.check:
        result = plan(files, directory)
        orphans = [] if args.layers else result.orphans  # a subset leaves the others alone
        if not result.changes and not orphans:
            print(f"{directory}: {len(files)} notes up to date")
            return 0
        for name in result.changes:
            print(f"{directory}/{name}: {result.states[name]}")
        for name in orphans:
            print(f"{directory}/{name}: generated, but no longer part of the notes")
        print(f"{len(result.changes) + len(orphans)} notes differ from what symconv notes "
              f"writes; regenerate with: symconv notes --format {fmt} -o {directory}",
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
    print(f"{directory}: wrote {len(changed)} of {len(files)} notes"
          + (f" ({', '.join(changed)})" if 0 < len(changed) <= 4 else ""))
    return 0
