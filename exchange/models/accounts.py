"""Members and their profiles: accounts, programs, regions, expertise, offers and contact requests."""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import Offer, Role, Status, Visibility, utcnow

if TYPE_CHECKING:
    from .discussions import Category
    from .taxonomy import Tag


class Program(db.Model):
    """A partner program (fellowship or residency) whose alumni use Exchange."""

    __tablename__ = "programs"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(32))


class Region(db.Model):
    """A metro region; cities and districts within it point at it through ``parent``."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent", order_by="Region.name")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING, index=True)
    headline: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    registration_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    sector: Mapped[str] = mapped_column(String(16), default="", server_default="")
    bio_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    bio_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    offer_capacity: Mapped[int | None]  # offers a month, when the member sets a limit
    suspended_until: Mapped[datetime | None]  # None while suspended: until a moderator reinstates
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Per-field visibility (a Visibility value); members/privacy.py is the one place that reads these.
    show_headline: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_organisation: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_sector: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_affiliations: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS,
                                                   server_default="members")
    show_region: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_bio: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_expertise: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")
    show_offers: Mapped[str] = mapped_column(String(8), default=Visibility.MEMBERS, server_default="members")

    region: Mapped[Region | None] = relationship()
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Affiliation.cohort_year"
    )
    expertise: Mapped[list[Tag]] = relationship(secondary="member_expertise", order_by="Tag.name")
    offer_links: Mapped[list[MemberOffer]] = relationship(cascade="all, delete-orphan")
    # A moderator with scopes moderates those categories only; none means every category.
    moderated_categories: Mapped[list[Category]] = relationship(secondary="moderator_categories",
                                                                order_by="Category.name")

    __table_args__ = (Index("ix_users_status_display_name", "status", "display_name"),)

    @property
    def offers(self) -> list[str]:
        chosen = {o.offer for o in self.offer_links}
        return [o for o in Offer.ALL if o in chosen]

    @classmethod
    def listed_sql(cls) -> ColumnElement[bool]:
        """SQL: the accounts the directory, search and region pages list: active members, never employers."""
        return and_(cls.status == Status.ACTIVE, cls.role != Role.EMPLOYER)

    @property
    def is_employer(self) -> bool:
        return self.role == Role.EMPLOYER

    @property
    def is_active_member(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p[:1].isalnum()]
        letters = "".join(p[0] for p in parts[:2]) or self.username[:1]
        return letters.upper()

    @property
    def avatar_colour(self) -> int:
        """A stable colour index (0-9) for the generated avatar."""
        return int(hashlib.sha1(self.username.encode()).hexdigest(), 16) % 10

    # Sessions and remember cookies carry "id:fingerprint[:key]", the fingerprint a digest of the password
    # hash: a new password (a reset) makes every earlier session and cookie fail to load, with no
    # extra column. ASCII digits only, and few of them: int() refuses "²", which str.isdigit() accepts.
    _SESSION_ID = re.compile(r"([0-9]{1,18}):([0-9a-f]{12})(?::([0-9a-f]{32}))?")

    @property
    def password_fingerprint(self) -> str:
        # The epoch too: "sign out every other browser" bumps it, ending sessions that name no key.
        return hashlib.sha256(f"{self.password_hash}:{self.session_epoch or 0}".encode()).hexdigest()[:12]

    def get_id(self) -> str:
        key = getattr(self, "login_session_key", None)  # set for the sign-in being made (account/sessions.py)
        return f"{self.id}:{self.password_fingerprint}" + (f":{key}" if key else "")

    @classmethod
    def parse_session_id(cls, session_id: str) -> tuple[int, str, str] | None:
        """(id, fingerprint, session key or "") from ``get_id``'s format, or None when it is malformed."""
        match = cls._SESSION_ID.fullmatch(session_id)
        return (int(match[1]), match[2], match[3] or "") if match else None

    def has_fingerprint(self, fingerprint: str) -> bool:
        return hmac.compare_digest(self.password_fingerprint, fingerprint)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Affiliation(db.Model):
    """A member's tie to a partner program: which cohort, in which capacity."""

    __tablename__ = "affiliations"
    __table_args__ = (UniqueConstraint("user_id", "program_id", "cohort_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    cohort_year: Mapped[int]
    capacity: Mapped[str] = mapped_column(String(16), default="fellow")  # fellow|resident|staff

    user: Mapped[User] = relationship(back_populates="affiliations")
    program: Mapped[Program] = relationship()


class AccountToken(db.Model):
    """A single-use, expiring token for password reset or an invitation.

    Only a SHA-256 of the token is stored, so a leaked database cannot reset passwords.
    """

    __tablename__ = "account_tokens"
    RESET = "reset"
    INVITE = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()


class MemberExpertise(db.Model):
    """A member's expertise: canonical tags of the common taxonomy."""

    __tablename__ = "member_expertise"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class MemberOffer(db.Model):
    """One thing a member is open to (an Offer value)."""

    __tablename__ = "member_offers"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    offer: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class ContactRequest(db.Model):
    """A short message from one member to another, delivered by email and to the inbox page."""

    __tablename__ = "contact_requests"
    MAX_MESSAGE = 2000

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    offer: Mapped[str] = mapped_column(String(16), default="")
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])

    __table_args__ = (Index("ix_contact_requests_recipient_created", "recipient_id", "created_at"),)
