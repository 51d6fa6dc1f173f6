"""Demo data for the talent pool: employer accounts (two approved, one waiting) and ~40 members in
the pool, each sharing a different handful of fields. Safe to run twice: nothing is added twice.

Mel Member (member@example.org) is in the pool, so the demo shows the pool settings and who looked;
Dana (employer@example.org) keeps two saved lists.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (EmployerProfile, Region, Role, Sector, Seeking, Status, TalentList, TalentListEntry,
                      TalentProfile, TalentView, TalentWish, User, utcnow)
from ..models.talent import SHAREABLE, organisation_key

POOL_SIZE = 40
EMPLOYERS = [
    # (email, username, name, organisation, kind, website, verification, status)
    ("employer@example.org", "dps-talent", "Dana Whitfield", "Denver Public Schools", "district",
     "https://www.dpsk12.org", "Work email at dpsk12.org, listed on the district's HR team page.", Status.ACTIVE),
    ("recruiter@example.org", "brightpath", "Rafael Ortiz", "BrightPath Charter Network", "charter",
     "https://brightpath.example.org", "Work email at brightpath.example.org; the network's careers page names him.",
     Status.ACTIVE),
    ("pending.employer@example.org", "edreform-jobs", "Priya Natarajan", "Center for Education Reform Jobs",
     "nonprofit", "https://edreform.example.org", "Gmail address; says she recruits for a new non-profit.",
     Status.PENDING),
]
NOTES = ["A district data role where analysis changes decisions.", "Leading a team that supports principals.",
         "Policy work at a state agency, ideally close to schools.", "Building a talent pipeline from the ground up.",
         "An operations role in a growing charter network.", ""]


def load_talent(report, people: list[User], password_hash: str) -> None:
    _employers(report, password_hash)
    _pool(report, people)


def _employers(report, password_hash: str) -> None:
    existing = set(db.session.scalars(select(User.email)))
    for email, username, name, organisation, kind, website, verification, status in EMPLOYERS:
        if email in existing:
            continue
        user = User(email=email, username=username, display_name=name, password_hash=password_hash,
                    role=Role.EMPLOYER, status=status, approved_at=utcnow() if status == Status.ACTIVE else None)
        db.session.add(user)
        db.session.flush()
        db.session.add(EmployerProfile(user_id=user.id, organisation=organisation,
                                       organisation_key=organisation_key(organisation), kind=kind, website=website,
                                       verification=verification))
        report.add("employer accounts")


def _pool(report, people: list[User]) -> None:
    members = [p for p in people if p.role == Role.MEMBER]
    if db.session.scalar(select(TalentProfile.user_id).limit(1)) is not None or not members:
        return
    metros = list(db.session.scalars(select(Region).where(Region.parent_id.is_(None)).order_by(Region.name)))
    chosen = [m for m in members if m.email == "member@example.org"]
    chosen += random.Random("talent-pool").sample([m for m in members if m not in chosen], POOL_SIZE - len(chosen))
    for member in chosen:
        rng = random.Random(f"pool:{member.email}")  # each one depends on its owner alone
        talent = TalentProfile(user_id=member.id, is_open=True, remote=rng.random() < 0.3,
                               joined_at=utcnow() - timedelta(days=rng.randint(1, 120)), note=rng.choice(NOTES),
                               available_from=(utcnow() + timedelta(days=rng.randint(10, 200))).date()
                               if rng.random() < 0.5 else None)
        # Most share region and expertise; fewer their headline, programs or bio; some almost nothing.
        odds = {"region": 0.8, "expertise": 0.8, "headline": 0.6, "organisation": 0.4, "affiliations": 0.6,
                "sector": 0.5, "bio": 0.3}
        for field in SHAREABLE:
            setattr(talent, f"share_{field}", rng.random() < odds[field])
        if member.email == "member@example.org":
            for field in ("region", "expertise", "headline", "affiliations"):
                setattr(talent, f"share_{field}", True)
        levels = rng.sample(Seeking.LEVELS, rng.randint(1, 2))
        if member.email == "member@example.org":
            levels = ["analyst", "manager"]
        kinds = rng.sample(Seeking.KINDS[:3], rng.randint(1, 2))
        sectors = rng.sample([s for s in Sector.ALL if s != "other"], rng.randint(0, 2))
        talent.wishes = ([TalentWish(what=TalentWish.LEVEL, value=v) for v in levels]
                         + [TalentWish(what=TalentWish.KIND, value=k) for k in kinds]
                         + [TalentWish(what=TalentWish.SECTOR, value=s) for s in sectors])
        home = member.region.parent or member.region if member.region else None
        talent.regions = sorted({home, *rng.sample(metros, rng.randint(0, 2))} - {None}, key=lambda r: r.name)
        db.session.add(talent)
        report.add("members in the talent pool")
    db.session.flush()
    _views(chosen)
    _lists(report, chosen)


def _views(chosen: list[User]) -> None:
    """A few employer looks, so the demo member's settings say who looked."""
    employers = list(db.session.scalars(select(User).where(User.role == Role.EMPLOYER, User.status == Status.ACTIVE)
                                        .order_by(User.id)))
    rng = random.Random("talent-views")
    for member in chosen[:12]:
        for employer in rng.sample(employers, rng.randint(1, len(employers))):
            when = utcnow() - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 12))
            db.session.add(TalentView(employer_id=employer.id, member_id=member.id, day=when.date(), viewed_at=when))


def _lists(report, chosen: list[User]) -> None:
    """Dana (Denver Public Schools) keeps two saved lists: the demo shows them filled."""
    dana = db.session.scalar(select(User).where(User.email == "employer@example.org"))
    if dana is None:
        return
    analysts = [m for m in chosen if "analyst" in m.talent_profile.sought(TalentWish.LEVEL)
                and m.talent_profile.share_region][:4]
    leaders = [m for m in chosen if {"executive", "director"} & set(m.talent_profile.sought(TalentWish.LEVEL))][:3]
    for name, members in (("Data analysts to call", analysts), ("Principal supervisor candidates", leaders)):
        saved = TalentList(employer_id=dana.id, name=name, name_key=name.lower())
        db.session.add(saved)
        db.session.flush()
        db.session.add_all(TalentListEntry(list_id=saved.id, member_id=m.id) for m in members)
        report.add("saved talent lists")
