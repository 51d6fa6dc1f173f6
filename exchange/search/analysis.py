"""How text becomes index terms, for both backends and the snippets: one regex pass, cached stems.

A word is ``WORD``: letters and digits, with dots inside kept (``k12.org``, ``2.5``), as
PostgreSQL's parser keeps hosts and numbers; the query parser (query.py) and the snippets use
the same definition, so whatever is indexed can be typed. Words are lower-cased, stop words
(Whoosh's list and PostgreSQL's English one, so both backends ignore the same words) and
one-letter words dropped, and the rest Porter-stemmed through a large cache (dotted words are
kept whole, as PostgreSQL keeps them); Whoosh is handed these terms ready-made (its own
analyzer chain cost several times more at reindex). A phrase is matched through its
adjacent pairs ("school district plan" → ``school_district``, ``district_plan``), which both
backends keep as ordinary index terms: a lookup instead of a check of word positions in every
candidate document. Stop words are skipped inside a phrase.
"""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

WORD = re.compile(r"\w+(?:\.\w+)*", re.UNICODE)

# PostgreSQL's english.stop (the 'english' configuration never indexes these).
POSTGRES_STOP_WORDS = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now
""".split())
STOP_WORDS = WHOOSH_STOP_WORDS | POSTGRES_STOP_WORDS


def searchable(word: str) -> bool:
    """False for a lower-cased word no backend indexes: a stop word, or a single letter."""
    return len(word) > 1 and word not in STOP_WORDS


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The term for one lower-cased word."""
    return word if "." in word else porter_stem(word)


def terms(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text.lower()) if searchable(w)]


def words_terms(words: list[str]) -> list[str]:
    return terms(" ".join(words))


def pairs(found: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(found, found[1:])]


def phrase_pairs(words: list[str]) -> list[str]:
    return pairs(words_terms(words))


def word_pairs(text: str) -> set[str]:
    return set(pairs(terms(text)))
