"""One module per CLI command: ``configure(parser)`` (no sympy import) and ``run(args)``."""
