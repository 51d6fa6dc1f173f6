"""Atom feeds for a closed network: a member's session, or a personal key in the feed URL.

Feed readers cannot sign in, so each member's feed links carry a signed key naming them;
a suspended member's key stops working with their account.
"""
from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .extensions import db
from .models import User, utcnow
from .permissions import is_member

SALT = "exchange-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def feed_key(user: User) -> str | None:
    return _serializer().dumps(user.id) if is_member(user) else None


def require_feed_reader() -> User:
    if is_member(current_user):
        return current_user
    key = request.args.get("key", "")
    try:
        user_id = _serializer().loads(key) if key else None
    except BadSignature:
        user_id = None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not is_member(user):
        abort(403, description="This feed is for members. Use the feed link shown on Exchange when signed in.")
    return user


def atom_response(*, title: str, entries: list, self_url: str, page_url: str, template: str = "feeds/atom.xml",
                  updated_of=lambda entry: entry.last_post_at):
    updated = max((updated_of(e) for e in entries), default=utcnow())
    body = render_template(template, title=title, entries=entries, self_url=self_url,
                           page_url=page_url, updated=updated)
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
