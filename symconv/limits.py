"""Every input limit, in one place; past one, one line (an :class:`InputError`) and exit 2.

A limit keeps each command's work bounded by something a user can read in the README
(section "Input limits"): no input makes symconv busy for minutes or eat the machine's
memory. Each is far above what a real note, network or layer needs.

>>> whole_number("1_000", "D_in")
1000
>>> whole_number("9" * 40, "D_in")
Traceback (most recent call last):
...
symconv.errors.InputError: D_in has 40 digits; symconv takes whole numbers of at most 30 digits
>>> check_count(10_001, MAX_LAYERS, "layers (repeats unrolled)")
Traceback (most recent call last):
...
symconv.errors.InputError: 10,001 layers (repeats unrolled) is more than the limit of 10,000
"""

from __future__ import annotations

import os
import re
import stat

from .errors import InputError

#: bytes in one file symconv reads (a note, a spec, a template).
MAX_FILE_BYTES = 2_000_000
#: bytes in one Jupyter notebook: its outputs (images as base64) are most of it and are
#: dropped before linting; the text of its cells is held to :data:`MAX_FILE_BYTES`.
MAX_NOTEBOOK_BYTES = 50_000_000
#: processor seconds ``lint`` spends on one note (reading and checking it); the claims it
#: has not reached by then are left out and named (see symconv/lint/budget.py). A
#: 10,000-formula note takes about 1.5 s; neither a count of formulas nor their size
#: bounds the time (one short formula can cost sympy a second), so the time itself is bounded.
LINT_CPU_SECONDS = 5.0
#: rows of one network, repeats and blocks unrolled.
MAX_LAYERS = 10_000
#: layers of one network that differ in type, options or input shape (each is derived
#: once; a repeated layer on the same input shape is not counted again). As many as rows:
#: a distinct layer costs well under a millisecond, and issue 18's benchmark walks 5,000.
MAX_DISTINCT_LAYERS = 10_000
#: product of the strides along one axis (ResNet's is 32).
MAX_TOTAL_STRIDE = 2 ** 20
#: points of one ``--sweep``.
MAX_SWEEP_POINTS = 100_000
#: the largest value a ``--sweep`` reaches (its counts must fit 64-bit integers).
MAX_SWEEP_VALUE = 1_000_000
#: digits of a whole number given as a size or value (command line, spec, note example).
MAX_DIGITS = 30
#: iterations of all template loops in one rendering (``--template-dir``).
MAX_TEMPLATE_LOOPS = 100_000
#: characters of one rendered template.
MAX_TEMPLATE_OUTPUT = 5_000_000

# Algebra on expressions a user wrote: past these, symconv gives a weaker answer (no
# factoring, no solving), never a long computation.
#: total degree of a polynomial symconv factors or solves.
MAX_FACTOR_DEGREE = 16
#: bits of any coefficient of a polynomial symconv factors or solves (about 75 digits).
MAX_FACTOR_BITS = 256
#: terms of a polynomial symconv factors or solves.
MAX_FACTOR_TERMS = 40

_WHOLE = re.compile(r"^[0-9][0-9_,]*$")


def check_digits(digits: str, name: str) -> None:
    """Refuse a run of digits longer than :data:`MAX_DIGITS` (before ``int()`` sees it)."""
    n = sum(c.isdigit() for c in digits)
    if n > MAX_DIGITS:
        raise InputError(f"{name} has {n} digits; symconv takes whole numbers of at most "
                         f"{MAX_DIGITS} digits")


def check_int(value: int, name: str) -> int:
    """Refuse an integer with more than :data:`MAX_DIGITS` digits (a TOML integer, a product)."""
    if abs(value) >= 10 ** MAX_DIGITS:
        raise InputError(f"{name} is larger than 10^{MAX_DIGITS}; symconv takes whole numbers "
                         f"of at most {MAX_DIGITS} digits")
    return value


def whole_number(text: str, name: str) -> int:
    """Digits, optionally grouped with ``,`` or ``_``, as an int within :data:`MAX_DIGITS`."""
    text = text.strip()
    if not _WHOLE.match(text):
        raise InputError(f"{name} must be a whole number, not {text[:40]!r}")
    check_digits(text, name)
    return int(text.replace(",", "").replace("_", ""))


def check_count(n: int, limit: int, what: str) -> None:
    """Refuse ``n`` things past ``limit`` (``what`` names them, plural)."""
    if n > limit:
        raise InputError(f"{n:,} {what} is more than the limit of {limit:,}")


def read_text(path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's text (UTF-8), at most ``limit`` bytes; anything else (a
    folder, a FIFO, a device such as ``/dev/zero``, a file too big, bytes that are not
    UTF-8) is an :class:`InputError`. The file is opened without blocking and checked
    after opening, so a FIFO cannot hang the read and a swapped path cannot slip through."""
    path = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(f"no such file: {path} (a {what})") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a {what}") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path} is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path} is not a regular file (a pipe or a device); give a {what}")
        if info.st_size > limit:
            raise InputError(f"{path} is {info.st_size:,} bytes; symconv reads {what}s of at "
                             f"most {limit:,} bytes")
        data = b""
        while len(data) <= limit:  # the file may grow while it is read
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            data += chunk
        if len(data) > limit:
            raise InputError(f"{path} is more than {limit:,} bytes; symconv reads {what}s of "
                             f"at most {limit:,} bytes")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    finally:
        os.close(fd)
    return _decode(data, path)


def _decode(data: bytes, path) -> str:
    """UTF-8, or UTF-16/32 when a byte-order mark says so (Windows editors save "Unicode"
    that way); any other encoding is refused with the way to convert it."""
    encoding = "utf-8"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        hint = ("; save it as UTF-8, e.g. iconv -f GBK -t UTF-8 (or -f LATIN1) FILE > NEW"
                if encoding == "utf-8" else "")
        raise InputError(f"{path} is not {encoding.upper()} text (byte {error.start + 1})"
                         f"{hint}") from None


def factorable(expr) -> bool:
    """Is ``expr`` a polynomial small enough to factor or solve quickly? (terms, total degree
    and coefficient size within :data:`MAX_FACTOR_TERMS`, :data:`MAX_FACTOR_DEGREE`,
    :data:`MAX_FACTOR_BITS`). Callers skip the factoring, never the input, past these.

    >>> from symconv.symbols import D_in, D_out
    >>> factorable(3 * D_in * D_out + 7), factorable(10**100 * D_in + D_out)
    (True, False)
    """
    import sympy  # the limits above are read without sympy

    terms = sympy.Add.make_args(sympy.expand(expr) if _small_product(expr) else expr)
    if len(terms) > MAX_FACTOR_TERMS:
        return False
    for term in terms:
        coeff, monomial = term.as_coeff_Mul()
        if not coeff.is_Rational:
            return False
        if max(abs(coeff.p).bit_length(), coeff.q.bit_length()) > MAX_FACTOR_BITS:
            return False
        degree = 0
        for factor in sympy.Mul.make_args(monomial):
            if factor == 1:
                continue
            base, exp = factor.as_base_exp()
            if not (base.is_Symbol and exp.is_Integer and exp > 0):
                return False
            degree += int(exp)
        if degree > MAX_FACTOR_DEGREE:
            return False
    return True


def _small_product(expr) -> bool:
    """Is ``expr`` cheap to expand (few terms in each factor, few factors)?"""
    import sympy

    sizes = [len(sympy.Add.make_args(f)) for f in sympy.Mul.make_args(expr)]
    total = 1
    for factor in sympy.Mul.make_args(expr):
        base, exp = factor.as_base_exp()
        n = len(sympy.Add.make_args(base))
        if n > 1:
            if not (exp.is_Integer and 0 < exp <= MAX_FACTOR_DEGREE):
                return False
            total *= n ** int(exp)
    return bool(sizes) and total <= 10 * MAX_FACTOR_TERMS
