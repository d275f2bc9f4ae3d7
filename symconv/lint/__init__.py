"""Checking: one formula against the catalog (``check``), and whole notes (``note``: scan a
note for formulas and worked examples, judge each claim, report findings).

May import ``formula``, ``layers``, ``engine`` and the core; never ``cli``.
"""
