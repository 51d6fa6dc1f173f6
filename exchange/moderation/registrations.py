"""New members wait for a moderator: approve or decline them, seeing any roster account with their name."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..models import Affiliation, Status, User, utcnow
from .. import events
from .log import checked_reason, log_moderation


def pending_members() -> list[User]:
    return list(db.session.scalars(
        select(User).options(joinedload(User.region),
                             selectinload(User.affiliations).joinedload(Affiliation.program))
        .where(User.status == Status.PENDING).order_by(User.created_at)
    ))


def approve_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    reason = checked_reason(reason)
    with transaction():
        member.status = Status.ACTIVE
        member.approved_at = utcnow()
        events.members_changed(member.id)
        log_moderation(moderator, "approve_member", member, label=member.username, reason=reason)
    send_mail(member.email, "Your Exchange account is approved",
              "Welcome to Exchange! A moderator approved your account; you can sign in now.\n")
    return member


def reject_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    reason = checked_reason(reason)
    with transaction():
        member.status = Status.REJECTED
        log_moderation(moderator, "reject_member", member, label=member.username, reason=reason)
    return member


def roster_matches(members: list[User]) -> dict[int, User]:
    """For pending registrations: a roster-made (invited) account with the same name, if any."""
    names = {m.display_name.strip().lower(): m.id for m in members}
    if not names:
        return {}
    invited = db.session.scalars(
        select(User).options(joinedload(User.region),
                             selectinload(User.affiliations).joinedload(Affiliation.program))
        .where(User.status == Status.INVITED, func.lower(User.display_name).in_(names)))
    return {names[u.display_name.strip().lower()]: u for u in invited}
