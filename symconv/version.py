"""symconv's version, in one place (``symconv --version`` reads it without importing sympy)."""

__version__ = "0.1.0"
