"""How far each member has read each thread, and what follows from it: a thread opens at their first
unread post, lists show "N new" on the threads they watch or track, and their lists leave out what they
muted.

Everything here runs on pages every member opens all day, so each answer is one small statement, and
the lists' two are built once and run on the session's connection: the ORM's per-statement work cost
ten times the queries themselves (exchange/fragments.py says the same of the content version). The
read mark is written on a GET: in its own short transaction, only when it moves forward, and through
the connection rather than the ORM, so that it leaves the content version (exchange/fragments.py) alone:
no shared fragment shows it, and bumping the version on every read would empty every worker's cache.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..database import transaction
from ..extensions import db
from ..models import Level, Post, Thread, ThreadRead, User, Watch
from ..threads.services import Hidden

# Where a shared thread list leaves room for one member's "N new": a comment per row (threads/_thread_list.html).
_NEW_SLOT = re.compile(r"<!--new:(\d+)-->")
FOLLOWED = (Level.WATCHING, Level.TRACKING)


@dataclass(frozen=True)
class Visit:
    """A member opening a thread: the thread, their level on it, their read mark, their first unread post."""

    thread: Thread
    level: str = Level.NORMAL
    last_read: int | None = None          # None: never read
    first_unread: int | None = None       # the first post by someone else after the mark
    first_unread_page: int | None = None  # its page (asked for only when the page is not given)


_THREAD_ID, _USER_ID = bindparam("thread_id"), bindparam("user_id")
_LEVEL = select(Watch.level).where(Watch.user_id == _USER_ID, Watch.target_type == "thread",
                                   Watch.target_id == _THREAD_ID).correlate(None).scalar_subquery()
_MARK = select(ThreadRead.last_post_id).where(ThreadRead.user_id == _USER_ID,
                                              ThreadRead.thread_id == _THREAD_ID).correlate(None).scalar_subquery()
_SHOWN = and_(Post.thread_id == _THREAD_ID, Post.review == Post.SHOWN)
_FIRST_UNREAD = select(func.min(Post.id)).where(_SHOWN, Post.id > _MARK, Post.author_id != _USER_ID) \
    .correlate(None).scalar_subquery()
_POSITION = select(func.count()).select_from(Post).where(_SHOWN, Post.id <= _FIRST_UNREAD) \
    .correlate(None).scalar_subquery()
_VISIT = select(Thread, _LEVEL, _MARK).where(Thread.id == _THREAD_ID)
_VISIT_FINDING_UNREAD = select(Thread, _LEVEL, _MARK, _FIRST_UNREAD, _POSITION).where(Thread.id == _THREAD_ID)


def visit(user: User, thread_id: int, *, per_page: int, find_unread: bool) -> Visit | None:
    """One statement: the thread itself and this member's place in it. ``None`` when there is no such thread."""
    row = db.session.execute(_VISIT_FINDING_UNREAD if find_unread else _VISIT,
                             {"thread_id": thread_id, "user_id": user.id}).first()
    if row is None:
        return None
    first_unread, position = (row[3], row[4]) if find_unread else (None, None)
    return Visit(thread=row[0], level=row[1] or Level.NORMAL, last_read=row[2], first_unread=first_unread,
                 first_unread_page=max(math.ceil(position / per_page), 1) if first_unread else None)


def record_read(*, user: User, thread_id: int, last_post_id: int | None, known: int | None) -> None:
    """The member has seen the thread up to ``last_post_id``: move their mark forward (never back).

    Nothing is written when the mark would not move; a failure is logged and forgotten, never the
    page's problem."""
    if not last_post_id or (known is not None and known >= last_post_id):
        return
    user_id = user.id
    try:
        with transaction() as session:
            connection = session.connection()
            insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
            table = ThreadRead.__table__
            statement = insert(table).values(user_id=user_id, thread_id=thread_id, last_post_id=last_post_id)
            connection.execute(statement.on_conflict_do_update(
                index_elements=[table.c.user_id, table.c.thread_id],
                set_={"last_post_id": statement.excluded.last_post_id},
                where=table.c.last_post_id < statement.excluded.last_post_id))
    except Exception:  # noqa: BLE001 - a lost read mark costs a badge, a failed page costs the reader
        current_app.logger.warning("could not record that member %s read thread %s", user_id, thread_id,
                                   exc_info=True)


@dataclass(frozen=True)
class ListView:
    """What one member's thread lists leave out, and their level on the category being listed."""

    hidden: Hidden = Hidden()
    level_here: str = Level.NORMAL


_LIST_WATCHES = select(Watch.target_type, Watch.target_id, Watch.level).where(
    Watch.user_id == bindparam("user_id"),
    or_(Watch.level == Level.MUTED, and_(Watch.target_type == "category", Watch.target_id == bindparam("category_id"))))


def list_view(user: User, category_id: int | None = None) -> ListView:
    """One statement: the member's mutes, and their level on the category whose page this is.

    A category's own page still lists its threads when the member muted it (they opened it on
    purpose); muted threads and tags leave every list."""
    muted: dict[str, set[int]] = {"thread": set(), "category": set(), "tag": set()}
    level_here = Level.NORMAL
    for target_type, target_id, level in db.session.connection().execute(
            _LIST_WATCHES, {"user_id": user.id, "category_id": category_id}):
        if target_type == "category" and target_id == category_id:
            level_here = level
        elif target_type in muted:
            muted[target_type].add(target_id)
    categories = frozenset() if category_id is not None else frozenset(muted["category"])  # others': not listed here
    return ListView(Hidden(frozenset(muted["thread"]), categories, frozenset(muted["tag"])), level_here)


_UNREAD = (
    select(ThreadRead.thread_id,
           select(func.count()).select_from(Post)
           .where(Post.thread_id == ThreadRead.thread_id, Post.review == Post.SHOWN,
                  Post.id > ThreadRead.last_post_id, Post.author_id != bindparam("user_id"))
           .scalar_subquery())
    .join(Watch, and_(Watch.user_id == ThreadRead.user_id, Watch.target_type == "thread",
                      Watch.target_id == ThreadRead.thread_id))
    .where(ThreadRead.user_id == bindparam("user_id"), ThreadRead.thread_id.in_(bindparam("thread_ids", expanding=True)),
           Watch.level.in_(FOLLOWED)))


def unread_counts(user: User, thread_ids: list[int]) -> dict[int, int]:
    """Posts by others after the member's mark, on those of ``thread_ids`` they watch or track and have
    read before (others have no mark to count from): one statement for a whole list."""
    if not thread_ids:
        return {}
    rows = db.session.connection().execute(_UNREAD, {"user_id": user.id, "thread_ids": thread_ids})
    return {thread_id: count for thread_id, count in rows if count}


def with_new_counts(html: Markup, user: User) -> Markup:
    """A shared thread list with this member's "N new" filled into its slots (empty slots stay: they
    are comments)."""
    counts = unread_counts(user, [int(i) for i in _NEW_SLOT.findall(html)])
    if not counts:
        return html

    def badge(match: re.Match) -> str:
        count = counts.get(int(match.group(1)))
        if not count:
            return ""
        posts = f"{count} new post{'' if count == 1 else 's'}"
        return f'<span class="badge badge-new" title="{posts} since you last read">{count} new</span>'

    return Markup(_NEW_SLOT.sub(badge, html))
