"""What every request's input looks like before any view reads it.

PostgreSQL refuses NUL characters in text (SQLite stores them), so a ``%00`` in a query string,
a form or an address would be a 500 on one engine and odd data on the other. No real text has
them: they are dropped from every argument and form field, and an address containing one is a 404.
"""
from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

NUL = "\x00"


def _clean(value):
    return value.replace(NUL, "") if isinstance(value, str) else value  # uploads stay as they are


class NulFreeMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])


class ExchangeRequest(Request):
    parameter_storage_class = NulFreeMultiDict


def configure_requests(app: Flask) -> None:
    app.request_class = ExchangeRequest

    @app.before_request
    def refuse_nul_in_address():
        if NUL in request.path:
            abort(404)
