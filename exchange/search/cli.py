"""`flask search reindex`, and `flask search worker` (the old name of `flask worker`)."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from ..database import transaction
from ..extensions import db
from .. import worker as background
from ..models import SearchOutbox
from . import documents, outbox
from .backend import get_backend

search_cli = AppGroup("search", help="The full-text search index.")


def reindex(*, progress: bool = False) -> int:
    """Rebuild the whole index from the database; the intents queued before the start are covered.

    The indexer waits meanwhile (``outbox.indexer_lock``) and then drains what was queued during
    the rebuild into the new index: a change made while it runs is never written to the old index
    only to be swapped away. Covered means the rows seen at the start, not every id up to the
    highest one: a transaction that took a lower id may commit later, after its thread was read.
    """
    with outbox.indexer_lock():
        db.session.rollback()  # read from the moment the lock is held
        covered = list(db.session.scalars(select(SearchOutbox.id)))
        plan = [(doctype, documents.all_ids(doctype)) for doctype in documents.DOCTYPES]
        total = sum(len(ids) for _, ids in plan)

        def batches(bar):
            for doctype, ids in plan:
                for start in range(0, len(ids), documents.BATCH):
                    docs, _ = documents.documents(doctype, ids[start:start + documents.BATCH])
                    bar.update(min(documents.BATCH, len(ids) - start))
                    db.session.expunge_all()  # keep memory flat over a large rebuild
                    yield docs

        with click.progressbar(length=total, label="Indexing", file=None if progress else _Silent()) as bar:
            count = get_backend().rebuild(batches(bar))
        with transaction():
            for start in range(0, len(covered), outbox.BATCH):
                chunk = covered[start:start + outbox.BATCH]
                db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))
    return count


class _Silent:
    def write(self, _text):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database (safe while Exchange is serving)."""
    started = time.perf_counter()
    count = reindex(progress=True)
    click.echo(f"Indexed {count} documents with the {get_backend().name} backend "
               f"in {time.perf_counter() - started:.1f} s.")


@search_cli.command("worker")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds when idle.")
@click.option("--once", is_flag=True, help="One round of every queue and chore, then exit.")
def worker(interval: float, once: bool) -> None:
    """The same as `flask worker` (search, notifications and mail), under its old name."""
    background.loop(interval=interval, once=once)
