"""A disk cache of command output, so that a formula is derived once per machine.

The floor of any symbolic command is ``import sympy`` plus sympy's own lazy
imports on the first sum it builds (``sympy.tensor``, about 70 ms); a command
whose output depends only on its arguments and the files they name (``layers``,
``show``, ``ratio``, ``eval``, ``check``, ``net``) prints a stored answer without
importing sympy at all.

The key is the command line, the Python version and a fingerprint of symconv's
own source files (path, size, modification time) and templates, so editing the
code invalidates every entry. ``SYMCONV_CACHE_DIR`` moves the cache (default
``$XDG_CACHE_HOME/symconv`` or ``~/.cache/symconv``); ``SYMCONV_NO_CACHE=1``
turns it off. A cache that cannot be read or written is skipped silently.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def enabled() -> bool:
    return os.environ.get("SYMCONV_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    explicit = os.environ.get("SYMCONV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "symconv"


def _fingerprint() -> str:
    parts = [sys.version]
    roots = [PACKAGE, PACKAGE.parent / "templates"]  # a wheel has its templates in PACKAGE
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".j2", ".toml"):
                stat = path.stat()
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def key(argv: list[str]) -> str:
    """The entry for a command line; an argument that names a file (a network spec) adds
    that file's size and modification time, so editing the file is a new entry."""
    digest = hashlib.sha256(_fingerprint().encode())
    digest.update("\0".join(argv).encode())
    for arg in argv:
        try:
            stat = os.stat(arg)
        except (OSError, ValueError):
            continue
        digest.update(f"\0{os.path.abspath(arg)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def load(argv: list[str]) -> str | None:
    """The stored output of this command line, or ``None``."""
    try:
        return (directory() / key(argv)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def store(argv: list[str], output: str) -> None:
    """Store the output atomically (a temporary file renamed into place)."""
    try:
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(output)
        os.replace(tmp, folder / key(argv))
    except OSError:
        pass
