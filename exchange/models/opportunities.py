"""Career openings posted on the network, their tags, and the members who applied in Exchange.

An opening moves draft → held (a first opening waits for review) → open → closed, filled or
expired; a moderator may hide it from any of those. ``Opportunity.listed_sql`` is the one rule for
what the board, search, feeds and region pages list.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import Region, User
    from .taxonomy import Tag


class Opportunity(db.Model):
    __tablename__ = "opportunities"

    DRAFT, HELD, OPEN, CLOSED, FILLED, EXPIRED = "draft", "held", "open", "closed", "filled", "expired"
    STATUSES = (DRAFT, HELD, OPEN, CLOSED, FILLED, EXPIRED)
    ENDED = (CLOSED, FILLED, EXPIRED)
    STATUS_LABELS = {DRAFT: "Draft", HELD: "Waiting for review", OPEN: "Open", CLOSED: "Closed",
                     FILLED: "Filled", EXPIRED: "Expired"}
    # Kinds that pay a salary must state its range; a board seat, volunteering or an RFP need not.
    PAID_KINDS = ("full_time", "fellowship", "part_time")

    id: Mapped[int] = mapped_column(primary_key=True)
    poster_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    organisation: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    sector: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    salary_min: Mapped[int | None]
    salary_max: Mapped[int | None]
    closes_on: Mapped[date]
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    apply_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    status: Mapped[str] = mapped_column(String(8), default=DRAFT)
    held_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    edit_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    poster: Mapped[User] = relationship(foreign_keys=[poster_id])
    region: Mapped[Region | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary="opportunity_tags", order_by="Tag.name")

    # The board's counts read only ix_opportunities_board (listed_sql's columns first, then every column a
    # facet counts), never the wide rows with their bodies: 117 → 25 ms at 10,000 openings (bench/README.md).
    __table_args__ = (Index("ix_opportunities_status_published", "status", "published_at"),
                      Index("ix_opportunities_board", "status", "closes_on", "hidden_at", "kind", "level", "sector",
                            "region_id", "remote", "salary_max", "salary_min", "published_at"))

    @classmethod
    def listed_sql(cls, today: date) -> ColumnElement[bool]:
        """SQL: the openings the board, search, feeds and region pages list. The closing date counts
        even before the sweep marks an opening expired."""
        return and_(cls.status == cls.OPEN, cls.hidden_at.is_(None), cls.closes_on >= today)

    def is_listed(self, today: date) -> bool:
        return self.status == self.OPEN and self.hidden_at is None and self.closes_on >= today

    @property
    def is_paid(self) -> bool:
        return self.kind in self.PAID_KINDS

    @property
    def applies_in_exchange(self) -> bool:
        return not self.apply_url

    def shown_status(self, today: date) -> str:
        """The status a reader is told: an open opening past its closing date has expired."""
        if self.status == self.OPEN and self.closes_on < today:
            return self.EXPIRED
        return self.status


class OpportunityTag(db.Model):
    __tablename__ = "opportunity_tags"
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class Application(db.Model):
    """A member applied in Exchange: their note and a copy of the profile fields they chose to send."""

    __tablename__ = "applications"
    RECEIVED, CONVERSATION, CLOSED = "received", "conversation", "closed"
    STATUSES = (RECEIVED, CONVERSATION, CLOSED)
    STATUS_LABELS = {RECEIVED: "Received", CONVERSATION: "In conversation", CLOSED: "Closed"}
    # The profile fields an applicant may send with an application (email only when ticked).
    SHAREABLE = ("headline", "organisation", "sector", "region", "affiliations", "expertise", "bio", "email")

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    shared: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    opportunity: Mapped[Opportunity] = relationship()
    applicant: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("opportunity_id", "applicant_id"),)

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS.get(self.status, self.status)


class OpportunityFlag(db.Model):
    """A member asked the moderators to look at an opening; resolved when a moderator acts."""

    __tablename__ = "opportunity_flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    opportunity: Mapped[Opportunity] = relationship()
    flagger: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("opportunity_id", "flagger_id"),)
