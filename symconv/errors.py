"""The one exception type a user sees: bad input, reported as one line, exit code 2; and how
text from a user reaches a terminal (control characters made visible, never obeyed).

>>> escape_terminal("a\\x1b[31mb\\x00c\\u0085")
'a\\\\x1b[31mb\\\\x00c\\\\x85'
>>> escape_terminal("two\\nlines", newlines=True)
'two\\\\x0alines'
"""

import re


class InputError(ValueError):
    """Input that cannot be used: the message says what is wrong and what would be right."""


#: control characters (C0 but tab and newline, DEL, C1) and the Unicode line and paragraph
#: separators: never printed as they are (a terminal obeys ESC, pdflatex stops at NUL).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _visible(match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def escape_terminal(text, newlines: bool = False) -> str:
    """Text for a terminal: control characters shown as ``\\x1b`` escapes (``newlines``: line
    breaks too, for a message that must stay on one line)."""
    return (_CONTROL_OR_NEWLINE if newlines else CONTROL).sub(_visible, str(text))
