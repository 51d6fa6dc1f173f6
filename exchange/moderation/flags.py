"""Members flag posts; moderators hide, unhide, or dismiss the flags."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Flag, Post, Thread, User, utcnow
from .. import events
from ..threads import services as threads, status
from .log import checked_reason, log_moderation

NOTE_MAX = 500
AUTO_HIDDEN = f"Hidden automatically: flagged by {Flag.AUTO_HIDE_AT} members; awaiting review."


def _post_label(post: Post) -> str:
    return f"in “{post.thread.title}”"


def _open_flags(post_id: int) -> list[Flag]:
    return list(db.session.scalars(select(Flag).where(Flag.post_id == post_id, Flag.resolved_at.is_(None))))


def flag_post(*, member: User, post: Post, reason: str, note: str = "") -> Flag:
    """A member's report; the third distinct member's open flag hides the post until a moderator decides."""
    if reason not in Flag.REASONS:
        raise ServiceError("Choose why the post needs a moderator.", field="reason")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    if post.author_id == member.id:
        raise ServiceError("That is your own post: edit it instead.")
    with transaction():
        post = db.session.merge(post)
        flag = db.session.scalar(select(Flag).where(Flag.post_id == post.id, Flag.user_id == member.id))
        if flag is None:
            flag = Flag(post_id=post.id, user_id=member.id)
            db.session.add(flag)
        flag.reason, flag.note, flag.resolved_at, flag.resolution = reason, note.strip(), None, ""
        flag.created_at = utcnow()
        db.session.flush()
        if not post.is_hidden and len(_open_flags(post.id)) >= Flag.AUTO_HIDE_AT:
            _hide(post, AUTO_HIDDEN)
            log_moderation(None, "auto_hide_post", post, label=_post_label(post),
                           reason=f"{Flag.AUTO_HIDE_AT} flags")
    return flag


def _hide(post: Post, reason: str) -> None:
    """Hide a post; a hidden opening post takes its thread out of every list (its title is part of it)."""
    post.is_hidden, post.hidden_reason, post.hidden_at = True, reason, utcnow()
    thread = post.thread
    if thread.is_listed and threads.opening_post_id(thread.id) == post.id:
        status.set_status(thread, Thread.HIDDEN)
    events.threads_changed(post.thread_id)


def _show(post: Post) -> None:
    """The reverse of ``_hide``: the post, and a thread it opens, are back."""
    post.is_hidden, post.hidden_reason, post.hidden_at = False, "", None
    thread = post.thread
    if thread.status == Thread.HIDDEN and threads.opening_post_id(thread.id) == post.id:
        status.set_status(thread, Thread.PUBLISHED)
    events.threads_changed(post.thread_id)


def _resolve_flags(post_id: int, resolution: str) -> None:
    for flag in _open_flags(post_id):
        flag.resolved_at, flag.resolution = utcnow(), resolution


def hide_post(*, moderator: User, post: Post, reason: str) -> Post:
    reason = checked_reason(reason, required="Say why the post is hidden: its author and other moderators see it.")
    with transaction():
        post = db.session.merge(post)
        _hide(post, reason)
        _resolve_flags(post.id, "hidden")
        events.post_hidden(post_id=post.id, reason=reason, moderator_id=moderator.id)
        log_moderation(moderator, "hide_post", post, label=_post_label(post), reason=reason)
    return post


def unhide_post(*, moderator: User, post: Post, reason: str = "") -> Post:
    if not post.is_hidden:
        raise ServiceError("That post is not hidden.")
    reason = checked_reason(reason)
    with transaction():
        post = db.session.merge(post)
        _show(post)
        _resolve_flags(post.id, "dismissed")
        log_moderation(moderator, "unhide_post", post, label=_post_label(post), reason=reason)
    return post


def dismiss_flags(*, moderator: User, post: Post, reason: str = "") -> Post:
    """The post is fine: close its flags (and show it again if the flags had hidden it)."""
    if not _open_flags(post.id):
        raise ServiceError("That post has no open flags: someone may have decided it already.")
    reason = checked_reason(reason)
    with transaction():
        post = db.session.merge(post)
        if post.is_hidden and post.hidden_reason == AUTO_HIDDEN:
            _show(post)
        _resolve_flags(post.id, "dismissed")
        log_moderation(moderator, "dismiss_flags", post, label=_post_label(post), reason=reason)
    return post


@dataclass
class FlaggedPost:
    post: Post
    flags: list[Flag]


def flagged_posts(*, scope: frozenset[int] | None = None, limit: int = 50) -> list[FlaggedPost]:
    """Posts with open flags, most flagged first, with their flags; within a scoped moderator's categories."""
    query = (select(Flag).options(joinedload(Flag.user), joinedload(Flag.post).joinedload(Post.thread),
                                  joinedload(Flag.post).joinedload(Post.author))
             .where(Flag.resolved_at.is_(None)).order_by(Flag.created_at))
    if scope is not None:
        query = query.where(Flag.post_id.in_(select(Post.id).join(Post.thread).where(Thread.category_id.in_(scope))))
    flags = list(db.session.scalars(query))
    by_post: dict[int, FlaggedPost] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, FlaggedPost(flag.post, [])).flags.append(flag)
    return sorted(by_post.values(), key=lambda f: (-len(f.flags), f.flags[0].created_at))[:limit]


def open_flag_count() -> int:
    return db.session.scalar(select(func.count(func.distinct(Flag.post_id))).where(Flag.resolved_at.is_(None))) or 0
