"""An employer's saved lists of pool members: shortlists kept between visits.

A list is its employer's alone (anyone else is told it does not exist). It only ever shows members
the employer could find in the pool right now: a member who leaves the pool, or blocks the list
owner's organisation, is taken off every such list in the same transaction (``forget``), and one
who is out of sight for another reason (a deletion pending, a suspension) is left out when read.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import EmployerProfile, TalentList, TalentListEntry, User, utcnow
from . import pool


@dataclass
class ListSummary:
    list: TalentList
    members: int


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def _checked_name(employer: User, name: str, *, field: str, renaming: TalentList | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Give the list a name, e.g. “Denver data leads”.", field=field)
    if len(name) > TalentList.MAX_NAME:
        raise ServiceError(f"Keep the name under {TalentList.MAX_NAME} characters.", field=field)
    taken = db.session.scalar(select(TalentList.id).where(TalentList.employer_id == employer.id,
                                                          TalentList.name_key == _key(name)))
    if taken is not None and (renaming is None or taken != renaming.id):
        raise ServiceError(f"You already have a list called “{name}”.", field=field)
    return name


def lists_of(employer: User) -> list[ListSummary]:
    """The employer's lists, newest change first, each with the members it shows (one statement)."""
    shown = (select(TalentListEntry.list_id, func.count().label("n"))
             .where(TalentListEntry.member_id.in_(pool.ids_in_pool(employer))).group_by(TalentListEntry.list_id).subquery())
    rows = db.session.execute(select(TalentList, func.coalesce(shown.c.n, 0))
                              .outerjoin(shown, shown.c.list_id == TalentList.id)
                              .where(TalentList.employer_id == employer.id)
                              .order_by(TalentList.updated_at.desc(), TalentList.id.desc())).all()
    return [ListSummary(*row) for row in rows]


def owned(employer: User, list_id: int) -> TalentList | None:
    return db.session.scalar(select(TalentList).where(TalentList.id == list_id,
                                                      TalentList.employer_id == employer.id))


def _new_list(employer: User, name: str, *, field: str) -> TalentList:
    """A checked new list, added inside the caller's transaction (whose lock makes the checks hold)."""
    name = _checked_name(employer, name, field=field)
    count = db.session.scalar(select(func.count()).select_from(TalentList).where(TalentList.employer_id == employer.id))
    if count >= TalentList.MAX_LISTS:
        raise ServiceError(f"You have {TalentList.MAX_LISTS} lists, the most one account keeps: "
                           "delete one you no longer use first.", field=field)
    saved = TalentList(employer_id=employer.id, name=name, name_key=_key(name))
    db.session.add(saved)
    db.session.flush()
    return saved


def _taken(name: str, field: str) -> ServiceError:
    # PostgreSQL lets two tabs check at once; the unique key refuses the second.
    return ServiceError(f"You already have a list called “{' '.join(name.split())}”.", field=field)


def create(employer: User, name: str, *, field: str = "name") -> TalentList:
    try:
        with transaction():
            saved = _new_list(employer, name, field=field)
    except IntegrityError:
        raise _taken(name, field) from None
    return saved


def rename(employer: User, saved: TalentList, name: str) -> None:
    try:
        with transaction():
            name = _checked_name(employer, name, field="name", renaming=saved)
            saved.name, saved.name_key, saved.updated_at = name, _key(name), utcnow()
    except IntegrityError:
        raise _taken(name, "name") from None


def remove_list(saved: TalentList) -> None:
    with transaction():
        db.session.execute(delete(TalentListEntry).where(TalentListEntry.list_id == saved.id))
        db.session.delete(saved)


def add(employer: User, member: User, *, list_id: int | None = None, new_name: str = "",
        again: bool = True) -> TalentList:
    """Save a pool member to one of the employer's lists, or to a new one named ``new_name``, in one
    transaction. Saving someone already on the list changes nothing (a double click included)."""
    try:
        with transaction():
            if new_name.strip():
                saved = _new_list(employer, new_name, field="new_list")
            else:
                saved = owned(employer, list_id) if list_id else None
                if saved is None:
                    raise ServiceError("Choose one of your lists, or name a new one.", field="list_id")
            if db.session.get(TalentListEntry, (saved.id, member.id)) is None:
                size = db.session.scalar(select(func.count()).select_from(TalentListEntry)
                                         .where(TalentListEntry.list_id == saved.id))
                if size >= TalentList.MAX_MEMBERS:
                    raise ServiceError(f"“{saved.name}” holds {TalentList.MAX_MEMBERS} members, the most a list "
                                       "keeps: start another list.", field="list_id")
                db.session.add(TalentListEntry(list_id=saved.id, member_id=member.id))
            saved.updated_at = utcnow()
    except IntegrityError:
        if not again:
            raise
        # Another request saved the same thing first; once more sees it (and says so for a new list's name).
        return add(employer, member, list_id=list_id, new_name=new_name, again=False)
    return saved


def take_off(saved: TalentList, member_id: int) -> None:
    with transaction():
        db.session.execute(delete(TalentListEntry).where(TalentListEntry.list_id == saved.id,
                                                         TalentListEntry.member_id == member_id))


def members(saved: TalentList, viewer: User) -> list[pool.PoolCard]:
    """The list's members the viewer can find in the pool now, as pool cards, by name."""
    ids = list(db.session.scalars(select(TalentListEntry.member_id).join(User, User.id == TalentListEntry.member_id)
                                  .where(TalentListEntry.list_id == saved.id,
                                         TalentListEntry.member_id.in_(pool.ids_in_pool(viewer)))
                                  .order_by(User.display_name, User.id)))
    return [pool.card_of(m) for m in pool.load_members(ids)]


def for_card(employer: User, member_id: int) -> tuple[list[TalentList], list[TalentList]]:
    """The employer's lists, by name, split into those holding this member and the others (one statement)."""
    entry = (select(TalentListEntry.list_id).where(TalentListEntry.list_id == TalentList.id,
                                                   TalentListEntry.member_id == member_id).exists())
    rows = db.session.execute(select(TalentList, entry).where(TalentList.employer_id == employer.id)
                              .order_by(TalentList.name_key)).all()
    return [saved for saved, on in rows if on], [saved for saved, on in rows if not on]


def names_by_member(employer: User, member_ids: list[int]) -> dict[int, list[str]]:
    """Which of the employer's lists hold each of these members (a pool page's cards), by name."""
    if not member_ids:
        return {}
    found: dict[int, list[str]] = {}
    for member_id, name in db.session.execute(
            select(TalentListEntry.member_id, TalentList.name).join(TalentList, TalentList.id == TalentListEntry.list_id)
            .where(TalentList.employer_id == employer.id, TalentListEntry.member_id.in_(member_ids))
            .order_by(TalentList.name_key)):
        found.setdefault(member_id, []).append(name)
    return found


def forget(member_id: int, *, organisation_key: str | None = None) -> None:
    """Take a member off every saved list (they left the pool), or off the lists of one organisation's
    employer accounts (they blocked it). Runs inside the caller's transaction."""
    lists = select(TalentList.id)
    if organisation_key is not None:
        lists = lists.join(EmployerProfile, EmployerProfile.user_id == TalentList.employer_id).where(
            EmployerProfile.organisation_key == organisation_key)
    db.session.execute(delete(TalentListEntry).where(TalentListEntry.member_id == member_id,
                                                     TalentListEntry.list_id.in_(lists)))


def export_rows(employer: User) -> list[dict]:
    """The employer's lists for their data export: names and the usernames still in the pool."""
    return [{"name": s.list.name, "created": s.list.created_at.isoformat() + "Z",
             "members": [c.username for c in members(s.list, employer)]} for s in lists_of(employer)]

