"""Which new posts wait for a moderator before anyone else sees them.

One rule for threads and replies: a new member's first posts (``HOLD_FIRST_POSTS``, counted
in approved posts) and posts sent past the flood limits are held; moderators are never held.
Past the limits with ``HOLD_MAX_PER_MEMBER`` posts already waiting, the post is refused instead
(the form comes back with the text), so one member cannot fill the queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from .. import flood
from ..extensions import db
from ..models import Post, User
from ..permissions import can_moderate

NEW_MEMBER = "A new member's first post: waiting for a moderator's review."


@dataclass(frozen=True)
class Verdict:
    held_reason: str = ""  # non-empty: the post is kept but shown only to its author and moderators
    refusal: str = ""      # non-empty: nothing is sent; the form comes back with this message

    @property
    def refused(self) -> bool:
        return bool(self.refusal)


def _count(user: User, review: str, limit: int) -> int:
    mine = select(Post.id).where(Post.author_id == user.id, Post.review == review).limit(limit).subquery()
    return db.session.scalar(select(func.count()).select_from(mine)) or 0


def review(kind: str, user: User) -> Verdict:
    """What happens to a new thread (``kind="thread"``) or reply from ``user``."""
    if can_moderate(user):
        return Verdict()
    config = current_app.config
    if not flood.allowed(kind, user):
        waiting = _count(user, Post.HELD, config["HOLD_MAX_PER_MEMBER"])
        if waiting >= config["HOLD_MAX_PER_MEMBER"]:
            return Verdict(refusal=flood.refusal(kind, user, waiting=waiting > 0))
        return Verdict(held_reason=f"Sent past the limit on {flood.WHAT[kind]} ({flood.limit_text(kind, user)}): "
                                   "waiting for a moderator's review.")
    first = config["HOLD_FIRST_POSTS"]
    if first and _count(user, Post.SHOWN, first) < first:
        return Verdict(held_reason=NEW_MEMBER)
    return Verdict()
