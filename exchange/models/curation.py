"""Curation: featured practices and collections (curation/services.py keeps positions dense)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .discussions import Thread


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
