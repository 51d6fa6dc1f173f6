"""A member's place in the pool, and what employers do there: views recorded, blocks, contact requests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import flood
from .. import events
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..mail import send_mail
from ..members.services import MESSAGE_MIN
from ..models import (ContactRequest, EmployerProfile, Region, Sector, Seeking, TalentBlock, TalentProfile,
                      TalentView, TalentWish, User, utcnow)
from ..models.talent import SHAREABLE, organisation_key
from . import lists

NOTE_MAX = 280


@dataclass
class TalentInput:
    is_open: bool = False
    kinds: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    remote: bool = False
    available_from: date | None = None
    note: str = ""
    shares: dict[str, bool] = field(default_factory=dict)


def metros() -> list[tuple[int, str]]:
    return [tuple(r) for r in db.session.execute(select(Region.id, Region.name).where(Region.parent_id.is_(None))
                                                 .order_by(Region.name))]


def talent_profile(member: User) -> TalentProfile:
    """The member's pool settings; a fresh (closed, nothing shared) one when they never opened them."""
    return db.session.get(TalentProfile, member.id) or TalentProfile(user_id=member.id, is_open=False)


def save_talent(member: User, data: TalentInput) -> TalentProfile:
    """Join, change or leave the pool. Leaving takes effect at once: the pool reads ``is_open`` live."""
    if any(k not in Seeking.KINDS for k in data.kinds) or any(v not in Seeking.LEVELS for v in data.levels):
        raise ServiceError("Choose what you are looking for from the lists.")
    if any(s not in Sector.ALL for s in data.sectors):
        raise ServiceError("Choose sectors from the list.", field="sectors")
    if len(data.note.strip()) > NOTE_MAX:
        raise ServiceError(f"Keep it under {NOTE_MAX} characters.", field="note")
    with transaction():
        talent = db.session.get(TalentProfile, member.id)
        if talent is None:
            talent = TalentProfile(user_id=member.id)
            db.session.add(talent)
        if data.is_open and not talent.is_open:
            talent.joined_at = utcnow()
        if not data.is_open:
            lists.forget(member.id)
        talent.is_open = data.is_open
        talent.remote = data.remote
        talent.available_from = data.available_from
        talent.note = data.note.strip()
        for name in SHAREABLE:
            setattr(talent, f"share_{name}", bool(data.shares.get(name)))
        wanted = ([(TalentWish.KIND, k) for k in dict.fromkeys(data.kinds)]
                  + [(TalentWish.LEVEL, v) for v in dict.fromkeys(data.levels)]
                  + [(TalentWish.SECTOR, s) for s in dict.fromkeys(data.sectors)])
        kept = [w for w in talent.wishes if (w.what, w.value) in wanted]
        talent.wishes = kept + [TalentWish(what=what, value=value) for what, value in wanted
                                if (what, value) not in {(w.what, w.value) for w in kept}]
        talent.regions = list(db.session.scalars(select(Region).where(Region.id.in_(data.region_ids)))) \
            if data.region_ids else []
        talent.updated_at = utcnow()
    return talent


# --- who looked ------------------------------------------------------------------------------

def record_view(*, employer_id: int, member_id: int) -> None:
    """One row per employer, member and day: a second look the same day only moves its time.

    Written on a connection of its own, outside the ORM session: a view is not content, so it
    must not bump the fragment cache's version (fragments.py) and throw every cached page away.
    """
    now = utcnow()
    today = now.date()
    table = TalentView.__table__
    try:
        with db.engine.begin() as connection:
            moved = connection.execute(update(table).where(
                table.c.employer_id == employer_id, table.c.member_id == member_id, table.c.day == today)
                .values(viewed_at=now))
            if moved.rowcount == 0:
                connection.execute(insert(table).values(employer_id=employer_id, member_id=member_id, day=today,
                                                        viewed_at=now))
    except IntegrityError:  # the same employer's other tab recorded today's row first
        pass


@dataclass
class Viewer:
    organisation: str
    last_viewed: datetime
    views: int


def viewers(member: User, *, limit: int = 20) -> list[Viewer]:
    """The organisations whose employers opened the member's card, latest first (one statement)."""
    rows = db.session.execute(
        select(EmployerProfile.organisation, func.max(TalentView.viewed_at), func.count())
        .join(EmployerProfile, EmployerProfile.user_id == TalentView.employer_id)
        .where(TalentView.member_id == member.id).group_by(EmployerProfile.organisation)
        .order_by(func.max(TalentView.viewed_at).desc()).limit(limit)).all()
    return [Viewer(*row) for row in rows]


# --- blocking an organisation -----------------------------------------------------------------

def blocks(member: User) -> list[TalentBlock]:
    return list(db.session.scalars(select(TalentBlock).where(TalentBlock.member_id == member.id)
                                   .order_by(TalentBlock.organisation)))


def block(member: User, organisation: str) -> None:
    key = organisation_key(organisation)
    if not key:
        raise ServiceError("Choose an organisation to block.", field="organisation")
    with transaction():
        if db.session.get(TalentBlock, (member.id, key)) is None:
            db.session.add(TalentBlock(member_id=member.id, organisation_key=key, organisation=organisation.strip()))
        lists.forget(member.id, organisation_key=key)


def unblock(member: User, key: str) -> None:
    with transaction():
        found = db.session.get(TalentBlock, (member.id, key))
        if found is not None:
            db.session.delete(found)


# --- an employer writes to a pool member ------------------------------------------------------

def contact_member(*, employer: User, member: User, message: str) -> ContactRequest:
    """A contact request from an employer, under the employer's own flood limit; it lands in the
    member's inbox and email like any other, with the organisation named."""
    message = message.strip()
    if len(message) < MESSAGE_MIN:
        raise ServiceError(f"Say a little more ({MESSAGE_MIN} characters at least): the role, and why them.",
                           field="message")
    if len(message) > ContactRequest.MAX_MESSAGE:
        raise ServiceError(f"Keep it under {ContactRequest.MAX_MESSAGE:,} characters.", field="message")
    if not flood.hit("employer_contact", employer):
        raise ServiceError(flood.refusal("employer_contact", employer), field="message")
    profile = db.session.get(EmployerProfile, employer.id)
    organisation = profile.organisation if profile else employer.display_name
    with transaction():
        request = ContactRequest(sender_id=employer.id, recipient_id=member.id, offer="opportunities",
                                 message=message)
        db.session.add(request)
        events.contact_sent(sender_id=employer.id, recipient_id=member.id)
    base = current_app.config["BASE_URL"].rstrip("/")
    send_mail(member.email, f"{organisation} would like to talk about an opportunity",
              f"{employer.display_name} of {organisation} found you in the Exchange talent pool and wrote:\n\n"
              f"{message}\n\n"
              f"Your inbox: {base}{url_for('members.inbox')}\n"
              f"Your pool settings (leave the pool, or block an organisation): "
              f"{base}{url_for('talent.settings', username=member.username)}\n\n"
              "Reply to this email to answer them directly: it goes to their address.\n",
              reply_to=employer.email)
    return request
