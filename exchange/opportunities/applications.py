"""Applying in Exchange: a note and the profile fields the member chose to send, moved by the poster
through received → in conversation → closed.

An application keeps a copy of what was sent, as an email would: changing the profile later does not
change what the poster received, and a field the member did not tick is never in it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..models import Application, Opportunity, Sector, User, utcnow
from ..permissions import can_apply, can_move_application

NOTE_MAX = 2_000
FIELD_LABELS = {"headline": "Role", "organisation": "Organisation", "sector": "Sector", "region": "Region",
                "affiliations": "Programs", "expertise": "Expertise", "bio": "About", "email": "Email"}


def _snapshot(member: User, fields: list[str]) -> dict[str, str]:
    values = {
        "headline": lambda: member.headline or "",
        "organisation": lambda: member.organisation or "",
        "sector": lambda: Sector.LABELS.get(member.sector or "", ""),
        "region": lambda: member.region.name if member.region else "",
        "affiliations": lambda: "; ".join(f"{a.program.name} {a.cohort_year or ''}".strip()
                                          for a in member.affiliations),
        "expertise": lambda: ", ".join(t.name for t in member.expertise),
        "bio": lambda: member.bio_source or "",
        "email": lambda: member.email,
    }
    return {f: values[f]() for f in Application.SHAREABLE if f in fields and values[f]()}


def apply(*, opening: Opportunity, member: User, note: str, fields: list[str], today: date | None = None) -> Application:
    if not can_apply(member, opening, today or date.today()):
        raise ServiceError("This opening does not take applications in Exchange now.")
    note = (note or "").strip()
    if not note:
        raise ServiceError("Write a short note: why this opening, and why you.", field="note")
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note under {NOTE_MAX:,} characters (it has {len(note):,}).", field="note")
    unknown = [f for f in fields if f not in Application.SHAREABLE]
    if unknown:
        raise ServiceError("Choose fields from the list.", field="fields")
    with transaction():
        if db.session.scalar(select(Application.id).where(Application.opportunity_id == opening.id,
                                                          Application.applicant_id == member.id)):
            raise ServiceError("You have applied to this opening already; /opportunities/mine shows its status.")
        application = Application(opportunity_id=opening.id, applicant_id=member.id, note=note,
                                  shared=_snapshot(member, fields))
        db.session.add(application)
    send_mail(to=opening.poster.email, subject=f"A new application: {opening.title}",
              body=f"{member.display_name} applied to “{opening.title}” on Exchange. Read the application "
                   "on the opening's applicants page.")
    return application


def move(*, application: Application, actor: User, status: str) -> Application:
    if status not in Application.STATUSES:
        raise ServiceError("Choose received, in conversation or closed.", field="status")
    if not can_move_application(actor, application):
        raise ServiceError("Only the person who posted this opening, or a moderator, moves its applications.")
    with transaction():
        application.status, application.updated_at = status, utcnow()
    return application


def for_opening(opening: Opportunity) -> list[Application]:
    return list(db.session.scalars(select(Application).options(joinedload(Application.applicant))
                                   .where(Application.opportunity_id == opening.id).order_by(Application.created_at)))


def of_member(member: User) -> list[Application]:
    return list(db.session.scalars(select(Application).options(joinedload(Application.opportunity))
                                   .where(Application.applicant_id == member.id)
                                   .order_by(Application.created_at.desc())))


def has_applied(member: User, opening: Opportunity) -> bool:
    return db.session.scalar(select(Application.id).where(Application.opportunity_id == opening.id,
                                                          Application.applicant_id == member.id)) is not None


def get(application_id: int | None) -> Application | None:
    return db.session.get(Application, application_id) if application_id else None
