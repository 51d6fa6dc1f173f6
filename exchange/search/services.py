"""Searching: text in, a page of results out (threads, practices and openings, or members).

Parse (query.py) → resolve (plan.py) → the configured backend → the objects behind the hits,
loaded in a few queries, with facet values turned into links that narrow the query.

The count, the facets and the pages are one query's figures: the backend counts, facets and pages
the same matches, with what the database no longer lists left out first (stale.py) and the
regional copies of a practice collapsed into one hit (copies.py), which names the regions of the
others ("also in Boston, Denver").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Affiliation, Category, Opportunity, Practice, Region, Tag, Thread, ThreadTag, User
from ..taxonomy import tree
from . import documents, spelling, stale
from .backend import get_backend
from .interface import NEWEST, RELEVANCE, Results, SearchUnavailable, snippet_html
from .plan import Plan, resolve
from .query import MAX_QUERY, Query, parse, unparse

PER_PAGE = 20
MAX_PAGE = 1000  # /search clamps ?page= to this: PostgreSQL refuses an OFFSET beyond bigint
FACET_VALUES = 8
TABS = {"content": (documents.THREAD, documents.OPPORTUNITY), "members": (documents.MEMBER,)}
SORTS = {RELEVANCE: "Best match", NEWEST: "Newest"}
KIND_LABELS = {"practice": "Practices", "discussion": "Discussions", "opportunity": "Opportunities"}


@dataclass
class FacetValue:
    label: str
    count: int
    query: str          # the search text with this value added (or removed, when selected)
    selected: bool = False


@dataclass
class Result:
    object: object      # a Thread, an Opportunity or a User
    snippet: object     # Markup
    title: object = ""  # Markup: the title with matches marked, or empty
    via: list = field(default_factory=list)
    doctype: str = documents.THREAD
    also_in: list = field(default_factory=list)  # (region name, Thread): the practice's regional copies


@dataclass
class SearchPage:
    text: str
    query: Query
    plan: Plan | None = None
    tab: str = "content"
    sort: str = RELEVANCE
    page: int = 1
    results: list[Result] = field(default_factory=list)
    total: int = 0
    other_total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    complete: bool = True
    unavailable: bool = False
    did_you_mean: str = ""

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / PER_PAGE), 1)

    @property
    def searched(self) -> bool:
        """A search ran, or had something to say (only stop words: nothing to search for)."""
        return self.plan is not None and (not self.plan.is_empty or bool(self.plan.notes))


def search(text: str, *, tab: str = "content", sort: str = RELEVANCE, page: int = 1) -> SearchPage:
    query = parse(text)
    tab = tab if tab in TABS else "content"
    result = SearchPage(text=query.raw, query=query, tab=tab, sort=sort if sort in SORTS else RELEVANCE,
                        page=max(page, 1))
    if query.is_empty:
        return result
    result.plan = plan = resolve(query)
    if len(text or "") > MAX_QUERY:
        plan.notes.append(f"Only the first {MAX_QUERY} characters were searched.")
    if plan.is_empty:
        return result
    backend = get_backend()
    exclude = stale.unlisted_keys(backend)
    try:
        found = backend.search(plan, doctype=TABS[tab], sort=result.sort, page=result.page, per_page=PER_PAGE,
                               exclude=exclude)
        other = "members" if tab == "content" else "content"
        result.other_total = backend.search(plan, doctype=TABS[other], per_page=0, facets=False,
                                            exclude=exclude).total
    except SearchUnavailable:
        result.unavailable = True
        return result
    result.total, result.complete = found.total, found.complete
    result.results = _load(found, tab, plan)
    result.facets = _facets(found, query) if tab == "content" else _member_facets(found, query)
    if found.total == 0 and plan.words:
        result.did_you_mean = _did_you_mean(query)
    return result


def _load(found: Results, tab: str, plan: Plan) -> list[Result]:
    """The objects behind the hits, as the database has them now: a hit the index has not caught
    up with (a suspended member, a hidden opening post, a merged thread, an opening closed, hidden
    or past its closing date) is left out."""
    ids: dict[str, list[int]] = {}
    for hit in found.hits:
        ids.setdefault(hit.doctype, []).extend([hit.id, *hit.copies])
    if not ids:
        return []
    loaded: dict[tuple[str, int], tuple[object, set[int]]] = {}  # (object, the tags it is filed under)
    if tab == "content":
        loaded.update(_threads(ids.get(documents.THREAD, [])))
        loaded.update(_openings(ids.get(documents.OPPORTUNITY, []), with_ancestors=bool(plan.via)))
    else:
        loaded.update(((documents.MEMBER, u.id), (u, set())) for u in db.session.scalars(
            select(User).options(joinedload(User.region),
                                 selectinload(User.affiliations).joinedload(Affiliation.program))
            .where(User.id.in_(ids.get(documents.MEMBER, [])), documents.listed_members())))
    results = []
    for hit in found.hits:
        obj, filed = loaded.get((hit.doctype, hit.id), (None, set()))
        if obj is None:  # changed since it was indexed; the indexer will catch up
            continue
        copies = [loaded[(hit.doctype, i)][0] for i in hit.copies if (hit.doctype, i) in loaded]
        results.append(Result(obj, snippet_html(hit.snippet), title=snippet_html(hit.title) if hit.title else "",
                              via=[v for v in plan.via if v.tag.id in filed], doctype=hit.doctype,
                              also_in=_also_in(copies)))
    return results


def _also_in(copies: list[Thread]) -> list[tuple[str, Thread]]:
    """A link to one copy per region the copies are in, in the order they placed (a copy with no
    region is named by its title)."""
    named: dict[str, Thread] = {}
    for copy in copies:
        region = copy.practice.region if copy.practice is not None else None
        named.setdefault(region.name if region is not None else copy.title, copy)
    return list(named.items())


def _threads(ids: list[int]):
    if not ids:
        return
    for thread in db.session.scalars(
            select(Thread).options(joinedload(Thread.category), joinedload(Thread.author),
                                   joinedload(Thread.practice).joinedload(Practice.region),
                                   selectinload(Thread.tag_links).joinedload(ThreadTag.tag))
            .where(Thread.id.in_(ids), documents.listed_threads())):
        yield (documents.THREAD, thread.id), (thread, {link.tag_id for link in thread.tag_links})


def _openings(ids: list[int], *, with_ancestors: bool):
    """Listed openings only (``Opportunity.listed_sql``): the index may still hold one closed, hidden,
    held again or past its closing date. Its tags count with their ancestors, as the index files it."""
    if not ids:
        return
    parents = tree.parents_by_id() if with_ancestors else {}
    for opening in db.session.scalars(
            select(Opportunity).options(joinedload(Opportunity.region).joinedload(Region.parent),
                                        selectinload(Opportunity.tags))
            .where(Opportunity.id.in_(ids), documents.listed_opportunities())):
        filed = set(tree.with_ancestors([t.id for t in opening.tags], parents))
        yield (documents.OPPORTUNITY, opening.id), (opening, filed)


def _with(query: Query, **changes) -> str:
    return unparse(replace(query, **changes))


def _toggle(query: Query, attr: str, value: str) -> tuple[str, bool]:
    values = getattr(query, attr)
    selected = value in values
    return _with(query, **{attr: [v for v in values if v != value] if selected else values + [value]}), selected


def _facet_values(counts: dict[str, int], labels: dict[str, tuple[str, str]], query: Query, attr: str) -> list[FacetValue]:
    """``labels`` maps the backend's value to (the operator's value, a label)."""
    values = []
    for value, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        if value not in labels:
            continue
        operand, label = labels[value]
        text, selected = _toggle(query, attr, operand)
        values.append(FacetValue(label, count, text, selected))
    return values[:FACET_VALUES]


def _facets(found: Results, query: Query) -> dict[str, list[FacetValue]]:
    counts = found.facets
    if not counts:
        return {}
    def ids(name):  # noqa: E306
        return [int(v) for v in counts.get(name, {}) if v.isdigit()]
    tags = {str(t.id): (t.slug, t.name) for t in db.session.scalars(select(Tag).where(Tag.id.in_(ids("tag"))))}
    regions = {str(r.id): (r.slug, r.name) for r in db.session.scalars(select(Region).where(Region.id.in_(ids("region"))))}
    categories = {str(c.id): (c.slug, c.name) for c in
                  db.session.scalars(select(Category).where(Category.id.in_(ids("category"))))}
    kinds = {k: (k, label) for k, label in KIND_LABELS.items()}
    return {
        "Kind": _facet_values(counts.get("kind", {}), kinds, query, "kinds"),
        "Tag": _facet_values(counts.get("tag", {}), tags, query, "tags"),
        "Region": _facet_values(counts.get("region", {}), regions, query, "regions"),
        "Category": _facet_values(counts.get("category", {}), categories, query, "categories"),
    }


def _member_facets(found: Results, query: Query) -> dict[str, list[FacetValue]]:
    counts = found.facets.get("region", {}) if found.facets else {}
    ids = [int(v) for v in counts if v.isdigit()]
    regions = {str(r.id): (r.slug, r.name) for r in db.session.scalars(select(Region).where(Region.id.in_(ids)))}
    return {"Region": _facet_values(counts, regions, query, "regions")}


def _did_you_mean(query: Query) -> str:
    corrected = [spelling.correct(w) or w for w in query.words]
    if corrected == query.words:
        return ""
    return _with(query, words=corrected)

