"""Concurrent writers wait for each other instead of failing (SQLite WAL + BEGIN IMMEDIATE)."""
import threading

import pytest
from sqlalchemy import select, text

from exchange.extensions import db
from exchange.models import Post, Thread, User
from exchange.threads import services


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")  # the PostgreSQL run covers the other engine
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_replies_all_land_and_the_count_stays_right(app, make_thread):
    # One author sends all 30 replies: above a newcomer's flood limit, which is not what this test is about.
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "reply": "100 per hour"}
    thread = make_thread()
    thread_id, author_id = thread.id, thread.author_id
    errors: list[BaseException] = []
    writers, replies_each = 6, 5

    def write(n: int) -> None:
        try:
            with app.app_context():
                author = db.session.get(User, author_id)
                for i in range(replies_each):
                    target = db.session.get(Thread, thread_id)
                    services.reply(author=author, thread=target, body=f"writer {n} reply {i}")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    pool = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()

    assert errors == []
    db.session.rollback()
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread_id)).all()
    assert len(posts) == 1 + writers * replies_each
    assert db.session.get(Thread, thread_id).post_count == len(posts)
