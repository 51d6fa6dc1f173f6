"""A real ``flask worker`` process, killed (SIGKILL) in the middle of a large fan-out and of the mail that
follows, then started again until its queues are empty: every notification exists once, every queued
mail was delivered once (one file per queue id), and no event is left behind.

The batch: one new thread in a category watched by 2,000 members (2,000 notifications; the 300 of them who
chose "email at once" for new threads in categories they watch get a mail each), and 240 replies that each
mention three of them (720 mention notifications, in their digests): 241 events, three batches of the
fan-out. Mail is delivered to MAIL_DIR (no MAIL_SERVER), one file per message named by its queue id.
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from exchange.extensions import db
from exchange.models import (Kind, Level, MailMessage, MemberPreference, Notification, NotificationEvent,
                             NotificationSetting, Role, Status, User, Watch, utcnow)
from exchange.search import outbox as search_outbox
from exchange.threads import services as threads

ROOT = Path(__file__).resolve().parent.parent
WATCHERS = 2_000
REPLIES = 240
MENTIONED = 3          # members named in each reply
AT_ONCE = 300          # watchers who get new threads in the category by email at once
RANDOM_KILLS = 2       # kills at random moments while it mails, after the one in the fan-out
SEED = 20261207


def _count(model, *where) -> int:
    db.session.rollback()  # a fresh snapshot: what the worker committed so far
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


class Worker:
    """``flask --app wsgi worker`` against the test's database, instance and mail folders."""

    def __init__(self, app, tmp_path: Path):
        config = app.config
        self.env = {**os.environ, "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
                    "EXCHANGE_INSTANCE_DIR": config["INSTANCE_DIR"], "MAIL_DIR": config["MAIL_DIR"],
                    "SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"], "SECRET_KEY": config["SECRET_KEY"],
                    "NOTIFICATION_EMAIL_DELAY_SECONDS": "0", "MAIL_SERVER": "", "EXCHANGE_ENV": "development",
                    "RATELIMIT_STORAGE_URI": "memory://", "FLASK_APP": "wsgi"}
        self.flask = str(Path(sys.executable).with_name("flask"))
        self.log = tmp_path / "worker.log"
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self, *args: str) -> subprocess.Popen:
        assert self.process is None or self.process.poll() is not None, "one worker at a time"
        self.runs += 1
        with self.log.open("a") as log:
            log.write(f"\n--- run {self.runs}: worker {' '.join(args)}\n")
            self.process = subprocess.Popen([self.flask, "--app", "wsgi", "worker", *args], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        return self.process

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last commit. A looping worker that had already exited fails the test."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        elif "--once" not in process.args:
            pytest.fail(f"the worker exited by itself ({process.returncode}): {self.output()[-3000:]}")

    def once(self, timeout: float = 60) -> None:
        self.start("--once")
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"flask worker --once took over {timeout} s; log: {self.output()[-2000:]}")
        assert code == 0, f"flask worker --once exited with {code}: {self.output()[-2000:]}"

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def _until(condition, *, timeout: float, every: float = 0.01, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"waited {timeout} s for {what}")


def _members(count: int) -> list[int]:
    """``count`` active members (bulk inserted: the argon2 hash is irrelevant here), watching nothing yet."""
    now = utcnow()
    db.session.execute(insert(User), [{
        "email": f"watcher{n}@example.org", "username": f"watcher{n}", "display_name": f"Watcher {n}",
        "password_hash": "x", "role": Role.MEMBER, "status": Status.ACTIVE, "created_at": now,
        "approved_at": now - timedelta(days=30)} for n in range(count)])
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.username.like("watcher%")).order_by(User.id)))


@pytest.fixture
def batch(app, make_user, make_category):
    """The queued batch, and what it must become: ({(user id, post id): kind}, {user ids mailed at once})."""
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "thread": "1000 per hour", "reply": "1000 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = dict(app.config["FLOOD_LIMITS"])
    author = make_user(username="ana", display_name="Ana Example")
    category = make_category(name="Hiring")
    watchers = _members(WATCHERS)
    db.session.execute(insert(Watch), [{"user_id": u, "target_type": "category", "target_id": category.id,
                                        "level": Level.WATCHING, "created_at": utcnow()} for u in watchers])
    at_once = set(random.Random(SEED).sample(watchers, AT_ONCE))
    db.session.execute(insert(NotificationSetting), [
        {"user_id": u, "kind": Kind.WATCHED_CATEGORY, "delivery": "now" if u in at_once else "digest"} for u in watchers]
        + [{"user_id": u, "kind": Kind.MENTION, "delivery": "digest"} for u in watchers])
    # Their digests stay out of it (2,000 digests are the benchmark's business, not this test's).
    db.session.execute(insert(MemberPreference), [{"user_id": u, "digest": "never", "auto_watch_started": True,
                                                   "auto_track_replied": True} for u in watchers])
    db.session.commit()

    thread = threads.start_thread(author=author, title="Hiring season timelines", category_id=category.id,
                                  body="When do you post teacher vacancies?")
    opening = threads.opening_post_id(thread.id)
    expected = {(u, opening): Kind.WATCHED_CATEGORY for u in watchers}
    usernames = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(watchers))).all())
    rng = random.Random(SEED)
    for n in range(REPLIES):
        named = rng.sample(watchers, MENTIONED)
        post = threads.reply(author=author, thread=thread,
                             body=f"Reply {n}: " + " ".join(f"@{usernames[u]}" for u in named) + ", what do you do?")
        expected.update({(u, post.id): Kind.MENTION for u in named})
    db.session.commit()
    search_outbox.drain()  # the worker's first step, indexing them, is not what this test is about
    assert _count(NotificationEvent) == REPLIES + 1
    return expected, at_once


def _states() -> dict:
    return {"events": _count(NotificationEvent), "notifications": _count(Notification),
            "to_mail": _count(Notification, Notification.mail == "now"), "mail_queued": _count(MailMessage),
            "mail_sent": _count(MailMessage, MailMessage.sent_at.is_not(None)),
            "mail_claimed": _count(MailMessage, MailMessage.claimed_at.is_not(None), MailMessage.sent_at.is_(None))}


def _drained() -> bool:
    return (_count(NotificationEvent) == 0 and _count(Notification, Notification.mail == "now") == 0
            and _count(MailMessage, MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None)) == 0)


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(app, batch, tmp_path):
    expected, at_once = batch
    total_events = REPLIES + 1
    worker = Worker(app, tmp_path)
    kills: list[dict] = []
    rng = random.Random(SEED)

    def exited() -> bool:
        return worker.process is None or worker.process.poll() is not None

    try:
        # 1. Killed in the fan-out: some events fanned out (their notifications written), not all.
        worker.start("--interval", "0.05")
        _until(lambda: 0 < _count(NotificationEvent) < total_events or exited(), timeout=60, every=0.005,
               what="the fan-out to start")
        time.sleep(rng.uniform(0, 0.1))  # into the next batch's transaction
        worker.kill()
        kills.append({"at": "fan-out", **_states()})
        assert 0 < kills[0]["events"] < total_events, f"the kill missed the fan-out: {kills}"
        # Each batch wrote its notifications and deleted its events together: those of the events left, none.
        left = {e.payload["post_id"] for e in db.session.scalars(select(NotificationEvent))}
        written = set(db.session.execute(select(Notification.user_id, Notification.post_id)).all())
        assert written == {key for key in expected if key[1] not in left}, "a batch half written"

        # 2. Killed at random moments while it mails: queueing the notifications' mail and delivering it.
        for _ in range(RANDOM_KILLS):
            before = _count(MailMessage, MailMessage.sent_at.is_not(None))
            wanted = rng.randint(5, 60)
            worker.start("--interval", "0.05")
            _until(lambda: _count(MailMessage, MailMessage.sent_at.is_not(None)) >= before + wanted or _drained()
                   or exited(), timeout=60, every=0.005, what="mail to go out")
            time.sleep(rng.uniform(0, 0.05))
            worker.kill()
            kills.append({"at": "mail", **_states()})

        # A message claimed when its worker died is not taken again for ten minutes (mail.STALE_CLAIM); with
        # no MAIL_SERVER it is then written again under the same name. Ten minutes pass:
        claimed = _count(MailMessage, MailMessage.claimed_at.is_not(None), MailMessage.sent_at.is_(None))
        assert claimed <= len(kills), f"more claims left than kills: {claimed} after {kills}"
        db.session.execute(update(MailMessage).where(MailMessage.claimed_at.is_not(None),
                                                     MailMessage.sent_at.is_(None))
                           .values(claimed_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()

        # 3. Started again, one round at a time (each queues 200 notification mails and delivers 200), until
        # the queues are empty.
        for _ in range(10):
            worker.once()
            if _drained():
                break
        assert _drained(), f"queues not empty after {worker.runs} runs: {_states()}"
    finally:
        worker.kill()
    print(f"kills: {kills}")

    assert "Traceback" not in worker.output(), worker.output()[-3000:]
    assert _count(NotificationEvent) == 0, "events left behind"
    found = db.session.execute(select(Notification.id, Notification.user_id, Notification.post_id,
                                      Notification.kind, Notification.mail)).all()
    doubled = [key for key, n in Counter((u, p) for _, u, p, _, _ in found).items() if n > 1]
    assert doubled == [], f"notifications written twice (member, post): {doubled[:10]} ({len(doubled)} in all)"
    assert {(u, p): k for _, u, p, k, _ in found} == expected, "notifications lost or of the wrong kind"

    mailed = {n_id for n_id, u, p, k, mail in found if mail == "sent"}
    assert {(u, k) for n_id, u, p, k, _ in found if n_id in mailed} == {(u, Kind.WATCHED_CATEGORY) for u in at_once}
    assert _count(Notification, Notification.mail == "now") == 0, "notification mail never queued"
    mails = db.session.execute(select(MailMessage.id, MailMessage.text, MailMessage.sent_at,
                                      MailMessage.failed_at)).all()
    assert [m.id for m in mails if m.sent_at is None or m.failed_at is not None] == [], "mail not delivered"
    linked = Counter(int(n) for m in mails for n in re.findall(r"/notifications/(\d+)\b", m.text))
    assert [n for n, times in linked.items() if times > 1] == [], "a notification mailed twice"
    assert set(linked) == mailed and len(mails) == len(mailed), "one mail for each notification mailed at once"

    files = sorted(Path(app.config["MAIL_DIR"]).iterdir())
    assert [f.name for f in files if not f.name.endswith(".eml")] == [], "half-written files left in MAIL_DIR"
    delivered = Counter(int(re.search(r"-(\d+)\.eml$", f.name).group(1)) for f in files)
    assert [i for i, n in delivered.items() if n > 1] == [], "one message delivered into two files"
    assert set(delivered) == {m.id for m in mails}, "a message marked sent without its file, or a file too many"
