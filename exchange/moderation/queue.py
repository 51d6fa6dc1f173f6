"""How much awaits a moderator: the count in the header."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..fragments import cached
from ..models import Flag, Opportunity, OpportunityFlag, Post, Status, TagProposal, Thread, User
from .refresh import stale_count


def queue_count(scope: frozenset[int] | None = None) -> int:
    """Everything awaiting this moderator (for the header): cached per scope until anything changes.

    A scoped moderator counts flags and held posts in their categories; the site-wide items
    (registrations, tag proposals, openings to review or flagged, practices to refresh) are for
    unscoped moderators.
    """
    def in_scope(query):
        if scope is None:
            return query
        return query.where(Post.thread_id.in_(select(Thread.id).where(Thread.category_id.in_(scope))))

    def count() -> int:
        flagged = in_scope(select(func.count(func.distinct(Flag.post_id))).join(Flag.post)
                           .where(Flag.resolved_at.is_(None))).scalar_subquery()
        held = in_scope(select(func.count()).select_from(Post)
                        .where(Post.not_shown_sql(), Post.review == Post.HELD)).scalar_subquery()
        total = flagged + held
        if scope is None:
            pending = select(func.count()).select_from(User).where(User.status == Status.PENDING).scalar_subquery()
            proposals = (select(func.count()).select_from(TagProposal)
                         .where(TagProposal.status == TagProposal.PENDING).scalar_subquery())
            openings = (select(func.count()).select_from(Opportunity)
                        .where(Opportunity.status == Opportunity.HELD).scalar_subquery())
            flagged_openings = (select(func.count(func.distinct(OpportunityFlag.opportunity_id)))
                                .where(OpportunityFlag.resolved_at.is_(None)).scalar_subquery())
            total = total + pending + proposals + openings + flagged_openings + stale_count()
        return db.session.scalar(select(total)) or 0

    return cached("moderation-queue-count", ",".join(map(str, sorted(scope))) if scope else "all",
                  compute=count)  # not timeless: practices go stale with time alone
