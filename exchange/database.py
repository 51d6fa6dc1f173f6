"""Connection setup and the one way services write: ``with transaction():``.

SQLite runs in WAL mode with a busy timeout, and write transactions start with
``BEGIN IMMEDIATE``: the write lock is taken up front, so a concurrent writer waits for
the busy timeout instead of failing when a read transaction tries to upgrade.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15000
_WRITING = "exchange_writing"


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    # Let SQLAlchemy's "begin" hook below emit BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def transaction() -> Iterator:
    """Run the block as one write transaction: commit on success, roll back on error."""
    session = db.session()  # the request's Session behind the scoped proxy
    if session.in_transaction():
        # End the request's read snapshot so the write starts from fresh data.
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    session.info[_WRITING] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_WRITING, None)


def in_write_transaction() -> bool:
    """Inside a ``with transaction():`` block (what is added now commits with it)."""
    return bool(db.session().info.get(_WRITING))


def refresh_statistics() -> None:
    """Let SQLite's query planner know the data's shape after a bulk change (a demo load, a roster
    import). Without statistics it may walk a low-selectivity index (``users.status``) instead of a
    selective one and be ten times slower. PostgreSQL's autovacuum keeps its own statistics."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
