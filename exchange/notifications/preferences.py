"""How a member wants to hear: email per kind (at once, in the digest, never), the digest's rhythm,
and whether starting or replying to a thread watches or tracks it."""
from __future__ import annotations

from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Delivery, Kind, MemberPreference, NotificationSetting, User


def deliveries(user: User) -> dict[str, str]:
    chosen = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.delivery)
                                     .where(NotificationSetting.user_id == user.id)).all())
    return {kind: chosen.get(kind, Delivery.default(kind)) for kind in Kind.ALL}


def member_preference(user_id: int) -> MemberPreference:
    return db.session.get(MemberPreference, user_id) or MemberPreference(
        user_id=user_id, digest="weekly", auto_watch_started=True, auto_track_replied=True)


def set_digest_in_transaction(user_id: int, digest: str) -> None:
    prefs = db.session.get(MemberPreference, user_id)
    if prefs is None:
        db.session.add(MemberPreference(user_id=user_id, digest=digest, auto_watch_started=True,
                                        auto_track_replied=True))
    else:
        prefs.digest = digest


def save(*, user: User, deliveries: dict[str, str], digest: str, auto_watch_started: bool,
         auto_track_replied: bool) -> None:
    if any(kind not in Kind.ALL or value not in Delivery.ALL for kind, value in deliveries.items()):
        raise ServiceError("Choose email at once, in my digest or never for each kind.")
    if digest not in MemberPreference.DIGEST_PERIODS:
        raise ServiceError("Choose weekly, daily or never for the digest.", field="digest")
    with transaction():
        existing = {row.kind: row for row in db.session.scalars(
            select(NotificationSetting).where(NotificationSetting.user_id == user.id))}
        for kind, value in deliveries.items():
            if kind in existing:
                existing[kind].delivery = value
            else:
                db.session.add(NotificationSetting(user_id=user.id, kind=kind, delivery=value))
        set_digest_in_transaction(user.id, digest)
        prefs = db.session.get(MemberPreference, user.id)
        db.session.flush()
        prefs = prefs or db.session.get(MemberPreference, user.id)
        prefs.auto_watch_started, prefs.auto_track_replied = auto_watch_started, auto_track_replied
