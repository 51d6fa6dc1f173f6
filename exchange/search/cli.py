"""`flask search reindex` and `flask search worker`."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, select

from ..database import transaction
from ..extensions import db
from ..models import SearchOutbox
from ..opportunities import alerts as opportunity_alerts, services as opportunities
from . import documents, outbox
from .backend import get_backend

search_cli = AppGroup("search", help="The full-text search index.")
CHORES_EVERY = 600  # seconds between the worker's periodic chores (expiring openings, saved-search mail)


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
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls of the outbox.")
@click.option("--once", is_flag=True, help="Drain what is queued, then exit.")
def worker(interval: float, once: bool) -> None:
    """Drain the search outbox into the index and run the periodic chores: run exactly one of these in production."""
    last_chores = 0.0
    while True:
        if time.monotonic() - last_chores >= CHORES_EVERY:
            last_chores = time.monotonic()
            try:
                expired = opportunities.expire_past_closing()
                opportunity_alerts.send_due()
            except Exception:  # noqa: BLE001 - a chore that fails is tried again at the next round
                current_app.logger.exception("worker: opportunity chores failed, will retry")
                db.session.rollback()
                expired = 0
            if expired:
                click.echo(f"expired {expired} openings past their closing date")
        try:
            done = outbox.drain()
        except Exception:  # noqa: BLE001 - a bad batch stays queued and is retried
            current_app.logger.exception("search worker: batch failed, retrying")
            db.session.rollback()
            done = 0
        if done:
            click.echo(f"indexed {done} queued changes")
        if once:
            return
        time.sleep(interval)
