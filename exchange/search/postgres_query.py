"""The PostgreSQL backend's documents table, and a plan as the conditions that match it.

Documents live in ``search_documents`` (created by migration 0004 on PostgreSQL only) with a
weighted ``tsvector`` (title A, tags B, names and places C, text D) under a GIN index, and
GIN-indexed arrays of tag, region and author ids.

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
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time as day_time

from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, func, literal,
                        literal_column, not_, or_, select)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR, array

from .analysis import phrase_pairs
from .documents import THREAD
from .interface import doctypes_of
from .plan import Plan

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


def match(vector, tsquery):
    return vector.op("@@", return_type=Boolean)(tsquery)


def tsquery_of(words: list[str], phrase: bool):
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
    return match(D.pairs, select(tsquery).scalar_subquery() if by_index else tsquery)


def _ids(values: list[int]):
    return array([literal(v, Integer) for v in values], type_=Integer)


def conditions(plan: Plan, doctype: str | tuple[str, ...], *, first_matches: bool = False,
               exclude: Collection[str] = ()) -> tuple[list, object | None]:
    """(WHERE conditions, the combined tsquery for ranking and snippets or None).

    ``first_matches``: for a statement that takes the first matches in any order (the facet
    sample, the count): phrases over threads, whose pairs are out of line, read the pairs index.
    ``exclude``: keys of documents left out (stale.py).
    """
    doctypes = doctypes_of(doctype)
    where = [D.doctype == doctypes[0] if len(doctypes) == 1 else D.doctype.in_(doctypes)]
    by_index = first_matches and THREAD in doctypes
    ranking = None
    for clause in plan.clauses:
        tsq = tsquery_of(clause.words, clause.phrase)
        matches = match(D.tsv, tsq)
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
        where.append(not_(by_pairs if by_pairs is not None else match(D.tsv, tsquery_of(words, True))))
    if exclude:
        where.append(D.key.not_in(sorted(exclude)))
    return where, ranking
