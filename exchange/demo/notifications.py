"""Demo notifications for Mel Member (member@example.org), so `/notifications` and the header count show
something on a fresh demo: each one stands for something that is really in the demo data — replies in
her threads, a category she watches, helpful marks on her practices, and new openings for a board
search she saved. None is mailed (the demo's worker would otherwise email them at once).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (Category, HelpfulMark, Kind, Level, Notification, Opportunity, OpportunityAlert, Post, Thread,
                      User, Watch, utcnow)

DEMO_MEMBER = "member@example.org"


def load_notifications(report) -> None:
    mel = db.session.scalar(select(User).where(User.email == DEMO_MEMBER))
    if mel is None or db.session.scalar(select(Notification.id).where(Notification.user_id == mel.id).limit(1)):
        return
    now = utcnow()
    rows = _replies(mel) + _watched_category(mel) + _helpful(mel) + _openings(mel)
    for minutes, row in enumerate(rows):
        row.setdefault("created_at", now - timedelta(minutes=7 * minutes + 3))
        db.session.add(Notification(user_id=mel.id, mail="", **row))
        report.add("notifications for the demo member")


def _replies(mel: User) -> list[dict]:
    replies = db.session.execute(
        select(Post.id, Post.thread_id, Post.author_id).join(Thread, Thread.id == Post.thread_id)
        .where(Thread.author_id == mel.id, Post.author_id != mel.id, Post.review == Post.SHOWN, ~Post.is_hidden,
               Thread.listed_sql())
        .order_by(Post.id.desc()).limit(3)).all()
    return [{"kind": Kind.REPLY, "actor_id": author_id, "thread_id": thread_id, "post_id": post_id,
             "group_key": f"{Kind.REPLY}:{thread_id}"} for post_id, thread_id, author_id in replies]


def _watched_category(mel: User) -> list[dict]:
    category = db.session.scalar(select(Category).order_by(Category.position, Category.id).limit(1))
    if category is None:
        return []
    db.session.add(Watch(user_id=mel.id, target_type="category", target_id=category.id, level=Level.WATCHING))
    started = db.session.execute(
        select(Thread.id, Thread.author_id, Post.id).join(Post, Post.thread_id == Thread.id)
        .where(Thread.category_id == category.id, Thread.author_id != mel.id, Thread.listed_sql())
        .order_by(Thread.id.desc(), Post.id).limit(1)).first()
    if started is None:
        return []
    thread_id, author_id, post_id = started
    return [{"kind": Kind.WATCHED_CATEGORY, "actor_id": author_id, "thread_id": thread_id, "post_id": post_id,
             "group_key": f"{Kind.WATCHED_CATEGORY}:{thread_id}"}]


def _helpful(mel: User) -> list[dict]:
    marks = db.session.execute(
        select(HelpfulMark.thread_id, HelpfulMark.user_id).join(Thread, Thread.id == HelpfulMark.thread_id)
        .where(Thread.author_id == mel.id, HelpfulMark.user_id != mel.id).limit(2)).all()
    return [{"kind": Kind.HELPFUL, "actor_id": user_id, "thread_id": thread_id,
             "group_key": f"{Kind.HELPFUL}:{thread_id}"} for thread_id, user_id in marks]


def _openings(mel: User) -> list[dict]:
    """A saved search for her metro, which the newest two openings there matched."""
    metro = mel.region.parent or mel.region if mel.region else None
    if metro is None:
        return []
    today = utcnow().date()
    region_ids = [metro.id] + [c.id for c in metro.children]
    found = list(db.session.scalars(select(Opportunity.id).where(
        Opportunity.listed_sql(today), Opportunity.region_id.in_(region_ids))
        .order_by(Opportunity.published_at.desc()).limit(2)))
    if not found:
        return []
    alert = OpportunityAlert(user_id=mel.id, query=f"region={metro.slug}", label=metro.name, last_sent_at=utcnow())
    db.session.add(alert)
    db.session.flush()
    return [{"kind": Kind.OPENINGS, "opportunity_id": opening_id, "group_key": f"{Kind.OPENINGS}:{alert.id}",
             "text": metro.name} for opening_id in found]
