"""Categories, threads and their posts."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, false, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..text import slugify
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .practices import Practice
    from .taxonomy import Tag, ThreadTag


# Pinned threads and held posts are few, so each has a partial index of the rows whose column is not
# ''; a query uses it only when it says the predicate as the index does, on both engines.
def _not_empty_index(name: str, column: str, *indexed: str) -> Index:
    where = text(f"{column} != ''")
    return Index(name, *indexed, sqlite_where=where, postgresql_where=where)


def _not_empty_sql(column):
    return column != literal_column("''")



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
        _not_empty_index("ix_threads_pinned", "pinned", "pinned_at"),
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

    @property
    def is_listed(self) -> bool:
        """Shown to members in lists, search, feeds and counts (``listed_sql`` says it in SQL)."""
        return self.status == self.PUBLISHED

    @classmethod
    def listed_sql(cls):
        """SQL: the threads members see listed: published, so not a draft, held, rejected, hidden or
        merged. Its category's ``thread_count`` counts exactly these (``threads.status`` keeps it so)."""
        return cls.status == cls.PUBLISHED

    @classmethod
    def is_pinned_sql(cls):
        """``pinned != ''``, as the partial index ``ix_threads_pinned`` says it."""
        return _not_empty_sql(cls.pinned)

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
        _not_empty_index("ix_posts_not_shown", "review", "author_id"),
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
        """``review != ''``, as the partial index ``ix_posts_not_shown`` says it."""
        return _not_empty_sql(cls.review)
