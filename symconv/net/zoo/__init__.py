"""The built-in networks, one TOML spec each (see :mod:`symconv.net.spec`); data, not code."""
