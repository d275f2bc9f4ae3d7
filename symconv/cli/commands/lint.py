"""Check every formula and worked example in Markdown notes, like a compiler.

Checks chains of equalities ($32(5*5*8+1) = 6432$) link by link; formulas
labelled as a quantity (Params = $...$, MACs: $...$, #MACs, a '- = $...$'
continuation) under a heading or list item that names a layer type
(convolution, depthwise, pointwise / 1x1, depthwise separable, dilated,
strided, grouped) against the catalog; and numbers against the worked example
above them (Input: 128x128x8, Filter = 5x5x8x32, padding = valid|same,
stride = 2, dilation = 2). What cannot be parsed or placed is a note.
One line per finding (FILE:LINE: wrong: ...), like a compiler; --format json
for tools, markdown for a table (a review comment), latex for a list. Exit 0
when nothing is wrong, 1 when something is, 2 when a file cannot be read or a
note needs more than 5 s of processor time (the lines checked are reported,
the rest named).

A Jupyter notebook (.ipynb) is read cell by cell (Markdown cells as they are, code
cells as code), and each finding names the line of the .ipynb file that holds it; a
folder gives its *.md and *.ipynb files.

examples:
  symconv lint notes/conv.md
  symconv lint notes/
  symconv lint --format json notes/*.md
"""

from __future__ import annotations

from ..options import add_notation_options


def configure(parser) -> None:
    parser.add_argument("notes", metavar="NOTE.md", nargs="+",
                        help="Markdown, LaTeX or text files, or Jupyter notebooks (.ipynb: "
                             "their Markdown and code cells) to check; a folder means its "
                             "*.md and *.ipynb files")
    parser.add_argument("--jobs", type=int, metavar="N", default=None,
                        help="lint the files in N processes (default: one per core; 1: in this "
                             "process); the report is the same either way")
    add_notation_options(parser)
    parser.add_argument("--quiet", action="store_true",
                        help="report what is wrong only, not the notes")
    parser.add_argument("--show-ok", action="store_true",
                        help="also print the claims that hold, with how each was read")


def run(args) -> int:
    from ...lint.findings import report
    from ...lint.note import lint_file
    from ...formula.parse import parse_aliases

    aliases = parse_aliases(args.alias)
    files = note_files(args.notes)
    results = lint_files(lint_file, files, args.notation, aliases, args.jobs)
    shown = ("ok", "wrong", "note") if args.format == "json" or args.show_ok else ("wrong", "note")
    findings = [f for r in results for f in r.claims
                if f.kind in shown and not (args.quiet and f.kind == "note")]
    checked = sum(r.checked for r in results)
    wrong = sum(r.wrong for r in results)
    notes = sum(r.notes for r in results)
    print(report(findings, files, checked, wrong, notes, args.format))
    skipped = [r.skipped for r in results if r.skipped]
    if skipped:   # the report above has what was checked; the rest is named, exit 2
        from ...errors import InputError

        raise InputError("; ".join(skipped))
    return 1 if wrong else 0


def note_files(paths: list[str]) -> list[str]:
    """The notes to lint: each file as given; a folder gives the ``*.md`` and ``*.ipynb`` files
    in it and its subfolders, sorted (hidden folders, such as Jupyter's checkpoints, and
    symbolic links are not followed)."""
    import os

    from ...errors import InputError

    files = []
    for path in paths:
        if not os.path.isdir(path):
            files.append(path)
            continue
        found = []
        for root, folders, names in os.walk(path):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            found += [os.path.join(root, n) for n in sorted(names)
                      if n.endswith((".md", ".ipynb"))
                      and not os.path.islink(os.path.join(root, n))]
        if not found:
            raise InputError(f"{path} is a directory with no notes (*.md, *.ipynb) in it")
        files += found
    return files


def lint_files(lint_file, files: list[str], notation, aliases, jobs: int | None) -> list:
    """``lint_file`` on every file, in order; several files run in a pool of processes, one
    per core, each linting whole files (a note is the unit: its claims refer to each other).

    The results come back in the files' order and an unreadable file raises the same
    error as it would alone, so the report is the one a single process writes.
    """
    import os

    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = min(jobs or 1, len(files))
    if jobs <= 1:   # one note: no pool (and no import of one, ~8 ms)
        return [lint_file(path, notation, aliases) for path in files]
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return [lint_file(path, notation, aliases) for path in files]
    # fork: the workers start with everything this process has imported (sympy included)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(lint_file, files, itertools.repeat(notation),
                             itertools.repeat(aliases)))
