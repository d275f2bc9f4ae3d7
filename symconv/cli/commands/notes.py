"""Generate course notes: one note per layer type plus an index, in Markdown or LaTeX,
with figures, the author's worked example and notation, exercises and network notes.

Every formula, derivation step, figure and worked number comes from the engine. Files are
written atomically and marked with a content hash; a note a person edited after
generation is not overwritten without --force (exit 1, naming the file). Settings may
also come from notes.toml (or [tool.symconv.notes] in pyproject.toml); the options here
override them.

examples:
  symconv notes -o notes/
  symconv notes --format latex -o tex/ && (cd tex && pdflatex index.tex && pdflatex index.tex)
  symconv notes --example "D_in=16 D_out=64 K=3 W_in=56 H_in=56 padding=same" -o week3/
  symconv notes --example "dense: D_in=1024 D_out=1000" --notation mobilenet -o notes/
  symconv notes --exercises 3 --seed 7 --links wiki -o vault/
  symconv notes --net mobilenet-v1 --layers conv,dw-sep -o notes/
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
    parser.add_argument("-o", "--output", metavar="DIR", default=None,
                        help="directory to write the notes into (default: notes)")
    parser.add_argument("--layers", metavar="A,B",
                        help="only these layer notes, comma-separated (default: all)")
    parser.add_argument("--template-dir", metavar="DIR", action="append", default=None,
                        help="search this directory for templates before the built-in ones "
                             "(repeatable); override one template, keep the rest")
    parser.add_argument("--title", help="the title of the index")
    parser.add_argument("--example", metavar="'NAME=VALUE ...'", action="append", default=None,
                        help="the worked examples' numbers, e.g. \"D_in=8 D_out=32 K=5 "
                             "W_in=128 H_in=128 padding=valid\"; \"dense: D_in=512\" sets one "
                             "layer's (repeatable)")
    parser.add_argument("--notation", metavar="NAME",
                        help="print every formula in another author's letters "
                             "(mobilenet, cin-cout, pytorch, d2l, dumoulin, cs231n)")
    parser.add_argument("--links", choices=("markdown", "wiki"), default=None,
                        help="links between notes: [conv](conv.md) (default) or [[conv]] "
                             "(Obsidian)")
    parser.add_argument("--exercises", metavar="N", type=int, default=None,
                        help="N exercises per note, with a separate answer key")
    parser.add_argument("--seed", type=int, default=None,
                        help="the exercises' random seed (the same seed, the same exercises)")
    parser.add_argument("--net", metavar="NAME|SPEC",
                        help="add a network note: a zoo name (mobilenet-v1) or a spec file")
    parser.add_argument("--no-figures", dest="figures", action="store_false", default=None,
                        help="leave the figures out")
    parser.add_argument("--config", metavar="FILE",
                        help="read settings from FILE (default: notes.toml, or "
                             "[tool.symconv.notes] in pyproject.toml, if present)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that differ from "
                             "what generation would write")
    parser.add_argument("--force", action="store_true",
                        help="overwrite notes that were edited after generation")


def book_from(args, config: dict | None = None):
    """The :class:`~symconv.notes.book.Book` of the command line over the config file."""
    from ...notes.book import DEFAULT_TITLE, Book
    from ...notes.content import select
    from ...notes.example import Examples

    config = config or {}

    def pick(name, default=None):
        value = getattr(args, name, None)
        return value if value is not None else config.get(name, default)

    layers = args.layers if args.layers else config.get("layers")
    examples = Examples.parse((config.get("example") or []) + (args.example or []),
                              config.get("examples"))
    return Book(title=pick("title", DEFAULT_TITLE), layers=tuple(select(layers)),
                template_dirs=tuple(config.get("template_dir", []) + (args.template_dir or [])),
                examples=examples, notation=pick("notation"), links=pick("links", "markdown"),
                exercises=pick("exercises", 0), seed=pick("seed", 0), net=pick("net"),
                figures=pick("figures", True))


def generate(fmt: str, layers: str | None = None, template_dirs=(), title: str | None = None,
             book=None):
    """The marked files of a note set, ``{filename: text}`` (nothing written)."""
    from ...notes.book import DEFAULT_TITLE, Book, render_book
    from ...notes.content import select
    from ...notes.files import with_marker

    if book is None:
        book = Book(title=title or DEFAULT_TITLE, layers=tuple(select(layers)),
                    template_dirs=tuple(template_dirs))
    files = render_book(fmt, book)
    return {name: with_marker(text, "latex" if name.endswith(".tex") else "markdown")
            for name, text in files.items()}


def run(args) -> int:
    from ...errors import InputError
    from ...notes import config as notes_config
    from ...notes.files import plan, write
    from ...suggest import plural

    where = notes_config.find(args.config)
    config = notes_config.load(where) if where else {}
    fmt = args.format
    if args.output is not None and not args.output.strip():
        raise InputError("-o needs a folder name (an empty one is not the current folder)")
    files = generate(fmt, book=book_from(args, config))
    directory = str(Path(args.output or config.get("output", "notes")))  # "notes/" -> "notes"
    subset = bool(args.layers or config.get("layers"))
    if args.check:
        result = plan(files, directory)
        orphans = [] if subset else result.orphans  # a subset leaves the others alone
        if not result.changes and not orphans:
            print(f"{directory}: {plural(len(files), 'file')} up to date")
            return 0
        for name in result.changes:
            print(f"{directory}/{name}: {result.states[name]}")
        for name in orphans:
            print(f"{directory}/{name}: generated, but no longer part of the notes")
        differ = len(result.changes) + len(orphans)
        print(f"{plural(differ, 'file')} {'differs' if differ == 1 else 'differ'} from what "
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
    if result.orphans and not subset:
        print(f"symconv notes: {', '.join(result.orphans)} in {directory} no longer belong to "
              f"the notes; delete them if they are not yours", file=sys.stderr)
    print(f"{directory}: wrote {len(changed)} of {plural(len(files), 'file')}"
          + (f" ({', '.join(changed)})" if 0 < len(changed) <= 4 else ""))
    return 0


def _again(args, directory: str, result) -> str:
    """The command that regenerates what --check found, as it works when typed: the same
    format, layers, templates and title, and --force when a note was edited by hand."""
    import shlex

    words = ["symconv", "notes", "--format", args.format, "-o", directory]
    if args.layers:
        words += ["--layers", args.layers]
    for folder in args.template_dir or ():
        words += ["--template-dir", folder]
    for example in args.example or ():
        words += ["--example", example]
    for option in ("notation", "links", "exercises", "seed", "net", "config"):
        if getattr(args, option) is not None:
            words += [f"--{option}", str(getattr(args, option))]
    if args.figures is False:
        words.append("--no-figures")
    if args.title:
        words += ["--title", args.title]
    if any(result.states[name] in ("edited", "foreign") for name in result.changes):
        words.append("--force")  # an edited or foreign note is not overwritten without it
    return " ".join(shlex.quote(w) for w in words)
