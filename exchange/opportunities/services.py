"""Openings: posting one (through the posting policy), its lifecycle, moderation, expiry.

Every change goes through here and owns its transaction; a moderator's action writes its log row
in the same transaction. Applications live in opportunities/applications.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select, update

from .. import posting
from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..markup import render_markdown
from ..moderation.log import checked_reason, log_moderation, moderator_edit
from ..models import Opportunity, OpportunityFlag, OpportunityTag, Sector, Seeking, Tag, User, utcnow
from ..permissions import can_manage_opportunity, can_moderate_opportunities
from .. import events

SALARY_CEILING = 10_000_000      # whole dollars a year; anything above is a typo
LONGEST_OPEN_DAYS = 365
TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 20_000
FLAG_REASONS = {"spam": "Spam or a scam", "misleading": "Misleading or not a real opening",
                "inappropriate": "Inappropriate", "needs_review": "Needs a moderator's review"}


@dataclass
class OpeningInput:
    title: str
    organisation: str
    kind: str
    level: str
    sector: str
    region_id: int | None
    remote: bool
    salary_min: int | None
    salary_max: int | None
    closes_on: date | None
    body: str
    apply_url: str = ""
    tags: list[Tag] = field(default_factory=list)


def check(data: OpeningInput, *, today: date, was_listed: bool = False) -> None:
    """Every rule an opening's fields follow, each refusal naming its field (forms check shapes only)."""
    if data.kind not in Seeking.KINDS:
        raise ServiceError("Choose what kind of opening this is.", field="kind")
    if data.level not in Seeking.LEVELS:
        raise ServiceError("Choose the level of the role.", field="level")
    if data.sector not in Sector.ALL:
        raise ServiceError("Choose the sector of the organisation.", field="sector")
    if data.region_id is None and not data.remote:
        raise ServiceError("Choose a region, or tick “Remote” if it can be done from anywhere.", field="region")
    for name, value in (("salary_min", data.salary_min), ("salary_max", data.salary_max)):
        if value is not None and not 0 < value <= SALARY_CEILING:
            raise ServiceError(f"Give the salary in whole dollars a year, up to {SALARY_CEILING:,}.", field=name)
    if data.kind in Opportunity.PAID_KINDS and (data.salary_min is None or data.salary_max is None):
        missing = "salary_min" if data.salary_min is None else "salary_max"
        raise ServiceError("A paid role states its salary range: both the minimum and the maximum, "
                           "in whole dollars a year.", field=missing)
    if data.salary_min is not None and data.salary_max is not None and data.salary_min > data.salary_max:
        raise ServiceError(f"The minimum (${data.salary_min:,}) is above the maximum (${data.salary_max:,}).",
                           field="salary_max")
    if data.closes_on is None:
        raise ServiceError("Give a closing date: the opening leaves the board the day after it.", field="closes_on")
    if data.closes_on < today and not was_listed:
        raise ServiceError("The closing date has passed; choose today or a later day.", field="closes_on")
    if data.closes_on > today + timedelta(days=LONGEST_OPEN_DAYS):
        raise ServiceError(f"An opening stays on the board at most {LONGEST_OPEN_DAYS} days; choose an earlier "
                           "closing date.", field="closes_on")
    if data.apply_url and not data.apply_url.lower().startswith("https://"):
        raise ServiceError("The application link must start with https:// (or leave it empty to take "
                           "applications in Exchange).", field="apply_url")


def _apply(opening: Opportunity, data: OpeningInput) -> None:
    opening.title, opening.organisation = data.title.strip(), data.organisation.strip()
    opening.kind, opening.level, opening.sector = data.kind, data.level, data.sector
    opening.region_id, opening.remote = data.region_id, data.remote
    opening.salary_min, opening.salary_max = data.salary_min, data.salary_max
    opening.closes_on, opening.apply_url = data.closes_on, data.apply_url.strip()
    opening.body_source, opening.body_html = data.body, render_markdown(data.body, mentions=False)
    db.session.flush()  # a new opening gets its id
    db.session.execute(OpportunityTag.__table__.delete().where(OpportunityTag.opportunity_id == opening.id))
    for tag in {t.id: t for t in data.tags}.values():
        db.session.add(OpportunityTag(opportunity_id=opening.id, tag_id=tag.id))


def _go_live(opening: Opportunity, verdict: posting.Verdict) -> None:
    if verdict.held:
        opening.status, opening.held_reason = Opportunity.HELD, verdict.reason[:200]
    else:
        opening.status, opening.held_reason = Opportunity.OPEN, ""
        opening.published_at = utcnow()
    events.opportunities_changed(opening.id)


def create(*, poster: User, data: OpeningInput, publish: bool, today: date | None = None) -> Opportunity:
    """An opening, as a draft (its poster alone sees it) or, with ``publish``, as the posting policy
    decides: open, held for a moderator, or refused (``posting.Refused``, nothing written)."""
    check(data, today=today or date.today())
    verdict = posting.decide_or_refuse("opportunity", poster) if publish else None
    with transaction():
        opening = Opportunity(poster_id=poster.id, status=Opportunity.DRAFT, created_at=utcnow())
        db.session.add(opening)
        _apply(opening, data)
        if verdict is not None:
            _go_live(opening, verdict)
    return opening


def update_opening(*, opening: Opportunity, editor: User, data: OpeningInput, reason: str = "",
                   publish: bool = False, today: date | None = None) -> Opportunity:
    """Save an edit; a moderator editing someone else's opening says why, and it is logged."""
    check(data, today=today or date.today(), was_listed=opening.published_at is not None)
    reason = moderator_edit(editor, opening.poster_id, reason)
    verdict = (posting.decide_or_refuse("opportunity", opening.poster)
               if publish and opening.status == Opportunity.DRAFT else None)
    with transaction():
        _apply(opening, data)
        opening.edited_at = utcnow()
        if reason:
            opening.edit_reason = reason
            log_moderation(editor, "edit opportunity", opening, label=opening.title, reason=reason)
        if verdict is not None:
            _go_live(opening, verdict)
        events.opportunities_changed(opening.id)
    return opening


def end(*, opening: Opportunity, actor: User, outcome: str) -> Opportunity:
    """The poster (or a moderator) closes an opening or marks it filled; it leaves the board, its page stays."""
    if outcome not in (Opportunity.CLOSED, Opportunity.FILLED):
        raise ServiceError("Close the opening or mark it filled.")
    if not can_manage_opportunity(actor, opening):
        raise ServiceError("Only the person who posted this opening, or a moderator, can close it.")
    if opening.status not in (Opportunity.OPEN, Opportunity.EXPIRED, Opportunity.CLOSED):
        raise ServiceError("Only a published opening can be closed or marked filled.")
    with transaction():
        opening.status, opening.ended_at = outcome, utcnow()
        if actor.id != opening.poster_id:
            log_moderation(actor, f"mark opportunity {outcome}", opening, label=opening.title)
        events.opportunities_changed(opening.id)
    return opening


def reopen(*, opening: Opportunity, actor: User, today: date | None = None) -> Opportunity:
    """A closed opening (not a filled one) goes back on the board until its closing date."""
    today = today or date.today()
    if not can_manage_opportunity(actor, opening):
        raise ServiceError("Only the person who posted this opening, or a moderator, can reopen it.")
    if opening.status != Opportunity.CLOSED:
        raise ServiceError("Only a closed opening can be reopened.")
    if opening.closes_on < today:
        raise ServiceError("Its closing date has passed: edit the closing date first.", field="closes_on")
    with transaction():
        opening.status, opening.ended_at = Opportunity.OPEN, None
        events.opportunities_changed(opening.id)
    return opening


def publish_draft(*, opening: Opportunity, actor: User, today: date | None = None) -> Opportunity:
    if opening.status != Opportunity.DRAFT or actor.id != opening.poster_id:
        raise ServiceError("Only its poster publishes a draft.")
    if opening.closes_on < (today or date.today()):
        raise ServiceError("The closing date has passed; choose today or a later day.", field="closes_on")
    verdict = posting.decide_or_refuse("opportunity", actor)
    with transaction():
        _go_live(opening, verdict)
    return opening


# --- moderation ------------------------------------------------------------------------------

def _require_moderator(actor: User) -> None:
    if not can_moderate_opportunities(actor):
        raise ServiceError("Only a moderator of the whole network can do that to an opening.")


def _resolve_flags(opening: Opportunity) -> None:
    db.session.execute(update(OpportunityFlag).where(OpportunityFlag.opportunity_id == opening.id,
                                                     OpportunityFlag.resolved_at.is_(None))
                       .values(resolved_at=utcnow()))


def approve(*, opening: Opportunity, moderator: User) -> Opportunity:
    _require_moderator(moderator)
    if opening.status != Opportunity.HELD:
        raise ServiceError("This opening is not waiting for review.")
    with transaction():
        opening.status, opening.held_reason, opening.published_at = Opportunity.OPEN, "", utcnow()
        log_moderation(moderator, "approve opportunity", opening, label=opening.title)
        events.opportunities_changed(opening.id)
    return opening


def reject(*, opening: Opportunity, moderator: User, reason: str) -> Opportunity:
    """A held opening goes back to its poster as a draft, with the reason beside it."""
    _require_moderator(moderator)
    reason = checked_reason(reason, required="Say why: the poster reads it.")
    if opening.status != Opportunity.HELD:
        raise ServiceError("This opening is not waiting for review.")
    with transaction():
        opening.status, opening.held_reason = Opportunity.DRAFT, f"Not approved: {reason}"[:200]
        log_moderation(moderator, "reject opportunity", opening, label=opening.title, reason=reason)
    return opening


def hide(*, opening: Opportunity, moderator: User, reason: str) -> Opportunity:
    _require_moderator(moderator)
    reason = checked_reason(reason, required="Say why you are hiding this opening: its poster reads it.")
    with transaction():
        opening.hidden_at, opening.hidden_reason = utcnow(), reason
        _resolve_flags(opening)
        log_moderation(moderator, "hide opportunity", opening, label=opening.title, reason=reason)
        events.opportunities_changed(opening.id)
    return opening


def unhide(*, opening: Opportunity, moderator: User) -> Opportunity:
    _require_moderator(moderator)
    with transaction():
        opening.hidden_at, opening.hidden_reason = None, ""
        log_moderation(moderator, "show opportunity", opening, label=opening.title)
        events.opportunities_changed(opening.id)
    return opening


def flag(*, opening: Opportunity, member: User, reason: str, note: str = "") -> bool:
    """A member asks the moderators to look; False when they had already flagged it."""
    if reason not in FLAG_REASONS:
        raise ServiceError("Choose why this opening needs a moderator.", field="reason")
    if len(note or "") > 500:
        raise ServiceError("Keep the note under 500 characters.", field="note")
    if member.id == opening.poster_id:
        raise ServiceError("You posted this opening: edit or close it instead.")
    with transaction():
        exists = db.session.scalar(select(OpportunityFlag.id).where(
            OpportunityFlag.opportunity_id == opening.id, OpportunityFlag.flagger_id == member.id))
        if exists:
            return False
        db.session.add(OpportunityFlag(opportunity_id=opening.id, flagger_id=member.id, reason=reason,
                                       note=(note or "").strip()))
    return True


def dismiss_flags(*, opening: Opportunity, moderator: User) -> None:
    _require_moderator(moderator)
    with transaction():
        _resolve_flags(opening)
        log_moderation(moderator, "dismiss opportunity flags", opening, label=opening.title)


def held_openings() -> list[Opportunity]:
    return list(db.session.scalars(select(Opportunity).where(Opportunity.status == Opportunity.HELD)
                                   .order_by(Opportunity.created_at)))


def flagged_openings() -> list[tuple[Opportunity, list[OpportunityFlag]]]:
    flags = db.session.scalars(select(OpportunityFlag).where(OpportunityFlag.resolved_at.is_(None))
                               .order_by(OpportunityFlag.created_at)).all()
    grouped: dict[int, tuple[Opportunity, list[OpportunityFlag]]] = {}
    for f in flags:
        grouped.setdefault(f.opportunity_id, (f.opportunity, []))[1].append(f)
    return list(grouped.values())


# --- expiry ----------------------------------------------------------------------------------

def expire_past_closing(today: date | None = None) -> int:
    """Mark every open opening whose closing date has passed as expired; returns how many.

    Listing already stops at the closing date (``listed_sql``); this makes the status say so and
    takes the opening out of the search index. Run by the worker and by ``flask opportunities sweep``.
    """
    today = today or date.today()
    with transaction():
        ids = list(db.session.scalars(select(Opportunity.id).where(
            Opportunity.status == Opportunity.OPEN, Opportunity.closes_on < today)))
        if ids:
            db.session.execute(update(Opportunity).where(Opportunity.id.in_(ids))
                               .values(status=Opportunity.EXPIRED, ended_at=utcnow()))
            events.opportunities_changed(*ids)
    return len(ids)


# --- reading ---------------------------------------------------------------------------------

def get(opening_id: int | None) -> Opportunity | None:
    return db.session.get(Opportunity, opening_id) if opening_id else None


def mine(user: User) -> list[Opportunity]:
    return list(db.session.scalars(select(Opportunity).where(Opportunity.poster_id == user.id)
                                   .order_by(Opportunity.created_at.desc())))


def in_region(region_ids: list[int], *, limit: int = 8, today: date | None = None) -> list[Opportunity]:
    """The listed openings of a region's area, soonest closing first (a region page shows them)."""
    return list(db.session.scalars(select(Opportunity).where(
        Opportunity.listed_sql(today or date.today()), Opportunity.region_id.in_(region_ids))
        .order_by(Opportunity.closes_on, Opportunity.id).limit(limit)))


def feed_entries(*, limit: int = 50, today: date | None = None) -> list[Opportunity]:
    return list(db.session.scalars(select(Opportunity).where(Opportunity.listed_sql(today or date.today()))
                                   .order_by(Opportunity.published_at.desc(), Opportunity.id.desc()).limit(limit)))
