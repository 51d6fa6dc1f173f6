"""Mentions in the composer: the members a typed ``@prefix`` may name, and the resolver that lets
markup.py link the names of members (registered by the app factory through ``configure_mentions``)."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from sqlalchemy import Row, case, func, or_, select

from .. import markup
from ..extensions import db
from ..models import User
from ..permissions import member_required
from ..text import like_escaped
from .mentions import listed_usernames

bp = Blueprint("mentions", __name__)
MAX_SUGGESTIONS = 8


def configure_mentions(app: Flask) -> None:
    markup.set_mention_resolver(listed_usernames)


def suggest_members(typed: str) -> list[Row]:
    """Up to eight listed members (active, never employers) whose username, display name or a word
    of it starts with ``typed``: usernames first. Rows of (username, display_name), never an email."""
    # Control characters out: PostgreSQL refuses a NUL in a string, and no name holds one.
    printable = "".join(ch for ch in typed[:200] if ch.isprintable())
    prefix = like_escaped(printable.strip().lstrip("@").lower()[:80])
    if not prefix:
        return []
    name = func.lower(User.display_name)
    on_username = User.username.like(f"{prefix}%", escape="\\")
    on_name = or_(name.like(f"{prefix}%", escape="\\"), name.like(f"% {prefix}%", escape="\\"))
    return db.session.execute(
        select(User.username, User.display_name)
        .where(User.listed_sql(), or_(on_username, on_name))
        .order_by(case((on_username, 0), else_=1), User.username)
        .limit(MAX_SUGGESTIONS)).all()


@bp.route("/members/mention-suggestions")
@member_required
def suggestions():
    """The composer's list for a typed @prefix (mentions.js asks; a fragment, one statement)."""
    return render_template("notifications/_mention_suggestions.html",
                           members=suggest_members(request.args.get("q", "")))
