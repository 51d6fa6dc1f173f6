"""What moderators do to a whole thread: lock, move, pin and merge it."""
from __future__ import annotations

from sqlalchemy import update

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Category, Post, Thread, User, utcnow
from .. import events
from ..threads import services as threads, status
from .log import checked_reason, log_moderation

PIN_LABELS = {Thread.PIN_CATEGORY: "its category", Thread.PIN_GLOBAL: "every list"}


def _with_reason(what: str, reason: str) -> str:
    """The log's reason for an action that records what it did, and the moderator's words if any."""
    return what + (f": {reason}" if reason else "")


def set_thread_locked(*, moderator: User, thread: Thread, locked: bool, reason: str = "") -> Thread:
    reason = checked_reason(reason)
    with transaction():
        thread.is_locked = locked
        log_moderation(moderator, "lock_thread" if locked else "unlock_thread", thread,
                       label=thread.title, reason=reason)
    return thread


def move_thread(*, moderator: User, thread: Thread, category: Category, reason: str = "") -> Thread:
    if thread.category_id == category.id:
        raise ServiceError(f"The thread is already in {category.name}.")
    reason = checked_reason(reason)
    with transaction():
        thread = db.session.merge(thread)
        source = db.session.get(Category, thread.category_id)
        status.move_to(thread, category.id)
        log_moderation(moderator, "move_thread", thread, label=thread.title,
                       reason=_with_reason(f"{source.name} → {category.name}", reason))
    return thread


def pin_thread(*, moderator: User, thread: Thread, where: str, reason: str = "") -> Thread:
    """Pinned threads head their category's list (``PIN_CATEGORY``) or every list (``PIN_GLOBAL``)."""
    if where not in PIN_LABELS:
        raise ServiceError("Choose where to pin the thread: its category or every list.")
    if not thread.is_listed:
        raise ServiceError("Only a published thread can be pinned.")
    reason = checked_reason(reason)
    with transaction():
        thread = db.session.merge(thread)
        thread.pinned, thread.pinned_at = where, utcnow()
        log_moderation(moderator, "pin_thread", thread, label=thread.title,
                       reason=_with_reason(f"pinned to {PIN_LABELS[where]}", reason))
    return thread


def unpin_thread(*, moderator: User, thread: Thread, reason: str = "") -> Thread:
    if not thread.pinned:
        raise ServiceError("That thread is not pinned.")
    reason = checked_reason(reason)
    with transaction():
        thread = db.session.merge(thread)
        thread.pinned, thread.pinned_at = "", None
        log_moderation(moderator, "unpin_thread", thread, label=thread.title, reason=reason)
    return thread


def merge_thread(*, moderator: User, source: Thread, target: Thread, reason: str = "") -> Thread:
    """Fold a duplicate into another thread: its posts move (in date order among the target's), its
    URL redirects there, and it leaves every list and the search index. Nothing is deleted."""
    if source.id == target.id:
        raise ServiceError("Choose a different thread to merge into.", field="target")
    if not (source.is_listed and target.is_listed):
        raise ServiceError("Both threads must be published.", field="target")
    if source.is_practice:
        raise ServiceError("A practice's write-up cannot be merged into another thread: move the discussion "
                           "the other way.", field="target")
    if (threads.opening_post_id(source.id) or 0) < (threads.opening_post_id(target.id) or 0):
        # Posts keep their order by id, so an older duplicate's opening post would open the target.
        raise ServiceError(f"“{target.title}” is newer than this thread: merge it into this one instead, "
                           "so the older thread keeps its opening post first.", field="target")
    reason = checked_reason(reason)
    with transaction():
        source, target = db.session.merge(source), db.session.merge(target)
        moved = db.session.execute(update(Post).where(Post.thread_id == source.id).values(thread_id=target.id)
                                   .execution_options(synchronize_session=False)).rowcount
        target.post_count += source.post_count
        if source.last_post_at > target.last_post_at:
            target.last_post_at, target.last_poster_id = source.last_post_at, source.last_poster_id
        source.merged_into_id, source.post_count, source.pinned = target.id, 0, ""
        status.set_status(source, Thread.MERGED)
        events.threads_changed(target.id)
        log_moderation(moderator, "merge_thread", source, label=f"{source.title} → {target.title}",
                       reason=_with_reason(f"{moved} posts moved", reason))
    return target


def merged_destination(thread: Thread) -> Thread | None:
    """Where a merged thread's readers go (following later merges too)."""
    seen = set()
    while thread is not None and thread.status == Thread.MERGED and thread.id not in seen:
        seen.add(thread.id)
        thread = db.session.get(Thread, thread.merged_into_id)
    return thread
