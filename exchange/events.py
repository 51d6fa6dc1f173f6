"""The one seam between what services do and who reacts: services announce, listeners act.

Services call these functions inside their ``with transaction():`` block; search (search/listeners.py)
and notifications (notifications/listeners.py) connect to the signals behind them and queue their
work in that same transaction, so it commits or rolls back with the change. A leaf: it imports
nothing of Exchange's, and no feature's services import search or notifications.

Announcements carry ids, never loaded objects a listener might read stale.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# What changed (search rebuilds the documents that carry it).
threads_changed_signal = _signals.signal("threads-changed")
members_changed_signal = _signals.signal("members-changed")
opportunities_changed_signal = _signals.signal("opportunities-changed")
tags_changed_signal = _signals.signal("tags-changed")
authors_changed_signal = _signals.signal("authors-changed")

# What happened (notifications decide who hears of it).
post_published_signal = _signals.signal("post-published")
post_decided_signal = _signals.signal("post-decided")
post_hidden_signal = _signals.signal("post-hidden")
helpful_marked_signal = _signals.signal("helpful-marked")
contact_sent_signal = _signals.signal("contact-sent")
proposal_decided_signal = _signals.signal("proposal-decided")
refresh_asked_signal = _signals.signal("refresh-asked")
openings_matched_signal = _signals.signal("openings-matched")


def _ids(ids) -> list[int]:
    return [i for i in ids if i is not None]


def threads_changed(*thread_ids: int) -> None:
    threads_changed_signal.send(None, ids=_ids(thread_ids))


def members_changed(*user_ids: int) -> None:
    members_changed_signal.send(None, ids=_ids(user_ids))


def opportunities_changed(*opportunity_ids: int) -> None:
    opportunities_changed_signal.send(None, ids=_ids(opportunity_ids))


def tags_changed(tag_ids: list[int]) -> None:
    """These tags' names or aliases changed: everything filed under them, and their experts, changed."""
    tags_changed_signal.send(None, ids=_ids(tag_ids))


def authors_changed(*user_ids: int) -> None:
    """These members' names or regions changed: everything they wrote carries them."""
    authors_changed_signal.send(None, ids=_ids(user_ids))


def post_published(*, post_id: int, thread_id: int, author_id: int, opens_thread: bool) -> None:
    """A post became visible to members: a reply, or the opening post of a thread or practice."""
    post_published_signal.send(None, post_id=post_id, thread_id=thread_id, author_id=author_id,
                               opens_thread=opens_thread)


def post_decided(*, post_id: int, approved: bool, reason: str = "", moderator_id: int | None = None) -> None:
    post_decided_signal.send(None, post_id=post_id, approved=approved, reason=reason, moderator_id=moderator_id)


def post_hidden(*, post_id: int, reason: str, moderator_id: int | None) -> None:
    post_hidden_signal.send(None, post_id=post_id, reason=reason, moderator_id=moderator_id)


def helpful_marked(*, thread_id: int, user_id: int) -> None:
    helpful_marked_signal.send(None, thread_id=thread_id, user_id=user_id)


def contact_sent(*, sender_id: int, recipient_id: int) -> None:
    contact_sent_signal.send(None, sender_id=sender_id, recipient_id=recipient_id)


def proposal_decided(*, proposer_id: int, word: str, outcome: str, thread_id: int | None,
                     moderator_id: int | None) -> None:
    proposal_decided_signal.send(None, proposer_id=proposer_id, word=word, outcome=outcome, thread_id=thread_id,
                                 moderator_id=moderator_id)


def refresh_asked(*, thread_id: int, author_id: int) -> None:
    refresh_asked_signal.send(None, thread_id=thread_id, author_id=author_id)


def openings_matched(*, user_id: int, alert_id: int, label: str, opening_ids: list[int]) -> None:
    """New listed openings match a board search the member saved (``label`` says which, in words)."""
    openings_matched_signal.send(None, user_id=user_id, alert_id=alert_id, label=label, opening_ids=list(opening_ids))
