"""A member's notifications: a page of them, the unread count, marking read."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..fragments import not_content
from ..models import Notification, User, utcnow
from .describe import Item, describe

PER_PAGE = 30


@dataclass
class Page:
    items: list[Item]
    page: int
    has_next: bool
    unread: int


def page_of(user: User, page: int = 1) -> Page:
    rows = list(db.session.scalars(
        select(Notification).options(joinedload(Notification.actor)).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return Page(describe(rows[:PER_PAGE], user, grouped=True), page, len(rows) > PER_PAGE, unread_count(user.id)[0])


def unread_count(user_id: int) -> tuple[int, int]:
    """(unread notifications, the newest notification's id): one statement, for the header."""
    count, newest = db.session.execute(
        select(func.count(Notification.id).filter(Notification.read_at.is_(None)), func.max(Notification.id))
        .where(Notification.user_id == user_id)).one()
    return count or 0, newest or 0


def open_notification(user: User, notification_id: int) -> list[Notification]:
    """The member's notification marked read with the rest of its unread group: the clicked one first,
    then the others it brought along; empty if it is not theirs."""
    with transaction():
        not_content()  # a member's read marks are in no shared fragment
        notification = db.session.get(Notification, notification_id)
        if notification is None or notification.user_id != user.id:
            return []
        along = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.group_key == notification.group_key,
            Notification.read_at.is_(None), Notification.id != notification.id).order_by(Notification.id.desc())))
        for opened in (notification, *along):
            opened.read_at = opened.read_at or utcnow()
    return [notification, *along]


def mark_all_read(user: User) -> int:
    with transaction():
        not_content()
        result = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                               Notification.read_at.is_(None))
                                    .values(read_at=utcnow()))
    return result.rowcount or 0
