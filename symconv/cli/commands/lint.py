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
when nothing is wrong, 1 when something is, 2 when a file cannot be read.

examples:
  symconv lint notes/conv.md
  symconv lint --format json notes/*.md
"""

from __future__ import annotations

from ..options import add_notation_options


def configure(parser) -> None:
    parser.add_argument("notes", metavar="NOTE.md", nargs="+", help="Markdown files to check")
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
    results = [lint_file(path, args.notation, aliases) for path in args.notes]
    shown = ("ok", "wrong", "note") if args.format == "json" or args.show_ok else ("wrong", "note")
    findings = [f for r in results for f in r.claims
                if f.kind in shown and not (args.quiet and f.kind == "note")]
    checked = sum(r.checked for r in results)
    wrong = sum(r.wrong for r in results)
    notes = sum(r.notes for r in results)
    print(report(findings, list(args.notes), checked, wrong, notes, args.format))
    return 1 if wrong else 0
