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
- Searching a generation (matching, facets, ranking) is whoosh_matching.py; the schema and
  what a document's fields hold, whoosh_schema.py.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Collection

from flask import current_app
from whoosh import index, searching

from . import whoosh_matching as matching
from .interface import Results, SearchBackend, SearchUnavailable
from .documents import Document
from .plan import Plan
from .whoosh_matching import ReaderState
from .whoosh_schema import SCHEMA, fields

WRITER_TIMEOUT_S = 30.0  # only the indexer writes; waiting means a reindex is finishing


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

    def _state(self) -> ReaderState:
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
            state = ReaderState(self._open().searcher(), identity)
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

    def _unreadable(self, state: ReaderState, error: Exception) -> SearchUnavailable:
        """A read failed mid-search: remember it for ``health``, drop the reader, say "rebuilding"."""
        current_app.logger.error("search index unreadable (%s): %r", self.directory, error, exc_info=error)
        self._failed = state.generation
        self.reset()
        return SearchUnavailable(f"the search index cannot be read: {error!r}")

    def _searcher(self) -> searching.Searcher:
        return self._state().searcher

    def search(self, plan: Plan, *, doctype: str | tuple[str, ...], sort: str = "relevance", page: int = 1,
               per_page: int = 20, facets: bool = True, exclude: Collection[str] = ()) -> Results:
        if plan.is_empty:
            return Results()
        state = self._state()
        try:
            return matching.search(state, plan, doctype, sort, page, per_page, facets, exclude)
        except Exception as error:  # noqa: BLE001 - a damaged index is "being rebuilt", never a 500
            raise self._unreadable(state, error) from error

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
            known = set(writer.schema.names())  # an index written before a field was added takes the rest
            for doc in docs:
                writer.update_document(**{name: value for name, value in fields(doc).items() if name in known})
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
                    writer.add_document(**fields(doc))
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
