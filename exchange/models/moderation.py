"""Moderation: the log of moderator actions, members' flags and moderators' category scopes."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .discussions import Post


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
