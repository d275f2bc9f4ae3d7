"""``python -m symconv`` runs the command line, like the ``symconv`` script."""

from .cli import entry

entry()
