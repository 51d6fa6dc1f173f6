"""The practice library: a practice thread's write-up and the members who found it helpful."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import Region
    from .discussions import Post, Thread


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
