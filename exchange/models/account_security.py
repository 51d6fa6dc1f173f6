"""A member's signed-in browsers and their account's security log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .common import utcnow


class UserSession(db.Model):
    """One sign-in (a browser), named in the session cookie and the remember cookie by ``key``;
    revoking it signs that browser out at its next request."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_prefix: Mapped[str] = mapped_column(String(48), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_user_sessions_user", "user_id", "revoked_at"),)


class SecurityEvent(db.Model):
    """What happened to an account's sign-in details, for its owner to read ("password changed, 4 Dec,
    from 203.0.113.x"). Only a prefix of the address is kept."""

    __tablename__ = "security_events"
    LABELS = {"signed_in": "Signed in", "password_changed": "Password changed", "password_reset": "Password reset",
              "email_change_requested": "Email change asked for", "email_changed": "Email changed",
              "session_signed_out": "A browser signed out", "other_sessions_signed_out": "Every other browser signed out",
              "export_requested": "Data export asked for", "deletion_requested": "Account deletion asked for",
              "deletion_cancelled": "Account deletion cancelled"}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    ip_prefix: Mapped[str] = mapped_column(String(48), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_security_events_user_created", "user_id", "created_at"),)

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)


class DataExport(db.Model):
    """One "Download my data" request: built by the worker into a zip under the instance folder,
    downloadable by its member (signed in) for ``EXPORT_DAYS``, then deleted."""

    __tablename__ = "data_exports"
    QUEUED, READY, FAILED, EXPIRED = "queued", "ready", "failed", "expired"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default=QUEUED)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    filename: Mapped[str] = mapped_column(String(80), default="")
    size: Mapped[int] = mapped_column(default=0)


class DeletionRequest(db.Model):
    """A member asked to leave: erased after the grace period unless they sign in again."""

    __tablename__ = "deletion_requests"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    erase_after: Mapped[datetime]
    erase_unanswered_posts: Mapped[bool] = mapped_column(default=False)
