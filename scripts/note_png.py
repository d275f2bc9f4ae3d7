"""Render one course note as a PNG for the README: docs/dw-sep-note.png.

The note is symconv's own output: ``symconv notes --format latex --layers dw-sep`` into a
temporary folder, compiled on its own with pdflatex (the note is also a standalone
document), and its first two pages turned into PNGs by pdftoppm (poppler-utils), then put
side by side. Needs pdflatex with TikZ and lmodern, and pdftoppm; run from the repository:

    python scripts/note_png.py            # writes docs/dw-sep-note.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "dw-sep-note.png"


def _png_rows(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and raw RGB rows of a PNG that pdftoppm wrote (8-bit RGB, no interlace)."""
    data = path.read_bytes()
    pos, width, height, chunks = 8, 0, 0, []
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            if body[8:13] != bytes([8, 2, 0, 0, 0]):
                raise SystemExit(f"{path}: expected an 8-bit RGB PNG")
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * 3, [], bytes(width * 3)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):  # undo the PNG row filters
            a = line[x - 3] if x >= 3 else 0
            b, c = previous[x], previous[x - 3] if x >= 3 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = bytes(line)
    return width, height, rows


def _write_png(path: Path, width: int, height: int, rows: list[bytes]) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    raw = b"".join(b"\x00" + row for row in rows)
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main() -> int:
    for tool in ("pdflatex", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"note_png: {tool} is not installed", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "symconv", "notes", "--format", "latex",
                        "--layers", "dw-sep", "-o", tmp], cwd=REPO, check=True)
        for _ in range(2):
            subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode",
                            "dw-sep.tex"], cwd=tmp, check=True, capture_output=True)
        subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "2", "-png", "dw-sep.pdf",
                        "page"], cwd=tmp, check=True)
        pages = [_png_rows(p) for p in sorted(Path(tmp).glob("page-*.png"))]
    height = max(h for _, h, _ in pages)
    gap = b"\xcc\xcc\xcc" * 8
    rows = []
    for y in range(height):
        parts = [r[y] if y < h else b"\xff" * (w * 3) for w, h, r in pages]
        rows.append(gap.join(parts))
    width = sum(w for w, _, _ in pages) + 8 * (len(pages) - 1)
    OUT.parent.mkdir(exist_ok=True)
    _write_png(OUT, width, height, rows)
    print(f"wrote {OUT.relative_to(REPO)} ({width} x {height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
