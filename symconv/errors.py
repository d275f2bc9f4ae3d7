"""The one exception type a user sees: bad input, reported as one line, exit code 2."""


class InputError(ValueError):
    """Input that cannot be used: the message says what is wrong and what would be right."""
