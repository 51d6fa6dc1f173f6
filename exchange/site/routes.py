"""Site-wide pages: the home page, the health check, and the error pages."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from ..curation import services as curation
from ..extensions import db
from ..htmx import render
from ..permissions import is_member
from ..fragments import fragment
from ..practices import services as practices
from ..search.backend import get_backend
from ..threads.routes import thread_list_html
from ..threads import services as threads

bp = Blueprint("site", __name__)


@bp.route("/")
def home():
    if not is_member(current_user):
        return render_template("site/welcome.html")
    sidebar = fragment("home-sidebar", render=lambda: render_template(
        "site/_home_sidebar.html", categories=threads.categories(), practices=practices.highlights(limit=4)))
    featured = fragment("home-featured", render=lambda: render_template(
        "curation/_featured_home.html", practices=curation.featured_practices()))
    return render_template("site/home.html", sidebar=sidebar, featured=featured,
                           thread_list=thread_list_html(page=1, pager=False, per_page=15))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unusable
        db.session.rollback()
        database = "error"
    search = get_backend().health()
    status = "ok" if database == "ok" and search == "ok" else "degraded"
    # Only a dead database takes the node out of service; a rebuilding index is "degraded".
    return jsonify(status=status, db=database, search=search), 200 if database == "ok" else 503


ERROR_TEXT = {
    400: ("Something in that request didn't make sense", "Please go back, reload the page and try again."),
    403: ("You can't do that here", "You don't have permission to see or do this."),
    404: ("We couldn't find that page", "It may have been moved, or the link may be mistyped."),
    405: ("That didn't work", "This page can't be used that way."),
    413: ("That was too large", "What you sent is bigger than Exchange accepts. Shorten it and try again."),
    429: ("Slow down a little", "Too many attempts in a short time. Wait a minute, then try again."),
    500: ("Something went wrong on our side", "It's not you. We've been told; please try again shortly."),
}


def _error_page(code: int, detail: str | None = None, kept_text: dict | None = None):
    title, default = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render("errors/error.html", "errors/_error.html", status=code, code=code, title=title,
                  detail=detail or default, kept_text=kept_text or {})


def _kept_text() -> dict:
    """What the member typed, so a failed submit never loses it."""
    return {k: v for k in ("title", "body") if (v := request.form.get(k, "").strip())}


def handle_http_error(error: HTTPException):
    # Flask-Limiter's description is the limit itself ("10 per 1 minute"): the page's own words are kinder.
    ours = error.description and error.description != type(error).description and not isinstance(error, RateLimitExceeded)
    return _error_page(error.code or 500, error.description if ours else None)


def handle_csrf_error(error: CSRFError):
    return _error_page(400, "This form has expired or didn't come from Exchange. Reload the page and "
                            "submit it again; what you wrote is copied below.", _kept_text())


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=error)
    return _error_page(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
