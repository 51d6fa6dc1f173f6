"""One place that decides between a full page and an htmx partial.

A request gets the partial alone when htmx asked for a fragment: ``HX-Request`` is set,
and it is neither a history restore (htmx wants the whole page back) nor a boosted
navigation (hx-boost swaps the whole <body>, so it needs the page too).
"""
from __future__ import annotations

from flask import make_response, redirect, render_template, request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def vary_on_htmx(response: Response) -> Response:
    response.vary.add("HX-Request")
    return response


def render(page: str, partial: str, status: int = 200, **context) -> Response:
    """Render ``page`` (which includes ``partial``), or just ``partial`` for htmx."""
    template = partial if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    return vary_on_htmx(response)


def hx_redirect(url: str) -> Response:
    """After a successful POST: a 303 for browsers, a client-side redirect for htmx."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return vary_on_htmx(response)
    return redirect(url, code=303)
