"""Reading the moderation log: what /mod/log lists, narrowed by its filters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ModerationLog, User


@dataclass(frozen=True)
class LogFilters:
    """What /mod/log narrows to; every field optional and combinable."""
    action: str = ""
    actor: str = ""            # a username, or "system" for automatic actions
    target_type: str = ""      # post, thread, user, tag, collection…
    target_id: int | None = None
    after: date | None = None  # inclusive days
    before: date | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for the pager's links)."""
        values = {"action": self.action, "who": self.actor, "target": self.target_type,
                  "id": self.target_id, "after": self.after, "before": self.before}
        return {k: str(v) for k, v in values.items() if v}


def moderation_log(filters: LogFilters = LogFilters(), *, page: int = 1,
                   per_page: int = 50) -> tuple[list[ModerationLog], bool]:
    query = (select(ModerationLog).options(joinedload(ModerationLog.actor))
             .order_by(ModerationLog.id.desc()).offset((page - 1) * per_page).limit(per_page + 1))
    if filters.action:
        query = query.where(ModerationLog.action == filters.action)
    if filters.actor == "system":
        query = query.where(ModerationLog.actor_id.is_(None))
    elif filters.actor:
        query = query.join(ModerationLog.actor).where(func.lower(User.username) == filters.actor.lower())
    if filters.target_type:
        query = query.where(ModerationLog.target_type == filters.target_type)
    if filters.target_id:
        query = query.where(ModerationLog.target_id == filters.target_id)
    if filters.after:
        query = query.where(ModerationLog.created_at >= datetime.combine(filters.after, time.min))
    if filters.before:
        query = query.where(ModerationLog.created_at < datetime.combine(filters.before + timedelta(days=1), time.min))
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page


def log_target_types() -> list[str]:
    return list(db.session.scalars(select(ModerationLog.target_type).distinct().order_by(ModerationLog.target_type)))


def log_actions() -> list[str]:
    return list(db.session.scalars(select(ModerationLog.action).distinct().order_by(ModerationLog.action)))
