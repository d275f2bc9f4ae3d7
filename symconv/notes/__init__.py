"""Course notes: what each note says (``content``), derivations step by step (``derive``),
Jinja2 rendering (``render``, ``snippets``) and safe writing of the files (``files``).

May import ``layers``, ``engine`` and the core; never ``cli``.
"""
