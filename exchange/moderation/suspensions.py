"""Suspending a member, reinstating them, and lifting suspensions whose end has passed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..models import Status, User, utcnow
from .. import events
from .log import checked_reason, log_moderation


def suspend_member(*, moderator: User, member: User, reason: str, until: datetime | None = None) -> User:
    """The member is signed out at their next request, cannot sign in, and leaves the directory and search."""
    reason = checked_reason(reason, required="Say why: the member is told, and other moderators see it in the log.")
    if until is not None and until <= utcnow():
        raise ServiceError("The end of a suspension must be in the future.", field="until")
    if member.status != Status.ACTIVE:
        raise ServiceError(f"{member.display_name} is not an active member.")
    with transaction():
        member = db.session.merge(member)
        member.status, member.suspension_reason, member.suspended_until = Status.SUSPENDED, reason, until
        events.members_changed(member.id)
        ending = f" until {until:%Y-%m-%d}" if until else ""
        log_moderation(moderator, "suspend_member", member, label=member.username, reason=reason + ending)
    send_mail(member.email, "Your Exchange account is suspended",
              f"A moderator suspended your Exchange account{ending}.\n\nReason: {reason}\n\n"
              "If you think this is a mistake, reply to this message.\n")
    return member


def _reinstate(member: User) -> None:
    member.status, member.suspension_reason, member.suspended_until = Status.ACTIVE, "", None
    events.members_changed(member.id)


def reinstate_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.SUSPENDED:
        raise ServiceError(f"{member.display_name} is not suspended.")
    reason = checked_reason(reason)
    with transaction():
        member = db.session.merge(member)
        _reinstate(member)
        log_moderation(moderator, "reinstate_member", member, label=member.username, reason=reason)
    return member


def lift_expired_suspensions() -> int:
    """Suspensions whose end has passed are lifted (logged as the system's action)."""
    due = select(User.id).where(User.status == Status.SUSPENDED, User.suspended_until.is_not(None),
                                User.suspended_until <= utcnow())
    if db.session.scalar(select(func.count()).select_from(due.subquery())) == 0:
        return 0
    with transaction():
        members = list(db.session.scalars(select(User).where(User.id.in_(due))))
        for member in members:
            _reinstate(member)
            log_moderation(None, "suspension_ended", member, label=member.username)
    return len(members)
