"""The embedded search backend: a Whoosh index in a directory (``SEARCH_INDEX_DIR``).

- Only the indexer writes (``apply``, ``rebuild``); web requests only open searchers.
- ``rebuild`` writes a complete new index beside the live one and swaps the directories,
  so search keeps answering from the old index while a reindex runs.
- A missing, locked or unreadable index raises ``SearchUnavailable``; it is never created
  behind the reader's back (that would silently hide everything not yet re-indexed).
- Scoring runs under a time limit: a very common word returns its best hits found so far
  instead of taking seconds. Facet counts come from per-term bitsets (Python ints), cached
  per index generation, ANDed with the bitset of matching documents.
"""
from __future__ import annotations

import os
import shutil
import threading
from datetime import datetime, time as day_time

from whoosh import collectors, highlight, index, query as wq, searching
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from .backend import FACETS, MARK_END, MARK_START, NEWEST, Hit, Results, SearchBackend, SearchUnavailable
from .documents import Document
from .plan import Plan

TIME_LIMIT_S = 0.12
WRITER_TIMEOUT_S = 30.0  # only the indexer writes; waiting means a reindex is finishing
SNIPPET_CHARS = 240
MAX_HIGHLIGHT_CHARS = 40_000

_analyzer = StemmingAnalyzer()

SCHEMA = Schema(
    key=ID(unique=True, stored=True),
    doctype=ID,
    kind=ID,
    title=TEXT(analyzer=_analyzer, field_boost=3.0, stored=True),
    body=TEXT(analyzer=_analyzer, stored=True),
    tagtext=TEXT(analyzer=_analyzer, field_boost=2.0),
    meta=TEXT(analyzer=_analyzer),
    tag=KEYWORD(commas=True),
    region=KEYWORD(commas=True),
    author=KEYWORD(commas=True),
    category=ID,
    created=DATETIME(sortable=True),
)
TEXT_FIELDS = ("title", "body", "tagtext", "meta")


class _Marker(highlight.Formatter):
    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


def analyse(words: list[str]) -> list[str]:
    """The index terms for ``words`` (stemmed; stop words drop out)."""
    return [t.text for w in words for t in _analyzer(w)]


def _fields(doc: Document) -> dict:
    return {
        "key": doc.key, "doctype": doc.doctype, "kind": doc.kind, "title": doc.title,
        "body": doc.body[:MAX_HIGHLIGHT_CHARS * 4], "tagtext": doc.tagtext, "meta": doc.meta,
        "tag": ",".join(map(str, doc.tag_ids)), "region": ",".join(map(str, doc.region_ids)),
        "author": ",".join(map(str, doc.author_ids)),
        "category": str(doc.category_id or ""), "created": doc.created or datetime(1970, 1, 1),
    }


def _text_query(words: list[str], phrase: bool) -> wq.Query | None:
    terms = analyse(words)
    if not terms:
        return None
    if phrase and len(terms) > 1:
        return wq.Or([wq.Phrase(f, terms) for f in TEXT_FIELDS])
    return wq.And([wq.Or([wq.Term(f, t) for f in TEXT_FIELDS]) for t in terms])


def build_query(plan: Plan, doctype: str) -> wq.Query:
    parts: list[wq.Query] = [wq.Term("doctype", doctype)]
    for clause in plan.clauses:
        text = _text_query(clause.words, clause.phrase)
        tags = [wq.Term("tag", str(t)) for t in clause.tag_ids]
        options = ([text] if text else []) + tags
        if options:
            parts.append(wq.Or(options) if len(options) > 1 else options[0])
    parts += [wq.Term("tag", str(t)) for t in plan.tag_ids]
    parts += [wq.Or([wq.Term("region", str(r)) for r in ids]) for ids in plan.region_ids]
    parts += [wq.Term("author", str(a)) for a in plan.author_ids]
    if plan.kinds:
        parts.append(wq.Or([wq.Term("kind", k) for k in plan.kinds]))
    if plan.category_ids:
        parts.append(wq.Or([wq.Term("category", str(c)) for c in plan.category_ids]))
    if plan.before or plan.after:
        start = datetime.combine(plan.after, day_time.min) if plan.after else None
        end = datetime.combine(plan.before, day_time.min) if plan.before else None
        parts.append(wq.DateRange("created", start, end, endexcl=True))
    query: wq.Query = wq.And(parts)
    excluded = [q for q in (_text_query(words, True) for words in plan.excluded) if q is not None]
    if excluded:
        query = wq.AndNot(query, wq.Or(excluded))
    return query


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory: str):
        self.directory = directory
        self._local = threading.local()
        self._bitsets: dict[tuple, int] = {}

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

    def _searcher(self) -> searching.Searcher:
        """This thread's searcher, reopened when the index changed or was swapped by a rebuild."""
        try:
            identity = os.stat(self.directory).st_ino
        except OSError as error:
            raise SearchUnavailable("the search index is missing") from error
        cached = getattr(self._local, "searcher", None)
        if cached is not None:
            try:
                if cached[0] == identity and cached[1].up_to_date():
                    return cached[1]
            except Exception:  # noqa: BLE001 - fall through and reopen
                pass
            # Not Searcher.refresh(): it reuses segment readers and would miss new deletions.
            cached[1].close()
            self._local.searcher = None
        try:
            searcher = self._open().searcher()
        except SearchUnavailable:
            raise
        except Exception as error:  # noqa: BLE001
            raise SearchUnavailable(f"the search index cannot be read: {error}") from error
        self._local.searcher = (identity, searcher)
        return searcher

    def _bitset(self, searcher: searching.Searcher, field: str, value: str) -> int:
        cache_key = (id(searcher.reader()), field, value)
        bits = self._bitsets.get(cache_key)
        if bits is None:
            bits = _to_bits(searcher.postings(field, value).all_ids() if _has(searcher, field, value) else (),
                            searcher.doc_count_all())
            if len(self._bitsets) > 4096:
                self._bitsets.clear()
            self._bitsets[cache_key] = bits
        return bits

    def _facets(self, searcher: searching.Searcher, matched: int) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        reader = searcher.reader()
        for facet in FACETS:
            values = {}
            for value in reader.field_terms(facet):
                n = (matched & self._bitset(searcher, facet, value)).bit_count()
                if n:
                    values[value] = n
            counts[facet] = values
        return counts

    def search(self, plan: Plan, *, doctype: str, sort: str = "relevance", page: int = 1,
               per_page: int = 20, facets: bool = True) -> Results:
        searcher = self._searcher()
        query = build_query(plan, doctype)
        if plan.is_empty:
            return Results()
        matched_docs = list(searcher.docs_for_query(query))
        results = Results(total=len(matched_docs))
        if not matched_docs or per_page == 0:
            return results
        if facets:
            results.facets = self._facets(searcher, _to_bits(matched_docs, searcher.doc_count_all()))
        limit = page * per_page
        if sort == NEWEST:
            collector = searcher.collector(limit=limit, sortedby="created", reverse=True)
        else:
            collector = searcher.collector(limit=limit)
        timed = collectors.TimeLimitCollector(collector, timelimit=TIME_LIMIT_S, use_alarm=False)
        try:
            searcher.search_with_collector(query, timed)
        except searching.TimeLimit:
            results.complete = False
        found = timed.results()
        found.formatter = _Marker()
        whole = highlight.WholeFragmenter()
        context = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60, charlimit=MAX_HIGHLIGHT_CHARS)
        for hit in found[(page - 1) * per_page: limit]:
            doc_type, _, doc_id = hit["key"].partition(":")
            found.fragmenter = whole
            title = hit.highlights("title", top=1)
            found.fragmenter = context
            snippet = hit.highlights("body", top=2) or hit.get("body", "")[:SNIPPET_CHARS]
            results.hits.append(Hit(doc_type, int(doc_id), hit.score or 0.0, snippet, title))
        return results

    def count(self) -> int:
        return self._searcher().doc_count()

    def health(self) -> str:
        try:
            self._searcher()  # a stat and a directory listing while the index is unchanged
            return "ok"
        except SearchUnavailable:
            return "degraded"

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


def _has(searcher: searching.Searcher, field: str, value: str) -> bool:
    try:
        return (field, value) in searcher.reader()
    except Exception:  # noqa: BLE001
        return False


def _to_bits(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")

