"""The embedded search backend: a Whoosh index in a directory (``SEARCH_INDEX_DIR``).

- Only the indexer writes (``apply``, ``rebuild``); web requests only open searchers.
- ``rebuild`` writes a complete new index beside the live one and swaps the directories,
  so search keeps answering from the old index while a reindex runs.
- A missing, locked or unreadable index raises ``SearchUnavailable``; it is never created
  behind the reader's back (that would silently hide everything not yet re-indexed). A
  damaged segment often opens and fails only when a search reads it (``struct.error``,
  "Block tag error"): any error while searching is logged and becomes ``SearchUnavailable``
  too, and ``health`` reports "degraded" until a new index generation replaces the one that
  failed (a reindex, or the indexer's next commit).
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

import os
import shutil
import threading
from datetime import datetime, time as day_time

from flask import current_app
from whoosh import collectors, index, query as wq, searching
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from . import analysis, snippets
from .interface import FACETS, NEWEST, Hit, Results, SearchBackend, SearchUnavailable
from .documents import MEMBER, THREAD, Document
from .plan import Plan

TIME_LIMIT_S = 0.08
RANK_LIMIT = 3_000      # BM25-rank at most this many matches; beyond, title matches first, newest first
WRITER_TIMEOUT_S = 30.0  # only the indexer writes; waiting means a reindex is finishing
BITSET_CACHE = 4096


# Text fields arrive as terms already analysed (search/analysis.py), separated by spaces.
_TERMS = SpaceSeparatedTokenizer()

SCHEMA = Schema(
    key=ID(unique=True, stored=True),
    doctype=ID,
    kind=ID,
    title=STORED,
    title_terms=TEXT(analyzer=_TERMS, phrase=False),
    content=TEXT(analyzer=_TERMS, phrase=False),  # title, tags with aliases, names, places, every post
    pairs=TEXT(analyzer=_TERMS, phrase=False),    # the same text as adjacent word pairs, for phrases
    body=STORED,                                  # the text snippets are cut from
    tag=KEYWORD(commas=True),
    region=KEYWORD(commas=True),
    author=KEYWORD(commas=True),
    category=ID,
    created=DATETIME(sortable=True),
)

analyse = analysis.words_terms


def _fields(doc: Document) -> dict:
    terms = analysis.terms("\n".join((doc.title, doc.tagtext, doc.meta, doc.body)))
    return {
        "key": doc.key, "doctype": doc.doctype, "kind": doc.kind, "title": doc.title,
        "title_terms": " ".join(analysis.terms(doc.title)), "content": " ".join(terms),
        "pairs": " ".join(analysis.pairs(terms)), "body": doc.body,
        "tag": ",".join(map(str, doc.tag_ids)), "region": ",".join(map(str, doc.region_ids)),
        "author": ",".join(map(str, doc.author_ids)),
        "category": str(doc.category_id or ""), "created": doc.created or datetime(1970, 1, 1),
    }


class _AllowedWithin(collectors.TimeLimitCollector):
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


class _ReaderState:
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


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory: str):
        self.directory = directory
        self._local = threading.local()
        self._failed: tuple[int, int] | None = None  # the index generation a search could not read

    # --- reading -------------------------------------------------------------------------

    def _open(self) -> index.Index:
        try:
            if not index.exists_in(self.directory):
                raise SearchUnavailable("the search index is missing")
            return index.open_dir(self.directory)
        except SearchUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - any failure to read the index means "rebuilding"
            raise SearchUnavailable(f"the search index cannot be read: {error}") from error

    def _state(self) -> _ReaderState:
        """This thread's searcher and caches, reopened when the index changed or was swapped by a rebuild."""
        try:
            identity = os.stat(self.directory).st_ino
        except OSError as error:
            raise SearchUnavailable("the search index is missing") from error
        cached = getattr(self._local, "state", None)
        if cached is not None:
            try:
                if cached[0] == identity and cached[1].searcher.up_to_date():
                    return cached[1]
            except Exception:  # noqa: BLE001 - fall through and reopen
                pass
            # Not Searcher.refresh(): it reuses segment readers and would miss new deletions.
            self.reset()
        try:
            state = _ReaderState(self._open().searcher(), identity)
        except SearchUnavailable:
            raise
        except Exception as error:  # noqa: BLE001
            raise SearchUnavailable(f"the search index cannot be read: {error}") from error
        self._local.state = (identity, state)
        return state

    def reset(self) -> None:
        """Close this thread's searcher and drop its caches: the next search reads the index afresh."""
        cached, self._local.state = getattr(self._local, "state", None), None
        if cached is not None:
            try:
                cached[1].searcher.close()
            except Exception:  # noqa: BLE001 - a damaged index may fail to close too
                pass

    def _unreadable(self, state: _ReaderState, error: Exception) -> SearchUnavailable:
        """A read failed mid-search: remember it for ``health``, drop the reader, say "rebuilding"."""
        current_app.logger.error("search index unreadable (%s): %r", self.directory, error, exc_info=error)
        self._failed = state.generation
        self.reset()
        return SearchUnavailable(f"the search index cannot be read: {error!r}")

    def _searcher(self) -> searching.Searcher:
        return self._state().searcher

    def _text_bits(self, state: _ReaderState, words: list[str], phrase: bool) -> int | None:
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

    def _matching(self, state: _ReaderState, plan: Plan, doctype: str) -> int:
        allowed = state.bits("doctype", doctype)
        for clause in plan.clauses:
            text = self._text_bits(state, clause.words, clause.phrase)
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
            excluded = self._text_bits(state, words, True)
            if excluded:
                allowed &= ~excluded
        return allowed

    def _facets(self, state: _ReaderState, matched: int) -> dict[str, dict[str, int]]:
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

    def _ranked(self, state: _ReaderState, plan: Plan, matched: int, limit: int) -> list[int]:
        """Docnums of the best ``limit`` matches by BM25 (title words count triple), under a time limit."""
        terms = analyse(plan.words)
        scoring = wq.Or([wq.Term("title_terms", t, boost=3.0) for t in terms] + [wq.Term("content", t) for t in terms])
        timed = _AllowedWithin(state.searcher.collector(limit=limit), set(_docnums(matched)))
        try:
            state.searcher.search_with_collector(scoring, timed)
        except searching.TimeLimit:
            pass
        ranked = list(timed.results().docs())
        if len(ranked) < limit:  # matched by a tag alone, or cut short: fill up newest first
            seen = set(ranked)
            ranked += [d for d in self._in_order(state, matched, limit) if d not in seen]
        return ranked[:limit]

    def _in_order(self, state: _ReaderState, matched: int, limit: int, first: int = 0) -> list[int]:
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

    def search(self, plan: Plan, *, doctype: str, sort: str = "relevance", page: int = 1,
               per_page: int = 20, facets: bool = True) -> Results:
        if plan.is_empty:
            return Results()
        state = self._state()
        try:
            return self._search(state, plan, doctype, sort, page, per_page, facets)
        except Exception as error:  # noqa: BLE001 - a damaged index is "being rebuilt", never a 500
            raise self._unreadable(state, error) from error

    def _search(self, state: _ReaderState, plan: Plan, doctype: str, sort: str, page: int, per_page: int,
                facets: bool) -> Results:
        matched = self._matching(state, plan, doctype)
        results = Results(total=matched.bit_count())
        if not results.total or per_page == 0:
            return results
        if facets:
            results.facets = self._facets(state, matched)
        limit = page * per_page
        terms = set(analyse(plan.words))
        if sort == NEWEST or not terms:
            docnums = self._in_order(state, matched, limit)
        elif results.total <= RANK_LIMIT:
            docnums = self._ranked(state, plan, matched, limit)
        else:
            # Too many to rank in time: documents with every word in the title lead, newest first.
            in_title = ~0
            for term in terms:
                in_title &= state.bits("title_terms", term)
            docnums = self._in_order(state, matched, limit, first=in_title & matched)
        for docnum in docnums[(page - 1) * per_page:]:
            stored = state.searcher.stored_fields(docnum)
            doc_type, _, doc_id = stored["key"].partition(":")
            results.hits.append(Hit(doc_type, int(doc_id), 0.0, snippets.snippet(stored.get("body", ""), terms),
                                    snippets.mark_all(stored.get("title", ""), terms)))
        return results

    def count(self) -> int:
        return self._searcher().doc_count()

    def health(self) -> str:
        """A stat and a directory listing while the index is unchanged; once per generation, a read
        of real postings and a stored document. "degraded" while a search failed on this generation."""
        try:
            state = self._state()
        except SearchUnavailable:
            return "degraded"
        if state.generation == self._failed:
            return "degraded"
        try:
            state.probe()
        except Exception as error:  # noqa: BLE001
            self._unreadable(state, error)
            return "degraded"
        return "ok"

    # --- writing (the indexer only) ------------------------------------------------------

    def apply(self, docs: list[Document], deletes: list[str]) -> None:
        if not docs and not deletes:
            return
        writer = self._open().writer(timeout=WRITER_TIMEOUT_S)
        try:
            for key in deletes:
                writer.delete_by_term("key", key)
            for doc in docs:
                writer.update_document(**_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, batches) -> int:
        building = f"{self.directory}.building"
        shutil.rmtree(building, ignore_errors=True)
        os.makedirs(building)
        writer = index.create_in(building, SCHEMA).writer(limitmb=256)
        count = 0
        try:
            for batch in batches:
                for doc in batch:
                    writer.add_document(**_fields(doc))
                count += len(batch)
        except BaseException:
            writer.cancel()
            shutil.rmtree(building, ignore_errors=True)
            raise
        writer.commit(optimize=True)
        old = f"{self.directory}.old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(self.directory):
            os.rename(self.directory, old)
        os.rename(building, self.directory)
        shutil.rmtree(old, ignore_errors=True)
        return count


def _to_bits(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def _any(state: _ReaderState, field: str, values) -> int:
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
