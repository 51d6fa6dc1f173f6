"""The one background worker: search intents, notification fan-out, notification mail, the mail
queue, and the periodic chores (expiring openings, saved searches, digests).

Production runs exactly one ``flask worker`` (``flask search worker`` is the same command); ``make run``
runs it as a thread of the app. Every step commits its own work and can be killed at any point:
each one's outbox rows are deleted only with what they produced.
"""
from __future__ import annotations

import threading
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import mail
from .account import deletion, export as exports
from .extensions import db
from .notifications import digest, emails, fanout
from .opportunities import alerts as opportunity_alerts, services as opportunities
from .search import outbox

CHORES_EVERY = 600  # seconds between the periodic chores
DIGEST_SLICE = 100  # digests per round (about 2 s)

#: Set after a commit that queued work, so a sleeping worker thread wakes at once.
wake = outbox.wake


def _step(name: str, action) -> int:
    try:
        return action() or 0
    except Exception:  # noqa: BLE001 - a failed step keeps its rows queued and is retried next round
        current_app.logger.exception("worker: %s failed, will retry", name)
        db.session.rollback()
        return 0


def run_once() -> dict[str, int]:
    """One round of the queues; returns what each step did."""
    return {
        "indexed": _step("search", outbox.drain),
        "notified": _step("notifications", fanout.drain),
        "notification_mails": _step("notification mail", emails.send_due),
        "exports": _step("exports", exports.build_due),
        "mailed": _step("mail", mail.deliver_due),
    }


def chores() -> dict[str, int]:
    return {
        "expired": _step("expiring openings", opportunities.expire_past_closing),
        "alerts": _step("saved searches", opportunity_alerts.announce_due),
        "exports_deleted": _step("old exports", exports.expire_old),
        "erased": _step("erasing accounts", deletion.erase_due),
    }


class Schedule:
    """When the chores run: every CHORES_EVERY seconds. Digests start then and go out a slice per round
    until none is left: a digest costs about 20 ms a member, and a whole week's in one round would
    hold fan-out and mail back for as long."""

    def __init__(self):
        self.last_chores: float | None = None
        self.digests_left = False

    def run(self, *, once: bool = False) -> dict[str, int]:
        done: dict[str, int] = {}
        if once or self.last_chores is None or time.monotonic() - self.last_chores >= CHORES_EVERY:
            self.last_chores = time.monotonic()
            done.update(chores())
            self.digests_left = True
        if self.digests_left:
            self.digests_left = False  # a failing slice waits for the next chores, not the next second
            done["digests"] = _step("digests", lambda: self._digests(None if once else DIGEST_SLICE))
        return done

    def _digests(self, limit: int | None) -> int:
        queued, self.digests_left = digest.send_due(limit=limit)
        return queued


def loop(*, interval: float = 1.0, once: bool = False, echo=click.echo) -> None:
    schedule = Schedule()
    while True:
        done = run_once()
        periodic = schedule.run(once=once)
        if periodic:
            done.update(periodic)
            done["mailed"] += _step("mail", mail.deliver_due)  # what the chores queued goes out in this round
        busy = {k: v for k, v in done.items() if v}
        if busy:
            echo(", ".join(f"{k} {v}" for k, v in busy.items()))
        if once:
            return
        db.session.remove()  # a long-running worker starts each round with a fresh session
        wake.wait(interval)
        wake.clear()


@click.command("worker")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds when idle.")
@click.option("--once", is_flag=True, help="One round of every queue and chore, then exit.")
@with_appcontext
def worker_command(interval: float, once: bool) -> None:
    """Search, notifications and mail: run exactly one of these in production."""
    loop(interval=interval, once=once)


def start_background_worker(app: Flask, *, interval: float = 1.0) -> threading.Event:
    """`make run`: the worker in a daemon thread, woken by every commit that queued work."""
    stop = threading.Event()

    def run() -> None:
        schedule = Schedule()
        while not stop.is_set():
            wake.wait(interval)
            wake.clear()
            if stop.is_set():
                break
            with app.app_context():
                run_once()
                schedule.run()
                db.session.remove()

    threading.Thread(target=run, name="exchange-worker", daemon=True).start()
    return stop
