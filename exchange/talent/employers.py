"""Employer accounts: an organisation's recruiter asks for one, a moderator approves it.

Registration follows the member form's rules: the answer never tells whether an email has an
account (a known one costs the same hash and is told by email), and the route is rate-limited.
"""
from __future__ import annotations

from sqlalchemy import select

from ..auth import services as accounts
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import external_url, send_mail
from ..models import EmployerKind, EmployerProfile, Role, Status, User
from ..models.talent import organisation_key
from ..passwords import burn_time, hash_password


def register_employer(*, email: str, username: str, display_name: str, password: str, organisation: str,
                      kind: str, website: str = "", verification: str = "") -> User | None:
    """A pending employer account; None when the email has an account already (its owner is told)."""
    email = accounts.normalise_email(email)
    username = username.strip().lower()
    organisation = " ".join(organisation.split())
    if kind not in EmployerKind.ALL:
        raise ServiceError("Choose the kind of organisation from the list.", field="kind")
    if website and not website.startswith(("https://", "http://")):
        raise ServiceError("Give the full address, starting with https://.", field="website")
    existing = accounts.user_by_email(email)
    accounts._check_username_free(username)  # noqa: SLF001 - the register form's own rule, before the email's answer
    if existing is not None:
        burn_time(password)
        send_mail(email, "Someone tried to create an Exchange account with your email",
                  "Somebody (perhaps you) tried to register an employer account with this address, which already "
                  f"has an account.\nTo sign in, or to reset your password, visit {external_url('auth.reset_request')}\n")
        return None
    with transaction():
        user = User(email=email, username=username, display_name=display_name.strip(),
                    password_hash=hash_password(password), role=Role.EMPLOYER, status=Status.PENDING)
        db.session.add(user)
        db.session.flush()
        db.session.add(EmployerProfile(user_id=user.id, organisation=organisation,
                                       organisation_key=organisation_key(organisation), kind=kind,
                                       website=website.strip(), verification=verification.strip()))
    return user


def employer_profile(user: User) -> EmployerProfile | None:
    return db.session.get(EmployerProfile, user.id) if user.is_authenticated else None


def organisations() -> list[tuple[str, str]]:
    """(key, name) of every approved employer organisation, for a member's block list."""
    rows = db.session.execute(
        select(EmployerProfile.organisation_key, EmployerProfile.organisation)
        .join(User, User.id == EmployerProfile.user_id)
        .where(User.status == Status.ACTIVE, User.role == Role.EMPLOYER)
        .order_by(EmployerProfile.organisation)).all()
    return list(dict((key, name) for key, name in rows).items())
