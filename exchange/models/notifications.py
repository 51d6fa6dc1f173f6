"""Notifications: what happened (events, decided in the causing transaction), who hears of it
(notifications, fanned out by the worker), what each member watches and how they want to hear,
the mail queue, and the digests already sent.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import User


class Kind:
    """Every kind of notification, what it says in settings, and how it is delivered by default."""

    REPLY = "reply"                    # a reply to my thread
    QUOTE = "quote"                    # a reply that quotes or answers my post
    MENTION = "mention"                # @username
    WATCHED_THREAD = "watched_thread"  # a new post in a thread I watch
    WATCHED_CATEGORY = "watched_category"
    WATCHED_TAG = "watched_tag"
    WATCHED_REGION = "watched_region"
    HELPFUL = "helpful"                # someone marked my practice helpful
    CONTACT = "contact"                # a contact request to me
    HELD_DECIDED = "held_decided"      # my held post approved or rejected
    HIDDEN = "hidden"                  # my post hidden by a moderator
    PROPOSAL = "proposal"              # my tag proposal decided
    REFRESH = "refresh"                # a practice I wrote asked to be refreshed
    OPENINGS = "openings"              # a new opening matches a board search I saved

    LABELS = {
        REPLY: "Replies to my threads", QUOTE: "Replies that quote or answer my posts", MENTION: "Mentions of me",
        WATCHED_THREAD: "New posts in threads I watch", WATCHED_CATEGORY: "New threads in categories I watch",
        WATCHED_TAG: "New threads and practices under tags I watch",
        WATCHED_REGION: "New practices by members of regions I watch", HELPFUL: "My practices marked helpful",
        CONTACT: "Contact requests to me", HELD_DECIDED: "My held posts approved or rejected",
        HIDDEN: "My posts hidden by a moderator", PROPOSAL: "My tag proposals decided",
        REFRESH: "My practices asked to be refreshed", OPENINGS: "New openings matching my saved searches",
    }
    ALL = tuple(LABELS)
    # Addressed to me: notify at every level but muted, and count for "tracking".
    PERSONAL = (REPLY, QUOTE, MENTION, HELPFUL, CONTACT, HELD_DECIDED, HIDDEN, PROPOSAL, REFRESH, OPENINGS)


class Delivery:
    NOW, DIGEST, NEVER = "now", "digest", "never"
    ALL = (NOW, DIGEST, NEVER)
    LABELS = {NOW: "Email at once", DIGEST: "In my digest", NEVER: "Never by email"}
    DEFAULTS = {Kind.MENTION: NOW, Kind.REPLY: NOW, Kind.QUOTE: NOW, Kind.CONTACT: NOW, Kind.OPENINGS: NOW}

    @classmethod
    def default(cls, kind: str) -> str:
        return cls.DEFAULTS.get(kind, cls.DIGEST)


class Level:
    WATCHING, TRACKING, NORMAL, MUTED = "watching", "tracking", "normal", "muted"
    ALL = (WATCHING, TRACKING, NORMAL, MUTED)
    LABELS = {WATCHING: "Watching", TRACKING: "Tracking", NORMAL: "Normal", MUTED: "Muted"}
    HINTS = {WATCHING: "Notify me of every new item.", TRACKING: "Count new items in lists; notify me when I am addressed.",
             NORMAL: "Notify me only when I am addressed.", MUTED: "Never notify me; leave it out of my lists."}


class NotificationEvent(db.Model):
    """The outbox: something happened, written in the transaction that made it happen; the worker
    turns each into notifications and deletes it in the same commit."""

    __tablename__ = "notification_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(db.Model):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    # Related notifications share a key ("3 new replies in …"): kind and thread, or kind and subject.
    group_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(500), default="")   # a reason, a tag word: never private data
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mail: Mapped[str] = mapped_column(String(8), default="")      # "" | now | digest | sent | skipped

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),
                      Index("ix_notifications_user_created", "user_id", "created_at"),
                      Index("ix_notifications_mail", "mail"))


class Watch(db.Model):
    """A member's level on one thread, category, tag or region (no row: normal)."""

    __tablename__ = "watches"
    TARGETS = ("thread", "category", "tag", "region")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_watches_target", "target_type", "target_id", "level"),)


class NotificationSetting(db.Model):
    """How one member hears of one kind by email (no row: the kind's default)."""

    __tablename__ = "notification_settings"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(8))


class MemberPreference(db.Model):
    """A member's notification choices that are not per kind."""

    __tablename__ = "member_preferences"
    DIGEST_PERIODS = {"weekly": "Weekly", "daily": "Daily", "never": "Never"}
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(8), default="weekly")
    auto_watch_started: Mapped[bool] = mapped_column(default=True)
    auto_track_replied: Mapped[bool] = mapped_column(default=True)


class ThreadRead(db.Model):
    """How far a member has read a thread: the highest post id they have seen."""

    __tablename__ = "thread_reads"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    last_post_id: Mapped[int] = mapped_column(default=0)


class DigestSent(db.Model):
    """One digest per member and period, ever: the unique key is the guarantee."""

    __tablename__ = "digests_sent"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)   # "2026-W49" or "2026-12-07"
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[int] = mapped_column(default=0)


class MailMessage(db.Model):
    """The mail queue: written with the change that causes it, sent by the worker.

    ``claimed_at`` is set (and committed) before the SMTP conversation; a message claimed but never
    marked sent is not sent again (it may have been accepted) but shown to moderators as uncertain.
    """

    __tablename__ = "mail_queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("ix_mail_queue_due", "sent_at", "failed_at", "next_attempt_at"),)
