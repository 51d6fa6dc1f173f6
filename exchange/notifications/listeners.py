"""Notifications listen to what services announce (exchange/events.py): each announcement becomes a
``NotificationEvent`` row in the announcing transaction (the outbox the worker fans out), and a
member who starts or replies to a thread watches or tracks it from then on (their settings allow).
Imported once by the app factory."""
from __future__ import annotations

from sqlalchemy import select

from .. import events
from ..extensions import db
from ..models import Level, MemberPreference, NotificationEvent, Watch

WOKEN = "notifications_queued"


def _event(name: str, **payload) -> None:
    db.session.add(NotificationEvent(name=name, payload=payload))
    db.session.info[WOKEN] = True


def _auto_watch(user_id: int, thread_id: int, opens_thread: bool) -> None:
    prefs = db.session.get(MemberPreference, user_id)
    wanted = (Level.WATCHING if (prefs is None or prefs.auto_watch_started) else None) if opens_thread else (
        Level.TRACKING if (prefs is None or prefs.auto_track_replied) else None)
    if wanted is None:
        return
    existing = db.session.scalar(select(Watch.level).where(Watch.user_id == user_id, Watch.target_type == "thread",
                                                           Watch.target_id == thread_id))
    if existing is None:
        db.session.add(Watch(user_id=user_id, target_type="thread", target_id=thread_id, level=wanted))


def _post_published(sender, *, post_id, thread_id, author_id, opens_thread) -> None:
    _auto_watch(author_id, thread_id, opens_thread)
    _event("post_published", post_id=post_id, thread_id=thread_id, author_id=author_id, opens_thread=opens_thread)


def _post_decided(sender, *, post_id, approved, reason, moderator_id) -> None:
    _event("post_decided", post_id=post_id, approved=approved, reason=reason, moderator_id=moderator_id)


def _post_hidden(sender, *, post_id, reason, moderator_id) -> None:
    _event("post_hidden", post_id=post_id, reason=reason, moderator_id=moderator_id)


def _helpful_marked(sender, *, thread_id, user_id) -> None:
    _event("helpful_marked", thread_id=thread_id, user_id=user_id)


def _contact_sent(sender, *, sender_id, recipient_id) -> None:
    _event("contact_sent", sender_id=sender_id, recipient_id=recipient_id)


def _proposal_decided(sender, *, proposer_id, word, outcome, thread_id, moderator_id) -> None:
    _event("proposal_decided", proposer_id=proposer_id, word=word, outcome=outcome, thread_id=thread_id,
           moderator_id=moderator_id)


def _refresh_asked(sender, *, thread_id, author_id) -> None:
    _event("refresh_asked", thread_id=thread_id, author_id=author_id)


def _openings_matched(sender, *, user_id, alert_id, label, opening_ids) -> None:
    _event("openings_matched", user_id=user_id, alert_id=alert_id, label=label, opening_ids=opening_ids)


events.post_published_signal.connect(_post_published)
events.post_decided_signal.connect(_post_decided)
events.post_hidden_signal.connect(_post_hidden)
events.helpful_marked_signal.connect(_helpful_marked)
events.contact_sent_signal.connect(_contact_sent)
events.proposal_decided_signal.connect(_proposal_decided)
events.refresh_asked_signal.connect(_refresh_asked)
events.openings_matched_signal.connect(_openings_matched)
