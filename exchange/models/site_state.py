"""Site-wide state: the content version of the fragment cache and the search outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .common import utcnow


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
