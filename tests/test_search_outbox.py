"""The outbox and the indexer: nothing lost, nothing doubled, never a 500 when the index is gone."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import threading
import time

import pytest
from sqlalchemy import func, select, text

from exchange.database import transaction
from exchange.extensions import db
from exchange.models import SearchOutbox, Thread
from exchange.search import documents, outbox, whoosh_backend
from exchange.search.backend import get_backend
from exchange.search.interface import SearchUnavailable
from exchange.search.cli import reindex
from exchange.threads import services as threads
from exchange.worker import start_background_worker
from tests.test_search import ON_POSTGRES, ids


def queued() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def key_count(app, key: str) -> int:
    searcher = get_backend(app)._searcher()
    return sum(1 for _ in searcher.documents(key=key))


def drop_cached_searcher(app) -> None:
    """What WhooshBackend._state does with a stale searcher: close it and forget it."""
    local = get_backend(app)._local
    cached = getattr(local, "state", None)
    if cached is not None:
        cached[1].searcher.close()
    local.state = None


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


def _drain_then_die(database_url: str, instance: str, index_dir: str) -> None:
    """A real indexer process, killed (SIGKILL) after its second index commit, before that batch's
    outbox rows are deleted."""
    from exchange import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": instance, "SECRET_KEY": "x",
                      "SEARCH_INDEX_DIR": index_dir, "TESTING": True})
    delete_rows, batches = outbox._delete_rows, []

    def delete_or_die(row_ids):
        batches.append(row_ids)
        if len(batches) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        delete_rows(row_ids)

    outbox._delete_rows = delete_or_die
    with app.app_context():
        outbox.drain(batch=2)


def test_an_indexer_process_killed_after_its_index_commit_loses_and_doubles_nothing(app, member_client,
                                                                                      make_user, make_thread):
    # One author starts all 5 threads: above a newcomer's flood limit, which is not what this test is about.
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "thread": "10 per hour"}
    author = make_user()
    outbox.drain()
    made = [make_thread(author=author, title=f"Killed indexer {n}", body=f"Marker zk{n}q.").id for n in range(5)]
    assert queued() == 5
    indexer = multiprocessing.get_context("spawn").Process(target=_drain_then_die, args=(
        app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, app.config["SEARCH_INDEX_DIR"]))
    indexer.start()
    indexer.join(60)
    assert indexer.exitcode == -signal.SIGKILL
    assert queued() == 3                                   # the second batch's rows survived the kill ...
    assert ids(member_client, "zk2q") == [made[2]]         # ... though its index commit happened
    assert ids(member_client, "zk4q") == []
    assert outbox.drain() == 3                             # the indexer, run again
    assert queued() == 0
    for n, thread_id in enumerate(made):
        assert ids(member_client, f"zk{n}q") == [thread_id], n
        assert key_count(app, f"thread:{thread_id}") == 1, n


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
    with pytest.raises(SearchUnavailable):
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
    assert len(ids(member_client, "lunch")) == 1
    directory = app.config["SEARCH_INDEX_DIR"]
    for name in os.listdir(directory):
        if name.endswith(".toc"):
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(b"not a whoosh table of contents")
    drop_cached_searcher(app)  # the searcher opened above would keep answering from memory
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
        with pytest.raises(index.LockError):               # the writer's timeout, not any error
            outbox.drain()
        assert queued() == waiting > 0
        assert member_client.get("/search?q=tapir").status_code == 200  # readers need no lock
    finally:
        writer.cancel()
    outbox.drain()
    assert ids(member_client, "tapir") == [thread.id]


def test_the_background_worker_makes_a_reply_searchable_within_two_seconds(app, member_client, make_thread):
    thread = make_thread(title="Family surveys", body="Short surveys, many languages.")
    outbox.drain()
    stop = start_background_worker(app, interval=0.5)
    try:
        threads.reply(author=thread.author, thread=thread, body="Translated into Somali: pangolin.")
        deadline = time.monotonic() + 2
        while ids(member_client, "pangolin") != [thread.id] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ids(member_client, "pangolin") == [thread.id]
    finally:
        stop.set()
        outbox.wake.set()


@pytest.mark.parametrize("command", [["worker", "--once"], ["search", "worker", "--once"]])
def test_the_worker_command_drains_the_outbox(member_client, make_thread, runner, command):
    thread = make_thread(title="Master schedule", body="Built in May: axolotl.")
    result = runner.invoke(args=command)
    assert result.exit_code == 0 and "indexed" in result.output
    assert ids(member_client, "axolotl") == [thread.id]


def test_a_reindex_while_the_indexer_runs_loses_nothing_queued_meanwhile(app, member_client, make_thread,
                                                                          monkeypatch):
    thread = make_thread(title="Advisory periods", body="Twenty minutes a day.")
    thread_id, author_id = thread.id, thread.author_id
    outbox.drain()
    rebuilding = threading.current_thread()
    build, replied, worker = documents.documents, threading.Event(), []

    def reply_and_drain():  # another process's reply, and the worker trying to index it at once
        from exchange.models import User
        with app.app_context():
            try:
                threads.reply(author=db.session.get(User, author_id), thread=db.session.get(Thread, thread_id),
                              body="We added a check-in question: capybara.")
                replied.set()
                outbox.drain()
            finally:
                db.session.remove()

    def build_then_change(doctype, doc_ids):
        docs = build(doctype, doc_ids)  # this batch of the rebuild was read before the reply
        if threading.current_thread() is rebuilding and not worker:
            worker.append(threading.Thread(target=reply_and_drain))
            worker[0].start()
            assert replied.wait(10)
            worker[0].join(1)           # it waits for the rebuild (or, unfixed, writes into the old index)
        return docs

    monkeypatch.setattr(documents, "documents", build_then_change)
    reindex()
    worker[0].join(30)
    assert not worker[0].is_alive()
    assert queued() == 0
    assert ids(member_client, "capybara") == [thread_id]
    assert key_count(app, f"thread:{thread_id}") == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers (BEGIN IMMEDIATE): two transactions "
                                            "never interleave there; the PostgreSQL run covers this")
def test_an_edit_and_a_reply_committed_concurrently_both_reach_the_postgres_document(app, member_client,
                                                                                     make_thread, monkeypatch):
    from exchange.models import Post, User
    from exchange.search.postgres_backend import PostgresBackend
    app.config["SEARCH_BACKEND"] = "postgres"
    app.extensions.pop("search", None)
    get_backend(app).rebuild([])
    thread = make_thread(title="Parent conferences", body="Evening slots only.")
    thread_id, author_id = thread.id, thread.author_id
    opening_id = threads.first_post(thread).id
    built, done, errors = threading.Event(), threading.Event(), []
    apply = PostgresBackend.apply

    def lock_waiters() -> int:
        with db.engine.connect() as connection:  # a new transaction: pg_stat_activity is read afresh
            return connection.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                          "WHERE datname = current_database() AND wait_event_type = 'Lock'"))

    def apply_after_the_reply(self, docs, deletes):
        if threading.current_thread().name == "editor":
            built.set()  # the edit's document is built; the reply commits now, or waits for the edit
            deadline = time.monotonic() + 10
            while not done.is_set() and not lock_waiters() and time.monotonic() < deadline:
                time.sleep(0.02)
        apply(self, docs, deletes)

    def run(work):
        with app.app_context():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)
            finally:
                db.session.remove()

    def edit():
        threads.edit_post(post=db.session.get(Post, opening_id), body="Evening slots and a walrus breakfast.")

    def reply():
        threads.reply(author=db.session.get(User, author_id), thread=db.session.get(Thread, thread_id),
                      body="Interpreters at every table: ocelot.")
        done.set()

    monkeypatch.setattr(PostgresBackend, "apply", apply_after_the_reply)
    editor = threading.Thread(target=run, args=(edit,), name="editor")
    editor.start()
    assert built.wait(10)
    replier = threading.Thread(target=run, args=(reply,), name="replier")
    replier.start()
    editor.join(30)
    replier.join(30)
    assert not errors and not editor.is_alive() and not replier.is_alive()
    assert ids(member_client, "walrus") == [thread_id]
    assert ids(member_client, "ocelot") == [thread_id]
