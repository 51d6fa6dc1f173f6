""""Did you mean": the closest known word for a likely misspelling.

The vocabulary is the words members see as names: thread titles, tags and their aliases,
categories, regions. It is shared by both backends, built once per content version.
"""
from __future__ import annotations

import difflib
from collections import Counter

from sqlalchemy import select

from ..extensions import db
from ..fragments import cached
from ..models import Category, Region, Tag, TagAlias, Thread
from .query import words_of

MIN_LENGTH = 4


def _vocabulary() -> dict[int, dict[str, int]]:
    """Word counts, bucketed by length so a lookup compares only words of a similar length."""
    counts: Counter[str] = Counter()
    for column in (Thread.title, Tag.name, TagAlias.name, Category.name, Region.name):
        query = select(column)
        if column is Thread.title:
            query = query.where(Thread.listed_sql())
        for (text,) in db.session.execute(query):
            counts.update(words_of(text))
    by_length: dict[int, dict[str, int]] = {}
    for word, n in counts.items():
        by_length.setdefault(len(word), {})[word] = n
    return by_length


def vocabulary() -> dict[int, dict[str, int]]:
    return cached("search-vocabulary", compute=_vocabulary, timeless=True)


def correct(word: str) -> str | None:
    """A better-known word close to ``word``, or None when it is known or nothing is close."""
    if len(word) < MIN_LENGTH or word.isdigit():
        return None
    vocab = vocabulary()
    if word in vocab.get(len(word), {}):
        return None
    candidates: dict[str, int] = {}
    for length in range(len(word) - 2, len(word) + 3):
        candidates.update(vocab.get(length, {}))
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.78)
    if not close:
        return None
    best = max(close, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), candidates[w]))
    return best
