"""Posts held for review (exchange.posting decides which): approve or reject them.

A held post opens a thread or a practice (its status is held), or is a reply to a listed one."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import events
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..models import Post, Thread, User, utcnow
from ..practices import services as practices
from ..threads import services as threads, status
from .log import checked_reason, log_moderation


def held_posts(*, scope: frozenset[int] | None = None, limit: int = 50) -> list[Post]:
    """Held posts, oldest first, with their thread and author; within a scoped moderator's categories."""
    query = (select(Post).join(Post.thread)
             .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.category))
             .where(Post.not_shown_sql(), Post.review == Post.HELD).order_by(Post.id).limit(limit))
    if scope is not None:
        query = query.where(Thread.category_id.in_(scope))
    return list(db.session.scalars(query))


def _label(post: Post) -> str:
    return f"in “{post.thread.title}”"


def _opens_thread(post: Post) -> bool:
    return post.thread.status in (Thread.HELD, Thread.REJECTED)


def approve_post(*, moderator: User, post: Post, reason: str = "") -> Post:
    """The post appears: a held thread is published, a held reply joins its thread (as its latest)."""
    if not post.is_held:
        raise ServiceError("That post is not waiting for review.")
    reason = checked_reason(reason)
    with transaction():
        post = db.session.merge(post)
        thread = post.thread
        post.review, post.held_reason = Post.SHOWN, ""
        now = utcnow()
        if _opens_thread(post) and thread.is_practice:
            practices.go_live(thread, now)  # as publishing a draft would: dated, reviewed, counted, searchable
        elif _opens_thread(post):
            thread.last_post_at = now
            status.set_status(thread, Thread.PUBLISHED)
            events.post_published(post_id=post.id, thread_id=thread.id, author_id=post.author_id, opens_thread=True)
        else:
            threads.count_in(thread.id, author_id=post.author_id, at=now)
            events.post_published(post_id=post.id, thread_id=thread.id, author_id=post.author_id, opens_thread=False)
        events.post_decided(post_id=post.id, approved=True, reason=reason, moderator_id=moderator.id)
        log_moderation(moderator, "approve_post", post, label=_label(post), reason=reason)
    return post


def reject_post(*, moderator: User, post: Post, reason: str = "") -> Post:
    """The post is never shown; its author keeps it (and the reason), nothing is deleted."""
    reason = checked_reason(reason)
    if not post.is_held:
        raise ServiceError("That post is not waiting for review.")
    with transaction():
        post = db.session.merge(post)
        post.review, post.hidden_reason = Post.REJECTED, reason
        if _opens_thread(post):
            status.set_status(post.thread, Thread.REJECTED)
        events.post_decided(post_id=post.id, approved=False, reason=reason, moderator_id=moderator.id)
        log_moderation(moderator, "reject_post", post, label=_label(post), reason=reason)
    what = ("practice" if post.thread.is_practice else "thread") if _opens_thread(post) else "reply"
    send_mail(post.author.email, f"Your {what} on Exchange was not approved",
              f"A moderator did not approve your {what} in “{post.thread.title}”.\n\n"
              + (f"Reason: {reason}\n\n" if reason else "")
              + "Your text is kept: you can still read it on the thread's page.\n")
    return post
