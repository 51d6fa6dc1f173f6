"""The opportunities board: filters that combine, a count beside every value, one page of openings.

The talent pool's shape (talent/pool.py): one condition per dimension, so each facet is counted
within every other filter but its own, all facets and the total in one UNION ALL statement.
Only listed openings (``Opportunity.listed_sql``) are ever counted or shown.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, func, literal, or_, select, true, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..text import contains
from ..facets import FacetValue
from ..fragments import cached
from ..members.directory import Reference, reference
from ..models import Opportunity, OpportunityTag, Region, Sector, Seeking

PER_PAGE = 25
MAX_WORDS = 6
SORTS = {"newest": "Newest", "closing": "Closing soonest"}
SALARY_FLOORS = (50_000, 75_000, 100_000, 150_000)
CLOSING_DAYS = (7, 30, 90)


@dataclass(frozen=True)
class BoardFilters:
    kind: str = ""
    level: str = ""
    sector: str = ""
    region: str = ""
    remote: bool = False
    tag: str = ""
    salary: int | None = None
    closing: int | None = None
    q: str = ""
    sort: str = "newest"
    page: int = 1

    @property
    def active(self) -> bool:
        return any((self.kind, self.level, self.sector, self.region, self.remote, self.tag, self.salary,
                    self.closing, self.q))

    def args(self, **changes) -> dict:
        """Query-string arguments for these filters with some changed (facet, sort and pager links)."""
        values = {"kind": self.kind, "level": self.level, "sector": self.sector, "region": self.region,
                  "remote": "1" if self.remote else "", "tag": self.tag, "salary": self.salary or "",
                  "closing": self.closing or "", "q": self.q, "sort": "" if self.sort == "newest" else self.sort,
                  "page": "" if self.page == 1 else self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, False)}


def parse_filters(args) -> tuple[BoardFilters, list[str]]:
    """Filters from a query string; each unknown value is ignored and named in a note."""
    notes: list[str] = []

    def choice(name: str, allowed, what: str) -> str:
        value = args.get(name, "")[:64]
        if value and value not in allowed:
            notes.append(f"No {what} called “{value}”; that filter was ignored.")
            return ""
        return value

    def number(name: str, allowed, what: str) -> int | None:
        value = args.get(name, "")[:12]
        if not value:
            return None
        if value.isascii() and value.isdigit() and int(value) in allowed:
            return int(value)
        notes.append(f"“{value}” is not a {what} this board offers; that filter was ignored.")
        return None

    sort = args.get("sort", "newest")
    page = args.get("page", "")
    return BoardFilters(
        kind=choice("kind", Seeking.KINDS, "kind of opening"), level=choice("level", Seeking.LEVELS, "level"),
        sector=choice("sector", Sector.ALL, "sector"), region=args.get("region", "")[:64],
        remote=args.get("remote") == "1", tag=args.get("tag", "")[:80],
        salary=number("salary", SALARY_FLOORS, "salary floor"), closing=number("closing", CLOSING_DAYS, "closing window"),
        q=" ".join(args.get("q", "").split())[:100], sort=sort if sort in SORTS else "newest",
        page=min(int(page), 10_000) if page.isascii() and page.isdigit() and int(page) > 0 else 1), notes


def _tagged(tag_ids: list[int]) -> ColumnElement[bool]:
    return exists(select(OpportunityTag.tag_id).where(OpportunityTag.opportunity_id == Opportunity.id,
                                                      OpportunityTag.tag_id.in_(tag_ids))).correlate(Opportunity)


def salary_reaches(floor: int) -> ColumnElement[bool]:
    """SQL: the opening pays at least ``floor`` at the top of its range (unpaid openings never do)."""
    return func.coalesce(Opportunity.salary_max, Opportunity.salary_min, 0) >= floor


def closes_within(days: int, today: date) -> ColumnElement[bool]:
    return Opportunity.closes_on <= today + timedelta(days=days)


class _Conditions:
    def __init__(self, filters: BoardFilters, ref: Reference, today: date, notes: list[str]):
        self.base = [Opportunity.listed_sql(today)]
        self.by_dimension: dict[str, ColumnElement[bool]] = {}
        self.notes = notes
        for name in ("kind", "level", "sector"):
            if getattr(filters, name):
                self.by_dimension[name] = getattr(Opportunity, name) == getattr(filters, name)
        if filters.region:
            ids = ref.region_ids(filters.region)
            if ids:
                self.by_dimension["region"] = Opportunity.region_id.in_(ids)
            else:
                notes.append(f"No region called “{filters.region}”; that filter was ignored.")
        if filters.remote:
            self.by_dimension["remote"] = Opportunity.remote == true()
        if filters.tag:
            tag = ref.tag(filters.tag)
            if tag is None:
                notes.append(f"No tag called “{filters.tag}”; that filter was ignored.")
            else:
                self.by_dimension["tag"] = _tagged(ref.tag_subtree(tag[1]))
        if filters.salary:
            self.by_dimension["salary"] = salary_reaches(filters.salary)
        if filters.closing:
            self.by_dimension["closing"] = closes_within(filters.closing, today)
        words = filters.q.split()[:MAX_WORDS]
        if words:
            self.by_dimension["q"] = and_(*[or_(
                Opportunity.title.ilike(contains(w), escape="\\"), Opportunity.organisation.ilike(contains(w), escape="\\"),
                Opportunity.body_source.ilike(contains(w), escape="\\")) for w in words])

    def all(self, *, skip: str = "") -> list[ColumnElement[bool]]:
        return self.base + [c for d, c in self.by_dimension.items() if d != skip]


def _board(*columns):
    return select(*columns).select_from(Opportunity)


def _listed(conditions: _Conditions):
    """The listed openings matching the words, read once (MATERIALIZED) with what the facets count and
    one flag per other filter, so each branch counts these rows instead of finding them again. An
    opening two filters leave out counts nowhere (each count leaves out one filter), so it is not kept."""
    words = [conditions.by_dimension["q"]] if "q" in conditions.by_dimension else []
    others = {d: c for d, c in conditions.by_dimension.items() if d != "q"}
    misses = [case((c, 0), else_=1) for c in others.values()]
    near = [sum(misses[1:], misses[0]) <= 1] if len(misses) > 1 else []
    pay = func.coalesce(Opportunity.salary_max, Opportunity.salary_min, 0).label("pay")
    return (_board(Opportunity.id, Opportunity.kind, Opportunity.level, Opportunity.sector, Opportunity.region_id,
                   Opportunity.remote, pay, Opportunity.closes_on, *[c.label(f"f_{d}") for d, c in others.items()])
            .where(*conditions.base, *words, *near).cte("listed").prefix_with("MATERIALIZED"))


def _facet_query(conditions: _Conditions, today: date):
    """Every facet's counts in one statement, each within every filter but its own, as ``_named`` reads
    them: regions and tags by id, salaries and closing dates in bands, remote or not (the total)."""
    listed = _listed(conditions)
    active = [d for d in conditions.by_dimension if d != "q"]

    def count(facet: str, key, *where, skip: str):
        return (select(literal(facet), cast(key, String), func.count()).select_from(listed)
                .where(*[listed.c[f"f_{d}"] for d in active if d != skip], *where).group_by(key))

    salary = case(*[(listed.c.pay >= floor, floor) for floor in sorted(SALARY_FLOORS, reverse=True)], else_=0)
    closing = case(*[(listed.c.closes_on <= today + timedelta(days=days), days) for days in sorted(CLOSING_DAYS)],
                   else_=0)
    # Tags from the openings' ids: each opening's rows through the primary key, never the whole table.
    tagged = select(listed.c.id).where(*[listed.c[f"f_{d}"] for d in active if d != "tag"])
    return union_all(*[count(name, listed.c[name], skip=name) for name in ("kind", "level", "sector")],
                     count("region", listed.c.region_id, listed.c.region_id.is_not(None), skip="region"),
                     count("remote", case((listed.c.remote == true(), "1"), else_="0"), skip="remote"),
                     count("salary", salary, skip="salary"), count("closing", closing, skip="closing"),
                     select(literal("tag"), cast(OpportunityTag.tag_id, String), func.count())
                     .where(OpportunityTag.opportunity_id.in_(tagged)).group_by(OpportunityTag.tag_id))


LABELS = {"kind": Seeking.KIND_LABELS, "level": Seeking.LEVEL_LABELS, "sector": Sector.LABELS,
          "remote": {"1": "Remote"},
          "salary": {str(f): f"${f // 1000}k or more" for f in SALARY_FLOORS},
          "closing": {str(d): f"Closing within {d} days" for d in CLOSING_DAYS}}
ORDER = {"kind": Seeking.KINDS, "level": Seeking.LEVELS, "sector": Sector.ALL, "remote": ("1",),
         "salary": tuple(str(f) for f in SALARY_FLOORS), "closing": tuple(str(d) for d in CLOSING_DAYS)}


def _named(rows, filters: BoardFilters, ref: Reference):
    """The statement's rows as ``_facets`` reads them: each region's count added to its metro's (and
    listed as a city when it is one of the chosen metro's), tag ids as slugs, each salary floor and
    closing window summing its bands, and the total (remote or not, within every filter)."""
    slugs = {tag_id: slug for slug, (tag_id, _) in ref.tags.items()}
    regions: dict[int, int] = {}
    bands: dict[str, dict[int, int]] = {"salary": {}, "closing": {}, "remote": {}}
    for facet, key, count in rows:
        if facet == "region":
            regions[int(key)] = count
        elif facet == "tag":
            if int(key) in slugs:
                yield "tag", slugs[int(key)], count
        elif facet in bands:
            bands[facet][int(key)] = count
        else:
            yield facet, key, count
    yield from ref.region_rows(regions, filters.region)
    for floor in SALARY_FLOORS:
        yield "salary", str(floor), sum(n for band, n in bands["salary"].items() if band >= floor)
    for days in CLOSING_DAYS:
        yield "closing", str(days), sum(n for band, n in bands["closing"].items() if 0 < band <= days)
    remote = bands["remote"].get(1, 0)
    yield "remote", "1", remote
    yield "total", "", remote if filters.remote else sum(bands["remote"].values())


def _facets(rows, filters: BoardFilters, ref: Reference) -> tuple[int, dict[str, list[FacetValue]]]:
    chosen_tag = (ref.tag(filters.tag) or ("",))[0]
    selected = {"kind": filters.kind, "level": filters.level, "sector": filters.sector,
                "remote": "1" if filters.remote else "", "salary": str(filters.salary or ""),
                "closing": str(filters.closing or "")}
    facets: dict[str, list[FacetValue]] = {k: [] for k in (*LABELS, "region", "city", "tag")}
    total = 0
    for facet, key, count in rows:
        if facet == "total":
            total = count
        elif facet in ("region", "city"):
            value = ref.region_facet_value(facet, key, count, filters.region)
            if value is not None:
                facets[facet].append(value)
        elif facet == "tag":
            found = ref.tag(key)
            if found:
                facets["tag"].append(FacetValue(key, found[2], count, key == chosen_tag))
        elif count and key in LABELS[facet]:
            facets[facet].append(FacetValue(key, LABELS[facet][key], count, selected[facet] == key))
    for name, values in facets.items():
        if name in ORDER:
            values.sort(key=lambda v, keys=ORDER[name]: keys.index(v.key))
        else:
            values.sort(key=lambda v: (-v.count, v.label))
    return total, facets


@dataclass
class Board:
    openings: list[Opportunity]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    notes: list[str]
    region_metro: object


def load(ids: list[int]) -> list[Opportunity]:
    """Openings by id, in that order, with what a row shows."""
    if not ids:
        return []
    found = {o.id: o for o in db.session.scalars(
        select(Opportunity).options(joinedload(Opportunity.region).joinedload(Region.parent),
                                    selectinload(Opportunity.tags))
        .where(Opportunity.id.in_(ids))).unique()}
    return [found[i] for i in ids if i in found]


def new_matches(filters: BoardFilters, since, *, today: date | None = None, limit: int = 20) -> list[Opportunity]:
    """Listed openings matching ``filters`` published after ``since``, newest first (saved searches)."""
    today = today or date.today()
    conditions = _Conditions(filters, reference(), today, [])
    ids = list(db.session.scalars(_board(Opportunity.id).where(*conditions.all(), Opportunity.published_at > since)
                                  .order_by(Opportunity.published_at.desc(), Opportunity.id.desc()).limit(limit)))
    return load(ids)


def describe(filters: BoardFilters) -> str:
    """A saved search in words: "Full-time role · Denver · $100k or more · “data”"."""
    ref = reference()
    parts = [LABELS[name][getattr(filters, name)] for name in ("kind", "level", "sector") if getattr(filters, name)]
    if filters.region in ref.regions:
        parts.append(ref.regions[filters.region].name)
    if filters.remote:
        parts.append("Remote")
    if filters.tag and ref.tag(filters.tag):
        parts.append(ref.tag(filters.tag)[2])
    if filters.salary:
        parts.append(LABELS["salary"][str(filters.salary)])
    if filters.q:
        parts.append(f"“{filters.q}”")
    return " · ".join(parts) or "Every new opening"


def board(filters: BoardFilters, notes: list[str] | None = None, *, today: date | None = None) -> Board:
    """Counts and the page's ids are cached per filters and day (any committed write invalidates them,
    see fragments.cached): the counts are shared by every sort and page of one filter set; the route
    caches the rendered page itself."""
    today = today or date.today()
    ref = reference()
    conditions = _Conditions(filters, ref, today, list(notes or []))
    total, facets = cached("board-counts", replace(filters, sort="newest", page=1), today, timeless=True,
                           compute=lambda: _facets(_named(db.session.execute(_facet_query(conditions, today)).all(),
                                                          filters, ref), filters, ref))
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(filters.page, 1), pages)
    ids = cached("board-page", replace(filters, page=page), today, timeless=True,
                 compute=lambda: _page(conditions, filters.sort, page))
    return Board(load(list(ids)), total, page, pages, facets, conditions.notes, ref.selected_metro(filters.region))


def _page(conditions: _Conditions, sort: str, page: int) -> tuple[int, ...]:
    # With filters, the matching openings are few: find them through the board index and sort them
    # (the expression keeps the planner from walking every listed opening in publishing order). Words
    # alone are checked in that order: a common word fills the page long before the end.
    narrow = bool(set(conditions.by_dimension) - {"q"})
    published = func.coalesce(Opportunity.published_at, Opportunity.published_at) if narrow else Opportunity.published_at
    order = ((Opportunity.closes_on.asc(), Opportunity.id.asc()) if sort == "closing"
             else (published.desc(), Opportunity.id.desc()))
    return tuple(db.session.scalars(_board(Opportunity.id).where(*conditions.all()).order_by(*order)
                                    .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
