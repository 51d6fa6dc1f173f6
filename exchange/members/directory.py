"""The member directory: filters that combine, counts per facet, peers in my region first.

Every filter on a field a member can hide goes through ``privacy.visible``, so filtering and
counting never reveal a hidden value. Counts and the total are cached per filter set and
audience (see fragments.cached: any write invalidates them); the page of cards is always live.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..text import contains
from ..facets import FacetValue
from ..fragments import cached
from ..models import (Affiliation, MemberExpertise, MemberOffer, Offer, Program, Region, Sector, Tag,
                      TagAlias, User)
from ..taxonomy.tree import subtree
from . import privacy
from .privacy import Audience, visible
from .regions import area_ids, metro_id

PER_PAGE = 24
SORTS = {"nearby": "Peers in my region first", "name": "Name", "newest": "Newest members"}
MAX_WORDS = 6


@dataclass(frozen=True)
class Filters:
    region: str = ""
    program: str = ""
    cohort: int | None = None
    sector: str = ""
    tag: str = ""
    offer: str = ""
    q: str = ""
    sort: str = "nearby"
    page: int = 1

    @property
    def active(self) -> bool:
        return any((self.region, self.program, self.cohort, self.sector, self.tag, self.offer, self.q))

    def args(self, **changes) -> dict:
        """Query-string arguments for these filters with some changed (facet and pager links)."""
        values = {"region": self.region, "program": self.program, "cohort": self.cohort or "",
                  "sector": self.sector, "tag": self.tag, "offer": self.offer, "q": self.q,
                  "sort": "" if self.sort == "nearby" else self.sort, "page": "" if self.page == 1 else self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


@dataclass(frozen=True)
class RegionRef:
    id: int
    slug: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class Reference:
    """The small tables the filters resolve against, cached until something changes."""

    regions: dict[str, RegionRef]
    programs: dict[str, tuple[int, str]]
    tags: dict[str, tuple[int, str]]          # slug -> (id, name)
    aliases: dict[str, str]                   # alias slug -> tag slug
    children: dict[int, list[int]]            # tag id -> child tag ids

    def region_ids(self, slug: str) -> list[int]:
        region = self.regions.get(slug)
        if region is None:
            return []
        return area_ids(region.id, {r.id: r.parent_id for r in self.regions.values()})

    def tag(self, word: str) -> tuple[str, int, str] | None:
        slug = self.aliases.get(word, word)
        if slug not in self.tags:
            return None
        tag_id, name = self.tags[slug]
        return slug, tag_id, name

    def tag_subtree(self, tag_id: int) -> list[int]:
        return subtree(tag_id, lambda t: self.children.get(t, ()))

    def parent_of(self, region: RegionRef) -> RegionRef | None:
        return next((r for r in self.regions.values() if r.id == region.parent_id), None)

    def children_of(self, region: RegionRef) -> list[RegionRef]:
        return sorted((r for r in self.regions.values() if r.parent_id == region.id), key=lambda r: r.name)

    def selected_metro(self, slug: str) -> RegionRef | None:
        region = self.regions.get(slug)
        return (self.parent_of(region) or region) if region is not None else None

    def region_facet_value(self, facet: str, region_id: str, count: int, selected: str) -> FacetValue | None:
        """A "region" (metros only) or "city" facet row as a value; a metro is chosen when it or one of its
        cities is. None for a row that belongs to the other facet."""
        region = self.by_id.get(int(region_id))
        if region is None or (facet == "region" and region.parent_id is not None):
            return None
        metro = self.selected_metro(selected)
        chosen = region.slug == selected or (facet == "region" and metro is not None and region.id == metro.id)
        return FacetValue(region.slug, region.name, count, chosen)

    @cached_property
    def by_id(self) -> dict[int, RegionRef]:
        return {r.id: r for r in self.regions.values()}

    def metro_of(self, region_id: int | None) -> RegionRef | None:
        region = self.by_id.get(region_id)
        if region is not None and region.parent_id is not None:
            return self.by_id.get(region.parent_id, region)
        return region

    def region_rows(self, counts: dict[int, int], selected: str):
        """Counts by region id as the region facets read them: ("region", metro id, its count with its
        cities') for every metro, and ("city", id, count) for each city of the chosen metro."""
        chosen = self.selected_metro(selected)
        metros: dict[int, int] = {}
        for region_id, count in counts.items():
            region = self.by_id.get(region_id)
            metro = region.parent_id if region is not None and region.parent_id is not None else region_id
            metros[metro] = metros.get(metro, 0) + count
            if chosen is not None and region is not None and region.parent_id == chosen.id:
                yield "city", str(region_id), count
        for metro, count in metros.items():
            yield "region", str(metro), count


def reference() -> Reference:
    def load() -> Reference:
        # One statement for the four small tables (a cold directory request stays within budget).
        rows = db.session.execute(union_all(
            select(literal("region"), Region.id, Region.slug, Region.name, Region.parent_id),
            select(literal("program"), Program.id, Program.slug, Program.name, literal(None)),
            select(literal("tag"), Tag.id, Tag.slug, Tag.name, Tag.parent_id),
            select(literal("alias"), TagAlias.tag_id, TagAlias.slug, literal(""), literal(None)),
        )).all()
        regions, programs, tags, children, tag_slugs, alias_rows = {}, {}, {}, {}, {}, []
        for kind, id_, slug, name, parent in rows:
            if kind == "region":
                regions[slug] = RegionRef(id_, slug, name, parent)
            elif kind == "program":
                programs[slug] = (id_, name)
            elif kind == "tag":
                tags[slug] = (id_, name)
                tag_slugs[id_] = slug
                if parent is not None:
                    children.setdefault(parent, []).append(id_)
            else:
                alias_rows.append((slug, id_))
        aliases = {slug: tag_slugs[tag_id] for slug, tag_id in alias_rows if tag_id in tag_slugs}
        return Reference(regions, programs, tags, aliases, children)

    return cached("directory-reference", compute=load, timeless=True)


@dataclass
class Directory:
    members: list[privacy.ProfileView]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    notes: list[str]
    my_metro: RegionRef | None
    nearby_count: int
    region_metro: RegionRef | None   # the metro of the chosen region (itself, or a city's metro)


class _Conditions:
    """The filters as SQL conditions, one per dimension, so each facet can leave its own out."""

    def __init__(self, filters: Filters, ref: Reference, audience: Audience):
        self.by_dimension: dict[str, ColumnElement[bool]] = {}
        self.notes: list[str] = []
        if filters.region:
            ids = ref.region_ids(filters.region)
            if not ids:
                self.notes.append(f"No region called “{filters.region}”; that filter was ignored.")
            else:
                self.by_dimension["region"] = and_(visible("region", audience), User.region_id.in_(ids))
        program = ref.programs.get(filters.program) if filters.program else None
        if filters.program and program is None:
            self.notes.append(f"No program called “{filters.program}”; that filter was ignored.")
        # Aliased, correlated to User only: the facet statements join Affiliation themselves.
        if program:
            theirs = aliased(Affiliation)
            self.by_dimension["program"] = and_(visible("affiliations", audience), exists(
                select(theirs.id).where(theirs.user_id == User.id, theirs.program_id == program[0])).correlate(User))
        if filters.cohort:
            theirs = aliased(Affiliation)
            cohort = [theirs.user_id == User.id, theirs.cohort_year == filters.cohort]
            if program:  # the cohort of that program, not any program
                cohort.append(theirs.program_id == program[0])
            self.by_dimension["cohort"] = and_(visible("affiliations", audience),
                                               exists(select(theirs.id).where(*cohort)).correlate(User))
        if filters.sector:
            self.by_dimension["sector"] = and_(visible("sector", audience), User.sector == filters.sector)
        if filters.tag:
            tag = ref.tag(filters.tag)
            if tag is None:
                self.notes.append(f"No tag called “{filters.tag}”; that filter was ignored.")
            else:
                theirs = aliased(MemberExpertise)
                self.by_dimension["tag"] = and_(visible("expertise", audience), exists(
                    select(theirs.tag_id).where(theirs.user_id == User.id,
                                                theirs.tag_id.in_(ref.tag_subtree(tag[1])))).correlate(User))
        if filters.offer:
            theirs = aliased(MemberOffer)
            self.by_dimension["offer"] = and_(visible("offers", audience), exists(
                select(theirs.offer).where(theirs.user_id == User.id, theirs.offer == filters.offer)).correlate(User))
        words = filters.q.split()[:MAX_WORDS]
        if words:
            self.by_dimension["q"] = and_(*[or_(
                User.display_name.ilike(contains(w), escape="\\"), User.username.ilike(contains(w), escape="\\"),
                and_(visible("organisation", audience), User.organisation.ilike(contains(w), escape="\\")),
                and_(visible("headline", audience), User.headline.ilike(contains(w), escape="\\")),
            ) for w in words])

    def all(self, *, skip: str = "") -> list[ColumnElement[bool]]:
        return [User.listed_sql()] + [c for d, c in self.by_dimension.items() if d != skip]


def _member_ids(conditions: _Conditions, skip: str):
    return select(User.id).where(*conditions.all(skip=skip))


def _facet_query(conditions: _Conditions, audience: Audience, filters: Filters, ref: Reference, near):
    """Every facet's counts in one statement (UNION ALL), each within the other filters."""
    metro = metro_id()
    region_rows = (select(literal("region"), cast(metro, String), literal(""), func.count())
                   .select_from(User).join(Region, Region.id == User.region_id)
                   .where(*conditions.all(skip="region"), visible("region", audience)).group_by(metro))
    branches = [region_rows]
    metro = ref.selected_metro(filters.region)
    if metro is not None:   # a metro or one of its cities is chosen: count the metro's cities too
        branches.append(select(literal("city"), cast(User.region_id, String), literal(""), func.count())
                        .where(*conditions.all(skip="region"), visible("region", audience),
                               User.region_id.in_([c.id for c in ref.children_of(metro)]))
                        .group_by(User.region_id))
    branches.append(select(literal("program"), Program.slug, Program.name, func.count(func.distinct(User.id)))
                    .select_from(User).join(Affiliation, Affiliation.user_id == User.id)
                    .join(Program, Program.id == Affiliation.program_id)
                    .where(*conditions.all(skip="program"), visible("affiliations", audience))
                    .group_by(Program.slug, Program.name))
    cohort_join = [Affiliation.user_id == User.id]
    if filters.program in ref.programs:
        cohort_join.append(Affiliation.program_id == ref.programs[filters.program][0])
    branches.append(select(literal("cohort"), cast(Affiliation.cohort_year, String), literal(""),
                           func.count(func.distinct(User.id)))
                    .select_from(User).join(Affiliation, and_(*cohort_join))
                    .where(*conditions.all(skip="cohort"), visible("affiliations", audience))
                    .group_by(Affiliation.cohort_year))
    branches.append(select(literal("sector"), User.sector, literal(""), func.count())
                    .where(*conditions.all(skip="sector"), visible("sector", audience), User.sector != "")
                    .group_by(User.sector))
    branches.append(select(literal("tag"), Tag.slug, Tag.name, func.count())
                    .select_from(User).join(MemberExpertise, MemberExpertise.user_id == User.id)
                    .join(Tag, Tag.id == MemberExpertise.tag_id)
                    .where(*conditions.all(skip="tag"), visible("expertise", audience))
                    .group_by(Tag.slug, Tag.name))
    branches.append(select(literal("offer"), MemberOffer.offer, literal(""), func.count())
                    .select_from(User).join(MemberOffer, MemberOffer.user_id == User.id)
                    .where(*conditions.all(skip="offer"), visible("offers", audience))
                    .group_by(MemberOffer.offer))
    branches.append(select(literal("total"), literal(""), literal(""), func.count())
                    .select_from(User).where(*conditions.all()))
    if near is not None:
        branches.append(select(literal("nearby"), literal(""), literal(""), func.count())
                        .select_from(User).where(*conditions.all(), near))
    return union_all(*branches)


def _facets(rows, filters: Filters, ref: Reference) -> tuple[int, dict[str, list[FacetValue]], int]:
    facets: dict[str, list[FacetValue]] = {k: [] for k in ("region", "city", "program", "cohort", "sector",
                                                          "tag", "offer")}
    total = nearby = 0
    for facet, key, label, count in rows:
        if facet == "total":
            total = count
        elif facet == "nearby":
            nearby = count
        elif facet in ("region", "city"):
            value = ref.region_facet_value(facet, key, count, filters.region)
            if value is not None:
                facets[facet].append(value)
        elif facet == "cohort":
            facets[facet].append(FacetValue(key, key, count, str(filters.cohort or "") == key))
        elif facet == "sector":
            facets[facet].append(FacetValue(key, Sector.LABELS.get(key, key), count, key == filters.sector))
        elif facet == "offer":
            facets[facet].append(FacetValue(key, Offer.LABELS.get(key, key), count, key == filters.offer))
        else:
            chosen = filters.program if facet == "program" else (ref.tag(filters.tag) or ("",))[0]
            facets[facet].append(FacetValue(key, label, count, key == chosen))
    for name, values in facets.items():
        if name == "cohort":
            values.sort(key=lambda v: v.key, reverse=True)
        elif name != "offer":
            values.sort(key=lambda v: (-v.count, v.label))
        else:
            values.sort(key=lambda v: Offer.ALL.index(v.key) if v.key in Offer.ALL else 99)
    return total, facets, nearby


@dataclass
class Counts:
    total: int
    facets: dict[str, list[FacetValue]]
    nearby: int


class _Query:
    """The filters resolved for one viewer: conditions, their region, and who counts as nearby."""

    def __init__(self, filters: Filters, viewer: User):
        self.filters = filters
        self.audience = privacy.audience_of(viewer)
        self.ref = reference()
        self.conditions = _Conditions(filters, self.ref, self.audience)
        self.my_metro = self.ref.metro_of(viewer.region_id)
        self.nearby_ids = self.ref.region_ids(self.my_metro.slug) if self.my_metro else []
        # `region_id IS NOT NULL` is implied by the IN, but says it to SQL: without it, "everyone
        # else" (`~near`) is NULL, not true, for a member with no region, and drops them.
        self.near = (and_(visible("region", self.audience), User.region_id.is_not(None),
                          User.region_id.in_(self.nearby_ids))
                     if self.nearby_ids and filters.sort == "nearby" else None)

    def counts(self) -> Counts:
        def compute() -> Counts:
            rows = db.session.execute(_facet_query(self.conditions, self.audience, self.filters, self.ref,
                                                   self.near)).all()
            return Counts(*_facets(rows, self.filters, self.ref))

        return cached("directory-counts", replace(self.filters, page=1), self.audience.key,
                      tuple(self.nearby_ids), compute=compute, timeless=True)


def directory_counts(filters: Filters, viewer: User) -> Counts:
    return _Query(filters, viewer).counts()


def directory(filters: Filters, viewer: User) -> Directory:
    query = _Query(filters, viewer)
    counts = query.counts()
    pages = max(math.ceil(counts.total / PER_PAGE), 1)
    page = min(max(filters.page, 1), pages)
    members = _page(query.conditions, filters.sort, query.near, counts.nearby, counts.total, page)
    return Directory([privacy.view(m, query.audience) for m in members], counts.total, page, pages, counts.facets,
                     query.conditions.notes, query.my_metro, counts.nearby, query.ref.selected_metro(filters.region))


def _page(conditions: _Conditions, sort: str, near, nearby_count: int, total: int, page: int) -> list[User]:
    """One page of cards. "Nearby" lists peers first, then everyone else, each in name order:
    at most two short ordered reads (the second only when the page runs past the peers),
    instead of one ORDER BY over a CASE that would sort the whole directory for every page."""
    start = (page - 1) * PER_PAGE

    def ids(*where, offset: int, limit: int) -> list[int]:
        # With filters, the matching rows are few: find them through the filters' indexes and sort
        # them (`|| ''` keeps the planner off the name index). Without, walk the name index in order.
        narrow = bool(where) or bool(conditions.by_dimension)
        name = User.display_name + "" if narrow else User.display_name
        order = (User.approved_at.desc(), User.id.desc()) if sort == "newest" else (name, User.id)
        return list(db.session.scalars(select(User.id).where(*conditions.all(), *where).order_by(*order)
                                       .offset(offset).limit(limit)))

    if near is None or not nearby_count:
        found = ids(offset=start, limit=PER_PAGE)
    else:
        found = ids(near, offset=start, limit=PER_PAGE) if start < nearby_count else []
        if len(found) < PER_PAGE and total > nearby_count:
            found += ids(~near, offset=max(start - nearby_count, 0), limit=PER_PAGE - len(found))
    if not found:
        return []
    members = {m.id: m for m in db.session.scalars(
        select(User).options(joinedload(User.region).joinedload(Region.parent),
                             selectinload(User.affiliations).joinedload(Affiliation.program),
                             selectinload(User.expertise), selectinload(User.offer_links))
        .where(User.id.in_(found))).unique()}
    return [members[i] for i in found if i in members]
