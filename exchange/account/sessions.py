"""Signed-in browsers: each sign-in gets a key, carried in the session and remember cookies beside the
password fingerprint (``User.get_id``); a revoked key signs that browser out at its next request.
"Sign out every other browser" revokes the rest and bumps the account's session epoch, which also
ends sessions made before keys existed."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..database import transaction
from ..extensions import db
from ..models import User, UserSession, utcnow
from . import security

SEEN_EVERY = timedelta(minutes=10)  # how stale "last seen" may get before a request writes it


def begin(user: User) -> str:
    """A new signed-in browser for ``user``; sets the key ``login_user`` will put in the cookies."""
    prefix, agent = security.where_from()
    key = secrets.token_hex(16)
    with transaction():
        db.session.add(UserSession(user_id=user.id, key=key, ip_prefix=prefix, user_agent=agent))
        security.record(user, "signed_in")
    user.login_session_key = key
    return key


def load(user_id: int, fingerprint: str, key: str) -> User | None:
    """The user behind a session id, or None when its password, epoch or browser key is no longer good.

    One statement: the user with their key's row."""
    if not key:
        user = db.session.get(User, user_id)
        return user if user is not None and user.has_fingerprint(fingerprint) else None
    row = db.session.execute(select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
                             .where(User.id == user_id, UserSession.key == key)).first()
    if row is None:
        return None
    user, signed_in = row
    if signed_in.revoked_at is not None or not user.has_fingerprint(fingerprint):
        return None
    user.login_session_key = key
    if utcnow() - signed_in.last_seen_at > SEEN_EVERY:
        _touch(signed_in.id)
    return user


def _touch(session_id: int) -> None:
    try:
        with transaction():
            db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=utcnow()))
    except Exception:  # noqa: BLE001 - "last seen" is a courtesy: a busy database must not fail the page
        db.session.rollback()


def active(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                             UserSession.revoked_at.is_(None))
                                   .order_by(UserSession.last_seen_at.desc())))


def sign_out(user: User, session_id: int) -> bool:
    with transaction():
        row = db.session.get(UserSession, session_id)
        if row is None or row.user_id != user.id or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        security.record(user, "session_signed_out")
    return True


def end_all(user: User, *, keep: str | None = None) -> None:
    """Revoke every browser but ``keep`` and bump the epoch (in the caller's transaction)."""
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
                                                 UserSession.key != (keep or "")).values(revoked_at=utcnow()))
    user.session_epoch = (user.session_epoch or 0) + 1


def end_on_logout(key: str | None) -> None:
    if not key:
        return
    with transaction():
        db.session.execute(update(UserSession).where(UserSession.key == key, UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
