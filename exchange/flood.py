"""Flood control: how many threads, replies, practices and contact requests a member may send,
counted in the rate-limit store (Redis in production), stricter during a member's first week.

``hit`` is the only check: it tests and counts in one step per limit item, so two requests at
once cannot both take the last place. Call it once the thing is valid and about to be sent.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from limits import parse_many

from .extensions import limiter
from .models import User, utcnow

NEWCOMER_DAYS = 7
WHAT = {"thread": "new threads", "reply": "replies", "practice": "practices", "opportunity": "openings", "contact": "contact requests",
        "employer_contact": "messages to pool members"}


def _limits(kind: str, user: User):
    config = current_app.config
    newcomer = user.approved_at is not None and utcnow() - user.approved_at < timedelta(days=NEWCOMER_DAYS)
    text = config["FLOOD_LIMITS_NEWCOMER" if newcomer else "FLOOD_LIMITS"][kind]
    return text, parse_many(text)


def hit(kind: str, user: User) -> bool:
    """Count one ``kind`` by ``user``; False when that went past a limit.

    Each item ("3 per hour; 10 per day") is hit atomically, in the order written, stopping at the
    first one that refuses: a refused send still counts against the items before it (stricter,
    never looser), and no item can let more through than it allows, however many requests race.
    """
    return all(limiter.limiter.hit(item, "flood", kind, str(user.id)) for item in _limits(kind, user)[1])


def limit_text(kind: str, user: User) -> str:
    return _limits(kind, user)[0].replace(";", ",")


def refusal(kind: str, user: User, *, waiting: bool = False) -> str:
    earlier = ", and your earlier ones are still waiting for a moderator" if waiting else ""
    return (f"You have sent as many {WHAT[kind]} as we allow for now ({limit_text(kind, user)}){earlier}. "
            "Your text is still here: send it a little later.")
