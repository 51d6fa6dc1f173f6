"""The talent pool as an employer sees it: filters that combine, counts per facet, one page of cards.

The directory's shape (members/directory.py) with one rule in place of its privacy rule: a
profile field counts only where the member shared it with employers (``shared``), so a field
not shared is absent from the cards, matches no filter and is counted in no facet. Members who
left the pool, and members who blocked the viewer's organisation, are not in it at all.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..facets import FacetValue
from ..members import privacy
from ..members.directory import Reference, reference
from ..members.regions import metro_id
from ..models import (Affiliation, EmployerProfile, MemberExpertise, Program, Region, Role, Seeking, Tag,
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


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _wish(what: str, value: str) -> ColumnElement[bool]:
    theirs = aliased(TalentWish)
    return exists(select(theirs.value).where(theirs.user_id == User.id, theirs.what == what,
                                             theirs.value == value)).correlate(User)


def _available_by(days: int) -> ColumnElement[bool]:
    return or_(TalentProfile.available_from.is_(None), TalentProfile.available_from <= date.today() + timedelta(days))


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
                User.display_name.ilike(_like(w), escape="\\"),
                and_(shared("headline"), User.headline.ilike(_like(w), escape="\\")),
                and_(shared("organisation"), User.organisation.ilike(_like(w), escape="\\")),
                and_(shared("bio"), User.bio_source.ilike(_like(w), escape="\\")),
                TalentProfile.note.ilike(_like(w), escape="\\"),
            ) for w in words])

    def all(self, *, skip: str = "") -> list[ColumnElement[bool]]:
        return self.base + [c for d, c in self.by_dimension.items() if d != skip]


def _pool(*columns):
    return select(*columns).select_from(User).join(TalentProfile, TalentProfile.user_id == User.id)


def _facet_query(conditions: _Conditions, filters: PoolFilters, ref: Reference):
    """Every facet's counts and the total in one statement (UNION ALL), each within the other filters."""
    metro = metro_id()
    branches = [_pool(literal("region"), cast(metro, String), literal(""), func.count())
                .join(Region, Region.id == User.region_id)
                .where(*conditions.all(skip="region"), shared("region")).group_by(metro)]
    chosen_metro = ref.selected_metro(filters.region)
    if chosen_metro is not None:
        branches.append(_pool(literal("city"), cast(User.region_id, String), literal(""), func.count())
                        .where(*conditions.all(skip="region"), shared("region"),
                               User.region_id.in_([c.id for c in ref.children_of(chosen_metro)]))
                        .group_by(User.region_id))
    branches.append(_pool(literal("program"), Program.slug, Program.name, func.count(func.distinct(User.id)))
                    .join(Affiliation, Affiliation.user_id == User.id).join(Program, Program.id == Affiliation.program_id)
                    .where(*conditions.all(skip="program"), shared("affiliations")).group_by(Program.slug, Program.name))
    cohort_join = [Affiliation.user_id == User.id]
    if filters.program in ref.programs:
        cohort_join.append(Affiliation.program_id == ref.programs[filters.program][0])
    branches.append(_pool(literal("cohort"), cast(Affiliation.cohort_year, String), literal(""),
                          func.count(func.distinct(User.id)))
                    .join(Affiliation, and_(*cohort_join))
                    .where(*conditions.all(skip="cohort"), shared("affiliations")).group_by(Affiliation.cohort_year))
    branches.append(_pool(literal("tag"), Tag.slug, Tag.name, func.count())
                    .join(MemberExpertise, MemberExpertise.user_id == User.id).join(Tag, Tag.id == MemberExpertise.tag_id)
                    .where(*conditions.all(skip="tag"), shared("expertise")).group_by(Tag.slug, Tag.name))
    for what in (TalentWish.LEVEL, TalentWish.KIND):
        branches.append(_pool(literal(what), TalentWish.value, literal(""), func.count())
                        .join(TalentWish, and_(TalentWish.user_id == User.id, TalentWish.what == what))
                        .where(*conditions.all(skip=what)).group_by(TalentWish.value))
    for key, (_, days) in AVAILABLE.items():
        branches.append(_pool(literal("available"), literal(key), literal(""), func.count())
                        .where(*conditions.all(skip="available"), _available_by(days)))
    branches.append(_pool(literal("total"), literal(""), literal(""), func.count()).where(*conditions.all()))
    return union_all(*branches)


def _facets(rows, filters: PoolFilters, ref: Reference) -> tuple[int, dict[str, list[FacetValue]]]:
    by_id = {r.id: r for r in ref.regions.values()}
    chosen_metro_id = getattr(ref.selected_metro(filters.region), "id", None)
    facets: dict[str, list[FacetValue]] = {k: [] for k in ("region", "city", "program", "cohort", "tag", "level",
                                                          "kind", "available")}
    labels = {"level": Seeking.LEVEL_LABELS, "kind": Seeking.KIND_LABELS,
              "available": {k: label for k, (label, _) in AVAILABLE.items()}}
    total = 0
    for facet, key, label, count in rows:
        if facet == "total":
            total = count
        elif facet in ("region", "city"):
            region = by_id.get(int(key))
            if region is not None and (facet == "city" or region.parent_id is None):
                chosen = region.slug == filters.region or (facet == "region" and region.id == chosen_metro_id)
                facets[facet].append(FacetValue(region.slug, region.name, count, chosen))
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


def _load(ids: list[int]) -> list[User]:
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


def pool(filters: PoolFilters, viewer: User) -> Pool:
    ref = reference()
    conditions = _Conditions(filters, ref, viewer)
    total, facets = _facets(db.session.execute(_facet_query(conditions, filters, ref)).all(), filters, ref)
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(filters.page, 1), pages)
    narrow = bool(conditions.by_dimension)
    name = User.display_name + "" if narrow else User.display_name
    ids = list(db.session.scalars(_pool(User.id).where(*conditions.all()).order_by(name, User.id)
                                  .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return Pool([card_of(m) for m in _load(ids)], total, page, pages, facets, conditions.notes,
                ref.selected_metro(filters.region))


def pool_member_id(username: str, viewer: User) -> int | None:
    """The id of the member behind one pool card, or None when they are not in the pool for this viewer."""
    return db.session.scalar(_pool(User.id).where(User.username == username.lower(), *in_pool(viewer)))


def load_member(member_id: int) -> User:
    return _load([member_id])[0]


def pool_member(username: str, viewer: User) -> User | None:
    member_id = pool_member_id(username, viewer)
    return load_member(member_id) if member_id else None

