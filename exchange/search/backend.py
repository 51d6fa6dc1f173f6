"""Which search backend this app uses: the one its configuration (``SEARCH_BACKEND``) names.

The interface every backend implements, and its results, are in ``interface.py``.
"""
from __future__ import annotations

from flask import Flask, current_app

from .interface import SearchBackend


def get_backend(app: Flask | None = None) -> SearchBackend:
    app = app or current_app
    backend = app.extensions.get("search")
    if backend is None:
        name = app.config["SEARCH_BACKEND"]
        # Only the configured backend is imported: the other one's engine need not be set up.
        if name == "postgres":
            from .postgres_backend import PostgresBackend
            backend = PostgresBackend()
        else:
            from .whoosh_backend import WhooshBackend
            backend = WhooshBackend(app.config["SEARCH_INDEX_DIR"])
        app.extensions["search"] = backend
    return backend
