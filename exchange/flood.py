"""Flood control: how many threads, replies and contact requests a member may send, counted in the
rate-limit store (Redis in production), stricter during a member's first week.

Views check ``allowed`` before acting and ``record`` after success, so a refused form comes back
with the member's text and a message saying when they can send it.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from limits import parse_many

from .extensions import limiter
from .models import User, utcnow

NEWCOMER_DAYS = 7
WHAT = {"thread": "new threads", "reply": "replies", "contact": "contact requests"}


def _limits(kind: str, user: User):
    config = current_app.config
    newcomer = user.approved_at is not None and utcnow() - user.approved_at < timedelta(days=NEWCOMER_DAYS)
    text = config["FLOOD_LIMITS_NEWCOMER" if newcomer else "FLOOD_LIMITS"][kind]
    return text, parse_many(text)


def allowed(kind: str, user: User) -> bool:
    _, items = _limits(kind, user)
    return all(limiter.limiter.test(item, "flood", kind, str(user.id)) for item in items)


def record(kind: str, user: User) -> None:
    for item in _limits(kind, user)[1]:
        limiter.limiter.hit(item, "flood", kind, str(user.id))


def limit_text(kind: str, user: User) -> str:
    return _limits(kind, user)[0].replace(";", ",")


def refusal(kind: str, user: User, *, waiting: bool = False) -> str:
    earlier = ", and your earlier ones are still waiting for a moderator" if waiting else ""
    return (f"You have sent as many {WHAT[kind]} as we allow for now ({limit_text(kind, user)}){earlier}. "
            "Your text is still here: send it a little later.")
