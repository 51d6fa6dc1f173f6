"""Reading a PostgreSQL search: the matches counted and faceted, copies gathered, a page in order,
and its snippets.

The count and the facets come from one sample of the matches (at most ``FACET_SAMPLE``, in any
order, so a common word stops early), with regional copies of a practice gathered into one hit
(copies.py) before anything is counted. When the sample holds every match, the page is read from
its keys (ranked, or newest first) and gathered the same way, so the pages add up to the count.
Beyond it the count is "500+", and a page is read newest first from all the matches, reading on
until copies have been gathered.

Snippets: ``ts_headline`` over the body (the text the member wrote, never the title, names or
places), in a window that starts a little before the first searched word; a hit that matched only
by its title or tags shows the beginning of the body.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from functools import reduce
from os.path import commonprefix

from sqlalchemy import and_, desc, func, literal, select, union_all

from ..extensions import db
from .analysis import stem
from .copies import collapse, copy_keys
from .interface import FACETS, MARK_END, MARK_START, doctypes_of
from .plan import Plan
from .postgres_query import CONFIG, D, conditions, tsquery_of

FACET_SAMPLE = 500      # counts stop here ("500+"): counting every match of a common word costs more than it tells
HEADLINE_CHARS = 3_000  # the text ts_headline reads per hit (its cost grows with it)
WINDOW_SEARCH_CHARS = 30_000  # how far into a document the snippet window looks for the first word
GROW_ROUNDS = 4         # a page past the sample: how many times to read on for copies that took places
LIGHT = (D.key, D.kind, D.title, D.region_ids)  # what gathering copies reads


def sample(plan: Plan, doctype: str | tuple[str, ...], exclude: Collection[str]) -> list:
    """The first ``FACET_SAMPLE + 1`` matches, in no order, with what counting and faceting need."""
    first_matches, _ = conditions(plan, doctype, first_matches=True, exclude=exclude)
    return db.session.execute(select(*LIGHT, D.tag_ids, D.category_id).where(and_(*first_matches))
                              .limit(FACET_SAMPLE + 1)).all()


def facet_counts(groups: list[list]) -> dict[str, dict[str, int]]:
    """Hits per facet value, each hit (a practice and its copies) once under every value any copy has."""
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for group in groups:
        values: dict[str, set] = {name: set() for name in FACETS}
        for row in group:
            values["kind"].add(row.kind)
            values["tag"].update(row.tag_ids or ())
            values["region"].update(row.region_ids or ())
            if row.category_id is not None:
                values["category"].add(row.category_id)
        for name, found in values.items():
            counts[name].update(str(v) for v in found)
    return {name: dict(found) for name, found in counts.items()}


def in_order(keys: list[str], order: list) -> list[str]:
    """``keys`` (the whole sample) in ``order``."""
    return list(db.session.scalars(select(D.key).where(D.key.in_(keys)).order_by(*order)))


def newest_page(plan: Plan, doctype: str | tuple[str, ...], exclude: Collection[str], page: int,
                per_page: int) -> list[list[str]]:
    """Page ``page`` of hits, newest first, from every match: read past the page by as many
    documents as copies gathered into earlier hits."""
    wanted, limit = page * per_page, page * per_page * 2
    for _ in range(GROW_ROUNDS):
        rows = db.session.execute(_newest(plan, doctype, exclude, limit)).all()
        groups = collapse([r.key for r in rows], copy_keys(rows))
        if len(groups) >= wanted or len(rows) < limit:
            break
        limit *= 4
    return groups[(page - 1) * per_page:wanted]


def _newest(plan: Plan, doctype: str | tuple[str, ...], exclude: Collection[str], limit: int):
    """The first ``limit`` matches newest first. Several doctypes are read one by one and merged:
    ``doctype IN (...)`` could not walk the (doctype, created) index newest first and stop at the
    page; each doctype's own statement does, and the merge sorts a few pages' rows only."""
    doctypes = doctypes_of(doctype)
    if len(doctypes) == 1:
        return select(*LIGHT).where(and_(*conditions(plan, doctype, exclude=exclude)[0])) \
            .order_by(desc(D.created)).limit(limit)
    each = union_all(*(select(*LIGHT, D.created).where(and_(*conditions(plan, one, exclude=exclude)[0]))
                       .order_by(desc(D.created)).limit(limit) for one in doctypes)).subquery()
    return select(each.c.key, each.c.kind, each.c.title, each.c.region_ids) \
        .order_by(desc(each.c.created)).limit(limit)


def _needle(word: str) -> str:
    """What to look for in the body: the part a word shares with its stem ("attendance" → "attend",
    "policies" → "polic"), so "attended" and "policy" place the window too."""
    shared = commonprefix([word, stem(word)])
    return shared if len(shared) >= 3 else word


def headlines(keys: list[str], plan: Plan) -> dict[str, tuple[int, str, str, str]]:
    """key → (doc_id, doctype, snippet, marked title or "") for the page's hits. The snippet marks
    any of the query's words (its clauses ORed: a hit matched by a tag word has the others only)."""
    rows = select(D.key, D.doc_id, D.doctype, D.title, D.body).where(D.key.in_(keys)).subquery()
    marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
    ranking = reduce(lambda either, other: either.op("||")(other),
                     [tsquery_of(c.words, c.phrase) for c in plan.clauses if c.words]) if plan.words else None
    if ranking is not None:
        # ts_headline parses all it is given: give it a window that starts a little before the
        # first searched word, so a match deep in a long thread still gets its highlight.
        # For a phrase, before the phrase as typed when the text has it: a window around its
        # first word alone may not hold the phrase: the snippet then misses it, and ts_headline
        # spends longer looking for a cover it cannot find.
        searched = func.lower(func.left(rows.c.body, WINDOW_SEARCH_CHARS))
        clause = next((c for c in plan.clauses if c.words), None)
        first = _needle(clause.words[0].lower()) if clause else ""
        at = func.strpos(searched, first)
        if clause and clause.phrase and len(clause.words) > 1:
            at = func.coalesce(func.nullif(func.strpos(searched, " ".join(clause.words).lower()), 0), at)
        window = func.substr(rows.c.body, func.greatest(at - 300, 1), HEADLINE_CHARS)
        snippet = func.ts_headline(CONFIG, window, ranking, literal(
            f"{marks}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \""))
        title = func.ts_headline(CONFIG, rows.c.title, ranking, literal(f"{marks}, HighlightAll=true"))
    else:
        snippet, title = func.left(rows.c.body, 240), literal("")
    found = {}
    for key, doc_id, doc_type, text, marked_title in db.session.execute(
            select(rows.c.key, rows.c.doc_id, rows.c.doctype, snippet, title)):
        found[key] = (doc_id, doc_type, text or "", marked_title if marked_title and MARK_START in marked_title else "")
    return found
