"""Searching a Whoosh index generation: matching by bitsets, facet counts, ranking, hits.

- Matching is set algebra on per-term bitsets (Python ints, cached per index generation):
  words AND, tag words OR their tag, filters AND, exclusions AND NOT. Facet counts are the
  popcount of the matches ANDed with each facet value's bitset. Phrases use a field of
  adjacent word pairs, so they are bitset lookups too (stop words inside a phrase are skipped,
  as Whoosh's own phrase matching does).
- Ranking: BM25 (title words triple) for up to ``RANK_LIMIT`` matches, under a time-limited
  collector; beyond that, documents with every word in the title first, newest first. Either
  way a common word costs tens of milliseconds, not seconds.
"""
from __future__ import annotations

from datetime import datetime, time as day_time

from whoosh import collectors, query as wq, searching

from . import analysis, snippets
from .interface import FACETS, NEWEST, Hit, Results, doctypes_of
from .documents import MEMBER, THREAD
from .plan import Plan

TIME_LIMIT_S = 0.08
RANK_LIMIT = 3_000      # BM25-rank at most this many matches; beyond, title matches first, newest first
BITSET_CACHE = 4096

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


class ReaderState:
    """What one index generation lets us precompute: term bitsets, and documents newest first."""

    def __init__(self, searcher: searching.Searcher, identity: int):
        self.searcher = searcher
        self.generation = (identity, searcher.reader().generation())
        self.size = searcher.doc_count_all()
        self.bitsets: dict[tuple, int] = {}
        self._newest: list[int] | None = None
        self._probed = False

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


def matches(state: ReaderState, plan: Plan, doctype: str | tuple[str, ...]) -> int:
    """The bitset of ``doctype`` documents (one or several doctypes) the plan matches: its words,
    tags, filters and exclusions."""
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
    return allowed


def facet_counts(state: ReaderState, matched: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    reader = state.searcher.reader()
    for facet in FACETS:
        values = {}
        for value in reader.field_terms(facet):
            n = (matched & state.bits(facet, value)).bit_count()
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
    best = list(timed.results().docs())
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
           facets: bool) -> Results:
    """One page of hits, with their snippets and marked titles, and the facet counts when asked."""
    matched = matches(state, plan, doctype)
    results = Results(total=matched.bit_count())
    if not results.total or per_page == 0:
        return results
    if facets:
        results.facets = facet_counts(state, matched)
    limit = page * per_page
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
    for docnum in docnums[(page - 1) * per_page:]:
        stored = state.searcher.stored_fields(docnum)
        doc_type, _, doc_id = stored["key"].partition(":")
        results.hits.append(Hit(doc_type, int(doc_id), 0.0, snippets.snippet(stored.get("body", ""), terms),
                                snippets.mark_all(stored.get("title", ""), terms)))
    return results


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
    for i, byte in enumerate(data):
        while byte:
            low = byte & -byte
            yield (i << 3) + low.bit_length() - 1
            byte ^= low
