"""Search intents: queued by services in their own transaction, drained by one indexer.

Services call ``queue_threads``/``queue_members``/``queue_opportunities``/``queue_tagged`` inside ``with
transaction():``. Just before that transaction commits, the intents are written to
``search_outbox`` (or, for a backend that lives in the same database, applied right there),
so they commit or roll back with the change itself.

``drain`` is the indexer: it reads a batch of intents, builds the documents from the
database, writes them to the index with one writer and commits the index, and only then
deletes exactly the rows it read. A crash between the two steps leaves the rows, and the
next run writes the same documents again under the same keys: nothing lost, nothing doubled.

``indexer_lock`` is held by the indexer for each batch and by ``flask search reindex`` for the
whole rebuild and swap, so the indexer waits (search keeps answering from the old index) and
drains what was queued meanwhile into the new index, instead of writing it into the old one.

With PostgreSQL documents the committing transaction first locks the threads it rebuilds
(``FOR UPDATE``, in id order): two transactions changing one thread through different rows
(an edit and a reply) then build its document one after the other, the later one seeing the
earlier one's change instead of overwriting it with its own older view.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import delete, event, func, insert, or_, select
from sqlalchemy.orm import Session

from ..database import transaction
from ..extensions import db
from ..fragments import not_content
from ..models import MemberExpertise, OpportunityTag, Post, SearchOutbox, Thread, ThreadTag
from . import documents
from .backend import get_backend

_PENDING = "search_pending"
BATCH = 500

#: Set after a commit that queued intents, so the background indexer wakes at once.
wake = threading.Event()


def _pending(session: Session) -> set[tuple[str, int]]:
    return session.info.setdefault(_PENDING, set())


def queue_threads(*thread_ids: int) -> None:
    _pending(db.session()).update((documents.THREAD, i) for i in thread_ids if i is not None)


def queue_members(*user_ids: int) -> None:
    _pending(db.session()).update((documents.MEMBER, i) for i in user_ids if i is not None)


def queue_opportunities(*opportunity_ids: int) -> None:
    _pending(db.session()).update((documents.OPPORTUNITY, i) for i in opportunity_ids if i is not None)


def queue_tagged(tag_ids: list[int]) -> None:
    """Every thread and opening filed under these tags and every member with them as expertise (their
    names or aliases changed: all three documents carry them)."""
    if tag_ids:
        queue_threads(*db.session.scalars(select(ThreadTag.thread_id).where(ThreadTag.tag_id.in_(tag_ids)).distinct()))
        queue_members(*db.session.scalars(
            select(MemberExpertise.user_id).where(MemberExpertise.tag_id.in_(tag_ids)).distinct()))
        queue_opportunities(*db.session.scalars(
            select(OpportunityTag.opportunity_id).where(OpportunityTag.tag_id.in_(tag_ids)).distinct()))


def queue_authored(*user_ids: int) -> None:
    """Every thread these members started or wrote in (their name or region changed: thread
    documents carry their authors' names and the starter's region)."""
    if user_ids:
        queue_threads(*db.session.scalars(
            select(Thread.id).where(or_(Thread.author_id.in_(user_ids),
                                        Thread.id.in_(select(Post.thread_id).where(Post.author_id.in_(user_ids)))))))


@event.listens_for(Session, "before_commit")
def _write_intents(session: Session) -> None:
    intents = session.info.pop(_PENDING, None)
    if not intents:
        return
    backend = get_backend()
    if backend.applies_in_transaction:
        _apply(intents)
        return
    session.execute(insert(SearchOutbox), [{"doc_type": t, "doc_id": i} for t, i in sorted(intents)])
    session.info["search_queued"] = True


@event.listens_for(Session, "after_commit")
def _wake_indexer(session: Session) -> None:
    if session.info.pop("search_queued", False):
        wake.set()


@event.listens_for(Session, "after_rollback")
def _forget_intents(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop("search_queued", None)


def _apply(intents) -> int:
    """Build the documents for ``intents`` and hand them to the backend (one commit)."""
    if get_backend().applies_in_transaction:
        _lock_threads(sorted(i for t, i in intents if t == documents.THREAD))
    docs, deletes = [], []
    for doctype in documents.DOCTYPES:
        ids = sorted(i for t, i in intents if t == doctype)
        if ids:
            found, missing = documents.documents(doctype, ids)
            docs += found
            deletes += [documents.key(doctype, i) for i in missing]
    get_backend().apply(docs, deletes)
    return len(docs) + len(deletes)


def _lock_threads(thread_ids: list[int]) -> None:
    """Wait for any other transaction changing these threads to commit; under READ COMMITTED the
    statements that build their documents then see its change. Flushed first, and the session's
    objects expired after, so the documents are built from the rows as they are now."""
    if thread_ids:
        db.session.flush()
        db.session.execute(select(Thread.id).where(Thread.id.in_(thread_ids)).order_by(Thread.id).with_for_update())
        db.session.expire_all()


@contextmanager
def indexer_lock() -> Iterator[None]:
    """The one writer of the index: a file lock beside the index directory (it survives the
    directory swap of a rebuild and is released by the operating system if its holder dies)."""
    path = f"{current_app.config['SEARCH_INDEX_DIR'].rstrip(os.sep)}.lock"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def drain(*, batch: int = BATCH, limit: int | None = None) -> int:
    """Index queued intents until none are left (or ``limit`` batches); returns how many rows."""
    done, rounds = 0, 0
    while limit is None or rounds < limit:
        db.session.rollback()  # wait for the lock outside any read snapshot
        with indexer_lock():
            rows = db.session.execute(select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                                      .order_by(SearchOutbox.id).limit(batch)).all()
            if not rows:
                break
            intents, row_ids = {(t, i) for _, t, i in rows}, [row_id for row_id, _, _ in rows]
            if get_backend().applies_in_transaction:
                with transaction():  # documents and outbox share the database: one commit for both
                    not_content()    # the index is in no cached fragment
                    _apply(intents)
                    _delete_rows(row_ids)
            else:
                _apply(intents)          # the index commits here ...
                db.session.rollback()    # (end the read snapshot)
                with transaction():      # ... and only then are the rows removed
                    not_content()
                    _delete_rows(row_ids)
        done += len(rows)
        rounds += 1
    db.session.rollback()
    return done


def _delete_rows(row_ids: list[int]) -> None:
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))


def backlog() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
