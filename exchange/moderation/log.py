"""The moderation log's rows and the rule every moderator's reason follows.

A leaf: every module that acts as a moderator imports it, and it imports none of them.
"""
from __future__ import annotations

from .. import permissions
from ..extensions import db
from ..forms import ServiceError
from ..models import ModerationLog, User

REASON_MAX = 500
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX} characters."


def log_moderation(actor: User | None, action: str, target, *, label: str = "", reason: str = "") -> None:
    """Append one row to the moderation log; call inside the action's transaction."""
    db.session.add(ModerationLog(
        actor_id=actor.id if actor else None, action=action,
        target_type=type(target).__name__.lower(), target_id=target.id,
        target_label=label[:200], reason=reason,
    ))


def checked_reason(reason: str, *, required: str = "") -> str:
    """A moderator's reason, stripped and at most ``REASON_MAX`` long.

    ``required`` is what the moderator is told when the reason may not be empty (the author,
    the member or other moderators read it, and each action says who).
    """
    reason = (reason or "").strip()
    if required and not reason:
        raise ServiceError(required, field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(REASON_TOO_LONG, field="reason")
    return reason


def moderator_edit(editor: User | None, author_id: int, reason: str) -> str:
    """The reason for an edit of someone else's words, required and checked; "" for an author's own edit.

    Threads and practices both ask this before saving; the caller logs the edit when it is a moderator's.
    """
    if editor is None or not permissions.edit_needs_reason(editor, author_id):
        return ""
    return checked_reason(reason, required="Say why you are changing this member's words: "
                                           "they and other moderators see it.")
