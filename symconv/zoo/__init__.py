"""The built-in networks, one TOML spec each (see :mod:`symconv.spec`); data, not code."""
