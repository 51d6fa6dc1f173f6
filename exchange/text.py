"""Small text helpers shared by models, services and templates."""
from __future__ import annotations

import re
import unicodedata


def slugify(value: str, max_length: int = 80) -> str:
    """ASCII, lower-case, hyphen-separated: 'Family  Engagement!' -> 'family-engagement'."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-zA-Z0-9]+", "-", value).strip("-").lower()
    return value[:max_length].rstrip("-")


def normalise_whitespace(value: str) -> str:
    return " ".join(value.split())
