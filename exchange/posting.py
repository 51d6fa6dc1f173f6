"""Posting policy: what happens to a new post — a thread, a reply, a practice or an opening — by a member.

One rule for every kind, asked by the services that make posts (never by views):

- moderators are never held (nor flood-limited);
- past the flood limits (``flood.hit``, one atomic count) the post is held, or refused once
  ``HOLD_MAX_PER_MEMBER`` of the member's posts already wait, so one member cannot fill the queue;
- a new member's first posts (``HOLD_FIRST_POSTS``, counted in approved posts) are held;
- everything else is published.

A refused post raises ``Refused`` (a ``ServiceError``): the view shows the message with the text kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from . import flood
from .extensions import db
from .forms import ServiceError
from .models import Opportunity, Post, Thread, User
from .permissions import can_moderate

KINDS = ("thread", "reply", "practice", "opportunity")
PUBLISHED, HELD, REFUSED = "published", "held", "refused"
NEW_MEMBER = "A new member's first post: waiting for a moderator's review."


@dataclass(frozen=True)
class Verdict:
    outcome: str       # PUBLISHED, HELD or REFUSED
    reason: str = ""   # why it is held (kept on the post) or refused (shown above the form)

    @property
    def held(self) -> bool:
        return self.outcome == HELD

    @property
    def refused(self) -> bool:
        return self.outcome == REFUSED


class Refused(ServiceError):
    def __init__(self, verdict: Verdict):
        super().__init__(verdict.reason)
        self.verdict = verdict


def _count(kind: str, user: User, review: str, limit: int) -> int:
    """How many of the member's posts of this family are ``review`` (held or shown), up to ``limit``.

    Openings are counted among openings (a first opening waits even from a member who has posted),
    every other kind among posts; a draft is nobody's approval.
    """
    if kind == "opportunity":
        approved = Opportunity.published_at.is_not(None) if review == Post.SHOWN else Opportunity.status == Opportunity.HELD
        mine = select(Opportunity.id).where(Opportunity.poster_id == user.id, approved).limit(limit).subquery()
    else:
        mine = (select(Post.id).join(Thread, Thread.id == Post.thread_id)
                .where(Post.author_id == user.id, Post.review == review, Thread.status != Thread.DRAFT)
                .limit(limit).subquery())
    return db.session.scalar(select(func.count()).select_from(mine)) or 0


def decide(kind: str, author: User) -> Verdict:
    """The verdict on a new ``kind`` post by ``author``; counts it against the flood limits.

    Call it once the post is valid and about to be made: a form that fails validation costs nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of post: {kind}")
    if can_moderate(author):
        return Verdict(PUBLISHED)
    config = current_app.config
    if not flood.hit(kind, author):
        waiting = _count(kind, author, Post.HELD, config["HOLD_MAX_PER_MEMBER"])
        if waiting >= config["HOLD_MAX_PER_MEMBER"]:
            return Verdict(REFUSED, flood.refusal(kind, author, waiting=waiting > 0))
        return Verdict(HELD, f"Sent past the limit on {flood.WHAT[kind]} ({flood.limit_text(kind, author)}): "
                             "waiting for a moderator's review.")
    first = config["HOLD_FIRST_POSTS"]
    if first and _count(kind, author, Post.SHOWN, first) < first:
        return Verdict(HELD, NEW_MEMBER)
    return Verdict(PUBLISHED)


def decide_or_refuse(kind: str, author: User) -> Verdict:
    """``decide``, raising ``Refused`` for a refusal: what the services call before they write."""
    verdict = decide(kind, author)
    if verdict.refused:
        raise Refused(verdict)
    return verdict
