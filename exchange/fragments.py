"""Rendered-fragment cache, invalidated by a content version that every committed write bumps.

Lists and threads are read far more often than they change, and most of a page's cost is
rendering. Each worker keeps rendered fragments (thread lists, a thread's posts, the practice
library) in a small LRU, keyed by what they show, the viewer's permission signature and the
*content version*: one integer in ``site_state`` that the session hooks below increment in
the same transaction as any write. A fragment is therefore never served after the data under
it changed, in any worker. Relative times ("5 minutes ago") are kept honest by a one-minute
bucket in every key.

Readers fetch the version before the data, so a fragment stored under version V never holds
data older than V.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from cachetools import LRUCache
from flask import Flask, current_app, g
from markupsafe import Markup
from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import SiteState

MAX_FRAGMENTS = 512
_WROTE = "exchange_wrote"
_BUMPING = "exchange_bumping"
_NOT_CONTENT = "exchange_not_content"


class FragmentCache:
    """The worker's LRU of fragments, locked: request threads share it and LRUCache is not thread-safe."""

    def __init__(self, size: int = MAX_FRAGMENTS):
        self.items: LRUCache[tuple, object] = LRUCache(maxsize=size)
        self.lock = threading.Lock()

    def get(self, key: tuple):
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple, value) -> None:
        with self.lock:
            self.items[key] = value


def configure_fragments(app: Flask) -> None:
    app.extensions["fragments"] = FragmentCache()


def content_version() -> int:
    """The version this request renders against (read once per request)."""
    if "content_version" not in g:
        # On every cached page: a plain statement on the session's connection skips the ORM's
        # per-statement work, which cost more than the query itself.
        g.content_version = db.session.connection().exec_driver_sql(
            "SELECT content_version FROM site_state WHERE id = 1").scalar() or 0
    return g.content_version


def fragment(name: str, *key, render: Callable[[], str], timeless: bool = False) -> Markup:
    """The cached HTML for ``(name, *key)`` at the current content version, rendering it on a miss."""
    return cached(name, *key, compute=lambda: Markup(render()), timeless=timeless)


def cached(name: str, *key, compute: Callable[[], object], timeless: bool = False):
    """Any value derived from the content, cached like a fragment (e.g. who wrote a page of posts).

    ``timeless`` values hold no relative times, so they live until the content changes.
    """
    cache: FragmentCache | None = current_app.extensions.get("fragments")
    if cache is None or current_app.config.get("FRAGMENT_CACHE") is False:
        return compute()
    full_key = (name, *key, content_version(), 0 if timeless else int(time.time() // 60))
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.put(full_key, value)
    return value


CSRF_SLOT = "\x00csrf\x00"


def with_csrf(html: Markup, token: str) -> Markup:
    """Put this session's CSRF token into a form fragment rendered with ``CSRF_SLOT``."""
    return Markup(html.replace(CSRF_SLOT, token))


# --- the version bump: any committed write, whoever wrote it ------------------------------------

def not_content() -> None:
    """Say, inside a write transaction, that what it writes is shown by no cached fragment: queues the
    worker empties (search, notifications, mail) and a member's own read marks. Its commit then leaves
    the content version alone, and so every worker's cached fragments; bumping it for each of these
    would empty the caches several times for every post."""
    db.session().info[_NOT_CONTENT] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and not state.session.info.get(_BUMPING):
        state.session.info[_WROTE] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    if session.info.pop(_NOT_CONTENT, False):
        session.info.pop(_WROTE, None)
        return
    # Pending changes are flushed after this hook, so look at them as well.
    wrote = session.info.pop(_WROTE, False) or session.new or session.dirty or session.deleted
    if not wrote:
        return
    session.info[_BUMPING] = True
    try:
        bumped = session.execute(update(SiteState).where(SiteState.id == 1)
                                 .values(content_version=SiteState.content_version + 1))
        if bumped.rowcount == 0:  # an emptied database (tests) has no row yet
            session.execute(insert(SiteState).values(id=1, content_version=1))
    finally:
        session.info.pop(_BUMPING, None)
        session.info.pop(_WROTE, None)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_commit")
def _forget_writes(session: Session, *args) -> None:
    # After a commit too: other before_commit hooks (the search outbox) may write after the bump,
    # and a note left behind would make the next read snapshot's commit try to write.
    session.info.pop(_WROTE, None)
    session.info.pop(_NOT_CONTENT, None)
