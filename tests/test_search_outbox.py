"""The outbox and the indexer: nothing lost, nothing doubled, never a 500 when the index is gone."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import time

import pytest
from sqlalchemy import func, select

from exchange.database import transaction
from exchange.extensions import db
from exchange.models import SearchOutbox, Thread
from exchange.search import outbox, whoosh_backend
from exchange.search.backend import get_backend
from exchange.search.cli import reindex
from exchange.threads import services as threads
from tests.test_search import ids


def queued() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def key_count(app, key: str) -> int:
    searcher = get_backend(app)._searcher()
    return sum(1 for _ in searcher.documents(key=key))


def test_a_reply_is_queued_with_its_transaction_and_found_once_indexed(member_client, make_thread):
    thread = make_thread(title="Attendance nudges", body="Texts to families.")
    outbox.drain()
    threads.reply(author=thread.author, thread=thread, body="Postcards worked better than texts: quokka.")
    assert queued() == 1
    assert ids(member_client, "quokka") == []           # not yet indexed ...
    assert outbox.drain() == 1
    assert ids(member_client, "quokka") == [thread.id]  # ... and found after one drain
    assert queued() == 0


def test_a_rolled_back_change_queues_nothing(make_thread):
    thread = make_thread()
    outbox.drain()
    with pytest.raises(RuntimeError):
        with transaction():
            outbox.queue_threads(thread.id)
            raise RuntimeError("the change failed")
    assert queued() == 0


def test_a_crash_between_index_commit_and_outbox_delete_loses_and_doubles_nothing(app, member_client, make_thread,
                                                                                   monkeypatch):
    thread = make_thread(title="Bus routes", body="We cut routes with an optimiser: wombat.")

    def killed(row_ids):
        raise SystemExit("indexer killed after the index commit")

    monkeypatch.setattr(outbox, "_delete_rows", killed)
    with pytest.raises(SystemExit):
        outbox.drain()
    assert queued() >= 1                                   # the intents survived the crash
    assert ids(member_client, "wombat") == [thread.id]     # the index commit did happen
    monkeypatch.undo()
    outbox.drain()                                         # the restarted indexer runs them again
    assert queued() == 0
    assert key_count(app, f"thread:{thread.id}") == 1
    assert ids(member_client, "wombat") == [thread.id]


def _write_replies(database_url: str, instance: str, thread_id: int, worker: int, count: int) -> None:
    from exchange import create_app
    from exchange.models import User
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": instance, "SECRET_KEY": "x",
                      "TESTING": True})
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        author = db.session.get(User, thread.author_id)
        for n in range(count):
            threads.reply(author=author, thread=thread, body=f"Concurrent note zq{worker}x{n}q.")
            thread = db.session.get(Thread, thread_id)


def test_concurrent_writers_while_the_indexer_runs_lose_nothing(app, member_client, make_thread):
    thread = make_thread(title="Shared notes", body="Everyone adds a line.")
    outbox.drain()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_replies, args=(app.config["SQLALCHEMY_DATABASE_URI"],
                                                            app.instance_path, thread.id, w, 8)) for w in range(3)]
    for w in writers:
        w.start()
    while any(w.is_alive() for w in writers):
        outbox.drain()                                     # the indexer keeps draining meanwhile
        time.sleep(0.05)
    assert all(w.exitcode == 0 for w in writers)
    outbox.drain()
    assert queued() == 0
    for w in range(3):
        for n in range(8):
            assert ids(member_client, f"zq{w}x{n}q") == [thread.id], (w, n)
    assert key_count(app, f"thread:{thread.id}") == 1


def test_a_deleted_index_degrades_then_reindex_restores_it(app, member_client, client, make_thread, runner):
    thread = make_thread(title="Counselor caseloads", body="Caseload caps at 250: narwhal.")
    thread_id = thread.id
    outbox.drain()
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])

    page = member_client.get("/search?q=narwhal")
    assert page.status_code == 503 and "Search is being rebuilt" in page.text
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json() == {"status": "degraded", "db": "ok", "search": "degraded"}

    threads.reply(author=thread.author, thread=thread, body="Still true this year: okapi.")
    with pytest.raises(Exception):
        outbox.drain()                                     # the indexer never recreates an index by itself
    assert queued() == 1 and not os.path.exists(app.config["SEARCH_INDEX_DIR"])

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert queued() == 0
    assert client.get("/healthz").get_json()["search"] == "ok"
    assert ids(member_client, "narwhal") == [thread.id]
    assert ids(member_client, "okapi") == [thread_id]


def test_a_corrupt_index_degrades_instead_of_failing(app, member_client, make_thread):
    make_thread(title="Lunch lines", body="Grab-and-go carts.")
    outbox.drain()
    directory = app.config["SEARCH_INDEX_DIR"]
    for name in os.listdir(directory):
        if name.endswith(".toc"):
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(b"not a whoosh table of contents")
    get_backend(app)._local.searcher = None
    page = member_client.get("/search?q=lunch")
    assert page.status_code == 503 and "Search is being rebuilt" in page.text
    reindex()
    assert len(ids(member_client, "lunch")) == 1


def test_a_locked_index_still_answers_and_the_indexer_retries(app, member_client, make_thread, monkeypatch):
    thread = make_thread(title="Chronic absence", body="Home visits: tapir.")
    from whoosh import index
    writer = index.open_dir(app.config["SEARCH_INDEX_DIR"]).writer()   # someone else holds the lock
    monkeypatch.setattr(whoosh_backend, "WRITER_TIMEOUT_S", 0.2)
    waiting = queued()
    try:
        with pytest.raises(Exception):
            outbox.drain()
        assert queued() == waiting > 0
        assert member_client.get("/search?q=tapir").status_code == 200  # readers need no lock
    finally:
        writer.cancel()
    outbox.drain()
    assert ids(member_client, "tapir") == [thread.id]


def test_the_background_indexer_makes_a_reply_searchable_within_two_seconds(app, member_client, make_thread):
    thread = make_thread(title="Family surveys", body="Short surveys, many languages.")
    outbox.drain()
    stop = outbox.start_background_indexer(app, interval=0.5)
    try:
        threads.reply(author=thread.author, thread=thread, body="Translated into Somali: pangolin.")
        deadline = time.monotonic() + 2
        while ids(member_client, "pangolin") != [thread.id] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ids(member_client, "pangolin") == [thread.id]
    finally:
        stop.set()
        outbox.wake.set()


def test_the_worker_command_drains_the_outbox(member_client, make_thread, runner):
    thread = make_thread(title="Master schedule", body="Built in May: axolotl.")
    result = runner.invoke(args=["search", "worker", "--once"])
    assert result.exit_code == 0 and "indexed" in result.output
    assert ids(member_client, "axolotl") == [thread.id]
