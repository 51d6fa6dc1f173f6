"""The common taxonomy: tag groups, tags, their aliases, thread tags and proposed tags."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import Program, User
    from .discussions import Thread


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
