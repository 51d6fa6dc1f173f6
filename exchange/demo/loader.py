"""Loads a believable demo network, idempotently.

Reference data (programs, regions, categories) and accounts are matched by slug or
email, so a second run adds nothing. Discussions are written only when the demo
authors have none yet. Everything happens in one transaction: a failed load leaves
nothing half-written.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..database import refresh_statistics, transaction
from ..extensions import db
from ..markup import render_markdown
from ..models import (Affiliation, Category, Collection, CollectionItem, FeaturedPractice, Flag, HelpfulMark,
                      MemberOffer, Offer, Post, Practice, Program, Region, Role, Sector, Status, Tag, TagGroup,
                      TagProposal, Thread, ThreadTag, User, Visibility, utcnow)
from ..moderation.log import log_moderation
from ..practices import services as practice_services
from ..taxonomy import loader as taxonomy_loader
from ..taxonomy import services as taxonomy
from ..taxonomy import tree
from ..passwords import hash_password
from ..text import slugify
from . import content, talent

DEMO_PASSWORD = "exchange-demo"
DEMO_DOMAIN = "example.org"
FIXED_ACCOUNTS = [
    # (email local part, username, display name, role, headline, metro)
    ("admin", "admin", "Avery Admin", Role.ADMIN, "Network Director, Exchange", "Washington DC"),
    ("moderator", "moderator", "Morgan Moderator", Role.MODERATOR, "Community Manager, Exchange", "Chicago"),
    ("member", "member", "Mel Member", Role.MEMBER, "Director of Data Strategy", "Denver"),
]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def summary(self) -> str:
        if not any(self.created.values()):
            return "Demo data already present; nothing to add."
        return "Created " + ", ".join(f"{n} {kind}" for kind, n in self.created.items() if n) + "."


def load_demo(*, seed: int = 7, members: int = 200, threads: int = 300) -> LoadReport:
    rng = random.Random(seed)
    report = LoadReport()
    # The taxonomy loads in its own transaction; it is idempotent on its own.
    if taxonomy_loader.DEFAULT_FILE.exists():
        created = taxonomy_loader.load(taxonomy_loader.read_file(taxonomy_loader.DEFAULT_FILE)).created
        for kind, count in created.items():
            report.add(f"taxonomy {kind}", count)
    with transaction():
        programs = _programs(report)
        metros = _regions(report)
        categories = _categories(report)
        password_hash = hash_password(DEMO_PASSWORD)
        people = _members(rng, report, programs, metros, password_hash, members)
        _pending(rng, report, metros, password_hash)
        _profiles(report, people)
        if not _has_demo_threads(people):
            tagger = _Tagger(rng)
            _discussions(rng, report, people, categories, metros, threads, tagger)
            _practices(rng, report, people, categories, metros, tagger)
        _curation(report)
        _moderation(rng, report, categories, programs, metros, password_hash)
        talent.load_talent(report, people, password_hash)
    refresh_statistics()
    return report


def _programs(report: LoadReport) -> list[Program]:
    existing = {p.slug: p for p in db.session.scalars(select(Program))}
    for slug, name, short in content.PROGRAMS:
        if slug not in existing:
            existing[slug] = Program(slug=slug, name=name, short_name=short)
            db.session.add(existing[slug])
            report.add("programs")
    return [existing[slug] for slug, _, _ in content.PROGRAMS]


def _regions(report: LoadReport) -> dict[str, Region]:
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


def _categories(report: LoadReport) -> list[Category]:
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, spec in enumerate(content.CATEGORIES):
        if spec["slug"] not in existing:
            existing[spec["slug"]] = Category(slug=spec["slug"], name=spec["name"],
                                              description=spec["description"], position=position)
            db.session.add(existing[spec["slug"]])
            report.add("categories")
    db.session.flush()
    return [existing[spec["slug"]] for spec in content.CATEGORIES]


def _members(rng: random.Random, report: LoadReport, programs: list[Program],
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
            _affiliate(rng, user, programs)
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
        username = _unique_username(f"{first[0]}{last}".lower(), taken)
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


def _profiles(report: LoadReport, people: list[User]) -> None:
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


def _affiliate(rng: random.Random, user: User, programs: list[Program]) -> None:
    first = rng.choice(programs)
    year = rng.randint(2012, 2025)
    user.affiliations.append(Affiliation(program=first, cohort_year=year,
                                         capacity=rng.choice(["fellow", "fellow", "resident", "staff"])))
    if rng.random() < 0.2:  # some alumni went through two programs
        second = rng.choice([p for p in programs if p is not first])
        user.affiliations.append(Affiliation(program=second, cohort_year=min(year + rng.randint(1, 4), 2026),
                                             capacity="fellow"))


def _pending(rng: random.Random, report: LoadReport, metros: dict[str, Region], password_hash: str) -> None:
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


def _has_demo_threads(people: list[User]) -> bool:
    ids = [p.id for p in people]
    return bool(db.session.scalar(select(func.count()).select_from(Thread).where(Thread.author_id.in_(ids))))


def _discussions(rng: random.Random, report: LoadReport, people: list[User], categories: list[Category],
                 metros: dict[str, Region], count: int, tagger: _Tagger) -> None:
    """Threads over the last 18 months with a skewed number of replies, counters kept exact."""
    now = utcnow()
    places = list(metros)
    specs = {c.slug: spec for c in categories for spec in content.CATEGORIES if spec["slug"] == c.slug}
    seen_titles: set[str] = set()
    starts = sorted(now - timedelta(minutes=rng.randint(60, 540 * 24 * 60)) for _ in range(count))
    # Rendered once per distinct text: many replies share prose.
    rendered: dict[str, str] = {}

    def html(source: str) -> str:
        if source not in rendered:
            rendered[source] = render_markdown(source)
        return rendered[source]

    for started in starts:
        category = rng.choice(categories)
        subject = rng.choice(specs[category.slug]["subjects"])
        title = _unique_title(rng, subject, places, seen_titles)
        author = rng.choice(people)
        fill = _filler(rng, subject, places)
        body = rng.choice(content.OPENINGS).format(**fill) + "\n\n" + rng.choice(content.DETAILS).format(**fill)
        thread = Thread(title=title, category_id=category.id, author_id=author.id, created_at=started,
                        last_post_at=started, last_poster_id=author.id, post_count=1)
        db.session.add(thread)
        posts = [Post(thread=thread, author_id=author.id, body_source=body, body_html=html(body),
                      created_at=started)]
        # Most threads get a few replies; a few get long discussions.
        replies = min(int(rng.paretovariate(1.3)) + rng.randint(0, 3), 40)
        at = started
        for _ in range(replies):
            at = at + timedelta(minutes=rng.randint(20, 3 * 24 * 60))
            if at >= now:
                break
            replier = rng.choice(people)
            text = rng.choice(content.REPLIES).format(**_filler(rng, subject, places))
            posts.append(Post(thread=thread, author_id=replier.id, body_source=text, body_html=html(text),
                              created_at=at))
            thread.last_post_at, thread.last_poster_id = at, replier.id
        thread.post_count = len(posts)
        db.session.add_all(posts)
        if rng.random() < 0.75:
            tagger.file(thread, category.slug)
        category.thread_count += 1
        report.add("threads")
        report.add("posts", len(posts))


class _Tagger:
    """Files demo content under topic tags that fit its category (whatever taxonomy is loaded)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        tags = list(db.session.scalars(select(Tag).options(joinedload(Tag.group), joinedload(Tag.parent))))
        self.roles = [t for t in tags if t.group.slug == "role"]
        self.by_category = {
            slug: [t for t in tags if t.group.slug == "topic" and any(w in t.name.lower() for w in words)]
            for slug, words in content.CATEGORY_TOPICS.items()
        }

    def choose(self, category_slug: str) -> list[Tag]:
        topics = self.by_category.get(category_slug) or []
        chosen = self.rng.sample(topics, min(len(topics), self.rng.choice([1, 1, 2])))
        if self.roles and self.rng.random() < 0.4:
            chosen.append(self.rng.choice(self.roles))
        return chosen

    def file(self, thread: Thread, category_slug: str) -> list[Tag]:
        chosen = self.choose(category_slug)
        implied = {a.id for t in chosen for a in tree.ancestors(t)} - {t.id for t in chosen}
        for tag in chosen:
            db.session.add(ThreadTag(thread=thread, tag_id=tag.id, implied=False))
        for tag_id in implied:
            db.session.add(ThreadTag(thread=thread, tag_id=tag_id, implied=True))
        return chosen


def _practices(rng: random.Random, report: LoadReport, people: list[User], categories: list[Category],
               metros: dict[str, Region], tagger: _Tagger) -> None:
    """Each written-up practice, as it was adapted in a few regions; some discussed, some marked helpful."""
    now = utcnow()
    by_slug = {c.slug: c for c in categories}
    for number, (category_slug, title, summary, problem, steps, evidence, resources) in enumerate(
            content.PRACTICES * 3):
        round_ = number // len(content.PRACTICES)
        metro = rng.choice(list(metros))
        if round_:
            title = f"{title} ({metro})"
        author = rng.choice(people)
        published = now - timedelta(days=rng.randint(3, 700), minutes=rng.randint(0, 600))
        sections = {"summary": summary, "problem": problem, "steps": steps, "evidence": evidence,
                    "resources": resources, "contact": f"Write to {author.display_name} through Exchange.",
                    "context": f"{rng.choice(content.ORGANISATIONS[metro])}, {metro}."}
        body = practice_services.compose_body(title, sections)
        category = by_slug[category_slug]
        thread = Thread(kind=Thread.PRACTICE, title=title, category_id=category.id, author_id=author.id,
                        created_at=published, last_post_at=published, last_poster_id=author.id, post_count=1)
        db.session.add(thread)
        db.session.add(Post(thread=thread, author_id=author.id, body_source=body, body_html=render_markdown(body),
                            created_at=published))
        practice = Practice(thread=thread, setting=rng.choice(["district", "district", "charter network",
                                                              "state agency", "non-profit"]),
                            size=f"{rng.choice([6, 12, 25, 48, 80, 150])},000 students",
                            region_id=metros[metro].id, published_at=published,
                            reviewed_at=published + timedelta(days=rng.randint(0, 60)))
        for name, text in sections.items():
            setattr(practice, name, text)
            setattr(practice, f"{name}_html", render_markdown(text) if text else "")
        db.session.add(practice)
        fans = rng.sample(people, rng.choice([0, 1, 2, 3, 5, 8, 13]))
        db.session.add_all([HelpfulMark(thread=thread, user_id=fan.id) for fan in fans])
        practice.helpful_count = len(fans)
        at = published
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            at += timedelta(hours=rng.randint(2, 200))
            if at >= now:
                break
            replier = rng.choice(people)
            text = rng.choice(content.REPLIES).format(**_filler(rng, title.lower(), list(metros)))
            db.session.add(Post(thread=thread, author_id=replier.id, body_source=text, body_html=render_markdown(text),
                                created_at=at))
            thread.post_count += 1
            thread.last_post_at, thread.last_poster_id = at, replier.id
        tagger.file(thread, category_slug)
        category.thread_count += 1
        report.add("practices")


def _filler(rng: random.Random, subject: str, places: list[str]) -> dict[str, str]:
    return {
        "subject": subject,
        "place": rng.choice(places),
        "count": str(rng.choice([4, 6, 8, 12, 15, 22, 30])),
        "month": rng.choice(content.MONTHS),
        "students": f"{rng.choice([8, 12, 25, 40, 55, 80, 120])},000",
        "share": f"{rng.randint(35, 85)}%",
        "role": rng.choice(content.HEADLINES).lower(),
    }


def _unique_title(rng: random.Random, subject: str, places: list[str], seen: set[str]) -> str:
    for _ in range(20):
        title = rng.choice(content.TITLE_PATTERNS).format(subject=subject, place=rng.choice(places))
        title = title[0].upper() + title[1:]
        if title not in seen:
            break
    seen.add(title)
    return title


def _unique_username(base: str, taken: set[str]) -> str:
    base = "".join(ch for ch in base if ch.isalnum())[:28] or "member"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _curation(report: LoadReport) -> None:
    """Collections (matched by slug) and featured practices (only when none are featured yet, so a
    curator's own choices survive another load), curated by the demo moderator."""
    curator = db.session.scalar(select(User).where(User.email == f"moderator@{DEMO_DOMAIN}"))
    titles = {title for _, _, items in content.COLLECTIONS for title, _ in items} | set(content.FEATURED)
    db.session.flush()
    practices: dict[str, Thread] = {}
    for thread in db.session.scalars(select(Thread).where(Thread.kind == Thread.PRACTICE, Thread.title.in_(titles),
                                                          Thread.status == Thread.PUBLISHED).order_by(Thread.id)):
        practices.setdefault(thread.title, thread)
    if curator is None or not practices:
        return
    existing = set(db.session.scalars(select(Collection.slug)))
    for title, description, items in content.COLLECTIONS:
        if slugify(title) in existing:
            continue
        collection = Collection(slug=slugify(title), title=title, description=description,
                                description_html=render_markdown(description), curator_id=curator.id,
                                is_published=True)
        db.session.add(collection)
        db.session.flush()
        chosen = [(practices[t], note) for t, note in items if t in practices]
        db.session.add_all([CollectionItem(collection_id=collection.id, thread_id=thread.id, position=n, note=note,
                                           added_by_id=curator.id) for n, (thread, note) in enumerate(chosen, 1)])
        log_moderation(curator, "create_collection", collection, label=title)
        report.add("collections")
    if db.session.scalar(select(func.count()).select_from(FeaturedPractice)) == 0:
        for position, title in enumerate((t for t in content.FEATURED if t in practices), 1):
            db.session.add(FeaturedPractice(thread_id=practices[title].id, position=position,
                                            featured_by_id=curator.id))
            log_moderation(curator, "feature_practice", practices[title], label=title)
            report.add("featured practices")


SCOPED_MODERATOR = ("talent.moderator", "talentmod", "Tess Talent", "Talent lead, Exchange")
NEWCOMER = ("newcomer", "newcomer", "Nico Newcomer")


def _moderation(rng: random.Random, report: LoadReport, categories: list[Category], programs: list[Program],
                metros: dict[str, Region], password_hash: str) -> None:
    """Something in every section of the queue: a moderator scoped to one category, a pinned welcome
    thread, a newcomer's held thread and reply, a flagged post, and a registration that matches an
    imported roster. Made once, when the scoped moderator does not exist yet."""
    email = f"{SCOPED_MODERATOR[0]}@{DEMO_DOMAIN}"
    admin = db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
    if admin is None or db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    now = utcnow()
    talent = categories[0]
    scoped = User(email=email, username=SCOPED_MODERATOR[1], display_name=SCOPED_MODERATOR[2],
                  headline=SCOPED_MODERATOR[3], organisation="Exchange", password_hash=password_hash,
                  role=Role.MODERATOR, status=Status.ACTIVE, approved_at=now - timedelta(days=100),
                  created_at=now - timedelta(days=100), moderated_categories=[talent])
    newcomer = User(email=f"{NEWCOMER[0]}@{DEMO_DOMAIN}", username=NEWCOMER[1], display_name=NEWCOMER[2],
                    password_hash=password_hash, status=Status.ACTIVE, approved_at=now - timedelta(days=1),
                    created_at=now - timedelta(days=2), headline="Assistant Principal")
    scoped.region, newcomer.region = metros["Chicago"], metros["Memphis"]
    for user in (scoped, newcomer):
        _affiliate(rng, user, programs)
    db.session.add_all([scoped, newcomer])
    report.add("moderation demo accounts", 2)

    welcome = Thread(title="Welcome to Exchange: how this network works", category_id=categories[-1].id,
                     author_id=admin.id, created_at=now - timedelta(days=30), last_post_at=now - timedelta(days=30),
                     last_poster_id=admin.id, post_count=1, pinned=Thread.PIN_GLOBAL, pinned_at=now - timedelta(days=30))
    db.session.add(welcome)
    db.session.flush()
    db.session.add(Post(thread_id=welcome.id, author_id=admin.id, created_at=welcome.created_at,
                        body_source=content.WELCOME, body_html=render_markdown(content.WELCOME)))
    categories[-1].thread_count += 1
    log_moderation(admin, "pin_thread", welcome, label=welcome.title, reason="pinned to every list")

    recent = db.session.scalar(select(Thread).where(Thread.category_id == talent.id, Thread.status == Thread.PUBLISHED,
                                                    Thread.kind == Thread.DISCUSSION)
                               .order_by(Thread.last_post_at.desc()).limit(1))
    if recent is not None:
        held_reply = content.HELD_REPLY
        db.session.add(Post(thread_id=recent.id, author_id=newcomer.id, body_source=held_reply,
                            body_html=render_markdown(held_reply), created_at=now - timedelta(hours=3),
                            review=Post.HELD, held_reason=NEW_MEMBER_HELD))
        held_thread = Thread(title=content.HELD_THREAD[0], category_id=talent.id, author_id=newcomer.id,
                             created_at=now - timedelta(hours=2), last_post_at=now - timedelta(hours=2),
                             last_poster_id=newcomer.id, post_count=1, status=Thread.HELD)
        db.session.add(held_thread)
        db.session.flush()
        db.session.add(Post(thread_id=held_thread.id, author_id=newcomer.id, body_source=content.HELD_THREAD[1],
                            body_html=render_markdown(content.HELD_THREAD[1]), created_at=held_thread.created_at,
                            review=Post.HELD, held_reason=NEW_MEMBER_HELD))
        report.add("held posts", 2)

    flagged = db.session.scalar(select(Post).join(Post.thread).where(
        Thread.status == Thread.PUBLISHED, Thread.kind == Thread.DISCUSSION, Post.author_id != admin.id,
        Post.review == Post.SHOWN)
        .order_by(Post.id.desc()).limit(1))
    readers = list(db.session.scalars(select(User).where(User.status == Status.ACTIVE, User.role == Role.MEMBER,
                                                         User.id != flagged.author_id).order_by(User.id).limit(2))) \
        if flagged is not None else []
    for reader, (reason, note) in zip(readers, content.DEMO_FLAGS):
        db.session.add(Flag(post_id=flagged.id, user_id=reader.id, reason=reason, note=note,
                            created_at=now - timedelta(hours=rng.randint(1, 20))))
        report.add("flags")

    applicant = db.session.scalar(select(User).where(User.status == Status.PENDING).order_by(User.id).limit(1))
    if applicant is not None:
        invited = User(email=f"{slugify(applicant.display_name)}@district.example.org",
                       username=_unique_username(slugify(applicant.display_name).replace("-", ".")[:24] + ".roster",
                                                 set(db.session.scalars(select(User.username)))),
                       display_name=applicant.display_name, password_hash="!invited", status=Status.INVITED,
                       organisation="Memphis-Shelby County Schools", headline="Director of Talent",
                       region_id=applicant.region_id)
        _affiliate(rng, invited, programs)
        db.session.add(invited)
        report.add("roster invitations")

    for word, thread in zip(content.DEMO_PROPOSALS, db.session.scalars(
            select(Thread).where(Thread.status == Thread.PUBLISHED, Thread.kind == Thread.DISCUSSION)
            .order_by(Thread.last_post_at.desc()).limit(len(content.DEMO_PROPOSALS)))):
        if taxonomy.resolve(word) is None:
            db.session.add(TagProposal(name=word, slug=taxonomy.tag_key(word), proposer_id=thread.author_id,
                                       thread_id=thread.id, created_at=now - timedelta(hours=rng.randint(1, 48))))
            report.add("tag proposals")


NEW_MEMBER_HELD = "A new member's first post: waiting for a moderator's review."
