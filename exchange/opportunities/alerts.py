"""Saved opportunity searches: a member keeps a board search and hears of the new openings that match it.

The worker (and ``flask opportunities sweep``) calls ``announce_due``; each alert remembers up to when
its matches were announced, in the transaction that announces them (events.openings_matched, which the
notifications turn into one notification per opening, in the app and by email as the member chose),
so an opening is told once, and a crash before the commit only announces it again at the next run.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from .. import events
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import OpportunityAlert, User, utcnow
from ..permissions import is_member
from . import board


def canonical(args) -> tuple[str, board.BoardFilters]:
    """The filters of a query string, as a saved search stores them (no page, no sort, known values only)."""
    filters, _ = board.parse_filters(args)
    return urlencode(sorted(filters.args(page="", sort="").items())), filters


def save(*, member: User, args) -> OpportunityAlert:
    query, filters = canonical(args)
    with transaction():
        mine = db.session.scalar(select(func.count()).select_from(OpportunityAlert)
                                 .where(OpportunityAlert.user_id == member.id)) or 0
        existing = db.session.scalar(select(OpportunityAlert).where(OpportunityAlert.user_id == member.id,
                                                                     OpportunityAlert.query == query))
        if existing is not None:
            return existing
        if mine >= OpportunityAlert.MAX_PER_MEMBER:
            raise ServiceError(f"You can keep {OpportunityAlert.MAX_PER_MEMBER} saved searches; delete one first.")
        alert = OpportunityAlert(user_id=member.id, query=query, label=board.describe(filters)[:300])
        db.session.add(alert)
    return alert


def delete(*, member: User, alert_id: int) -> bool:
    with transaction():
        alert = db.session.get(OpportunityAlert, alert_id)
        if alert is None or alert.user_id != member.id:
            return False
        db.session.delete(alert)
    return True


def of_member(member: User) -> list[OpportunityAlert]:
    return list(db.session.scalars(select(OpportunityAlert).where(OpportunityAlert.user_id == member.id)
                                   .order_by(OpportunityAlert.created_at)))


def announce_due() -> int:
    """Announce every alert's new matches; returns how many alerts had some."""
    announced = 0
    for alert_id in list(db.session.scalars(select(OpportunityAlert.id).order_by(OpportunityAlert.id))):
        with transaction():
            alert = db.session.get(OpportunityAlert, alert_id)
            if alert is None:
                continue
            started = utcnow()
            filters, _ = board.parse_filters(MultiDict(parse_qsl(alert.query)))
            found = board.new_matches(filters, alert.last_sent_at) if is_member(alert.user) else []
            alert.last_sent_at = started
            if found:
                events.openings_matched(user_id=alert.user_id, alert_id=alert.id, label=alert.label,
                                        opening_ids=[o.id for o in found])
                announced += 1
    return announced
