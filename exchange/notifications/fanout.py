"""The worker's fan-out: each queued event becomes the notifications of the members who hear of it.

One transaction per batch writes the notifications and deletes the events it read, so a worker
killed at any point either did both or neither: nothing lost, nothing doubled. Each member hears
of one event once, under the first kind that applies (a mention beats a reply beats a watch).
Only active members who may read the post are notified; what they muted stays silent.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..fragments import not_content
from ..members import privacy
from ..models import (Delivery, Kind, Level, Notification, NotificationEvent, NotificationSetting, Post, Role,
                      Status, Thread, ThreadTag, User, Watch, utcnow)
from ..taxonomy import tree
from .mentions import MAX_NOTIFIED, answered_post_ids, mentioned

log = logging.getLogger("exchange.notifications")
BATCH = 100
WATCHED = (Kind.WATCHED_THREAD, Kind.WATCHED_CATEGORY, Kind.WATCHED_TAG, Kind.WATCHED_REGION)


class Recipients:
    """user id → kind, first kind wins; the rows to write once eligibility and settings are known."""

    def __init__(self):
        self.kinds: dict[int, str] = {}

    def add(self, user_ids, kind: str) -> None:
        for user_id in user_ids:
            self.kinds.setdefault(user_id, kind)


def _active_members(user_ids) -> set[int]:
    ids = list(set(user_ids))
    if not ids:
        return set()
    return set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.status == Status.ACTIVE,
                                                        User.role != Role.EMPLOYER)))


def _deliveries(user_kinds: dict[int, str]) -> dict[tuple[int, str], str]:
    if not user_kinds:
        return {}
    rows = db.session.execute(select(NotificationSetting.user_id, NotificationSetting.kind,
                                     NotificationSetting.delivery)
                              .where(NotificationSetting.user_id.in_(list(user_kinds))))
    return {(u, k): d for u, k, d in rows}


def _mail_state(kind: str, delivery: str) -> str:
    if kind == Kind.CONTACT:
        return ""  # the contact request's own email (with reply-to) is its delivery
    return {Delivery.NOW: "now", Delivery.DIGEST: "digest"}.get(delivery, "")


def _write(recipients: dict[int, str], *, actor_id: int | None, thread_id: int | None = None,
           post_id: int | None = None, opportunity_id: int | None = None, group: str, text: str = "") -> int:
    eligible = _active_members(recipients)
    chosen = {u: k for u, k in recipients.items() if u in eligible and u != actor_id}
    settings = _deliveries(chosen)
    now = utcnow()
    rows = [{"user_id": u, "kind": k, "actor_id": actor_id, "thread_id": thread_id, "post_id": post_id,
             "opportunity_id": opportunity_id, "group_key": f"{k}:{group}"[:64], "text": text[:500], "created_at": now,
             "mail": _mail_state(k, settings.get((u, k), Delivery.default(k)))} for u, k in chosen.items()]
    if rows:
        db.session.execute(insert(Notification), rows)
    return len(rows)


def _watch_rows(thread: Thread, tag_ids: list[int], region_ids: list[int]):
    conditions = [(Watch.target_type == "thread") & (Watch.target_id == thread.id),
                  (Watch.target_type == "category") & (Watch.target_id == thread.category_id)]
    if tag_ids:
        conditions.append((Watch.target_type == "tag") & Watch.target_id.in_(tag_ids))
    if region_ids:
        conditions.append((Watch.target_type == "region") & Watch.target_id.in_(region_ids))
    return db.session.execute(select(Watch.user_id, Watch.target_type, Watch.level).where(or_(*conditions))).all()


def _post_published(payload: dict) -> int:
    post = db.session.scalar(select(Post).options(joinedload(Post.thread).joinedload(Thread.category),
                                                  joinedload(Post.author).joinedload(User.region))
                             .where(Post.id == payload["post_id"]))
    if post is None or post.is_hidden or post.review != Post.SHOWN or not post.thread.is_listed:
        return 0  # hidden, held or gone since: nobody hears of what they cannot read
    thread, author, opens = post.thread, post.author, payload["opens_thread"]
    tag_ids = list(db.session.scalars(select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread.id)))
    tag_ids = tree.with_ancestors(tag_ids, tree.parents_by_id()) if tag_ids else []
    shows_region = author.region is not None and privacy.can_see(privacy.EVERY_MEMBER, author, "region")
    region_ids = ([author.region.id] + ([author.region.parent_id] if author.region.parent_id else [])
                  if shows_region and thread.is_practice and opens else [])
    muted_all, muted_watch, watching = set(), set(), {t: set() for t in ("thread", "category", "tag", "region")}
    for user_id, target_type, level in _watch_rows(thread, tag_ids, region_ids):
        if level == Level.MUTED:
            (muted_all if target_type in ("thread", "category") else muted_watch).add(user_id)
        elif level == Level.WATCHING:
            watching[target_type].add(user_id)

    recipients = Recipients()
    names = mentioned(post.body_source)
    if names:
        found = db.session.scalars(select(User.id).where(User.username.in_(names[:50])).limit(MAX_NOTIFIED * 2))
        recipients.add(list(found)[:MAX_NOTIFIED], Kind.MENTION)
    answered = answered_post_ids(post.body_source)
    if answered:
        recipients.add(db.session.scalars(select(Post.author_id).where(
            Post.id.in_(answered), Post.thread_id == thread.id)), Kind.QUOTE)
    if not opens:
        recipients.add([thread.author_id], Kind.REPLY)
        recipients.add(watching["thread"], Kind.WATCHED_THREAD)
    else:
        recipients.add(watching["category"], Kind.WATCHED_CATEGORY)
        recipients.add(watching["tag"], Kind.WATCHED_TAG)
        recipients.add(watching["region"], Kind.WATCHED_REGION)
    chosen = {u: k for u, k in recipients.kinds.items()
              if u not in muted_all and not (k in WATCHED and u in muted_watch)}
    return _write(chosen, actor_id=author.id, thread_id=thread.id, post_id=post.id, group=str(thread.id))


def _post_decided(payload: dict) -> int:
    post = db.session.get(Post, payload["post_id"])
    if post is None:
        return 0
    verdict = "approved" if payload["approved"] else "not approved"
    return _write({post.author_id: Kind.HELD_DECIDED}, actor_id=payload.get("moderator_id"),
                  thread_id=post.thread_id, post_id=post.id, group=str(post.id),
                  text=verdict + (f": {payload['reason']}" if payload.get("reason") else ""))


def _post_hidden(payload: dict) -> int:
    post = db.session.get(Post, payload["post_id"])
    if post is None:
        return 0
    return _write({post.author_id: Kind.HIDDEN}, actor_id=payload.get("moderator_id"), thread_id=post.thread_id,
                  post_id=post.id, group=str(post.id), text=payload.get("reason", ""))


def _helpful_marked(payload: dict) -> int:
    thread = db.session.get(Thread, payload["thread_id"])
    if thread is None or not thread.is_listed:
        return 0
    return _write({thread.author_id: Kind.HELPFUL}, actor_id=payload["user_id"], thread_id=thread.id,
                  group=str(thread.id))


def _contact_sent(payload: dict) -> int:
    return _write({payload["recipient_id"]: Kind.CONTACT}, actor_id=payload["sender_id"],
                  group=str(payload["sender_id"]))


def _proposal_decided(payload: dict) -> int:
    outcome = {"approved": "added to the taxonomy", "merged": "filed under an existing tag",
               "rejected": "not added"}.get(payload["outcome"], payload["outcome"])
    return _write({payload["proposer_id"]: Kind.PROPOSAL}, actor_id=payload.get("moderator_id"),
                  thread_id=payload.get("thread_id"), group=payload["word"].lower()[:40],
                  text=f"“{payload['word']}”: {outcome}")


def _refresh_asked(payload: dict) -> int:
    return _write({payload["author_id"]: Kind.REFRESH}, actor_id=None, thread_id=payload["thread_id"],
                  group=str(payload["thread_id"]))


def _openings_matched(payload: dict) -> int:
    """One notification per new opening, grouped by the saved search; an opening the member already
    heard of (through another of their searches) is not told twice."""
    user_id = payload["user_id"]
    told = set(db.session.scalars(select(Notification.opportunity_id).where(
        Notification.user_id == user_id, Notification.kind == Kind.OPENINGS,
        Notification.opportunity_id.in_(payload["opening_ids"]))))
    return sum(_write({user_id: Kind.OPENINGS}, actor_id=None, opportunity_id=opening_id,
                      group=str(payload["alert_id"]), text=payload["label"])
               for opening_id in payload["opening_ids"] if opening_id not in told)


HANDLERS = {"post_published": _post_published, "post_decided": _post_decided, "post_hidden": _post_hidden,
            "helpful_marked": _helpful_marked, "contact_sent": _contact_sent,
            "proposal_decided": _proposal_decided, "refresh_asked": _refresh_asked,
            "openings_matched": _openings_matched}


def _handle(event: NotificationEvent) -> int:
    handler = HANDLERS.get(event.name)
    return handler(event.payload) if handler else 0


def drain(*, batch: int = BATCH, limit: int | None = None) -> int:
    """Fan out queued events until none are left (or ``limit`` batches); returns notifications written."""
    written, rounds = 0, 0
    while limit is None or rounds < limit:
        db.session.rollback()
        ids = list(db.session.scalars(select(NotificationEvent.id).order_by(NotificationEvent.id).limit(batch)))
        if not ids:
            break
        try:
            with transaction():
                not_content()  # notifications are in no shared fragment
                for event in db.session.scalars(select(NotificationEvent).where(NotificationEvent.id.in_(ids))
                                                .order_by(NotificationEvent.id)):
                    written += _handle(event)
                db.session.execute(delete(NotificationEvent).where(NotificationEvent.id.in_(ids)))
        except Exception:  # noqa: BLE001 - one bad event must not block the rest: retry them one by one
            log.exception("notification batch failed; retrying its events one at a time")
            written += _one_by_one(ids)
        rounds += 1
    db.session.rollback()
    return written


def _one_by_one(ids: list[int]) -> int:
    written = 0
    for event_id in ids:
        try:
            with transaction():
                not_content()
                event = db.session.get(NotificationEvent, event_id)
                if event is not None:
                    written += _handle(event)
                    db.session.delete(event)
        except DBAPIError:
            db.session.rollback()
            raise  # the database, not the event: keep it queued for the next round
        except Exception:  # noqa: BLE001 - a poison event is logged and dropped, never retried forever
            db.session.rollback()
            log.exception("notification event %s failed; dropped", event_id)
            with transaction():
                not_content()
                db.session.execute(delete(NotificationEvent).where(NotificationEvent.id == event_id))
    return written


def backlog() -> int:
    return db.session.scalar(select(func.count()).select_from(NotificationEvent)) or 0
