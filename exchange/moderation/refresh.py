"""Practices nobody has reviewed for a year: flagged "needs refresh", their authors asked once."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import events
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, send_mail
from ..models import Practice, Thread, User, utcnow
from .log import checked_reason, log_moderation


def _cutoff() -> datetime:
    return utcnow() - timedelta(days=current_app.config["STALE_PRACTICE_DAYS"])


def _last_reviewed():
    return func.coalesce(Practice.reviewed_at, Practice.published_at)


def is_stale(practice: Practice) -> bool:
    last = practice.reviewed_at or practice.published_at
    return practice.thread.is_listed and last is not None and last < _cutoff()


def _stale():
    return (select(Thread).join(Thread.practice)
            .where(Thread.listed_sql(), _last_reviewed() < _cutoff()))


def stale_practices(*, limit: int = 50) -> list[Thread]:
    """Least recently reviewed first."""
    return list(db.session.scalars(
        _stale().options(joinedload(Thread.practice), joinedload(Thread.author))
        .order_by(_last_reviewed()).limit(limit)))


def stale_count():
    """As a scalar subquery, for the queue's header count."""
    return select(func.count()).select_from(_stale().subquery()).scalar_subquery()


def ask_authors(*, limit: int = 100) -> int:
    """Email the author of each stale practice not yet asked since its last review (the system's action)."""
    due = list(db.session.scalars(
        _stale().options(joinedload(Thread.practice), joinedload(Thread.author))
        .where(Practice.refresh_requested_at.is_(None)).order_by(_last_reviewed()).limit(limit)))
    if not due:
        return 0
    with transaction():
        for thread in due:
            thread.practice.refresh_requested_at = utcnow()
            events.refresh_asked(thread_id=thread.id, author_id=thread.author_id)
            log_moderation(None, "request_refresh", thread, label=thread.title)
    for thread in due:
        link = external_url("practices.edit", thread_id=thread.id)
        send_mail(thread.author.email, f"Is “{thread.title}” still how you do it?",
                  "Your practice on Exchange has not been reviewed for a year. Members read it to decide what to "
                  "try next: please check that it still holds, update what changed, and save it — saving marks it "
                  f"reviewed.\n\n{link}\n")
    return len(due)


def mark_reviewed(*, moderator: User, thread: Thread, reason: str = "") -> Thread:
    if not thread.is_practice or not thread.is_listed:
        raise ServiceError("Only a published practice can be marked reviewed.")
    reason = checked_reason(reason)
    with transaction():
        thread = db.session.merge(thread)
        thread.practice.reviewed_at, thread.practice.refresh_requested_at = utcnow(), None
        log_moderation(moderator, "review_practice", thread, label=thread.title, reason=reason)
    return thread
