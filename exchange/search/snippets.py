"""Snippets with the matched words marked, found by a scan that stops at the first match.

Whoosh's own highlighter analyses the whole of a document for every hit (a thread of 200
posts is tens of thousands of words), which cost more than the search itself. Here each
word is stemmed through a cache and compared with the query's terms; the scan stops at the
first match (for several words, a little past it, for a passage holding more of them) and
marks the matches inside a window around it.
"""
from __future__ import annotations

from .analysis import WORD as _WORD, stem
from .interface import MARK_END, MARK_START

WIDTH = 240
SCAN_CHARS = 60_000
LOOKAHEAD = 2_000  # past the first match, how far a passage with more of the query's words is looked for


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
    """About ``width`` characters of ``text`` (a document's body: what its members wrote, never its
    title, names or places) around the passage that holds the most of the query's words, matches
    marked; the beginning of ``text`` when none of them is in it (a hit by its title or tags)."""
    anchor = _anchor(text, terms, width) if terms else None
    if anchor is not None:
        start = max(text.rfind(" ", 0, max(anchor - width // 3, 0)) + 1, 0)
        end = text.find(" ", min(start + width, len(text)))
        end = len(text) if end == -1 else end
        return ("… " if start else "") + _mark(text[start:end], terms) + (" …" if end < len(text) else "")
    end = text.find(" ", width)
    return text if end == -1 else text[:end] + " …"


def _anchor(text: str, terms: set[str], width: int) -> int | None:
    """Where the passage to show starts: the first matching word, or a later one (within
    ``LOOKAHEAD`` characters of it) followed by more of the query's different words."""
    found: list[tuple[int, str]] = []
    for match in _WORD.finditer(text, 0, SCAN_CHARS):
        term = term_of(match.group())
        if term in terms:
            if len(terms) == 1:
                return match.start()
            if found and match.start() > found[0][0] + LOOKAHEAD:
                break
            found.append((match.start(), term))
    if not found:
        return None
    reach = width - width // 3
    best, most = found[0][0], 0
    for i, (at, _) in enumerate(found):
        distinct = len({term for later, term in found[i:] if later - at <= reach})
        if distinct > most:
            best, most = at, distinct
            if distinct == len(terms):
                break
    return best
