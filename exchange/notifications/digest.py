"""The digest: what is new for one member since their last one, ordered for them — notifications they
chose to read in the digest, practices under their expertise and watched tags, active threads in the
categories they watch, new practices and members in their region, and open openings that fit them.

Weekly by default (daily or never on request). One ``DigestSent`` row per member and period is written
in the transaction that queues the mail, and its key is unique: a digest is never sent twice for a
period, whatever crashes or restarts. Nothing new: nothing sent (the period is recorded as decided,
with no items, so it is not built again; what appears later goes into the next one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import render_template
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..mail import external_url, links_context, send_mail
from ..members import privacy
from ..members.regions import area
from ..models import (DigestSent, Level, MemberPreference, Notification, Role, Status, Thread, ThreadTag, User,
                      Watch, utcnow)
from ..opportunities import matching
from ..taxonomy import tree
from .describe import describe
from .emails import DIGEST, unsubscribe_headers

LIMIT = 5
LOOKBACK = {"weekly": timedelta(days=7), "daily": timedelta(days=1)}


def period_key(rhythm: str, today: date) -> str:
    if rhythm == "daily":
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Digest:
    notifications: list = field(default_factory=list)
    practices: list[Thread] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    region_practices: list[Thread] = field(default_factory=list)
    region_members: list[User] = field(default_factory=list)
    openings: list = field(default_factory=list)
    notification_ids: list[int] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(x) for x in (self.notifications, self.practices, self.threads, self.region_practices,
                                    self.region_members, self.openings))


def _watched(user: User, target_type: str) -> list[int]:
    return list(db.session.scalars(select(Watch.target_id).where(
        Watch.user_id == user.id, Watch.target_type == target_type, Watch.level == Level.WATCHING)))


def build(user: User, since: datetime, today: date) -> Digest:
    digest = Digest()
    waiting = list(db.session.scalars(
        select(Notification).options(joinedload(Notification.actor))
        .where(Notification.user_id == user.id, Notification.mail == "digest", Notification.read_at.is_(None))
        .order_by(Notification.id.desc()).limit(50)))
    digest.notification_ids = [n.id for n in waiting]
    digest.notifications = describe(waiting, user, grouped=True)[:10]
    children = tree.children_by_id(tree.parents_by_id())
    roots = [t.id for t in user.expertise] + _watched(user, "tag")
    tag_ids = sorted({i for root in roots for i in tree.subtree(root, lambda t: children.get(t, ()))})
    mine = Thread.author_id != user.id
    if tag_ids:
        digest.practices = list(db.session.scalars(
            select(Thread).where(Thread.listed_sql(), mine, Thread.kind == Thread.PRACTICE, Thread.created_at > since,
                                 exists(select(ThreadTag.tag_id).where(ThreadTag.thread_id == Thread.id,
                                                                       ThreadTag.tag_id.in_(tag_ids))))
            .order_by(Thread.created_at.desc()).limit(LIMIT)))
    categories = _watched(user, "category")
    if categories:
        digest.threads = list(db.session.scalars(
            select(Thread).where(Thread.listed_sql(), mine, Thread.category_id.in_(categories),
                                 Thread.last_post_at > since).order_by(Thread.post_count.desc()).limit(LIMIT)))
    if user.region is not None:
        metro = user.region.parent_id or user.region.id
        shown = privacy.visible("region", privacy.EVERY_MEMBER)
        digest.region_practices = list(db.session.scalars(
            select(Thread).join(User, User.id == Thread.author_id)
            .where(Thread.listed_sql(), mine, Thread.kind == Thread.PRACTICE, Thread.created_at > since,
                   User.region_id.in_(area(metro)), shown)
            .order_by(Thread.created_at.desc()).limit(LIMIT)))
        digest.region_members = list(db.session.scalars(
            select(User).where(User.listed_sql(), User.id != user.id, User.approved_at > since,
                               User.region_id.in_(area(metro)), shown)
            .order_by(User.approved_at.desc()).limit(LIMIT)))
    digest.openings = [o for o in matching.for_member(user, limit=LIMIT, today=today)
                       if o.published_at and o.published_at > since]
    return digest


def _due_members(today: date) -> list[tuple[int, str]]:
    """(member id, period) for active members whose digest of this period is not sent."""
    rhythm = db.session.execute(select(User.id, MemberPreference.digest)
                                .outerjoin(MemberPreference, MemberPreference.user_id == User.id)
                                .where(User.status == Status.ACTIVE, User.role != Role.EMPLOYER)).all()
    wanted = [(uid, r or "weekly") for uid, r in rhythm if (r or "weekly") != "never"]
    keys = {uid: period_key(r, today) for uid, r in wanted}
    sent = set(db.session.execute(select(DigestSent.user_id, DigestSent.period)
                                  .where(DigestSent.period.in_(set(keys.values())))).all()) if keys else set()
    return [(uid, key) for uid, key in keys.items() if (uid, key) not in sent]


def _since(user: User, rhythm: str) -> datetime:
    last = db.session.scalar(select(DigestSent.sent_at).where(DigestSent.user_id == user.id)
                             .order_by(DigestSent.sent_at.desc()).limit(1))
    return last or utcnow() - LOOKBACK.get(rhythm, LOOKBACK["weekly"])


def send_one(user_id: int, period: str, today: date) -> bool:
    """Build and queue one member's digest for ``period``; False when there was nothing or it was sent."""
    try:
        with links_context(), transaction():
            user = db.session.get(User, user_id)
            if user is None or db.session.get(DigestSent, (user_id, period)) is not None:
                return False
            rhythm = (db.session.get(MemberPreference, user_id) or MemberPreference(digest="weekly")).digest
            digest = build(user, _since(user, rhythm), today)
            # Recorded even when empty (nothing is sent): the period is decided, and what appears later
            # goes into the next digest, instead of every chores round building this one again.
            db.session.add(DigestSent(user_id=user_id, period=period, items=digest.items))
            if not digest.items:
                return False
            if digest.notification_ids:
                db.session.execute(update(Notification).where(Notification.id.in_(digest.notification_ids))
                                   .values(mail="digested"))
            unsubscribe, headers = unsubscribe_headers(user_id, DIGEST)
            context = dict(user=user, digest=digest, unsubscribe=unsubscribe, rhythm=rhythm,
                           settings=external_url("notifications.settings"), url=external_url)
            send_mail(user.email, f"Your {'daily' if rhythm == 'daily' else 'weekly'} Exchange digest",
                      render_template("notifications/digest.txt", **context),
                      html=render_template("notifications/digest.html", **context), headers=headers)
    except IntegrityError:
        db.session.rollback()  # another run recorded this period first: it sent it
        return False
    return True


def send_due(today: date | None = None, *, limit: int | None = None) -> tuple[int, bool]:
    """The digests that are due, or the first ``limit`` of them (the worker sends a slice per round, so a
    long digest round never holds back fan-out and mail); returns how many were queued and whether
    more are waiting. ``flask notifications digest`` and the worker."""
    today = today or date.today()
    due = _due_members(today)
    chosen = due if limit is None else due[:limit]
    return sum(send_one(user_id, period, today) for user_id, period in chosen), len(chosen) < len(due)
