"""Whole networks: the model and its sweeps (:mod:`.network`, :mod:`.nodes`), shape
propagation (:mod:`.propagate`), TOML specs and the zoo (:mod:`.spec`, ``zoo/``), the
arithmetic of channel counts (:mod:`.arith`), tables and totals (:mod:`.report`).

May import ``layers``, ``sweep``, ``engine`` and the core; never ``notes`` or ``cli``."""
