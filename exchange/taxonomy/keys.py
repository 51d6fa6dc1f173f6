"""A tag's key: the one spelling every other spelling of it comes down to.

A leaf, so search can read tags by key without importing the taxonomy's services (which index into search).
"""
from __future__ import annotations

from ..text import slugify


def tag_key(word: str) -> str:
    return slugify(word)
