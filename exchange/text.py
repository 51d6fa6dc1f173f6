"""Small text helpers shared by models, services and templates."""
from __future__ import annotations

from slugify import slugify as _slugify

# python-slugify would drop the comma in "3,4" ("34"); keys have always kept the numbers apart.
_COMMA_SEPARATES = [[",", "-"]]


def slugify(value: str, max_length: int = 80) -> str:
    """ASCII, lower-case, hyphen-separated: 'Family  Engagement!' -> 'family-engagement'.

    Other scripts are transliterated ('教育' -> 'jiao-yu'). Members type plain text, not HTML,
    so '&amp;' is three letters and a word, not an ampersand.
    """
    return _slugify(value, max_length=max_length, entities=False, decimal=False, hexadecimal=False,
                    replacements=_COMMA_SEPARATES)


def normalise_whitespace(value: str) -> str:
    return " ".join(value.split())


def like_escaped(text: str) -> str:
    """``text`` as a literal inside a SQL LIKE pattern (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(word: str) -> str:
    """A LIKE pattern that finds ``word`` anywhere."""
    return f"%{like_escaped(word)}%"
