"""A member's own sign-in details: the password (asking for the current one), the email address
(confirmed from the new address, the old one told), signing browsers out. Each is written to the
account's security log, and the member is mailed what changed."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..auth.services import hash_token, new_token, find_token, normalise_email, user_by_email
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, send_mail
from ..models import AccountToken, User, utcnow
from ..passwords import hash_password, verify_password
from . import security, sessions

EMAIL_CHANGE = "email"
EMAIL_LINK_HOURS = 2
WRONG_PASSWORD = "That is not your current password."


def _check_current(user: User, password: str) -> None:
    if not password or not verify_password(user.password_hash, password):
        raise ServiceError(WRONG_PASSWORD, field="current_password")


def change_password(*, user: User, current: str, new: str) -> str:
    """Set a new password; every other browser is signed out. Returns the key of a fresh sign-in for
    this browser (the old one named the old password)."""
    _check_current(user, current)
    if verify_password(user.password_hash, new):
        raise ServiceError("That is your current password: choose a new one.", field="new_password")
    with transaction():
        user = db.session.merge(user)
        user.password_hash = hash_password(new)
        sessions.end_all(user)
        security.record(user, "password_changed")
    send_mail(user.email, "Your Exchange password was changed",
              f"The password of your Exchange account was changed, and every other browser was signed out.\n\n"
              f"If it wasn't you, reset it now: {external_url('auth.reset_request')}\n"
              f"Your account's security log: {external_url('account.settings')}#security\n")
    return sessions.begin(user)


def request_email_change(*, user: User, current: str, new_email: str) -> None:
    """Mail a confirmation link to the new address and a notice to the old one. An address that already
    has an account gets the same answer (its owner is told by mail); nothing changes until the link is used."""
    _check_current(user, current)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError("That is already your email address.", field="email")
    hours = EMAIL_LINK_HOURS
    taken = user_by_email(new_email) is not None
    with transaction():
        for old in db.session.scalars(select(AccountToken).where(AccountToken.user_id == user.id,
                                                                 AccountToken.purpose == EMAIL_CHANGE,
                                                                 AccountToken.used_at.is_(None))):
            old.used_at = utcnow()  # one pending change at a time: the newest link wins
        security.record(user, "email_change_requested")
        if taken:
            send_mail(new_email, "Someone tried to use your address on Exchange",
                      "An Exchange member asked to move their account to this address, which already has an "
                      "account. Nothing was changed. If you have forgotten your password: "
                      f"{external_url('auth.reset_request')}\n")
        else:
            token = new_token(EMAIL_CHANGE, new_email, timedelta(hours=hours), user=user)
            send_mail(new_email, "Confirm your new Exchange email address",
                      f"{user.display_name} asked to use this address for their Exchange account.\n\n"
                      f"Confirm it (the link works once, for {hours} hours, signed in as {user.username}):\n"
                      f"{external_url('account.confirm_email', token=token)}\n\n"
                      "If it wasn't you, ignore this message.\n")
        send_mail(user.email, "Your Exchange email address is changing",
                  f"Someone signed in as you asked to move your Exchange account to {new_email}. It changes only "
                  "when the link sent there is followed.\n\nIf it wasn't you, change your password now: "
                  f"{external_url('account.settings')}\n")


def confirm_email_change(*, user: User, token: str) -> str:
    row = find_token(EMAIL_CHANGE, token)
    if row is None:
        raise ServiceError("This confirmation link has expired or was already used. Ask for a new one from "
                           "your settings.")
    if row.user_id != user.id:
        raise ServiceError("This confirmation link belongs to another account: sign in as its member to use it.")
    with transaction():
        row = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == hash_token(token)))
        if row.used_at is not None:
            raise ServiceError("This confirmation link was already used.")
        if user_by_email(row.email) is not None:
            row.used_at = utcnow()
            raise ServiceError("That address now belongs to another account; nothing was changed.")
        member = db.session.get(User, user.id)
        old = member.email
        member.email, row.used_at = row.email, utcnow()
        security.record(member, "email_changed")
        send_mail(old, "Your Exchange email address was changed",
                  f"Your Exchange account now uses {row.email}. If it wasn't you, tell the moderators at once.\n")
    current_app.logger.info("member %s changed their email", user.id)
    return row.email


def sign_out_others(*, user: User) -> str:
    """Every other browser signed out; returns a fresh key for this one (the epoch changed)."""
    with transaction():
        member = db.session.get(User, user.id)
        sessions.end_all(member)
        security.record(member, "other_sessions_signed_out")
    return sessions.begin(db.session.get(User, user.id))
