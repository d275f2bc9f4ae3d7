"""symconv/limits.py: the input limits, and reading only regular files."""

import os

import pytest
import sympy

from symconv.errors import InputError
from symconv.limits import (MAX_DIGITS, MAX_FILE_BYTES, check_count, check_int, factorable,
                            read_text, whole_number)
from symconv.symbols import D_in, D_out, W_F


def test_read_text_reads_a_regular_utf8_file(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Conv\r\n- é\n", encoding="utf-8")
    assert read_text(path) == "# Conv\r\n- é\n"  # bytes as they are: line ends untouched


@pytest.mark.parametrize("kind, message", [
    ("missing", "no such file"), ("folder", "is a directory"), ("fifo", "not a regular file"),
    ("big", "symconv reads files of at most"), ("binary", "not UTF-8"),
    ("dangling", "no such file")])
def test_read_text_refuses_what_is_not_a_readable_note(tmp_path, kind, message):
    path = tmp_path / "x.md"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # opened without blocking: no writer, no hang
    elif kind == "big":
        with open(path, "wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)
    elif kind == "binary":
        path.write_bytes(b"ok \xff\xfe")
    elif kind == "dangling":
        os.symlink(tmp_path / "nowhere", path)
    with pytest.raises(InputError, match=message):
        read_text(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_note_saved_as_utf16_or_utf32_with_a_byte_order_mark_lints_as_its_utf8_copy(
        capsys, tmp_path, encoding):
    """Windows editors save "Unicode" as UTF-16 with a byte-order mark: the note's report is
    the UTF-8 copy's, line for line."""
    from cli_run import run

    text = ("# Convolution\n\nInput $32 \\times 32 \\times 64$, a $3 \\times 3$ filter, "
            "128 filters, 参数.\n\nParams $3 \\times 3 \\times 64 \\times 128 + 128 = 73728$\n")
    (tmp_path / "utf8.md").write_text(text, encoding="utf-8")
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
    (tmp_path / "other.md").write_bytes(bom + text.encode(encoding))
    assert read_text(tmp_path / "other.md") == text
    code8, out8, _ = run(capsys, "lint", str(tmp_path / "utf8.md"))
    code, out, err = run(capsys, "lint", str(tmp_path / "other.md"))
    assert "73,856" in out8 and code8 == 1
    assert (code, out.replace("other.md", "utf8.md"), err) == (code8, out8, "")


def test_a_note_in_another_encoding_says_how_to_convert_it(tmp_path):
    path = tmp_path / "gbk.md"
    path.write_bytes("参数量 = 73856\n".encode("gbk"))
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 1\); save it as UTF-8, e.g. iconv"):
        read_text(path)
    path.write_bytes(b"\xff\xfe" + b"a\x00\x00\xd8")    # a BOM, then a lone surrogate
    with pytest.raises(InputError, match=r"not UTF-16 text"):
        read_text(path)


def test_read_text_refuses_a_device():
    with pytest.raises(InputError, match="not a regular file"):
        read_text("/dev/zero")


def test_whole_numbers_have_at_most_max_digits():
    assert whole_number("1_000,000", "D_in") == 1_000_000
    assert whole_number("9" * MAX_DIGITS, "D_in") == 10 ** MAX_DIGITS - 1
    for text in ("9" * (MAX_DIGITS + 1), "9" * 5000):  # 5000: past Python's int() limit
        with pytest.raises(InputError, match=f"at most {MAX_DIGITS} digits"):
            whole_number(text, "D_in")
    with pytest.raises(InputError, match="at most"):
        check_int(10 ** MAX_DIGITS, "D_out")
    assert check_int(10 ** MAX_DIGITS - 1, "D_out") == 10 ** MAX_DIGITS - 1


def test_check_count_names_the_limit():
    check_count(10, 10, "layers")
    with pytest.raises(InputError, match="11 layers is more than the limit of 10"):
        check_count(11, 10, "layers")


def test_factorable_bounds_terms_degree_and_coefficients():
    assert factorable(D_out * (D_in * W_F + 1) - 3 * D_in)
    assert not factorable(10 ** 1000 * D_in + D_out)                 # a 3,322-bit coefficient
    assert not factorable(D_in ** 17 + 1)                            # degree past 16
    assert not factorable(sympy.Add(*(D_in ** k for k in range(1, 17))) * (D_out + 1) ** 3)
    assert not factorable(sympy.floor(D_in / 2) - D_out)             # not a polynomial
