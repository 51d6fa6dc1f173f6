"""Every model, typed (SQLAlchemy 2 mappings).

Entity behaviour lives here; cross-table bookkeeping (counters, logs) lives in services.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .text import slugify


def utcnow() -> datetime:
    # Naive UTC everywhere: SQLite has no time zones, and both engines must agree.
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role:
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"
    ALL = (MEMBER, MODERATOR, ADMIN)


class Status:
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"
    INVITED = "invited"  # made from a roster: not listed and cannot sign in until the invitation is used
    ALL = (PENDING, ACTIVE, SUSPENDED, REJECTED, INVITED)


class Visibility:
    """Who may see one profile field (members/privacy.py applies it)."""

    MEMBERS = "members"     # every active member
    PROGRAMS = "programs"   # members who share a partner program with the owner (and moderators)
    ONLY_ME = "me"          # the owner alone
    ALL = (MEMBERS, PROGRAMS, ONLY_ME)
    LABELS = {MEMBERS: "All members", PROGRAMS: "My programs only", ONLY_ME: "Only me"}


class Sector:
    ALL = ("district", "charter", "state", "nonprofit", "federal", "other")
    LABELS = {"district": "District", "charter": "Charter network", "state": "State agency",
              "nonprofit": "Non-profit", "federal": "Federal", "other": "Other"}


class Offer:
    """What a member is open to."""

    ALL = ("mentoring", "call", "site_visit", "opportunities")
    LABELS = {"mentoring": "Mentoring", "call": "A short call about a topic", "site_visit": "Site visits",
              "opportunities": "New opportunities"}


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

    # Sessions and remember cookies carry "id:fingerprint", the fingerprint a digest of the password
    # hash: a new password (a reset) makes every earlier session and cookie fail to load, with no
    # extra column. ASCII digits only, and few of them: int() refuses "²", which str.isdigit() accepts.
    _SESSION_ID = re.compile(r"([0-9]{1,18}):([0-9a-f]{12})")

    @property
    def password_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:12]

    def get_id(self) -> str:
        return f"{self.id}:{self.password_fingerprint}"

    @classmethod
    def parse_session_id(cls, session_id: str) -> tuple[int, str] | None:
        """(id, fingerprint) from ``get_id``'s format, or None when it is malformed."""
        match = cls._SESSION_ID.fullmatch(session_id)
        return (int(match[1]), match[2]) if match else None

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


class Category(db.Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_last_post_at", "last_post_at"),
        Index("ix_threads_category_last_post_at", "category_id", "last_post_at"),
        # Partial: only the few pinned threads are in it (queries say ``Thread.is_pinned_sql``).
        Index("ix_threads_pinned", "pinned_at", sqlite_where=text("pinned != ''"),
              postgresql_where=text("pinned != ''")),
    )
    DISCUSSION = "discussion"
    PRACTICE = "practice"
    PUBLISHED = "published"
    DRAFT = "draft"  # only practices start as drafts, seen by their author alone
    HELD = "held"    # a new member's thread, waiting for a moderator; seen by its author and moderators
    REJECTED = "rejected"  # a held thread a moderator declined: still seen by its author, never listed
    MERGED = "merged"  # its posts moved into ``merged_into``; its URL redirects there
    HIDDEN = "hidden"  # its opening post is hidden (by a moderator or flags): listed nowhere, like a held thread
    PIN_CATEGORY, PIN_GLOBAL = "category", "global"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=DISCUSSION)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED, server_default=PUBLISHED)
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Maintained by threads.services so lists never count or join posts.
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_locked: Mapped[bool] = mapped_column(default=False)
    # "" (not pinned), PIN_CATEGORY (top of its category) or PIN_GLOBAL (also on /threads and home).
    pinned: Mapped[str] = mapped_column(String(16), default="", server_default="")
    pinned_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])
    practice: Mapped[Practice | None] = relationship(back_populates="thread", uselist=False)
    tag_links: Mapped[list[ThreadTag]] = relationship(back_populates="thread", cascade="all, delete-orphan")

    @property
    def is_practice(self) -> bool:
        return self.kind == self.PRACTICE

    @property
    def is_draft(self) -> bool:
        return self.status == self.DRAFT

    @property
    def is_held(self) -> bool:
        return self.status == self.HELD

    @classmethod
    def is_pinned_sql(cls):
        """``pinned != ''`` spelled as the partial index says it, so both engines use the index."""
        return cls.pinned != literal_column("''")

    @property
    def tags(self) -> list[Tag]:
        """The tags the author chose (not the parents they imply), by name."""
        return sorted((link.tag for link in self.tag_links if not link.implied), key=lambda t: t.name)

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def slug(self) -> str:
        return slugify(self.title) or "thread"


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_id_id", "thread_id", "id"),
        # Partial: only held and rejected posts are in it (queries say ``Post.not_shown_sql``).
        Index("ix_posts_not_shown", "author_id", sqlite_where=text("review != ''"),
              postgresql_where=text("review != ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    hidden_at: Mapped[datetime | None]
    # Held posts wait for a moderator and are left out of the thread (and its counters) until approved.
    review: Mapped[str] = mapped_column(String(16), default="", server_default="")
    held_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edit_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])

    SHOWN, HELD, REJECTED = "", "held", "rejected"

    @property
    def is_held(self) -> bool:
        return self.review == self.HELD

    @classmethod
    def not_shown_sql(cls):
        """``review != ''`` spelled as the partial index says it, so both engines use the index."""
        return cls.review != literal_column("''")


class ModerationLog(db.Model):
    """Append-only: one row per moderator action, written in the action's transaction."""

    __tablename__ = "moderation_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class TagGroup(db.Model):
    """A facet of the taxonomy (Topic, Role, Level, Scale)."""

    __tablename__ = "tag_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    single_choice: Mapped[bool] = mapped_column(default=False)  # at most one tag of it per item

    tags: Mapped[list[Tag]] = relationship(back_populates="group", order_by="Tag.name")


class Tag(db.Model):
    """A canonical concept; its slug is the normalised form every spelling maps onto."""

    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    group_id: Mapped[int] = mapped_column(ForeignKey("tag_groups.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id"), index=True)
    guidance: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[TagGroup] = relationship(back_populates="tags")
    parent: Mapped[Tag | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Tag]] = relationship(back_populates="parent", order_by="Tag.name")
    aliases: Mapped[list[TagAlias]] = relationship(back_populates="tag", cascade="all, delete-orphan",
                                                   order_by="TagAlias.name")

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class TagAlias(db.Model):
    """Another word for a tag, with its provenance: a partner program's lexicon, or common usage."""

    __tablename__ = "tag_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))

    tag: Mapped[Tag] = relationship(back_populates="aliases")
    program: Mapped[Program | None] = relationship()


class ThreadTag(db.Model):
    """A thread filed under a tag: chosen by the author, or implied by a chosen child tag."""

    __tablename__ = "thread_tags"
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    implied: Mapped[bool] = mapped_column(default=False)

    thread: Mapped[Thread] = relationship(back_populates="tag_links")
    tag: Mapped[Tag] = relationship()


class TagProposal(db.Model):
    """A word a member used that is not in the taxonomy yet; moderators decide."""

    __tablename__ = "tag_proposals"
    PENDING, APPROVED, REJECTED, MERGED = "pending", "approved", "rejected", "merged"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    thread: Mapped[Thread | None] = relationship()
    tag: Mapped[Tag | None] = relationship()


class Practice(db.Model):
    """The structured write-up of a practice thread; replies below it are ordinary posts."""

    __tablename__ = "practices"
    SECTIONS = ("summary", "problem", "context", "steps", "evidence", "resources", "contact")
    SETTINGS = ("district", "charter network", "state agency", "non-profit")

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    problem_html: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    context_html: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    steps_html: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_html: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    resources_html: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    contact_html: Mapped[str] = mapped_column(Text, default="")
    setting: Mapped[str] = mapped_column(String(32), default="district", index=True)
    size: Mapped[str] = mapped_column(String(120), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    helpful_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None]
    refresh_requested_at: Mapped[datetime | None]  # when the author was asked to review it (stale)
    source_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))

    thread: Mapped[Thread] = relationship(back_populates="practice")
    region: Mapped[Region | None] = relationship()
    source_post: Mapped[Post | None] = relationship()


class HelpfulMark(db.Model):
    """One member found one practice helpful (at most once)."""

    __tablename__ = "helpful_marks"
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship()


class SiteState(db.Model):
    """One row: the content version that every committed write increments (see fragments.py)."""

    __tablename__ = "site_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[int] = mapped_column(default=0)


class SearchOutbox(db.Model):
    """A search intent ("thread 42 changed"), queued in the transaction that made the change.

    The indexer drains these in batches and deletes rows only after its index commit
    (see search/outbox.py), so a crash at any point loses nothing.
    """

    __tablename__ = "search_outbox"
    THREAD = "thread"
    MEMBER = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Flag(db.Model):
    """A member's report that a post needs a moderator's eye; one per member and post."""

    __tablename__ = "flags"
    REASONS = {"spam": "Spam", "off_topic": "Off-topic", "inappropriate": "Inappropriate",
               "needs_review": "Needs a moderator's review"}
    AUTO_HIDE_AT = 3  # distinct members flagging a post hide it until a moderator decides

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution: Mapped[str] = mapped_column(String(16), default="")   # hidden | dismissed

    post: Mapped[Post] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_flags_post_id_user_id"),)


class ModeratorCategory(db.Model):
    """A moderator's scope: one category they moderate."""

    __tablename__ = "moderator_categories"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)


# --- curation: featured practices and collections (curation/services.py keeps positions dense) ----

class FeaturedPractice(db.Model):
    """A practice a curator features on the home page, at ``position`` (1 first)."""

    __tablename__ = "featured_practices"
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]
    featured_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    featured_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship()


class Collection(db.Model):
    """A curated, ordered list of practices; unpublished (never deleted) when it has had its day."""

    __tablename__ = "collections"
    TITLE_MAX = 120
    DESCRIPTION_MAX = 5000

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    curator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    curator: Mapped[User | None] = relationship()
    items: Mapped[list[CollectionItem]] = relationship(
        back_populates="collection", order_by="(CollectionItem.position, CollectionItem.id)")


class CollectionItem(db.Model):
    """One practice in a collection, at ``position`` (1 first), with the curator's note on why."""

    __tablename__ = "collection_items"
    __table_args__ = (UniqueConstraint("collection_id", "thread_id", name="uq_collection_items_collection_id_thread_id"),)
    NOTE_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="items")
    thread: Mapped[Thread] = relationship()
