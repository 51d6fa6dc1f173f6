"""The PostgreSQL full-text backend: for deployments with several web hosts.

Documents live in ``search_documents`` (postgres_query.py: the table, and a plan as the
conditions that match it). Because they share the database with the content, documents are
written inside the transaction that changed the content (``applies_in_transaction``): there is
nothing to lag behind and nothing to lose. Reading a search (the sample that is counted and
faceted, regional copies gathered, the page and its snippets) is postgres_pages.py.

A database error while searching (the table missing before ``flask search reindex``, a
broken index) rolls the session back, is logged and becomes ``SearchUnavailable``: the page
says search is being rebuilt, and ``health`` reports "degraded" until its own check passes.
"""
from __future__ import annotations

import time
from collections.abc import Collection
from datetime import datetime

from flask import current_app
from sqlalchemy import Text, delete, desc, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.exc import SQLAlchemyError

from ..database import transaction
from ..extensions import db
from . import postgres_pages as pages
from .analysis import word_pairs
from .copies import collapse, copy_keys
from .documents import Document
from .interface import NEWEST, Hit, Results, SearchBackend, SearchUnavailable
from .plan import Plan
from .postgres_query import CONFIG, D, conditions, documents_table, match

__all__ = ["PostgresBackend", "documents_table"]

RANK_LIMIT = 3_000      # ts_rank_cd for up to this many matches; beyond, newest first (an index scan)


def _vector(doc: Document):
    def weighted(text: str, weight: str):
        return func.setweight(func.to_tsvector(CONFIG, literal(text or "", Text)), literal_column(f"'{weight}'"))
    return (weighted(doc.title, "A").op("||")(weighted(doc.tagtext, "B"))
            .op("||")(weighted(doc.meta, "C")).op("||")(weighted(doc.body, "D")))


def _row(doc: Document) -> dict:
    return {"key": doc.key, "doctype": doc.doctype, "doc_id": doc.id, "kind": doc.kind, "title": doc.title,
            "body": doc.body, "tag_ids": doc.tag_ids, "region_ids": doc.region_ids, "author_ids": doc.author_ids,
            "category_id": doc.category_id, "created": doc.created or datetime(1970, 1, 1), "tsv": _vector(doc),
            "pairs": func.array_to_tsvector(literal(sorted(word_pairs(_text_of(doc))), ARRAY(Text)))}


def _text_of(doc: Document) -> str:
    return "\n".join((doc.title, doc.tagtext, doc.meta, doc.body))


class PostgresBackend(SearchBackend):
    name = "postgres"
    applies_in_transaction = True

    def __init__(self):
        self._health: tuple[float, str] | None = None

    def search(self, plan: Plan, *, doctype: str | tuple[str, ...], sort: str = "relevance", page: int = 1,
               per_page: int = 20, facets: bool = True, exclude: Collection[str] = ()) -> Results:
        if plan.is_empty:
            return Results()
        try:
            return self._search(plan, doctype, sort, page, per_page, facets, exclude)
        except SQLAlchemyError as error:
            db.session.rollback()  # the failed statement aborted the transaction
            current_app.logger.error("search documents unreadable: %r", error, exc_info=error)
            self._health = (time.monotonic(), "degraded")
            raise SearchUnavailable(f"the search documents cannot be read: {error!r}") from error

    def _search(self, plan: Plan, doctype: str | tuple[str, ...], sort: str, page: int, per_page: int,
                facets: bool, exclude: Collection[str]) -> Results:
        rows = pages.sample(plan, doctype, exclude)
        complete = len(rows) <= pages.FACET_SAMPLE
        rows = rows[:pages.FACET_SAMPLE]
        by_key = {r.key: r for r in rows}
        copy_of = copy_keys(rows)
        groups = collapse(list(by_key), copy_of)
        results = Results(total=len(groups), complete=complete)
        if facets:
            results.facets = pages.facet_counts([[by_key[k] for k in group] for group in groups])
        if not results.total or per_page == 0:
            return results
        _, ranking = conditions(plan, doctype)
        if complete:   # the sample is every match: order it, gather copies, take the page
            ranked = ranking is not None and sort != NEWEST and len(rows) <= RANK_LIMIT
            order = [desc(func.ts_rank_cd(D.tsv, ranking, 1)), desc(D.created)] if ranked else [desc(D.created)]
            page_groups = collapse(pages.in_order(list(by_key), order), copy_of)[(page - 1) * per_page:page * per_page]
        else:
            page_groups = pages.newest_page(plan, doctype, exclude, page, per_page)
        found = pages.headlines([group[0] for group in page_groups], plan)
        for group in page_groups:
            if group[0] in found:
                doc_id, doc_type, snippet, title = found[group[0]]
                copies = [int(key.partition(":")[2]) for key in group[1:]]
                results.hits.append(Hit(doc_type, doc_id, 0.0, snippet, title, copies=copies))
        return results

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(documents_table)) or 0

    def health(self) -> str:
        now = time.monotonic()
        if self._health is None or now - self._health[0] > 5:
            try:
                with db.engine.connect() as connection:  # the columns a search reads, on their own connection
                    connection.execute(select(D.key, D.tsv, D.pairs).where(match(D.tsv, func.to_tsquery(
                        CONFIG, literal("health")))).limit(1))
                state = "ok"
            except Exception:  # noqa: BLE001 - a missing table or unreachable server
                state = "degraded"
            self._health = (now, state)
        return self._health[1]

    def apply(self, docs: list[Document], deletes: list[str]) -> None:
        """Inside the caller's transaction: its commit makes the documents visible."""
        if deletes:
            db.session.execute(delete(documents_table).where(D.key.in_(deletes)))
        if docs:
            statement = insert(documents_table).values([_row(d) for d in docs])
            db.session.execute(statement.on_conflict_do_update(
                index_elements=[D.key],
                set_={c.name: statement.excluded[c.name] for c in documents_table.columns if c.name != "key"}))

    def rebuild(self, batches) -> int:
        count = 0
        with transaction():
            db.session.execute(delete(documents_table))
            for batch in batches:
                self.apply(batch, [])
                count += len(batch)
        self._health = None
        return count
