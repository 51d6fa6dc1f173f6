"""How text becomes index terms, for both backends and the snippets: one regex pass, cached stems.

Words are lower-cased, stop words (Whoosh's list) and one-letter words dropped, and the rest
Porter-stemmed through a large cache; Whoosh is handed these terms ready-made (its own
analyzer chain cost several times more at reindex). A phrase is matched through its
adjacent pairs ("school district plan" → ``school_district``, ``district_plan``), which both
backends keep as ordinary index terms: a lookup instead of a check of word positions in every
candidate document. Stop words are skipped inside a phrase.
"""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

_WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The term for one lower-cased word."""
    return porter_stem(word)


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP_WORDS]


def words_terms(words: list[str]) -> list[str]:
    return terms(" ".join(words))


def pairs(found: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(found, found[1:])]


def phrase_pairs(words: list[str]) -> list[str]:
    return pairs(words_terms(words))


def word_pairs(text: str) -> set[str]:
    return set(pairs(terms(text)))
