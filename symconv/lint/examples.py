"""Worked examples and the shapes they lead to (placeholder: filled in below)."""

from __future__ import annotations


def example_claims(lines) -> list:
    return []
