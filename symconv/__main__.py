"""``python -m symconv`` runs the command line, like the ``symconv`` script."""

import sys

from .cli import main

sys.exit(main())
