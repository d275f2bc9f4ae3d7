"""Whole networks: the model (:mod:`.network`, :mod:`.nodes`), shape propagation
(:mod:`.propagate`), TOML specs and the zoo (:mod:`.spec`), the arithmetic of channel
counts (:mod:`.arith`), tables and totals (:mod:`.report`) and sweeps (:mod:`.sweep`)."""
