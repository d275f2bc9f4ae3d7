import builtins
import os
import sys
from pathlib import Path

import pytest

# brute_force.py and other test helpers are imported by name.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def no_code(monkeypatch):
    """Any attempt to run code or a shell command fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("code was run")
    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "popen", refuse)
