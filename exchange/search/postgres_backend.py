"""The PostgreSQL full-text backend: for deployments with several web hosts.

Documents live in ``search_documents`` (created by migration 0004 on PostgreSQL only) with a
weighted ``tsvector`` (title A, tags B, names and places C, text D) under a GIN index, and
GIN-indexed arrays of tag, region and author ids. Because they share the database with the
content, documents are written inside the transaction that changed the content
(``applies_in_transaction``): there is nothing to lag behind and nothing to lose.

Text clauses go through ``websearch_to_tsquery`` with words our own parser produced, so no
input can make PostgreSQL raise a syntax error. Phrases also match ``pairs``, a second
tsvector of adjacent stemmed word pairs (search/analysis.py, shared with the Whoosh backend),
so a phrase is a GIN lookup instead of a position recheck of every candidate row.

A thread's pairs vector is large (a few KB, compressed and stored out of line), so reading it
costs a detoast per row: the statement that finds the first matches of a phrase hands the pairs
query to PostgreSQL as a parameter (see ``_phrase_condition``) so that it reads the GIN index,
where its planner, which does not count detoasting, would scan the table and read the pairs of
every row until enough matched: at 1,000,000 posts, 23 ms against 5 ms for a phrase in three
threads out of ten, and still about 8 ms for one in nearly all of them (the seq scan's 5 ms).

A database error while searching (the table missing before ``flask search reindex``, a
broken index) rolls the session back, is logged and becomes ``SearchUnavailable``: the page
says search is being rebuilt, and ``health`` reports "degraded" until its own check passes.
"""
from __future__ import annotations

import time
from datetime import datetime, time as day_time

from flask import current_app
from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, and_, delete, desc, func,
                        literal, literal_column, not_, or_, select, union_all)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR, array, insert
from sqlalchemy.exc import SQLAlchemyError

from ..database import transaction
from ..extensions import db
from .interface import MARK_END, MARK_START, NEWEST, Hit, Results, SearchBackend, SearchUnavailable, doctypes_of
from .analysis import phrase_pairs, word_pairs
from .documents import THREAD, Document
from .plan import Plan

FACET_SAMPLE = 500      # counts stop here ("500+"): counting every match of a common word costs more than it tells
RANK_LIMIT = 3_000      # ts_rank_cd for up to this many matches; beyond, newest first (an index scan)
HEADLINE_CHARS = 3_000  # the text ts_headline reads per hit (its cost grows with it)
WINDOW_SEARCH_CHARS = 30_000  # how far into a document the snippet window looks for the first word
CONFIG = literal_column("'english'::regconfig")

documents_table = Table(
    "search_documents", MetaData(),
    Column("key", String(32), primary_key=True),
    Column("doctype", String(16), nullable=False),
    Column("doc_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("tag_ids", ARRAY(Integer), nullable=False),
    Column("region_ids", ARRAY(Integer), nullable=False),
    Column("author_ids", ARRAY(Integer), nullable=False),
    Column("category_id", Integer),
    Column("created", DateTime, nullable=False),
    Column("tsv", TSVECTOR, nullable=False),
    Column("pairs", TSVECTOR, nullable=False),
)
D = documents_table.c


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


def _match(vector, tsquery):
    return vector.op("@@", return_type=Boolean)(tsquery)


def _tsquery(words: list[str], phrase: bool):
    text = " ".join(words)
    return func.websearch_to_tsquery(CONFIG, literal(f'"{text}"' if phrase and len(words) > 1 else text))


def _phrase_condition(words: list[str], *, by_index: bool = False):
    """A phrase as its adjacent word pairs: GIN lookups, where ``<->`` would recheck every candidate.

    ``by_index``: the tsquery goes in as a scalar subquery, a value the planner cannot see, so it
    estimates the default 0.5 % of rows and takes the GIN index (a bitmap of the matching rows
    whose heap rows are read without their pairs) over a scan that detoasts each row's pairs until
    enough match. For the statements that stop at the first matches, in no particular order; a
    page in date order keeps the plain value, so it can walk the date index and stop at the page.
    """
    pairs = phrase_pairs(words)
    if not pairs:
        return None
    # Pair lexemes are our own \w+ stems joined by "_", quoted for tsquery input syntax.
    tsquery = func.cast(literal(" & ".join(f"'{p}'" for p in pairs)), TSQUERY)
    return _match(D.pairs, select(tsquery).scalar_subquery() if by_index else tsquery)


def _ids(values: list[int]):
    return array([literal(v, Integer) for v in values], type_=Integer)


def conditions(plan: Plan, doctype: str | tuple[str, ...], *, first_matches: bool = False) -> tuple[list, object | None]:
    """(WHERE conditions, the combined tsquery for ranking and snippets or None).

    ``first_matches``: for a statement that takes the first matches in any order (the facet
    sample, the count): phrases over threads, whose pairs are out of line, read the pairs index.
    """
    doctypes = doctypes_of(doctype)
    where = [D.doctype == doctypes[0] if len(doctypes) == 1 else D.doctype.in_(doctypes)]
    by_index = first_matches and THREAD in doctypes
    ranking = None
    for clause in plan.clauses:
        tsq = _tsquery(clause.words, clause.phrase)
        matches = _match(D.tsv, tsq)
        if clause.phrase and len(clause.words) > 1:
            # The pairs hold the phrase's words too: testing the (large, out-of-line) tsvector as
            # well would read it for every candidate and triple the cost of a phrase.
            by_pairs = _phrase_condition(clause.words, by_index=by_index)
            matches = by_pairs if by_pairs is not None else matches
        if clause.tag_ids:
            matches = or_(matches, D.tag_ids.op("&&")(_ids(clause.tag_ids)))
        where.append(matches)
        ranking = tsq if ranking is None else ranking.op("&&")(tsq)
    for tag_id in plan.tag_ids:
        where.append(D.tag_ids.op("@>")(_ids([tag_id])))
    for region_ids in plan.region_ids:
        where.append(D.region_ids.op("&&")(_ids(region_ids)))
    for author_id in plan.author_ids:
        where.append(D.author_ids.op("@>")(_ids([author_id])))
    if plan.kinds:
        where.append(D.kind.in_(plan.kinds))
    if plan.category_ids:
        where.append(D.category_id.in_(plan.category_ids))
    if plan.after:
        where.append(D.created >= datetime.combine(plan.after, day_time.min))
    if plan.before:
        where.append(D.created < datetime.combine(plan.before, day_time.min))
    for words in plan.excluded:
        by_pairs = _phrase_condition(words) if len(words) > 1 else None
        where.append(not_(by_pairs if by_pairs is not None else _match(D.tsv, _tsquery(words, True))))
    return where, ranking


class PostgresBackend(SearchBackend):
    name = "postgres"
    applies_in_transaction = True

    def __init__(self):
        self._health: tuple[float, str] | None = None

    def search(self, plan: Plan, *, doctype: str | tuple[str, ...], sort: str = "relevance", page: int = 1,
               per_page: int = 20, facets: bool = True) -> Results:
        if plan.is_empty:
            return Results()
        try:
            return self._search(plan, doctype, sort, page, per_page, facets)
        except SQLAlchemyError as error:
            db.session.rollback()  # the failed statement aborted the transaction
            current_app.logger.error("search documents unreadable: %r", error, exc_info=error)
            self._health = (time.monotonic(), "degraded")
            raise SearchUnavailable(f"the search documents cannot be read: {error!r}") from error

    def _search(self, plan: Plan, doctype: str | tuple[str, ...], sort: str, page: int, per_page: int,
                facets: bool) -> Results:
        _, ranking = conditions(plan, doctype)
        first_matches, _ = conditions(plan, doctype, first_matches=True)
        results = Results()
        matched = select(D.key, D.kind, D.tag_ids, D.region_ids, D.category_id).where(and_(*first_matches)) \
            .limit(FACET_SAMPLE + 1).cte("matched")
        found_keys: list[str] = []
        if facets:
            rows = db.session.execute(union_all(
                select(literal("total"), literal(""), func.count()).select_from(matched),
                select(literal("kind"), matched.c.kind, func.count()).group_by(matched.c.kind),
                _unnest_counts(matched, "tag", matched.c.tag_ids),
                _unnest_counts(matched, "region", matched.c.region_ids),
                select(literal("category"), func.cast(matched.c.category_id, Text), func.count())
                .where(matched.c.category_id.is_not(None)).group_by(matched.c.category_id),
                # The matching keys too: when they are all of them, the page is read by key, not matched again.
                select(literal("id"), matched.c.key, literal(1)),
            )).all()
            results.facets = {name: {} for name in ("kind", "tag", "region", "category")}
            for name, value, count in rows:
                if name == "id":
                    found_keys.append(value)
                elif name == "total":
                    results.total = count
                else:
                    results.facets[name][str(value)] = count
        else:
            results.total = db.session.scalar(select(func.count()).select_from(matched))
        if results.total > FACET_SAMPLE:
            results.total, results.complete = FACET_SAMPLE, False
        if not results.total or per_page == 0:
            return results
        ranked = ranking is not None and sort != NEWEST and results.complete and results.total <= RANK_LIMIT
        score = func.ts_rank_cd(D.tsv, ranking, 1) if ranked else literal(0.0)
        order = [desc(score), desc(D.created)] if ranked else [desc(D.created)]
        if results.complete and found_keys:
            position = func.row_number().over(order_by=order).label("position")
            page_rows = select(D.doc_id, D.doctype, D.title, D.body, score.label("score"), position) \
                .where(D.key.in_(found_keys)).order_by(*order).offset((page - 1) * per_page).limit(per_page).subquery()
        else:
            page_rows = _page_rows(plan, doctype, order, score, page, per_page)
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
        if ranking is not None:
            # ts_headline parses all it is given: give it a window that starts a little before the
            # first searched word, so a match deep in a long thread still gets its highlight.
            # For a phrase, before the phrase as typed when the text has it: a window around its
            # first word alone may not hold the phrase: the snippet then misses it, and ts_headline
            # spends longer looking for a cover it cannot find.
            searched = func.lower(func.left(page_rows.c.body, WINDOW_SEARCH_CHARS))
            clause = next((c for c in plan.clauses if c.words), None)
            first = clause.words[0].lower() if clause else ""
            at = func.strpos(searched, first)
            if clause and clause.phrase and len(clause.words) > 1:
                at = func.coalesce(func.nullif(func.strpos(searched, " ".join(clause.words).lower()), 0), at)
            window = func.substr(page_rows.c.body, func.greatest(at - 300, 1), HEADLINE_CHARS)
            snippet = func.ts_headline(CONFIG, window, ranking, literal(
                f"{marks}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \""))
            title = func.ts_headline(CONFIG, page_rows.c.title, ranking, literal(f"{marks}, HighlightAll=true"))
        else:
            snippet, title = func.left(page_rows.c.body, 240), literal("")
        for doc_id, doc_type, score_value, text, marked_title in db.session.execute(
                select(page_rows.c.doc_id, page_rows.c.doctype, page_rows.c.score, snippet, title)
                .order_by(page_rows.c.position)):
            marked_title = marked_title if marked_title and MARK_START in marked_title else ""
            results.hits.append(Hit(doc_type, doc_id, float(score_value or 0), text or "", marked_title))
        return results

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(documents_table)) or 0

    def health(self) -> str:
        now = time.monotonic()
        if self._health is None or now - self._health[0] > 5:
            try:
                with db.engine.connect() as connection:  # the columns a search reads, on their own connection
                    connection.execute(select(D.key, D.tsv, D.pairs).where(_match(D.tsv, func.to_tsquery(
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


def _page_rows(plan: Plan, doctype: str | tuple[str, ...], order: list, score, page: int, per_page: int):
    """One page of matches in ``order``, matched afresh. Several doctypes are read one by one and
    merged: ``doctype IN (...)`` could not walk the (doctype, created) index newest first and stop
    at the page; each doctype's own statement does, and the merge sorts a few pages' rows only."""
    doctypes = doctypes_of(doctype)
    if len(doctypes) == 1:
        return select(D.doc_id, D.doctype, D.title, D.body, score.label("score"),
                      func.row_number().over(order_by=order).label("position")) \
            .where(and_(*conditions(plan, doctype)[0])).order_by(*order) \
            .offset((page - 1) * per_page).limit(per_page).subquery()
    each = union_all(*(select(D.doc_id, D.doctype, D.title, D.body, D.created, score.label("score"))
                       .where(and_(*conditions(plan, one)[0])).order_by(*order).limit(page * per_page)
                       for one in doctypes)).subquery()
    merged = [desc(each.c.score), desc(each.c.created)] if len(order) > 1 else [desc(each.c.created)]
    return select(each.c.doc_id, each.c.doctype, each.c.title, each.c.body, each.c.score,
                  func.row_number().over(order_by=merged).label("position")) \
        .order_by(*merged).offset((page - 1) * per_page).limit(per_page).subquery()


def _unnest_counts(matched, name: str, column):
    value = func.unnest(column).label("value")
    inner = select(value).select_from(matched).subquery()
    return select(literal(name), func.cast(inner.c.value, Text), func.count()).group_by(inner.c.value)
