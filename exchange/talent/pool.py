"""The talent pool as an employer sees it: filters that combine, counts per facet, one page of cards.

The directory's shape (members/directory.py) with one rule in place of its privacy rule: a
profile field counts only where the member shared it with employers (``shared``), so a field
not shared is absent from the cards, matches no filter and is counted in no facet. Members who
left the pool, and members who blocked the viewer's organisation, are not in it at all.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, func, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..text import contains
from ..facets import FacetValue
from ..fragments import cached
from ..members import privacy
from ..members.directory import Reference, reference
from ..models import (Affiliation, EmployerProfile, MemberExpertise, Region, Role, Seeking,
                      TalentBlock, TalentProfile, TalentWish, User)
from ..models.talent import SHAREABLE

PER_PAGE = 24
MAX_WORDS = 6
AVAILABLE = {"now": ("Available now", 0), "3m": ("Within 3 months", 91), "6m": ("Within 6 months", 182)}


@dataclass(frozen=True)
class PoolFilters:
    region: str = ""
    program: str = ""
    cohort: int | None = None
    tag: str = ""
    level: str = ""
    kind: str = ""
    available: str = ""
    q: str = ""
    page: int = 1

    @property
    def active(self) -> bool:
        return any((self.region, self.program, self.cohort, self.tag, self.level, self.kind, self.available, self.q))

    def args(self, **changes) -> dict:
        values = {"region": self.region, "program": self.program, "cohort": self.cohort or "", "tag": self.tag,
                  "level": self.level, "kind": self.kind, "available": self.available, "q": self.q,
                  "page": "" if self.page == 1 else self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def shared(field: str) -> ColumnElement[bool]:
    """SQL: the member shared this profile field with employers."""
    return getattr(TalentProfile, f"share_{field}") == true()


def in_pool(viewer: User) -> list[ColumnElement[bool]]:
    """SQL (over User joined to TalentProfile): listed members in the pool, minus those who blocked
    the viewer's organisation. Moderators are no organisation: nobody blocks them."""
    conditions = [User.listed_sql(), TalentProfile.is_open == true()]
    if viewer.role == Role.EMPLOYER:
        mine = select(EmployerProfile.organisation_key).where(EmployerProfile.user_id == viewer.id).scalar_subquery()
        conditions.append(~exists(select(TalentBlock.member_id).where(
            TalentBlock.member_id == User.id, TalentBlock.organisation_key == mine)).correlate(User))
    return conditions


def _wish(what: str, value: str) -> ColumnElement[bool]:
    theirs = aliased(TalentWish)
    return exists(select(theirs.value).where(theirs.user_id == User.id, theirs.what == what,
                                             theirs.value == value)).correlate(User)


def _available_by(days: int, available_from=TalentProfile.available_from) -> ColumnElement[bool]:
    return or_(available_from.is_(None), available_from <= date.today() + timedelta(days))


class _Conditions:
    """The filters as SQL, one condition per dimension, so each facet can leave its own out."""

    def __init__(self, filters: PoolFilters, ref: Reference, viewer: User):
        self.base = in_pool(viewer)
        self.by_dimension: dict[str, ColumnElement[bool]] = {}
        self.notes: list[str] = []
        if filters.region:
            ids = ref.region_ids(filters.region)
            if ids:
                self.by_dimension["region"] = and_(shared("region"), User.region_id.in_(ids))
            else:
                self.notes.append(f"No region called “{filters.region}”; that filter was ignored.")
        program = ref.programs.get(filters.program) if filters.program else None
        if filters.program and program is None:
            self.notes.append(f"No program called “{filters.program}”; that filter was ignored.")
        if program:
            theirs = aliased(Affiliation)
            self.by_dimension["program"] = and_(shared("affiliations"), exists(
                select(theirs.id).where(theirs.user_id == User.id, theirs.program_id == program[0])).correlate(User))
        if filters.cohort:
            theirs = aliased(Affiliation)
            cohort = [theirs.user_id == User.id, theirs.cohort_year == filters.cohort]
            if program:
                cohort.append(theirs.program_id == program[0])
            self.by_dimension["cohort"] = and_(shared("affiliations"),
                                               exists(select(theirs.id).where(*cohort)).correlate(User))
        if filters.tag:
            tag = ref.tag(filters.tag)
            if tag is None:
                self.notes.append(f"No tag called “{filters.tag}”; that filter was ignored.")
            else:
                theirs = aliased(MemberExpertise)
                self.by_dimension["tag"] = and_(shared("expertise"), exists(
                    select(theirs.tag_id).where(theirs.user_id == User.id,
                                                theirs.tag_id.in_(ref.tag_subtree(tag[1])))).correlate(User))
        if filters.level:
            self.by_dimension["level"] = _wish(TalentWish.LEVEL, filters.level)
        if filters.kind:
            self.by_dimension["kind"] = _wish(TalentWish.KIND, filters.kind)
        if filters.available:
            self.by_dimension["available"] = _available_by(AVAILABLE[filters.available][1])
        words = filters.q.split()[:MAX_WORDS]
        if words:
            self.by_dimension["q"] = and_(*[or_(
                User.display_name.ilike(contains(w), escape="\\"),
                and_(shared("headline"), User.headline.ilike(contains(w), escape="\\")),
                and_(shared("organisation"), User.organisation.ilike(contains(w), escape="\\")),
                and_(shared("bio"), User.bio_source.ilike(contains(w), escape="\\")),
                TalentProfile.note.ilike(contains(w), escape="\\"),
            ) for w in words])

    def all(self, *, skip: str = "") -> list[ColumnElement[bool]]:
        return self.base + [c for d, c in self.by_dimension.items() if d != skip]


def _pool(*columns):
    return select(*columns).select_from(User).join(TalentProfile, TalentProfile.user_id == User.id)


def _members(conditions: _Conditions):
    """The pool as this viewer sees it (with the words, if any), read once (MATERIALIZED) with what the
    facets count and one flag per other filter, so each branch counts these rows instead of finding them
    again. A member two filters leave out counts nowhere (each count leaves out one filter): not kept."""
    words = [conditions.by_dimension["q"]] if "q" in conditions.by_dimension else []
    others = {d: c for d, c in conditions.by_dimension.items() if d != "q"}
    misses = [case((c, 0), else_=1) for c in others.values()]
    near = [sum(misses[1:], misses[0]) <= 1] if len(misses) > 1 else []
    return (select(User.id, User.region_id, TalentProfile.available_from, shared("region").label("s_region"),
                   shared("affiliations").label("s_affiliations"), shared("expertise").label("s_expertise"),
                   *[c.label(f"f_{d}") for d, c in others.items()])
            .select_from(TalentProfile).join(User, User.id == TalentProfile.user_id)
            .where(*conditions.base, *words, *near).cte("pool").prefix_with("MATERIALIZED"))


def _facet_query(conditions: _Conditions, filters: PoolFilters, ref: Reference):
    """Every facet's counts and the total in one statement (UNION ALL), each within the other filters.
    Regions, programs and tags are counted by id (``_named`` gives them their slugs and names)."""
    members = _members(conditions)
    active = [d for d in conditions.by_dimension if d != "q"]

    def within(*where, skip: str) -> list:
        return [members.c[f"f_{d}"] for d in active if d != skip] + list(where)

    def count(facet: str, key, *where, skip: str):
        return (select(literal(facet), cast(key, String), func.count()).select_from(members)
                .where(*within(*where, skip=skip)).group_by(key))

    def rows_of(facet: str, key, user_id, *where, skip: str, shared_field=None, distinct: bool = False):
        """Counts over a table of member rows (affiliations, expertise, wishes) found from the pool's ids,
        each member's rows through their index (``IN``), never the whole table."""
        ids = select(members.c.id).where(*within(*([] if shared_field is None else [shared_field == true()]),
                                                 skip=skip))
        number = func.count(func.distinct(user_id)) if distinct else func.count()
        return select(literal(facet), cast(key, String), number).where(user_id.in_(ids), *where).group_by(key)

    cohort = [Affiliation.program_id == ref.programs[filters.program][0]] if filters.program in ref.programs else []
    # Available now, within 3 or 6 months, or later: each window sums its bands (``_named``), and all
    # the bands within the other filters make the total.
    available = case(*[(_available_by(days, members.c.available_from), key) for key, (_, days) in AVAILABLE.items()],
                     else_="later")
    return union_all(
        count("region", members.c.region_id, members.c.s_region == true(), members.c.region_id.is_not(None),
              skip="region"),
        rows_of("program", Affiliation.program_id, Affiliation.user_id, skip="program",
                shared_field=members.c.s_affiliations, distinct=True),
        rows_of("cohort", Affiliation.cohort_year, Affiliation.user_id, *cohort, skip="cohort",
                shared_field=members.c.s_affiliations, distinct=True),
        rows_of("tag", MemberExpertise.tag_id, MemberExpertise.user_id, skip="tag", shared_field=members.c.s_expertise),
        *[rows_of(what, TalentWish.value, TalentWish.user_id, TalentWish.what == what, skip=what)
          for what in (TalentWish.LEVEL, TalentWish.KIND)],
        count("available", available, skip="available"))


def _named(rows, filters: PoolFilters, ref: Reference):
    """The statement's rows as ``_facets`` reads them, (facet, key, label, count): each region's count
    added to its metro's (and listed as a city when it is one of the chosen metro's), programs and
    tags by slug and name, each availability window summing its bands, and the total."""
    names = {"program": {str(i): (slug, name) for slug, (i, name) in ref.programs.items()},
             "tag": {str(i): (slug, name) for slug, (i, name) in ref.tags.items()}}
    regions: dict[int, int] = {}
    bands: dict[str, int] = {}
    for facet, key, count in rows:
        if facet == "region":
            regions[int(key)] = count
        elif facet in names:
            if key in names[facet]:
                yield facet, *names[facet][key], count
        elif facet == "available":
            bands[key] = count
        else:
            yield facet, key, "", count
    for facet, key, count in ref.region_rows(regions, filters.region):
        yield facet, key, "", count
    windows = list(AVAILABLE)
    within = {key: sum(bands.get(band, 0) for band in windows[:i + 1]) for i, key in enumerate(windows)}
    for key in windows:
        yield "available", key, "", within[key]
    yield "total", "", "", within[filters.available] if filters.available else sum(bands.values())


def _facets(rows, filters: PoolFilters, ref: Reference) -> tuple[int, dict[str, list[FacetValue]]]:
    facets: dict[str, list[FacetValue]] = {k: [] for k in ("region", "city", "program", "cohort", "tag", "level",
                                                          "kind", "available")}
    labels = {"level": Seeking.LEVEL_LABELS, "kind": Seeking.KIND_LABELS,
              "available": {k: label for k, (label, _) in AVAILABLE.items()}}
    total = 0
    for facet, key, label, count in rows:
        if facet == "total":
            total = count
        elif facet in ("region", "city"):
            value = ref.region_facet_value(facet, key, count, filters.region)
            if value is not None:
                facets[facet].append(value)
        elif facet in labels:
            if count and key in labels[facet]:
                facets[facet].append(FacetValue(key, labels[facet][key], count, getattr(filters, facet) == key))
        elif facet == "cohort":
            facets[facet].append(FacetValue(key, key, count, str(filters.cohort or "") == key))
        else:
            chosen = filters.program if facet == "program" else (ref.tag(filters.tag) or ("",))[0]
            facets[facet].append(FacetValue(key, label, count, key == chosen))
    order = {"level": Seeking.LEVELS, "kind": Seeking.KINDS, "available": tuple(AVAILABLE)}
    for name, values in facets.items():
        if name in order:
            values.sort(key=lambda v, keys=order[name]: keys.index(v.key))
        elif name == "cohort":
            values.sort(key=lambda v: v.key, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
    return total, facets


@dataclass
class PoolCard:
    """A pool member as employers see them: ``view`` reads an unshared field as empty."""

    view: privacy.ProfileView
    talent: TalentProfile

    @property
    def username(self) -> str:
        return self.view.username


@dataclass
class Pool:
    cards: list[PoolCard]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    notes: list[str]
    region_metro: object


def card_of(member: User) -> PoolCard:
    talent = member.talent_profile
    return PoolCard(privacy.ProfileView(member, frozenset(f for f in SHAREABLE if talent.shares(f))), talent)


def load_members(ids: list[int]) -> list[User]:
    """Members by id, in that order, with what a pool card shows."""
    if not ids:
        return []
    found = {m.id: m for m in db.session.scalars(
        select(User).options(joinedload(User.region).joinedload(Region.parent),
                             joinedload(User.talent_profile).selectinload(TalentProfile.wishes),
                             joinedload(User.talent_profile).selectinload(TalentProfile.regions),
                             selectinload(User.affiliations).joinedload(Affiliation.program),
                             selectinload(User.expertise))
        .where(User.id.in_(ids))).unique()}
    return [found[i] for i in ids if i in found]


def audience(viewer: User) -> tuple:
    """Who sees the same pool: each employer has their own (members block organisations), everyone else one."""
    return ("employer", viewer.id) if viewer.role == Role.EMPLOYER else ("everyone",)


def pool(filters: PoolFilters, viewer: User) -> Pool:
    """Counts and the page's member ids are cached per filters, viewer (blocks are per organisation)
    and day (availability counts it); any committed write invalidates them (fragments.cached), so a
    member who leaves the pool or blocks the viewer's organisation is gone from the next request.
    The counts are shared by every page of one filter set; the route caches the rendered page itself."""
    ref = reference()
    conditions = _Conditions(filters, ref, viewer)
    seen_by = audience(viewer)
    today = date.today()
    total, facets = cached("pool-counts", replace(filters, page=1), seen_by, today, timeless=True,
                           compute=lambda: _facets(_named(db.session.execute(_facet_query(conditions, filters, ref))
                                                          .all(), filters, ref), filters, ref))
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(filters.page, 1), pages)
    ids = cached("pool-page", replace(filters, page=page), seen_by, today, timeless=True,
                 compute=lambda: _page(conditions, page))
    return Pool([card_of(m) for m in load_members(list(ids))], total, page, pages, facets, conditions.notes,
                ref.selected_metro(filters.region))


def _page(conditions: _Conditions, page: int) -> tuple[int, ...]:
    # With filters, the matching members are few: find them through the filters and sort them
    # (`|| ''` keeps the planner off the name index); without, walk the name index in order.
    narrow = bool(conditions.by_dimension)
    name = User.display_name + "" if narrow else User.display_name
    return tuple(db.session.scalars(_pool(User.id).where(*conditions.all()).order_by(name, User.id)
                                    .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))


def pool_member_id(username: str, viewer: User) -> int | None:
    """The id of the member behind one pool card, or None when they are not in the pool for this viewer."""
    return db.session.scalar(_pool(User.id).where(User.username == username.lower(), *in_pool(viewer)))


def load_member(member_id: int) -> User:
    return load_members([member_id])[0]



def ids_in_pool(viewer: User):
    """SQL: the ids of the members in the viewer's pool (a subquery for ``in_``)."""
    return _pool(User.id).where(*in_pool(viewer))


def pool_member(username: str, viewer: User) -> User | None:
    member_id = pool_member_id(username, viewer)
    return load_member(member_id) if member_id else None

