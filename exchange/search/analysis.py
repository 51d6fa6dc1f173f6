"""How text becomes index terms, shared by both backends: stemmed words, and adjacent word pairs.

A phrase is matched through its pairs ("school district plan" → "school district" and
"district plan"), which both backends keep as ordinary index terms: a lookup instead of a
check of word positions in every candidate document. Stop words are skipped inside a phrase.
"""
from __future__ import annotations

from whoosh.analysis import ShingleFilter, StemmingAnalyzer

words_analyzer = StemmingAnalyzer()
pairs_analyzer = StemmingAnalyzer() | ShingleFilter(size=2, sep="_")


def terms(words: list[str]) -> list[str]:
    """The index terms for ``words`` (stemmed; stop words drop out)."""
    return [t.text for w in words for t in words_analyzer(w)]


def phrase_pairs(words: list[str]) -> list[str]:
    found = terms(words)
    return [f"{a}_{b}" for a, b in zip(found, found[1:])]


def word_pairs(text: str) -> set[str]:
    """Every adjacent pair in ``text`` (a lone word yields itself, which is harmless)."""
    return {t.text for t in pairs_analyzer(text)}
