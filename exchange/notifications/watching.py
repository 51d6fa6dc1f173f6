"""Watching levels on threads, categories, tags and regions: what a member set, and what follows.

No row means *normal*. A member's own thread starts *watching* and a thread they reply to
*tracking* (notifications/listeners.py), unless their settings say otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import contains_eager

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Affiliation, Category, Level, Region, Tag, Thread, User, Watch
from ..permissions import can_view_thread

TARGETS = {"thread": Thread, "category": Category, "tag": Tag, "region": Region}


# Built once and run on the connection: a page's one small read, without the ORM's per-statement work.
_LEVEL = select(Watch.level).where(Watch.user_id == bindparam("user_id"), Watch.target_type == bindparam("target_type"),
                                   Watch.target_id == bindparam("target_id"))
_LEVEL_AND_AFFILIATIONS = (
    select(User, _LEVEL.correlate(None).scalar_subquery())
    .outerjoin(User.affiliations).options(contains_eager(User.affiliations))
    .where(User.id == bindparam("user_id")).order_by(Affiliation.cohort_year)
    .execution_options(populate_existing=True))


def level_of(user: User, target_type: str, target_id: int) -> str:
    """The member's level (on the connection: rows added but not yet flushed are not seen)."""
    found = db.session.connection().execute(
        _LEVEL, {"user_id": user.id, "target_type": target_type, "target_id": target_id}).scalar()
    return found or Level.NORMAL


def level_and_affiliations_of(user: User, target_type: str, target_id: int) -> str:
    """The member's level, read with their affiliations (loaded onto ``user``): for a directory page,
    whose audience needs them next and which has no statement to spare."""
    rows = db.session.execute(_LEVEL_AND_AFFILIATIONS, {"user_id": user.id, "target_type": target_type,
                                                        "target_id": target_id}).unique().all()
    return (rows[0][1] if rows else None) or Level.NORMAL


def set_level(*, user: User, target_type: str, target_id: int, level: str) -> str:
    if target_type not in TARGETS:
        raise ServiceError("You can watch threads, categories, tags and regions.")
    if level not in Level.ALL:
        raise ServiceError("Choose watching, tracking, normal or muted.", field="level")
    with transaction():
        db.session.execute(delete(Watch).where(Watch.user_id == user.id, Watch.target_type == target_type,
                                               Watch.target_id == target_id))
        if level != Level.NORMAL:
            db.session.add(Watch(user_id=user.id, target_type=target_type, target_id=target_id, level=level))
    return level


@dataclass
class WatchRow:
    target_type: str
    target_id: int
    level: str
    label: str
    url_args: dict


def watches_of(user: User) -> list[WatchRow]:
    """Everything the member watches, tracks or mutes, named, for the settings page."""
    rows = db.session.execute(select(Watch.target_type, Watch.target_id, Watch.level)
                              .where(Watch.user_id == user.id).order_by(Watch.target_type, Watch.created_at)).all()
    names: dict[tuple[str, int], tuple[str, dict]] = {}
    for target_type, model in TARGETS.items():
        ids = [i for t, i, _ in rows if t == target_type]
        if not ids:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            label = obj.title if target_type == "thread" else obj.name
            args = {"thread_id": obj.id} if target_type == "thread" else {"slug": obj.slug}
            names[(target_type, obj.id)] = (label, args)
    return [WatchRow(t, i, level, *names[(t, i)]) for t, i, level in rows if (t, i) in names]


def muted_ids(user_id: int) -> dict[str, set[int]]:
    """What the member muted, by kind of target (lists leave these out for them)."""
    muted: dict[str, set[int]] = {t: set() for t in TARGETS}
    for target_type, target_id in db.session.execute(select(Watch.target_type, Watch.target_id).where(
            Watch.user_id == user_id, Watch.level == Level.MUTED)):
        muted[target_type].add(target_id)
    return muted


def find_target(user: User, target_type: str, target_id: int):
    """The thread, category, tag or region to watch, if it exists and the member may read it."""
    model = TARGETS.get(target_type)
    target = db.session.get(model, target_id) if model else None
    if target_type == "thread" and target is not None and not can_view_thread(user, target):
        return None
    return target
