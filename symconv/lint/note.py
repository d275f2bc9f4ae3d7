"""Linting a note written by anyone: read the whole note, list its claims with their candidate
readings, let the engine evaluate each reading, and let one judge decide.

Claims come from three readers: arithmetic chains anywhere (:mod:`.chains`), worked
examples and the shapes they lead to (:mod:`.examples`), and formulas labelled as a
quantity in the course's style (:mod:`.catalog`). :mod:`.judge` alone says ok, wrong or note.

>>> note = '''# Convolution
... - Input: 128x128x8, Filter = 5x5x8x32, padding = valid
... - MACs = $5*5*8*32*124*124*32$
... - the 1x1 part: 28*28*16*192 = 2.4 Mil'''
>>> for f in lint_text(note, "conv.md").claims: print(f.text())
conv.md:3: wrong: MACs = 3149004800, expected 98406400 (off by a factor of 32) (read as MACs of a conv layer, worked example: input 128x128x8, 5x5 filters, 32 of them, padding valid)
conv.md:4: ok: 28*28*16*192 = 2.4 Mil holds (read as plain arithmetic)
"""

from __future__ import annotations

from ..errors import InputError
from ..limits import MAX_FILE_BYTES, MAX_NOTEBOOK_BYTES, read_text
from .budget import Budget, skipped_note
from .catalog import catalog_claims
from .chains import chains
from .claim import Claim
from .examples import example_claims
from .findings import Finding, LintResult
from .judge import judge
from .notation import detect
from .source import read_lines
from .totals import total_claims


def _finding(path: str, claim: Claim) -> Finding:
    v = judge(claim)
    r = v.reading
    return Finding(path, claim.line, v.verdict, v.message, claim.text, quantity=claim.kind, layer=claim.layer,
                   given=r.given if r else None, expected=r.expected if r else None,
                   reading=r.how if r else None, cause=r.cause if r else None,
                   convention=r.convention if r else None, source=r.source if r else None)


def lint_text(text: str, path: str = "NOTE.md", notation: str | None = None,
              aliases: dict[str, str] | None = None, budget: Budget | None = None) -> LintResult:
    """Lint the text of one note, within ``budget`` (default: a new :class:`Budget` of
    :data:`~symconv.limits.LINT_CPU_SECONDS`); claims past the line where it ran out are left
    out, and one note (and :attr:`LintResult.skipped`) says which lines."""
    budget = Budget() if budget is None else budget
    lines = read_lines(text)
    claims: list[Claim] = []
    by_line: dict[int, list[Claim]] = {}
    for i, line in enumerate(lines):
        if not budget.allows(line.number, look=i % 64 == 0):   # microseconds a line: look now and then
            break
        found = chains(line.text, line.number)
        by_line[line.number] = found
        claims.extend(found)
    reached = lines if budget.cut is None else [line for line in lines if line.number < budget.cut]
    claims.extend(total_claims(reached, by_line))
    claims.extend(example_claims(reached))
    seen = {(c.line, c.text) for c in claims}
    if notation is None:   # the author's letters, detected from the note (a flag wins)
        notation, found = detect(text)
        aliases = {**found, **(aliases or {})}
    for c in catalog_claims(text.lstrip("\ufeff"), notation, aliases, budget):
        if c.kind != "formula" or (c.line, c.text) not in seen:   # a chain is read once
            claims.append(c)
    notes = set()
    unique = []
    for c in claims:   # one note per line and message (the formula cap is noted twice otherwise)
        if budget.cut is not None and c.line >= budget.cut:
            continue
        if not c.readings and c.note:
            if (c.line, c.note) in notes:
                continue
            notes.add((c.line, c.note))
        unique.append(c)
    skipped = None
    if budget.cut is not None:
        skipped = skipped_note(budget, lines[-1].number if lines else budget.cut)
        unique.append(Claim(budget.cut, "", "limit", note=skipped))
    claims = sorted(unique, key=lambda c: c.line)
    return LintResult([_finding(path, c) for c in claims],
                      skipped=f"{path}: {skipped}" if skipped else None)


def lint_file(path: str, notation: str | None = None,
              aliases: dict[str, str] | None = None) -> LintResult:
    """Lint one file (a Jupyter notebook's cells, when it is a ``.ipynb``); an unreadable
    file is an :class:`InputError`."""
    if not path.lower().endswith(".ipynb"):
        text = read_text(path, "Markdown file")  # a regular file within the size limit, UTF-8
        return lint_text(text, path, notation, aliases)
    import dataclasses

    from .notebook import notebook_text

    text, where = notebook_text(read_text(path, "notebook", MAX_NOTEBOOK_BYTES), path)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError(f"{path}: its cells hold more than {MAX_FILE_BYTES:,} bytes of text; "
                         f"symconv reads notes of at most {MAX_FILE_BYTES:,} bytes")
    result = lint_text(text, path, notation, aliases)
    at = lambda line: where[min(line, len(where)) - 1] if where else line   # noqa: E731
    return dataclasses.replace(result, claims=[dataclasses.replace(f, line=at(f.line))
                                               for f in result.claims])
