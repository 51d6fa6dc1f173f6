"""Who moderates: admins set a member's role and scope a moderator to categories."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import permissions
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Category, Role, Status, User
from ..params import to_id
from .log import checked_reason, log_moderation

ROLE_LABELS = {Role.MEMBER: "Member", Role.MODERATOR: "Moderator", Role.ADMIN: "Admin"}


def staff() -> list[User]:
    """Moderators and admins, with their scopes."""
    return list(db.session.scalars(
        select(User).options(selectinload(User.moderated_categories))
        .where(User.role.in_((Role.MODERATOR, Role.ADMIN)), User.status == Status.ACTIVE)
        .order_by(User.role, User.display_name)))


def member_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def member_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lstrip("@").lower()))


def set_role(*, admin: User, member: User, role: str, category_ids: list[int] = (), reason: str = "") -> User:
    """Make someone a member, moderator (of every category, or of some) or admin; logged."""
    if role not in Role.ALL:
        raise ServiceError("Choose member, moderator or admin.", field="role")
    reason = checked_reason(reason)
    if member.id == admin.id and role != Role.ADMIN:
        raise ServiceError("You cannot take away your own admin role: ask another admin.", field="role")
    if member.status != Status.ACTIVE:
        raise ServiceError(f"{member.display_name} is not an active member.", field="member")
    known_ids = [c for c in category_ids if to_id(c) == c]
    categories = list(db.session.scalars(select(Category).where(Category.id.in_(known_ids)))) \
        if role == Role.MODERATOR and known_ids else []
    if len(categories) != len(set(category_ids)) and role == Role.MODERATOR:
        raise ServiceError("One of the chosen categories does not exist.", field="categories")
    with transaction():
        member = db.session.merge(member)
        before = describe(member)
        member.role = role
        member.moderated_categories = categories
        after = describe(member)
        if before == after:
            raise ServiceError(f"{member.display_name} is already {after}.", field="role")
        log_moderation(admin, "set_role", member, label=member.username,
                       reason=f"{before} → {after}" + (f": {reason}" if reason else ""))
    return member


def describe(user: User) -> str:
    label = ROLE_LABELS[user.role].lower()
    scope = permissions.moderated_categories(user)
    if scope:
        label += " of " + ", ".join(c.name for c in sorted(scope, key=lambda c: c.name))
    return label
