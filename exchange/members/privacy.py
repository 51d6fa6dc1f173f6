"""Who sees which profile field: the one place that reads the ``show_*`` columns.

Each field a member can hide has a Visibility: *all members*, *my programs only* (members who
share a partner program with the owner, and moderators, who need the context to approve and
curate), or *only me*. Name, username and avatar are always visible to members; email never is.

The same rule exists twice, once for a loaded member (``can_see``) and once as SQL
(``visible``), so that a filter on a hidden field can never reveal it: a member whose
expertise is private does not match an expertise filter, and is not counted in its facet.
The directory applies the rule by *audience* (programs and role of the viewer), not by
viewer, so members see themselves there as their peers see them, and the cached filter
counts are shared by everyone in the same programs.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from ..models import Affiliation, User, Visibility

FIELDS = ("headline", "organisation", "sector", "affiliations", "region", "bio", "expertise", "offers")
LABELS = {"headline": "Headline", "organisation": "Organisation", "sector": "Sector",
          "affiliations": "Programs and cohorts", "region": "Region and city", "bio": "Bio",
          "expertise": "Expertise", "offers": "Open to"}


@dataclass(frozen=True)
class Audience:
    """What decides which fields a viewer sees: the programs they belong to and their role."""

    program_ids: frozenset[int]
    moderator: bool = False
    viewer_id: int | None = None  # set only where the owner's own view counts (the profile page)

    @property
    def key(self) -> tuple:
        return (tuple(sorted(self.program_ids)), self.moderator)

    def as_owner(self, viewer_id: int) -> Audience:
        return Audience(self.program_ids, self.moderator, viewer_id)


# What any member at all may see: the search index and other places read by everyone use it.
EVERY_MEMBER = Audience(frozenset())


def audience_of(user: User) -> Audience:
    return Audience(frozenset(a.program_id for a in user.affiliations), user.is_moderator)


def visibility(member: User, field: str) -> str:
    return getattr(member, f"show_{field}")


def can_see(audience: Audience, member: User, field: str) -> bool:
    if audience.viewer_id == member.id:
        return True
    level = visibility(member, field)
    if level == Visibility.MEMBERS:
        return True
    if level == Visibility.PROGRAMS:
        return audience.moderator or any(a.program_id in audience.program_ids for a in member.affiliations)
    return False


def visible(field: str, audience: Audience) -> ColumnElement[bool]:
    """SQL: the member row's ``field`` may be shown to this audience (owner exception excluded)."""
    column = getattr(User, f"show_{field}")
    if audience.moderator:
        shares = true()
    elif audience.program_ids:
        mine = aliased(Affiliation)  # the outer query may join Affiliation itself
        shares = exists(select(mine.id).where(mine.user_id == User.id, mine.program_id.in_(sorted(audience.program_ids)))
                        ).correlate(User)
    else:
        shares = false()
    return or_(column == Visibility.MEMBERS, and_(column == Visibility.PROGRAMS, shares))


# The attributes of User behind each field, and what a hidden one reads as.
_ATTRIBUTES = {"headline": ("headline", ""), "organisation": ("organisation", ""), "sector": ("sector", ""),
               "affiliations": ("affiliations", []), "region": ("region", None), "region_id": ("region", None),
               "bio_html": ("bio", ""), "bio_source": ("bio", ""), "expertise": ("expertise", []),
               "offers": ("offers", []), "offer_links": ("offers", []), "offer_capacity": ("offers", None)}


@dataclass
class ProfileView:
    """A member as one audience may see them: a hidden field reads as empty, so templates cannot leak it."""

    member: User
    shown: frozenset[str]

    def __getattr__(self, name: str):
        if name in _ATTRIBUTES:
            field, empty = _ATTRIBUTES[name]
            if field not in self.shown:
                return empty
        if name in ("email", "password_hash", "registration_note"):
            raise AttributeError(name)
        return getattr(self.member, name)

    def has(self, field: str) -> bool:
        return field in self.shown


def view(member: User, audience: Audience) -> ProfileView:
    return ProfileView(member, frozenset(f for f in FIELDS if can_see(audience, member, f)))
