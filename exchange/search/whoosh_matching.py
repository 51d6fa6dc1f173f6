"""Searching a Whoosh index generation: matching by bitsets, facet counts, ranking, hits.

- Matching is set algebra on per-term bitsets (Python ints, cached per index generation):
  words AND, tag words OR their tag, filters AND, exclusions AND NOT. Facet counts are the
  popcount of the matches ANDed with each facet value's bitset. Phrases use a field of
  adjacent word pairs, so they are bitset lookups too (stop words inside a phrase are skipped,
  as Whoosh's own phrase matching does).
- Ranking: BM25 (title words triple) for up to ``RANK_LIMIT`` matches, under a time-limited
  collector that scores only the matches; beyond that, documents with every word in the title
  first, newest first. Either way a common word costs tens of milliseconds, not seconds.
- Regional copies of a practice (copies.py) are one hit: the matching practices' copy keys are
  read from a column, and the count, each facet count and the pages all take the extra copies off.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from datetime import datetime, time as day_time

from whoosh import collectors, query as wq, searching

from ..models import Thread
from . import analysis, snippets
from .copies import collapse
from .interface import FACETS, NEWEST, Hit, Results, doctypes_of
from .documents import MEMBER, THREAD
from .plan import Plan

TIME_LIMIT_S = 0.08
RANK_LIMIT = 3_000      # BM25-rank at most this many matches; beyond, title matches first, newest first
BITSET_CACHE = 4096
_SET_BYTE = re.compile(rb"[^\x00]")

analyse = analysis.words_terms


class AllowedWithin(collectors.TimeLimitCollector):
    """Score only the allowed documents, and stop at the time limit with the best found so far.

    (Whoosh's FilterCollector cannot sit under a TimeLimitCollector: the time limit's loop
    calls the innermost collector directly and the filter would be skipped.)
    """

    def __init__(self, child, allow: set[int]):
        super().__init__(child, timelimit=TIME_LIMIT_S, use_alarm=False)
        self.allow = allow

    def collect_matches(self):
        child, allow = self.child, self.allow
        for sub_docnum in child.matches():
            if self.timedout:
                raise searching.TimeLimit
            if child.offset + sub_docnum in allow:
                child.collect(sub_docnum)


class Copies:
    """The matches that are regional copies of a practice also matched: docnum → copy key."""

    def __init__(self, of: dict[int, str] | None = None, size: int = 0):
        self.of = of or {}
        self.bits = _to_bits(self.of, size) if self.of else 0
        self.extra = len(self.of) - len(set(self.of.values()))  # matches that are another match's copy

    def extra_in(self, bits: int) -> int:
        """How many of the matches in ``bits`` are copies of another match in ``bits``."""
        if not self.of:
            return 0
        inside = list(_docnums(bits & self.bits))
        return len(inside) - len({self.of[d] for d in inside})

    def of_key(self, copy: str) -> list[int]:
        return sorted(d for d, k in self.of.items() if k == copy)


class ReaderState:
    """What one index generation lets us precompute: term bitsets, and documents newest first."""

    def __init__(self, searcher: searching.Searcher, identity: int):
        self.searcher = searcher
        self.generation = (identity, searcher.reader().generation())
        self.size = searcher.doc_count_all()
        self.bitsets: dict[tuple, int] = {}
        self._newest: list[int] | None = None
        self._probed = False
        reader = searcher.reader()
        known = "copy" in reader.schema and reader.has_column("copy")   # not in an index written before it
        self.copy_column = reader.column_reader("copy") if known else None

    def probe(self) -> None:
        """Read real postings and a stored document, once: what opening a searcher does not touch."""
        if not self._probed:
            for doctype in (THREAD, MEMBER):
                self.bits("doctype", doctype)
            for docnum in self.searcher.reader().all_doc_ids():
                self.searcher.stored_fields(docnum)
                break
            self._probed = True

    def bits(self, field: str, value: str) -> int:
        key = (field, value)
        found = self.bitsets.get(key)
        if found is None:
            found = _to_bits(self.searcher.postings(field, value).all_ids()
                             if (field, value) in self.searcher.reader() else (), self.size)
            if len(self.bitsets) >= BITSET_CACHE:
                self.bitsets.clear()
            self.bitsets[key] = found
        return found

    def query_bits(self, query: wq.Query) -> int:
        """Documents matching ``query`` (date ranges), cached like the term bitsets."""
        key = ("query", repr(query))
        found = self.bitsets.get(key)
        if found is None:
            found = self.bitsets[key] = _to_bits(self.searcher.docs_for_query(query), self.size)
        return found

    def copies(self, matched: int) -> Copies:
        """The matched practices that have a copy among the matches (an index written before copy
        keys were has none)."""
        practices = matched & self.bits("kind", Thread.PRACTICE)
        if not practices or self.copy_column is None:
            return Copies()
        keys = {d: self.copy_column[d] for d in _docnums(practices)}
        shared = Counter(keys.values())
        return Copies({d: k for d, k in keys.items() if k and shared[k] > 1}, self.size)

    def newest(self) -> list[int]:
        if self._newest is None:
            reader = self.searcher.reader()
            created = reader.column_reader("created")
            live = [d for d in reader.all_doc_ids()]
            self._newest = sorted(live, key=lambda d: created[d], reverse=True)
        return self._newest


def text_bits(state: ReaderState, words: list[str], phrase: bool) -> int | None:
    """Documents containing ``words`` (as a phrase: each adjacent pair); None when all are stop words."""
    terms = analyse(words)
    if not terms:
        return None
    bits = ~0
    if phrase and len(terms) > 1:
        for pair in analysis.phrase_pairs(words):
            bits &= state.bits("pairs", pair)
    else:
        for term in terms:
            bits &= state.bits("content", term)
    return bits


def matches(state: ReaderState, plan: Plan, doctype: str | tuple[str, ...], exclude: Collection[str] = ()) -> int:
    """The bitset of ``doctype`` documents (one or several doctypes) the plan matches: its words,
    tags, filters and exclusions, less the documents keyed in ``exclude``."""
    allowed = _any(state, "doctype", doctypes_of(doctype))
    for clause in plan.clauses:
        text = text_bits(state, clause.words, clause.phrase)
        options = 0 if text is None and clause.tag_ids else (~0 if text is None else text)
        for tag_id in clause.tag_ids:
            options |= state.bits("tag", str(tag_id))
        allowed &= options
    for tag_id in plan.tag_ids:
        allowed &= state.bits("tag", str(tag_id))
    for region_ids in plan.region_ids:
        allowed &= _any(state, "region", map(str, region_ids))
    for author_id in plan.author_ids:
        allowed &= state.bits("author", str(author_id))
    if plan.kinds:
        allowed &= _any(state, "kind", plan.kinds)
    if plan.category_ids:
        allowed &= _any(state, "category", map(str, plan.category_ids))
    if plan.before or plan.after:
        start = datetime.combine(plan.after, day_time.min) if plan.after else None
        end = datetime.combine(plan.before, day_time.min) if plan.before else None
        allowed &= state.query_bits(wq.DateRange("created", start, end, endexcl=True))
    for words in plan.excluded:
        excluded = text_bits(state, words, True)
        if excluded:
            allowed &= ~excluded
    if exclude:
        allowed &= ~_any(state, "key", exclude)
    return allowed


def facet_counts(state: ReaderState, matched: int, copies: Copies) -> dict[str, dict[str, int]]:
    """Hits per facet value: a practice and its copies count once, under every value any of them has."""
    counts: dict[str, dict[str, int]] = {}
    reader = state.searcher.reader()
    for facet in FACETS:
        values = {}
        for value in reader.field_terms(facet):
            having = matched & state.bits(facet, value)
            n = having.bit_count()
            if n and copies.of:
                n -= copies.extra_in(having)
            if n:
                values[value] = n
        counts[facet] = values
    return counts


def ranked(state: ReaderState, plan: Plan, matched: int, limit: int) -> list[int]:
    """Docnums of the best ``limit`` matches by BM25 (title words count triple), under a time limit."""
    terms = analyse(plan.words)
    scoring = wq.Or([wq.Term("title_terms", t, boost=3.0) for t in terms] + [wq.Term("content", t) for t in terms])
    timed = AllowedWithin(state.searcher.collector(limit=limit), set(_docnums(matched)))
    try:
        state.searcher.search_with_collector(scoring, timed)
    except searching.TimeLimit:
        pass
    best = [docnum for _, docnum in timed.results().top_n]   # best first, and only the allowed
    if len(best) < limit:  # matched by a tag alone, or cut short: fill up newest first
        seen = set(best)
        best += [d for d in in_order(state, matched, limit) if d not in seen]
    return best[:limit]


def in_order(state: ReaderState, matched: int, limit: int, first: int = 0) -> list[int]:
    """The first ``limit`` matches newest first; documents in ``first`` ahead of the rest."""
    flags = matched.to_bytes((state.size >> 3) + 1, "little")
    preferred = first.to_bytes((state.size >> 3) + 1, "little") if first else None
    ahead, rest = [], []
    for d in state.newest():
        if flags[d >> 3] >> (d & 7) & 1:
            if preferred is not None and preferred[d >> 3] >> (d & 7) & 1:
                ahead.append(d)
                if len(ahead) >= limit:
                    break
            elif len(rest) < limit:
                rest.append(d)
    return (ahead + rest)[:limit]


def search(state: ReaderState, plan: Plan, doctype: str | tuple[str, ...], sort: str, page: int, per_page: int,
           facets: bool, exclude: Collection[str] = ()) -> Results:
    """One page of hits, with their snippets and marked titles, and the facet counts when asked:
    copies of a practice are one hit in each."""
    matched = matches(state, plan, doctype, exclude)
    copies = state.copies(matched) if matched else Copies()
    results = Results(total=matched.bit_count() - copies.extra)
    if not results.total or per_page == 0:
        return results
    if facets:
        results.facets = facet_counts(state, matched, copies)
    limit = page * per_page + copies.extra   # enough matches for ``page`` pages of hits once copies are gathered
    terms = set(analyse(plan.words))
    if sort == NEWEST or not terms:
        docnums = in_order(state, matched, limit)
    elif results.total <= RANK_LIMIT:
        docnums = ranked(state, plan, matched, limit)
    else:
        # Too many to rank in time: documents with every word in the title lead, newest first.
        in_title = ~0
        for term in terms:
            in_title &= state.bits("title_terms", term)
        docnums = in_order(state, matched, limit, first=in_title & matched)
    for group in collapse(docnums, copies.of)[(page - 1) * per_page:page * per_page]:
        stored = state.searcher.stored_fields(group[0])
        doc_type, doc_id = _key(stored)
        copy = copies.of.get(group[0])
        later = [d for d in copies.of_key(copy) if d not in group] if copy else []  # placed past the matches read
        others = [_key(state.searcher.stored_fields(d))[1] for d in group[1:] + later]
        results.hits.append(Hit(doc_type, doc_id, 0.0, snippets.snippet(stored.get("body", ""), terms),
                                snippets.mark_all(stored.get("title", ""), terms), copies=others))
    return results


def _key(stored: dict) -> tuple[str, int]:
    doc_type, _, doc_id = stored["key"].partition(":")
    return doc_type, int(doc_id)


def _to_bits(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def _any(state: ReaderState, field: str, values) -> int:
    either = 0
    for value in values:
        either |= state.bits(field, value)
    return either


def _docnums(bits: int):
    data = bits.to_bytes((bits.bit_length() >> 3) + 1, "little")
    for found in _SET_BYTE.finditer(data):   # skips the zero bytes in C: a sparse set costs its members
        i, byte = found.start(), data[found.start()]
        while byte:
            low = byte & -byte
            yield (i << 3) + low.bit_length() - 1
            byte ^= low
