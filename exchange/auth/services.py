"""Accounts: registration, invitations, sign-in checks and password resets."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..account import security as account_security, sessions as account_sessions
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, send_mail
from ..moderation.suspensions import lift_expired_suspensions
from ..models import AccountToken, Affiliation, EmployerProfile, Program, Region, Role, Status, User, utcnow
from ..models.talent import organisation_key
from ..passwords import burn_time, hash_password, needs_rehash, verify_password
from .. import events


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(purpose: str, email: str, lifetime: timedelta, user: User | None = None) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(
        purpose=purpose, token_hash=hash_token(token), email=email, user=user,
        expires_at=utcnow() + lifetime,
    ))
    return token


def find_token(purpose: str, token: str) -> AccountToken | None:
    """The usable token of this purpose, or None when unknown, used or expired."""
    row = db.session.scalar(
        select(AccountToken).where(AccountToken.purpose == purpose,
                                   AccountToken.token_hash == hash_token(token or ""))
    )
    return row if row is not None and row.is_usable else None


# --- signing in ---------------------------------------------------------------

@dataclass
class SignIn:
    user: User | None
    problem: str | None = None


def check_credentials(email: str, password: str) -> SignIn:
    """Verify a login. Unknown email and wrong password give the same answer."""
    mismatch = "That email and password don't match an account."
    user = user_by_email(email)
    if user is None:
        burn_time(password)
        return SignIn(None, mismatch)
    if not verify_password(user.password_hash, password):
        return SignIn(None, mismatch)
    if needs_rehash(user.password_hash):
        with transaction():
            user.password_hash = hash_password(password)
    if user.status == Status.PENDING:
        return SignIn(None, "Your account is waiting for a moderator's approval. We'll email you when it's approved.")
    if user.status == Status.SUSPENDED and user.suspended_until is not None and user.suspended_until <= utcnow():
        lift_expired_suspensions()
        user = user_by_email(email)
    if user.status == Status.SUSPENDED:
        until = f" until {user.suspended_until:%Y-%m-%d}" if user.suspended_until else ""
        return SignIn(None, f"This account is suspended{until}. Contact the moderators if you think this is a mistake.")
    if user.status not in (Status.ACTIVE, Status.LEAVING):  # leaving: signing in cancels the deletion
        return SignIn(None, "This account can't sign in. Contact the moderators if you think this is a mistake.")
    return SignIn(user)


# --- joining ------------------------------------------------------------------

def registration_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    programs = db.session.execute(select(Program.id, Program.name).order_by(Program.name)).all()
    regions = db.session.execute(
        select(Region.id, Region.name).where(Region.parent_id.is_(None)).order_by(Region.name)
    ).all()
    return [(0, "—")] + [tuple(p) for p in programs], [(0, "—")] + [tuple(r) for r in regions]


#: Fixed pages that sit where a profile or pool card would (/members/<name>, /talent/<name>):
#: a member with one of these names could never be reached.
RESERVED_USERNAMES = frozenset({"lists", "mention-suggestions"})


def _check_username_free(username: str) -> None:
    if username.lower() in RESERVED_USERNAMES:
        raise ServiceError("That username is taken. Try another.", field="username")
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.username == username))
    if taken:
        raise ServiceError("That username is taken. Try another.", field="username")


def register(*, email: str, username: str, display_name: str, password: str,
             program_id: int | None = None, cohort_year: int | None = None,
             region_id: int | None = None, note: str = "", invite: str = "") -> User | None:
    """Create an account: pending for moderator approval, or active with a valid invitation.

    Returns None when the email already has an account; the caller shows the same message
    as on success (the owner is told by email), so the form never reveals who is a member.
    """
    email = normalise_email(email)
    username = username.strip().lower()
    invitation = find_token(AccountToken.INVITE, invite) if invite else None
    if invite and (invitation is None or invitation.email != email):
        raise ServiceError("This invitation link is no longer valid. You can still request an account.", field="email")

    existing = user_by_email(email)
    if existing is not None and existing.status == Status.INVITED and invitation is not None:
        return _claim(existing, invitation, username=username, display_name=display_name, password=password)
    # A taken username is refused before the email's account can change the answer, and a known
    # email costs the same argon2 hash as a new account: the reply never tells who is a member.
    _check_username_free(username)
    if existing is not None:
        burn_time(password)
        send_mail(email, "Someone tried to create an Exchange account with your email",
                  "Somebody (perhaps you) tried to register with this address, which already has an account.\n"
                  f"To sign in, or to reset your password, visit {external_url('auth.reset_request')}\n")
        return None

    with transaction():
        user = User(email=email, username=username, display_name=display_name.strip(),
                    password_hash=hash_password(password), role=Role.MEMBER,
                    status=Status.ACTIVE if invitation else Status.PENDING,
                    region_id=region_id or None, registration_note=note.strip())
        if invitation:
            user.approved_at = utcnow()
            invitation.used_at = utcnow()
        if program_id and cohort_year:
            user.affiliations.append(Affiliation(program_id=program_id, cohort_year=cohort_year))
        db.session.add(user)
        db.session.flush()
        events.members_changed(user.id)  # pending accounts are left out of the index; active ones go in
    return user


def _claim(user: User, invitation: AccountToken, *, username: str, display_name: str, password: str) -> User:
    """A member made from a roster takes up their invitation: their account becomes theirs, and active."""
    if username != user.username:
        _check_username_free(username)
    with transaction():
        user = db.session.merge(user)
        user.username = username
        user.display_name = display_name.strip() or user.display_name
        user.password_hash = hash_password(password)
        user.status = Status.ACTIVE
        user.approved_at = utcnow()
        db.session.merge(invitation).used_at = utcnow()
        events.members_changed(user.id)
    return user


def create_user(*, email: str, username: str, password: str, role: str = Role.MEMBER,
                display_name: str | None = None, organisation: str = "", organisation_kind: str = "nonprofit") -> User:
    """An active account made by an operator (the CLI); an employer's organisation defaults to its name."""
    email = normalise_email(email)
    if role not in Role.ALL:
        raise ServiceError(f"Unknown role {role!r}; use one of {', '.join(Role.ALL)}.", field="role")
    if user_by_email(email) is not None:
        raise ServiceError(f"{email} already has an account.", field="email")
    _check_username_free(username.lower())
    with transaction():
        user = User(email=email, username=username.lower(), display_name=display_name or username,
                    password_hash=hash_password(password), role=role, status=Status.ACTIVE,
                    approved_at=utcnow())
        db.session.add(user)
        db.session.flush()
        if role == Role.EMPLOYER:
            name = organisation.strip() or user.display_name
            db.session.add(EmployerProfile(user_id=user.id, organisation=name, organisation_key=organisation_key(name),
                                           kind=organisation_kind, verification="Created by an operator."))
        events.members_changed(user.id)
    return user


def invite(email: str) -> str:
    """Create an invitation and mail its link; returns the link (the CLI prints it)."""
    email = normalise_email(email)
    existing = user_by_email(email)
    if existing is not None and existing.status != Status.INVITED:
        raise ServiceError(f"{email} already has an account.", field="email")
    return _send_invitation(email)


def new_invitations(emails: list[str]) -> dict[str, str]:
    """Invitation tokens for these emails, made inside the caller's transaction (a roster import);
    mail them with ``mail_invitation`` once it has committed."""
    days = current_app.config["INVITE_TOKEN_DAYS"]
    return {email: new_token(AccountToken.INVITE, email, timedelta(days=days)) for email in emails}


def mail_invitation(email: str, token: str) -> str:
    days = current_app.config["INVITE_TOKEN_DAYS"]
    link = external_url("auth.register", invite=token)
    send_mail(email, "You're invited to Exchange",
              f"You have been invited to join Exchange, the alumni network's forum.\n\n"
              f"Create your account (the link works once, for {days} days):\n{link}\n")
    return link


def _send_invitation(email: str) -> str:
    with transaction():
        token = new_invitations([email])[email]
    return mail_invitation(email, token)


def invitation_email(token: str) -> str | None:
    row = find_token(AccountToken.INVITE, token)
    return row.email if row else None


# --- password reset -------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; silently do nothing otherwise."""
    user = user_by_email(email)
    if user is None or user.status in (Status.SUSPENDED, Status.REJECTED):
        return
    if user.status == Status.INVITED:  # has no password yet: the invitation is the way in
        _send_invitation(user.email)
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    with transaction():
        token = new_token(AccountToken.RESET, user.email, timedelta(hours=hours), user=user)
    send_mail(user.email, "Reset your Exchange password",
              f"Someone asked to reset the password of your Exchange account.\n\n"
              f"Choose a new password here (the link works once, for {hours} hours):\n"
              f"{external_url('auth.reset_password', token=token)}\n\n"
              "If it wasn't you, ignore this message: your password stays as it is.\n")


def reset_password(token: str, password: str) -> User:
    row = find_token(AccountToken.RESET, token)
    if row is None or row.user is None:
        raise ServiceError("This reset link has expired or was already used. Ask for a new one.")
    with transaction():
        row = find_token(AccountToken.RESET, token)  # re-read inside the write lock
        if row is None:
            raise ServiceError("This reset link has expired or was already used. Ask for a new one.")
        user = row.user
        user.password_hash = hash_password(password)
        account_sessions.end_all(user)
        account_security.record(user, "password_reset")
        # Every outstanding reset link for this account dies with this one.
        for other in db.session.scalars(select(AccountToken).where(
                AccountToken.user_id == user.id, AccountToken.purpose == AccountToken.RESET,
                AccountToken.used_at.is_(None))):
            other.used_at = utcnow()
    return user
