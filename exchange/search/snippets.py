"""Snippets with the matched words marked, found by a scan that stops at the first match.

Whoosh's own highlighter analyses the whole of a document for every hit (a thread of 200
posts is tens of thousands of words), which cost more than the search itself. Here each
word is stemmed through a cache and compared with the query's terms; the scan stops at the
first match and marks the matches inside a window around it.
"""
from __future__ import annotations

from .analysis import WORD as _WORD, stem
from .interface import MARK_END, MARK_START

WIDTH = 240
SCAN_CHARS = 60_000


def term_of(word: str) -> str:
    return stem(word.lower())


def _mark(text: str, terms: set[str]) -> str:
    out, last = [], 0
    for match in _WORD.finditer(text):
        if term_of(match.group()) in terms:
            out += [text[last:match.start()], MARK_START, match.group(), MARK_END]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def mark_all(text: str, terms: set[str]) -> str:
    """``text`` with every matching word marked, or "" when nothing matches (titles)."""
    marked = _mark(text, terms) if terms else ""
    return marked if MARK_START in marked else ""


def snippet(text: str, terms: set[str], width: int = WIDTH) -> str:
    """About ``width`` characters around the first matching word, matches marked."""
    if terms:
        for match in _WORD.finditer(text, 0, SCAN_CHARS):
            if term_of(match.group()) in terms:
                start = max(text.rfind(" ", 0, max(match.start() - width // 3, 0)) + 1, 0)
                end = text.find(" ", min(start + width, len(text)))
                end = len(text) if end == -1 else end
                return ("… " if start else "") + _mark(text[start:end], terms) + (" …" if end < len(text) else "")
    end = text.find(" ", width)
    return text if end == -1 else text[:end] + " …"
