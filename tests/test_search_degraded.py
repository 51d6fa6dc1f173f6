"""Search that cannot read its index says it is being rebuilt (503), and /healthz says "degraded".

Never a 500: a Whoosh segment damaged in the middle (it opens, then a search fails reading
it), and on PostgreSQL a missing ``search_documents`` table.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import StructFile

from exchange.extensions import db
from exchange.search import outbox
from exchange.search.backend import get_backend
from exchange.search.cli import reindex
from tests.test_search import ON_POSTGRES, ids


def _damage_segments(directory: str) -> None:
    """Overwrite the postings in the middle of every segment file: it still opens (its table of
    contents, directory and term dictionary are intact) and fails when a search reads it."""
    for name in os.listdir(directory):
        if name.endswith(".seg"):
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                segment = CompoundStorage(StructFile(handle))
                offset, length = next(segment.range(n) for n in segment.list() if n.endswith(".pst"))
            with open(path, "r+b") as handle:
                handle.seek(offset)
                handle.write(b"\xff" * length)


def _rebuilding(response) -> bool:
    return response.status_code == 503 and "Search is being rebuilt" in response.text


def test_a_segment_damaged_in_the_middle_degrades_until_a_reindex(app, client, member_client, make_thread):
    thread = make_thread(title="Lunch lines", body="Grab-and-go carts at every entrance. " * 40)
    outbox.drain()
    assert ids(member_client, "lunch") == [thread.id]
    assert client.get("/healthz").get_json()["search"] == "ok"

    _damage_segments(app.config["SEARCH_INDEX_DIR"])
    get_backend(app).reset()  # this thread's searcher and its cached postings
    assert _rebuilding(member_client.get("/search?q=lunch"))
    assert _rebuilding(member_client.get("/search?q=carts", headers={"HX-Request": "true"}))
    assert client.get("/healthz").get_json() == {"status": "degraded", "db": "ok", "search": "degraded"}

    reindex()  # what `flask search reindex` runs
    assert ids(member_client, "lunch") == [thread.id]
    assert client.get("/healthz").get_json() == {"status": "ok", "db": "ok", "search": "ok"}


def test_health_reads_the_index_and_not_only_its_table_of_contents(app, client, make_thread):
    make_thread(title="Bus routes", body="We cut routes with an optimiser. " * 40)
    outbox.drain()
    _damage_segments(app.config["SEARCH_INDEX_DIR"])
    get_backend(app).reset()
    assert client.get("/healthz").get_json()["search"] == "degraded"  # no search has failed yet


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL backend needs a PostgreSQL database (CI runs it)")
def test_missing_search_documents_degrade_the_postgres_backend(app, client, member_client, make_thread):
    app.config["SEARCH_BACKEND"] = "postgres"
    app.extensions.pop("search", None)
    get_backend(app).rebuild([])
    thread = make_thread(title="Lunch lines", body="Grab-and-go carts.")
    assert ids(member_client, "lunch") == [thread.id]
    db.session.execute(text("ALTER TABLE search_documents RENAME TO search_documents_away"))
    db.session.commit()
    try:
        assert _rebuilding(member_client.get("/search?q=lunch"))
        assert _rebuilding(member_client.get("/search?q=lunch&type=members"))
        assert client.get("/healthz").get_json() == {"status": "degraded", "db": "ok", "search": "degraded"}
        assert member_client.get("/threads").status_code == 200  # the rest keeps working
    finally:
        db.session.rollback()
        db.session.execute(text("ALTER TABLE search_documents_away RENAME TO search_documents"))
        db.session.commit()
    assert ids(member_client, "lunch") == [thread.id]
