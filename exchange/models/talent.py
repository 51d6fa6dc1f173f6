"""Employer accounts and the talent pool: who recruits, who chose to be found, who looked, who is blocked.

An employer is a User with the employer role; its organisation lives here. A member in the pool
has an open TalentProfile: what they are looking for, and which profile fields employers may see
(each off until the member turns it on). talent/pool.py is the one place that reads those choices.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import Region, User


class EmployerKind:
    ALL = ("district", "charter", "state", "nonprofit")
    LABELS = {"district": "School district", "charter": "Charter network", "state": "State agency",
              "nonprofit": "Non-profit"}


class Seeking:
    """What a pool member is looking for: kinds of role and levels (the opportunities board's values)."""

    KINDS = ("full_time", "fellowship", "part_time", "board", "volunteer", "rfp")
    KIND_LABELS = {"full_time": "Full-time role", "fellowship": "Fellowship or residency",
                   "part_time": "Part-time or consulting", "board": "Board seat", "volunteer": "Volunteer",
                   "rfp": "Request for proposals"}
    LEVELS = ("executive", "director", "manager", "analyst", "entry")
    LEVEL_LABELS = {"executive": "Executive", "director": "Director", "manager": "Manager", "analyst": "Analyst",
                    "entry": "Entry"}


def organisation_key(name: str) -> str:
    """Two accounts of one organisation block together: names compared case- and space-blind."""
    return " ".join(name.lower().split())


class EmployerProfile(db.Model):
    """The organisation behind an employer account, and how a moderator can check it."""

    __tablename__ = "employer_profiles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(160))
    organisation_key: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    website: Mapped[str] = mapped_column(String(254), default="")
    verification: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(backref=backref("employer_profile", uselist=False))

    @property
    def kind_label(self) -> str:
        return EmployerKind.LABELS.get(self.kind, self.kind)


# The profile fields a member may share with employers, each a boolean column ``share_<field>``.
SHAREABLE = ("headline", "organisation", "sector", "region", "affiliations", "expertise", "bio")


class TalentProfile(db.Model):
    """A member's place in the talent pool (``is_open``) and what they chose to show employers."""

    __tablename__ = "talent_profiles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    available_from: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(280), default="", server_default="")
    share_headline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_organisation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_sector: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_region: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_affiliations: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_expertise: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    share_bio: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joined_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(backref=backref("talent_profile", uselist=False))
    wishes: Mapped[list[TalentWish]] = relationship(cascade="all, delete-orphan", order_by="TalentWish.value")
    regions: Mapped[list[Region]] = relationship(secondary="talent_regions", order_by="Region.name")

    def shares(self, field: str) -> bool:
        return bool(getattr(self, f"share_{field}"))

    def sought(self, what: str) -> list[str]:
        return [w.value for w in self.wishes if w.what == what]


class TalentWish(db.Model):
    """One kind or level a pool member is looking for."""

    __tablename__ = "talent_wishes"
    KIND = "kind"
    LEVEL = "level"
    SECTOR = "sector"
    user_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.user_id", ondelete="CASCADE"), primary_key=True)
    what: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), primary_key=True)

    __table_args__ = (Index("ix_talent_wishes_what_value", "what", "value"),)


class TalentRegion(db.Model):
    """A region a pool member is willing to work in."""

    __tablename__ = "talent_regions"
    user_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.user_id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)


class TalentView(db.Model):
    """An employer opened a member's pool card: one row per employer, member and day."""

    __tablename__ = "talent_views"
    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    employer: Mapped[User] = relationship(foreign_keys=[employer_id])

    __table_args__ = (UniqueConstraint("employer_id", "member_id", "day"),
                      Index("ix_talent_views_member_viewed", "member_id", "viewed_at"))


class TalentBlock(db.Model):
    """A member keeps one organisation (all its employer accounts) away from their pool card."""

    __tablename__ = "talent_blocks"
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organisation_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TalentList(db.Model):
    """An employer's saved list of pool members ("Denver data leads"): theirs alone, named once each.

    A member who leaves the pool, or blocks the list owner's organisation, is taken off at once
    (talent/lists.py); one who is merely out of sight (a deletion pending) is left out when read.
    """

    __tablename__ = "talent_lists"
    MAX_NAME = 80
    MAX_LISTS = 50
    MAX_MEMBERS = 500
    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    name_key: Mapped[str] = mapped_column(String(MAX_NAME))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("employer_id", "name_key"),)


class TalentListEntry(db.Model):
    """One pool member on one saved list."""

    __tablename__ = "talent_list_entries"
    list_id: Mapped[int] = mapped_column(ForeignKey("talent_lists.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
