"""Moderator actions. Each one validates, acts, and logs in the same transaction."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..models import Affiliation, ModerationLog, Status, Thread, User, utcnow
from ..search import outbox as search


def log_moderation(actor: User | None, action: str, target, *, label: str = "", reason: str = "") -> None:
    """Append one row to the moderation log; call inside the action's transaction."""
    db.session.add(ModerationLog(
        actor_id=actor.id if actor else None, action=action,
        target_type=type(target).__name__.lower(), target_id=target.id,
        target_label=label[:200], reason=reason,
    ))


def pending_members() -> list[User]:
    return list(db.session.scalars(
        select(User).options(joinedload(User.region),
                             selectinload(User.affiliations).joinedload(Affiliation.program))
        .where(User.status == Status.PENDING).order_by(User.created_at)
    ))


def approve_member(*, moderator: User, member: User) -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    with transaction():
        member.status = Status.ACTIVE
        member.approved_at = utcnow()
        search.queue_members(member.id)
        log_moderation(moderator, "approve_member", member, label=member.username)
    send_mail(member.email, "Your Exchange account is approved",
              "Welcome to Exchange! A moderator approved your account; you can sign in now.\n")
    return member


def reject_member(*, moderator: User, member: User, reason: str = "") -> User:
    if member.status != Status.PENDING:
        raise ServiceError(f"{member.display_name} is not waiting for approval.")
    with transaction():
        member.status = Status.REJECTED
        log_moderation(moderator, "reject_member", member, label=member.username, reason=reason)
    return member


def set_thread_locked(*, moderator: User, thread: Thread, locked: bool, reason: str = "") -> Thread:
    with transaction():
        thread.is_locked = locked
        log_moderation(moderator, "lock_thread" if locked else "unlock_thread", thread,
                       label=thread.title, reason=reason)
    return thread


def moderation_log(*, action: str | None = None, page: int = 1, per_page: int = 50) -> tuple[list[ModerationLog], bool]:
    query = (select(ModerationLog).options(joinedload(ModerationLog.actor))
             .order_by(ModerationLog.id.desc()).offset((page - 1) * per_page).limit(per_page + 1))
    if action:
        query = query.where(ModerationLog.action == action)
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page


def log_actions() -> list[str]:
    return list(db.session.scalars(select(ModerationLog.action).distinct().order_by(ModerationLog.action)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_thread(thread_id: int) -> Thread | None:
    return db.session.get(Thread, thread_id)
