"""Which listed openings fit a member: their expertise (a child tag of it counts), their metro, and what
they told the talent pool they seek. One scored statement; the home page shows the best few.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, exists, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..members.regions import area
from ..models import Opportunity, OpportunityTag, Region, User
from ..taxonomy import tree


def _expertise_subtree(member: User) -> list[int]:
    children = tree.children_by_id(tree.parents_by_id())
    return sorted({i for t in member.expertise for i in tree.subtree(t.id, lambda x: children.get(x, ()))})


def for_member(member: User, *, limit: int = 5, today: date | None = None) -> list[Opportunity]:
    """The best-fitting listed openings, best first; [] when nothing about the member points anywhere."""
    today = today or date.today()
    tag_ids = _expertise_subtree(member)
    talent = member.talent_profile
    levels = talent.sought("level") if talent is not None else []
    kinds = talent.sought("kind") if talent is not None else []
    reasons = []
    if tag_ids:
        reasons.append((exists(select(OpportunityTag.tag_id).where(
            OpportunityTag.opportunity_id == Opportunity.id, OpportunityTag.tag_id.in_(tag_ids))), 2))
    if member.region is not None:
        metro = member.region.parent_id or member.region.id
        reasons.append((Opportunity.region_id.in_(area(metro)), 2))
    if levels:
        reasons.append((Opportunity.level.in_(levels), 1))
    if kinds:
        reasons.append((Opportunity.kind.in_(kinds), 1))
    if not reasons:
        return []
    score = sum((case((condition, weight), else_=0) for condition, weight in reasons), literal(0))
    return list(db.session.scalars(
        select(Opportunity).options(joinedload(Opportunity.region).joinedload(Region.parent),
                                    selectinload(Opportunity.tags))
        .where(Opportunity.listed_sql(today), Opportunity.poster_id != member.id,
               or_(*(condition for condition, _ in reasons)))
        .order_by(score.desc(), Opportunity.published_at.desc(), Opportunity.id.desc()).limit(limit)).unique())
