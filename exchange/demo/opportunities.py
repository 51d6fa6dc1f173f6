"""Demo career openings: about 80 on the board, posted by the two approved demo employers and by members.

Most are open and close in the coming weeks; some have expired, a few were closed or filled, and one
(the newcomer's first opening) waits for a moderator. A few members applied in Exchange to the demo
employers' openings. Written once, when the demo employers have posted nothing yet; rows go in with
one bulk flush (bodies rendered through ``render_markdown`` like every post). The search index is
rebuilt after the load by `flask demo load`, like the rest of the demo.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from ..extensions import db
from ..markup import render_markdown
from ..models import Application, Opportunity, OpportunityTag, Region, Role, Status, Tag, User, utcnow
from ..posting import NEW_MEMBER
from ..text import slugify
from .content import opportunities as content
from .report import LoadReport

MEMBER_OPENINGS = 58
# What happens to the members' openings (the employers' are in content.EMPLOYER_ROLES, the held one is
# the newcomer's): with the employers', 11 expired, 5 closed and 3 filled; the rest are open.
MEMBER_OUTCOMES = [Opportunity.EXPIRED] * 8 + [Opportunity.CLOSED] * 4 + [Opportunity.FILLED] * 2
KIND_WEIGHTS = {"full_time": 3.5, "fellowship": 1.3, "part_time": 1.5, "board": 1.2, "volunteer": 1.4, "rfp": 1.4}
PAY = {"executive": (165_000, 235_000), "director": (110_000, 155_000), "manager": (80_000, 112_000),
       "analyst": (60_000, 88_000), "entry": (44_000, 60_000)}
# General Schedule ranges for Washington DC, whole dollars: the federal department's openings.
GS_PAY = {"executive": (163_964, 191_900), "director": (139_395, 181_216), "manager": (117_962, 153_354),
          "analyst": (99_200, 128_956), "entry": (68_405, 88_926)}


@dataclass
class Posting:
    poster: User
    organisation: str
    sector: str
    region: Region | None
    remote: bool = False
    apply_in_exchange: bool = True
    role: tuple | None = None      # drawn for the organisation's sector when not chosen
    outcome: str = Opportunity.OPEN


def load_opportunities(rng: random.Random, report: LoadReport, people: list[User], metros: dict[str, Region]) -> None:
    employers = {u.email: u for u in db.session.scalars(
        select(User).where(User.role == Role.EMPLOYER, User.status == Status.ACTIVE,
                           User.email.in_(content.EMPLOYER_ROLES)))}
    if len(employers) < len(content.EMPLOYER_ROLES) or db.session.scalar(
            select(Opportunity.id).where(Opportunity.poster_id.in_([u.id for u in employers.values()])).limit(1)):
        return
    now, today = utcnow(), date.today()
    tags = {t.slug: t.id for t in db.session.scalars(select(Tag))}
    postings = _employer_postings(rng, employers, metros) + _member_postings(rng, people, metros)
    taken = {(p.organisation, p.role[0]) for p in postings if p.role}
    rows = []
    for posting in postings:
        role = posting.role or _role(rng, posting.sector, taken, posting.organisation)
        rows.append(_opening(rng, posting, role, now, today))
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    if newcomer is not None:
        rows.append(_held(newcomer, metros, now, today))
    db.session.add_all([opening for opening, _ in rows])
    db.session.flush()  # one batched INSERT; the openings get their ids
    links = [{"opportunity_id": o.id, "tag_id": tags[s]} for o, slugs in rows for s in dict.fromkeys(slugs)
             if s in tags]
    if links:
        db.session.execute(insert(OpportunityTag), links)
    report.add("openings", len(rows))
    _applications(rng, report, [o for o, _ in rows], people, now)


def _employer_postings(rng: random.Random, employers: dict[str, User], metros: dict[str, Region]) -> list[Posting]:
    """The two approved demo employers' openings: chosen roles in their own metros, applied to in Exchange."""
    roles = {r[0]: r for r in content.ROLES}
    postings = []
    for email, (organisation, sector, metro_names, chosen) in content.EMPLOYER_ROLES.items():
        places = [r for name in metro_names for r in (metros[name], *metros[name].children)]
        for title, outcome in chosen:
            postings.append(Posting(employers[email], organisation, sector, rng.choice(places),
                                    remote=rng.random() < 0.1, role=roles[title], outcome=outcome))
    return postings


def _member_postings(rng: random.Random, people: list[User], metros: dict[str, Region]) -> list[Posting]:
    """Members share openings of their own organisations, and some of national ones (some remote)."""
    members = [p for p in people if p.role == Role.MEMBER and p.region is not None
               and p.organisation in content.SECTOR_OF]
    # Mel Member (the demo's member account) posts the first, so "my openings" shows some.
    mel = [p for p in members if p.email == "member@example.org"]
    posters = mel + [p for p in rng.sample(members, 24) if p not in mel][:24 - len(mel)]
    outcomes = MEMBER_OUTCOMES + [Opportunity.OPEN] * (MEMBER_OPENINGS - len(MEMBER_OUTCOMES))
    rng.shuffle(outcomes)
    postings = []
    for n, outcome in enumerate(outcomes):
        poster = posters[0] if n == 0 else rng.choice(posters)
        if rng.random() < 0.25:
            organisation, sector, home = rng.choice(content.NATIONAL)
            region = metros[home] if home else None
            posting = Posting(poster, organisation, sector, region, remote=region is None or rng.random() < 0.3)
        else:
            posting = Posting(poster, poster.organisation, content.SECTOR_OF[poster.organisation], poster.region,
                              remote=rng.random() < 0.08)
        posting.apply_in_exchange, posting.outcome = rng.random() < 0.6, outcome
        postings.append(posting)
    return postings


def _role(rng: random.Random, sector: str, taken: set, organisation: str) -> tuple:
    """A role the organisation's sector has, kinds drawn by KIND_WEIGHTS; never twice at one organisation."""
    fitting = [r for r in content.ROLES if sector in r[3]]
    per_kind = {k: sum(1 for r in fitting if r[1] == k) for k in KIND_WEIGHTS}
    weights = [KIND_WEIGHTS[r[1]] / per_kind[r[1]] for r in fitting]
    for _ in range(20):
        role = rng.choices(fitting, weights)[0]
        if (organisation, role[0]) not in taken:
            break
    taken.add((organisation, role[0]))
    return role


def _salary(rng: random.Random, kind: str, level: str, sector: str) -> tuple[int | None, int | None]:
    if kind not in Opportunity.PAID_KINDS:
        return None, None
    if sector == "federal" and kind == "full_time":
        return GS_PAY[level]
    low, high = PAY[level]
    if kind == "fellowship":
        stipend = rng.randrange(48_000, 72_001, 1_000)
        return stipend, stipend + rng.choice([0, 0, 4_000, 6_000])
    if kind == "part_time":
        low, high = low // 2, high // 2
    minimum = rng.randrange(low, (low + high) // 2 + 1, 1_000)
    return minimum, min(minimum + rng.randrange(8_000, 30_001, 1_000), high + 20_000)


def _when(rng: random.Random, outcome: str, now: datetime, today: date):
    """published_at, closes_on and ended_at for an opening that ends as ``outcome``."""
    if outcome == Opportunity.OPEN:
        published = now - timedelta(days=rng.uniform(0, 50))
        closes = today + timedelta(days=rng.randint(1, 7) if rng.random() < 0.15 else rng.randint(8, 120))
        return published, closes, None
    if outcome == Opportunity.EXPIRED:
        closes = today - timedelta(days=rng.randint(1, 30))
        published = datetime.combine(closes, time(9)) - timedelta(days=rng.randint(21, 75), minutes=rng.randint(0, 480))
        ended = min(datetime.combine(closes + timedelta(days=1), time(0, 10)), now)
        return published, closes, ended
    published = now - timedelta(days=rng.uniform(20, 70))
    ended = published + (now - published) * rng.uniform(0.4, 0.95)
    return published, today + timedelta(days=rng.randint(5, 60)), ended


def _body(rng: random.Random, post: Posting, role: tuple, level: str, closes: date) -> str:
    title, kind, _, _, _, focus, duties = role
    if post.region is None:
        where = ", remote"
    else:
        where = f", {post.region.name}" + (" (remote possible)" if post.remote else "")
    lead = (f"**{title}**, issued by {post.organisation}." if kind == "rfp"
            else f"**{title}**, {post.organisation}{where}.")
    parts = [f"{lead} {focus}",
             "**What the work covers**" if kind == "rfp" else "**What you will do**",
             "\n".join(f"- {d}" for d in duties)]
    if kind == "rfp":
        parts.append(f"Proposals are due by {closes:%B} {closes.day}, {closes.year}. Questions go to the "
                     "procurement office until a week before.")
    else:
        parts += ["**What you bring**", "\n".join(f"- {b}" for b in content.BRINGS[level])]
        if kind in Opportunity.PAID_KINDS:
            parts.append(f"We offer {rng.choice(content.PERKS)}.")
    parts.append("Apply here in Exchange: a short note and the profile fields you choose to send."
                 if post.apply_in_exchange else "Apply through our careers site (the link below).")
    return "\n\n".join(parts)


def _opening(rng: random.Random, post: Posting, role: tuple, now: datetime,
             today: date) -> tuple[Opportunity, tuple[str, ...]]:
    title, kind, levels, _, tag_slugs, _, _ = role
    level = rng.choice(levels)
    salary_min, salary_max = _salary(rng, kind, level, post.sector)
    published, closes, ended = _when(rng, post.outcome, now, today)
    body = _body(rng, post, role, level, closes)
    apply_url = "" if post.apply_in_exchange else (
        f"https://careers.example.org/{slugify(post.organisation)}/{slugify(title)[:40]}")
    opening = Opportunity(
        poster_id=post.poster.id, title=title, organisation=post.organisation, kind=kind, level=level,
        sector=post.sector, region_id=post.region.id if post.region else None, remote=post.remote,
        salary_min=salary_min, salary_max=salary_max, closes_on=closes, body_source=body,
        body_html=render_markdown(body), apply_url=apply_url, status=post.outcome, held_reason="", hidden_reason="",
        edit_reason="", created_at=published - timedelta(minutes=rng.randint(5, 600)), published_at=published,
        ended_at=ended)
    return opening, tag_slugs


def _held(newcomer: User, metros: dict[str, Region], now: datetime, today: date) -> tuple[Opportunity, tuple]:
    """The newcomer's first opening, waiting for a moderator as the posting policy holds it."""
    title, kind, level, sector, organisation, metro, tag_slugs, low, high, body = content.HELD_OPENING
    opening = Opportunity(
        poster_id=newcomer.id, title=title, organisation=organisation, kind=kind, level=level, sector=sector,
        region_id=metros[metro].id, remote=False, salary_min=low, salary_max=high,
        closes_on=today + timedelta(days=30), body_source=body, body_html=render_markdown(body), apply_url="",
        status=Opportunity.HELD, held_reason=NEW_MEMBER, hidden_reason="", edit_reason="",
        created_at=now - timedelta(hours=5), published_at=None)
    return opening, tag_slugs


def _applications(rng: random.Random, report: LoadReport, openings: list[Opportunity], people: list[User],
                  now: datetime) -> None:
    """Members applied in Exchange to three of the demo employers' listed, paid openings, each to the one
    closest to what their note says (content.APPLICATIONS)."""
    today = date.today()
    by_employer: dict[str, list[Opportunity]] = {}
    for opening in openings:
        if (opening.is_listed(today) and opening.applies_in_exchange and opening.kind in Opportunity.PAID_KINDS
                and opening.poster.role == Role.EMPLOYER):
            by_employer.setdefault(opening.poster.email, []).append(opening)
    members = [p for p in people if p.role == Role.MEMBER and p.email != "member@example.org"]
    by_email = {p.email: p for p in people}
    applicants = [by_email.get("member@example.org"), *members[5:7]]
    taken: set[int] = set()
    for member, (employer, words, note, status) in zip(applicants, content.APPLICATIONS):
        candidates = [o for o in by_employer.get(employer, []) if o.id not in taken]
        if member is None or not candidates:
            continue
        opening = next((o for o in candidates if any(w in o.title for w in words)), candidates[0])
        taken.add(opening.id)
        applied = max(opening.published_at, now - timedelta(days=rng.uniform(1, 10)))
        shared = {"headline": member.headline or "", "organisation": member.organisation or "",
                  "region": member.region.name if member.region else "",
                  "expertise": ", ".join(t.name for t in member.expertise)}
        db.session.add(Application(opportunity_id=opening.id, applicant_id=member.id, note=note,
                                   shared={k: v for k, v in shared.items() if v}, status=status,
                                   created_at=applied, updated_at=applied))
        report.add("applications")
