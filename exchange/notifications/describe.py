"""What a notification says to its reader, and where it leads — checked against what they may see now.

A post hidden, held or gone since the notification was written is named as such ("a post you can no
longer see") with no title, text or link to it; related notifications are grouped into one line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Kind, Notification, Opportunity, OpportunityAlert, Post, Thread, User
from ..permissions import can_see_hidden_text, can_view_opportunity, can_view_post, can_view_thread

GONE = "a post you can no longer see"
GONE_OPENING = "an opening you can no longer see"
#: Each of these says something of its own (a decision, a reason): never folded into a group.
UNGROUPED = (Kind.HELD_DECIDED, Kind.HIDDEN, Kind.PROPOSAL)


@dataclass
class Item:
    ids: list[int]
    kind: str
    actors: list[str]
    title: str                 # the thread's title, or "" when the reader may not see it
    url: str
    text: str
    created_at: datetime
    unread: bool
    count: int = 1
    sentence: str = ""
    subject: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.ids[0]


def _who(names: list[str], count: int) -> str:
    if count == 1 or len(names) == 1:
        return names[0] if count == 1 else f"{names[0]} and {count - 1} more"
    return f"{names[0]} and {count - 1} more"


def _sentence(kind: str, who: str, title: str, text: str, count: int) -> str:
    where = f"“{title}”" if title else GONE
    many = count > 1
    return {
        Kind.REPLY: f"{count} new replies in {where}" if many else f"{who} replied in {where}",
        Kind.QUOTE: f"{who} answered your post in {where}",
        Kind.MENTION: f"{who} mentioned you in {where}",
        Kind.WATCHED_THREAD: f"{count} new posts in {where}" if many else f"{who} posted in {where}",
        Kind.WATCHED_CATEGORY: f"{who} started {where} in a category you watch",
        Kind.WATCHED_TAG: f"{who} filed {where} under a tag you watch",
        Kind.WATCHED_REGION: f"{who} shared the practice {where} from a region you watch",
        Kind.HELPFUL: (f"{count} members marked {where} helpful" if many else f"{who} marked {where} helpful"),
        Kind.CONTACT: f"{count} new contact requests" if many else f"{who} sent you a contact request",
        Kind.HELD_DECIDED: f"Your post in {where} was {text}",
        Kind.HIDDEN: f"A moderator hid your post in {where}" + (f": {text}" if text else ""),
        Kind.PROPOSAL: f"Your tag proposal {text}",
        Kind.REFRESH: f"Your practice {where} was asked to be refreshed: does it still hold?",
        Kind.OPENINGS: (f"{count} new openings match your saved search “{text}”" if many else
                        f"A new opening matches your saved search “{text}”: " + (f"“{title}”" if title else GONE_OPENING)),
    }.get(kind, where)


def _url(n: Notification, post: Post | None, thread: Thread | None, visible: bool) -> str:
    if n.kind == Kind.OPENINGS:
        return (url_for("opportunities.opening", opening_id=n.opportunity_id) if visible
                else url_for("opportunities.index"))
    if n.kind == Kind.CONTACT:
        return url_for("members.inbox")
    if n.kind in (Kind.HELPFUL, Kind.REFRESH) and thread is not None and visible:
        return url_for("practices.practice", thread_id=thread.id)
    if post is not None and visible:
        return url_for("threads.post", post_id=post.id)
    if thread is not None and visible:
        return url_for("threads.thread", thread_id=thread.id, slug=thread.slug)
    return url_for("notifications.index")


def _visible(viewer: User, n: Notification, post: Post | None, thread: Thread | None,
             opening: Opportunity | None = None) -> bool:
    if n.kind == Kind.OPENINGS:
        return opening is not None and can_view_opportunity(viewer, opening)
    if post is not None:
        if not can_view_post(viewer, post):
            return False
        return not post.is_hidden or can_see_hidden_text(viewer, post)
    return thread is not None and can_view_thread(viewer, thread)


def describe(notifications: list[Notification], viewer: User, *, grouped: bool = False) -> list[Item]:
    """Items for ``notifications`` (newest first); with ``grouped``, one per group key and read state."""
    posts = {p.id: p for p in db.session.scalars(
        select(Post).options(joinedload(Post.thread)).where(Post.id.in_({n.post_id for n in notifications if n.post_id})))}
    threads = {t.id: t for t in db.session.scalars(
        select(Thread).where(Thread.id.in_({n.thread_id for n in notifications if n.thread_id})))}
    opening_ids = {n.opportunity_id for n in notifications if n.opportunity_id}
    openings = {o.id: o for o in db.session.scalars(
        select(Opportunity).where(Opportunity.id.in_(opening_ids)))} if opening_ids else {}
    items: list[Item] = []
    groups: dict[tuple[str, bool], Item] = {}
    for n in notifications:
        post, thread, opening = posts.get(n.post_id), threads.get(n.thread_id), openings.get(n.opportunity_id)
        visible = _visible(viewer, n, post, thread, opening)
        actor = n.actor.display_name if n.actor is not None else "Someone"
        key = (n.group_key, n.read_at is None)
        if grouped and key in groups and n.kind not in UNGROUPED:
            item = groups[key]
            item.ids.append(n.id)
            item.count += 1
            if actor not in item.actors:
                item.actors.append(actor)
            continue
        title = (opening or thread).title if (opening or thread) and visible else ""
        item = Item(ids=[n.id], kind=n.kind, actors=[actor], title=title,
                    url=_url(n, post, thread, visible), text=n.text, created_at=n.created_at,
                    unread=n.read_at is None, extra={"group": n.group_key})
        groups[key] = item
        items.append(item)
    _link_searches([item for item in items if item.kind == Kind.OPENINGS and item.count > 1])
    for item in items:
        item.sentence = _sentence(item.kind, _who(item.actors, item.count), item.title, item.text, item.count)
        item.subject = item.sentence if len(item.sentence) < 120 else item.sentence[:117] + "…"
    return items


def _link_searches(items: list[Item]) -> None:
    """Several new openings for one saved search lead to the board with that search's filters."""
    alert_ids = {int(item.extra["group"].split(":", 1)[1]) for item in items}
    if not alert_ids:
        return
    queries = dict(db.session.execute(select(OpportunityAlert.id, OpportunityAlert.query)
                                      .where(OpportunityAlert.id.in_(alert_ids))).all())
    for item in items:
        query = queries.get(int(item.extra["group"].split(":", 1)[1]))
        if query is not None:
            item.url = url_for("opportunities.index") + (f"?{query}" if query else "")
