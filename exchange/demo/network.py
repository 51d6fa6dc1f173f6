"""The demo's reference data and people: programs and regions (matched by slug), accounts (by email),
their affiliations and profiles, and the applicants waiting for approval."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..markup import render_markdown
from ..models import (Affiliation, MemberOffer, Offer, Program, Region, Role, Sector, Status, Tag, TagGroup, User,
                      Visibility, utcnow)
from ..text import slugify
from .content import people as content
from .report import LoadReport

DEMO_PASSWORD = "exchange-demo"
DEMO_DOMAIN = "example.org"
FIXED_ACCOUNTS = [
    # (email local part, username, display name, role, headline, metro)
    ("admin", "admin", "Avery Admin", Role.ADMIN, "Network Director, Exchange", "Washington DC"),
    ("moderator", "moderator", "Morgan Moderator", Role.MODERATOR, "Community Manager, Exchange", "Chicago"),
    ("member", "member", "Mel Member", Role.MEMBER, "Director of Data Strategy", "Denver"),
]

# Region is optional at registration: some real members never give one.
REGIONLESS = ("rowan.reyes", "rowan.reyes", "Rowan Reyes", "Independent consultant, school finance")


def load_programs(report: LoadReport) -> list[Program]:
    existing = {p.slug: p for p in db.session.scalars(select(Program))}
    for slug, name, short in content.PROGRAMS:
        if slug not in existing:
            existing[slug] = Program(slug=slug, name=name, short_name=short)
            db.session.add(existing[slug])
            report.add("programs")
    return [existing[slug] for slug, _, _ in content.PROGRAMS]


def load_regions(report: LoadReport) -> dict[str, Region]:
    existing = {r.slug: r for r in db.session.scalars(select(Region))}

    def ensure(name: str, lat: float, lon: float, parent: Region | None) -> Region:
        slug = slugify(name)
        if slug not in existing:
            existing[slug] = Region(slug=slug, name=name, latitude=lat, longitude=lon, parent=parent)
            db.session.add(existing[slug])
            report.add("regions")
        return existing[slug]

    metros = {}
    for name, lat, lon, children in content.REGIONS:
        metros[name] = ensure(name, lat, lon, None)
        for child, clat, clon in children:
            ensure(child, clat, clon, metros[name])
    db.session.flush()
    return metros


def load_members(rng: random.Random, report: LoadReport, programs: list[Program],
                 metros: dict[str, Region], password_hash: str, count: int) -> list[User]:
    existing = {u.email: u for u in db.session.scalars(select(User))}
    taken = {u.username for u in existing.values()}
    people: list[User] = []
    now = utcnow()
    # Drawn before anything else, so who is in the network never depends on what already exists.
    names = [(f, last) for f in content.FIRST_NAMES for last in content.LAST_NAMES]
    rng.shuffle(names)

    def ensure(email: str, **fields) -> User:
        user = existing.get(email)
        if user is None:
            user = User(email=email, password_hash=password_hash, status=Status.ACTIVE,
                        created_at=now - timedelta(days=rng.randint(200, 900)), **fields)
            user.approved_at = user.created_at
            db.session.add(user)
            existing[email] = user
            taken.add(user.username)
            report.add("members")
            affiliate(rng, user, programs)
        people.append(user)
        return user

    for local, username, name, role, headline, metro in FIXED_ACCOUNTS:
        ensure(f"{local}@{DEMO_DOMAIN}", username=username, display_name=name, role=role,
               headline=headline, organisation="Exchange" if role != Role.MEMBER else "Denver Public Schools",
               region=metros[metro])

    metro_names = list(metros)
    cities = [r for r in db.session.scalars(select(Region).where(Region.parent_id.is_not(None)))]
    # A skew towards big metros, as in the real networks.
    weights = [3 if n in ("New York", "Chicago", "Los Angeles", "Washington DC", "Houston") else 1
               for n in metro_names]
    for first, last in names[: max(count - len(FIXED_ACCOUNTS), 0)]:
        username = unique_username(f"{first[0]}{last}".lower(), taken)
        metro = rng.choices(metro_names, weights)[0]
        region = metros[metro]
        children = [r for r in cities if r.parent is region]
        if children and rng.random() < 0.4:
            region = rng.choice(children)
        ensure(f"{first}.{last}@{DEMO_DOMAIN}".lower(), username=username, display_name=f"{first} {last}",
               role=Role.MEMBER, headline=rng.choice(content.HEADLINES),
               organisation=rng.choice(content.ORGANISATIONS[metro]), region=region)
    db.session.flush()
    return people


def fill_profiles(report: LoadReport, people: list[User]) -> None:
    """Fill in profiles not filled yet: sector, bio, expertise, offers, and some privacy choices."""
    topics = list(db.session.scalars(select(Tag).join(TagGroup).where(TagGroup.slug == "topic")
                                      .order_by(Tag.slug)))
    if not topics:
        return
    for user in people:
        if user.bio_source or user.expertise:
            continue
        rng = random.Random(user.email)  # each profile depends on its owner alone: re-runs agree
        user.sector = rng.choices(Sector.ALL, [8, 4, 3, 3, 1, 1])[0]
        expertise = rng.sample(topics, rng.randint(2, 4))
        user.expertise = expertise
        user.bio_source = content.bio(rng, user.display_name.split()[0], [t.name for t in expertise])
        user.bio_html = render_markdown(user.bio_source)
        offers = [o for o in Offer.ALL if rng.random() < 0.35]
        user.offer_links = [MemberOffer(offer=o) for o in offers]
        user.offer_capacity = rng.choice([None, 2, 4]) if offers else None
        if rng.random() < 0.1:
            user.show_organisation = Visibility.PROGRAMS
        if rng.random() < 0.05:
            user.show_bio = Visibility.ONLY_ME
        report.add("profiles")


def affiliate(rng: random.Random, user: User, programs: list[Program]) -> None:
    first = rng.choice(programs)
    year = rng.randint(2012, 2025)
    user.affiliations.append(Affiliation(program=first, cohort_year=year,
                                         capacity=rng.choice(["fellow", "fellow", "resident", "staff"])))
    if rng.random() < 0.2:  # some alumni went through two programs
        second = rng.choice([p for p in programs if p is not first])
        user.affiliations.append(Affiliation(program=second, cohort_year=min(year + rng.randint(1, 4), 2026),
                                             capacity="fellow"))


def load_applicants(rng: random.Random, report: LoadReport, metros: dict[str, Region], password_hash: str) -> None:
    existing = set(db.session.scalars(select(User.email)))
    for i, note in enumerate(content.PENDING_NOTES):
        email = f"applicant{i + 1}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        metro = rng.choice(list(metros))
        db.session.add(User(email=email, username=f"applicant{i + 1}",
                            display_name=f"{rng.choice(content.FIRST_NAMES)} {rng.choice(content.LAST_NAMES)}",
                            password_hash=password_hash, status=Status.PENDING, region=metros[metro],
                            headline=rng.choice(content.HEADLINES), registration_note=note,
                            created_at=utcnow() - timedelta(hours=rng.randint(2, 96))))
        report.add("pending applicants")


def load_regionless_member(report: LoadReport, programs: list[Program], password_hash: str) -> None:
    """A member who never said where they work, matched by email; outside the random draws, so the
    rest of the network is the same with or without them."""
    local, username, name, headline = REGIONLESS
    email = f"{local}@{DEMO_DOMAIN}"
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    rng = random.Random(email)
    joined = utcnow() - timedelta(days=rng.randint(200, 900))
    user = User(email=email, username=username, display_name=name, headline=headline, role=Role.MEMBER,
                password_hash=password_hash, status=Status.ACTIVE, created_at=joined, approved_at=joined, region=None)
    affiliate(rng, user, programs)
    db.session.add(user)
    report.add("members")


def unique_username(base: str, taken: set[str]) -> str:
    base = "".join(ch for ch in base if ch.isalnum())[:28] or "member"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate
