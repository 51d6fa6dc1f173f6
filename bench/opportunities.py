"""Openings for the pages dataset (`--opportunities`, default 10,000), bulk-inserted beside the threads.

Realistic shape: about 60 % listed (open, closing in the next four months), a quarter expired,
the rest closed or filled, a few held or hidden; every kind and level, salary ranges on paid
kinds, one to three topic or role tags each, most openings in a metro or one of its cities and
about 12 % remote. The board's pages are driven like the other pages (`PAGES`).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from typing import Callable

from sqlalchemy import func, insert, select

from exchange.markup import render_markdown
from exchange.models import Opportunity, OpportunityTag, Region, Sector, Seeking, Tag, TagGroup, utcnow

PAGES = {
    "opportunities": "/opportunities",
    "opportunities_filtered": "/opportunities?kind=full_time&level=director&region=metro-3&tag=data-and-analytics",
    "opportunities_city_salary": "/opportunities?region=city-5-1&salary=100000&closing=30&sort=closing",
    "opportunities_text": "/opportunities?q=data&sector=district&page=3",
}
ROLES = ["Chief Academic Officer", "Director of Data Strategy", "Senior Data Analyst", "Director of Talent",
         "Principal Supervisor", "Budget Director", "Research Manager", "Policy Analyst", "Data Coordinator",
         "Family Engagement Coordinator", "Teacher Residency Manager", "Enrollment Forecasting Analyst",
         "Chief of Staff", "Attendance Strategy Manager", "Federal Programs Manager", "Operations Associate"]
ORGANISATIONS = ["Public Schools", "Unified School District", "Charter Network", "Department of Education",
                 "Education Fund", "Schools Collaborative"]
PAY = {"executive": 170_000, "director": 120_000, "manager": 85_000, "analyst": 62_000, "entry": 46_000}
# (status, share): what became of the openings.
OUTCOMES = [(Opportunity.OPEN, 0.60), (Opportunity.EXPIRED, 0.25), (Opportunity.CLOSED, 0.07),
            (Opportunity.FILLED, 0.06), (Opportunity.HELD, 0.01), (Opportunity.DRAFT, 0.01)]


def ensure_cities(conn) -> list[int]:
    """Two cities in each of the 20 metros (the directory dataset's shape), added once; their ids."""
    existing = [row[0] for row in conn.execute(select(Region.id).where(Region.parent_id.is_not(None)))]
    if existing:
        return existing
    start = conn.execute(select(func.max(Region.id))).scalar() or 0
    metros = [row[0] for row in conn.execute(select(Region.id).where(Region.parent_id.is_(None)).order_by(Region.id))]
    rows = [{"id": start + 1 + i * 2 + c, "slug": f"city-{m}-{c + 1}", "name": f"City {m}.{c + 1}", "parent_id": m,
             "latitude": None, "longitude": None} for i, m in enumerate(metros) for c in (0, 1)]
    conn.execute(insert(Region.__table__), rows)
    return [r["id"] for r in rows]


def fill(conn, rng: random.Random, *, count: int, members: int, body: Callable[[random.Random], str],
         batch: int = 20_000) -> None:
    """``count`` openings posted by members 1..``members``; ``body`` writes a post's text (dataset.py's)."""
    if count <= 0:
        return
    ensure_cities(conn)
    metros = [row[0] for row in conn.execute(select(Region.id).where(Region.parent_id.is_(None)))]
    cities = dict(conn.execute(select(Region.id, Region.parent_id).where(Region.parent_id.is_not(None))).all())
    tag_ids = [row[0] for row in conn.execute(
        select(Tag.id).join(TagGroup).where(TagGroup.slug.in_(("topic", "role"))).order_by(Tag.id))]
    bodies = [body(rng) for _ in range(40)]
    rendered = [render_markdown(b) for b in bodies]
    now, today = utcnow(), date.today()
    statuses, shares = zip(*OUTCOMES)
    kinds = rng.choices(Seeking.KINDS, [50, 12, 14, 8, 6, 10], k=count)
    openings, links = [], []
    for i in range(count):
        opening_id, kind = i + 1, kinds[i]
        status = rng.choices(statuses, shares)[0]
        level = rng.choice(Seeking.LEVELS)
        published = now - timedelta(days=rng.uniform(0, 120))
        if status in (Opportunity.OPEN, Opportunity.HELD, Opportunity.DRAFT):
            closes = today + timedelta(days=rng.randint(0, 120))
        elif status == Opportunity.EXPIRED:
            closes = today - timedelta(days=rng.randint(1, 200))
        else:
            closes = today + timedelta(days=rng.randint(-60, 60))
        region = None
        if rng.random() < 0.94:
            region = rng.choice(list(cities)) if rng.random() < 0.35 else rng.choice(metros)
        low = None
        if kind in Opportunity.PAID_KINDS:
            low = int(PAY[level] * rng.uniform(0.85, 1.25) * (0.5 if kind == "part_time" else 1)) // 1000 * 1000
        k = rng.randrange(len(bodies))
        town = region if region in metros or region is None else cities[region]
        openings.append({
            "id": opening_id, "poster_id": rng.randint(1, members),
            "title": f"{rng.choice(ROLES)} {opening_id}",
            "organisation": f"Metro {town or rng.randint(1, 20)} {rng.choice(ORGANISATIONS)}", "kind": kind,
            "level": level, "sector": rng.choice(Sector.ALL[:5]), "region_id": region,
            "remote": region is None or rng.random() < 0.06, "salary_min": low,
            "salary_max": low + rng.randrange(5_000, 40_001, 1_000) if low else None, "closes_on": closes,
            "body_source": bodies[k], "body_html": rendered[k], "apply_url": "" if rng.random() < 0.6
            else f"https://jobs.example.org/{opening_id}", "status": status,
            "held_reason": "A new member's first post." if status == Opportunity.HELD else "",
            "hidden_at": now if rng.random() < 0.005 else None, "hidden_reason": "", "created_at": published,
            "published_at": None if status in (Opportunity.HELD, Opportunity.DRAFT) else published,
            "ended_at": now if status in Opportunity.ENDED else None, "edited_at": None, "edit_reason": ""})
        links += [{"opportunity_id": opening_id, "tag_id": t} for t in rng.sample(tag_ids, rng.randint(1, 3))]
    for table, rows in ((Opportunity.__table__, openings), (OpportunityTag.__table__, links)):
        for i in range(0, len(rows), batch):
            conn.execute(insert(table), rows[i:i + batch])


def counts(session) -> dict:
    return {"opportunities": session.scalar(select(func.count()).select_from(Opportunity)),
            "opportunities_listed": session.scalar(select(func.count()).select_from(Opportunity)
                                                   .where(Opportunity.listed_sql(date.today())))}
