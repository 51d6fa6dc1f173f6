"""A thread's status (published, held, rejected, hidden, merged, draft) and what follows from it.

Every change of status, every new thread and every move between categories goes through here,
so three things stay right in the caller's transaction: the category's ``thread_count`` counts
exactly its listed threads (``Thread.listed_sql``), the thread's search document is queued for
rebuilding, and so the fragment cache (which follows the content version that any committed
write bumps) never serves the thread's old lists.
"""
from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import Category, Thread
from .. import events


def _count(category_id: int, delta: int) -> None:
    # SQL-side increment: concurrent writers cannot overwrite each other's count.
    db.session.execute(update(Category).where(Category.id == category_id)
                       .values(thread_count=Category.thread_count + delta))


def file_new(thread: Thread) -> None:
    """A thread just added (flushed, so it has an id), in the status it was created with."""
    if thread.is_listed:
        _count(thread.category_id, +1)
    events.threads_changed(thread.id)


def set_status(thread: Thread, status: str) -> None:
    """The thread's new status; its category counts it only while it is listed."""
    if thread.status == status:
        return
    was_listed = thread.is_listed
    thread.status = status  # set first, so the count's statement flushes it with the rest
    if thread.is_listed != was_listed:
        _count(thread.category_id, +1 if thread.is_listed else -1)
    events.threads_changed(thread.id)


def move_to(thread: Thread, category_id: int) -> None:
    """The thread files under another category; the count moves with it only if it is listed."""
    source = thread.category_id
    if source == category_id:
        return
    thread.category_id = category_id  # set first, so the statements below flush it with the rest
    if thread.is_listed:
        _count(source, -1)
        _count(category_id, +1)
    events.threads_changed(thread.id)
