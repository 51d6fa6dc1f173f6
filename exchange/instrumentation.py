"""Optional per-request SQL statement counting (``SQL_COUNT_HEADER``), for benchmarks and tests.

When enabled, every response carries ``X-SQL-Statements``: how many statements the
request ran. Off by default; it costs one event hook per statement.
"""
from __future__ import annotations

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _count_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_app_context() and "sql_statements" in g:
        g.sql_statements += 1


def configure_sql_counter(app: Flask) -> None:
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    if not event.contains(Engine, "before_cursor_execute", _count_statement):
        event.listen(Engine, "before_cursor_execute", _count_statement)

    @app.before_request
    def start_counting() -> None:
        g.sql_statements = 0

    @app.after_request
    def report_count(response):
        if "sql_statements" in g:
            response.headers["X-SQL-Statements"] = str(g.sql_statements)
        return response
