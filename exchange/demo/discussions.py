"""The demo's conversations: categories (matched by slug), threads with their replies over the last
18 months, and written-up practices, all filed under fitting tags."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..markup import render_markdown
from ..models import Category, HelpfulMark, Post, Practice, Region, Tag, Thread, ThreadTag, User, utcnow
from ..practices import services as practice_services
from ..taxonomy import tree
from .content import discussions as content
from .content.people import HEADLINES, ORGANISATIONS
from .content.practices import PRACTICES
from .report import LoadReport

def load_categories(report: LoadReport) -> list[Category]:
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, spec in enumerate(content.CATEGORIES):
        if spec["slug"] not in existing:
            existing[spec["slug"]] = Category(slug=spec["slug"], name=spec["name"],
                                              description=spec["description"], position=position)
            db.session.add(existing[spec["slug"]])
            report.add("categories")
    db.session.flush()
    return [existing[spec["slug"]] for spec in content.CATEGORIES]


def has_demo_threads(people: list[User]) -> bool:
    ids = [p.id for p in people]
    return bool(db.session.scalar(select(func.count()).select_from(Thread).where(Thread.author_id.in_(ids))))


def write_discussions(rng: random.Random, report: LoadReport, people: list[User], categories: list[Category],
                      metros: dict[str, Region], count: int, tagger: Tagger) -> None:
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
        title = unique_title(rng, subject, places, seen_titles)
        author = rng.choice(people)
        fill = filler(rng, subject, places)
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
            text = rng.choice(content.REPLIES).format(**filler(rng, subject, places))
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


class Tagger:
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


def write_practices(rng: random.Random, report: LoadReport, people: list[User], categories: list[Category],
                    metros: dict[str, Region], tagger: Tagger) -> None:
    """Each written-up practice, as it was adapted in a few regions; some discussed, some marked helpful."""
    now = utcnow()
    by_slug = {c.slug: c for c in categories}
    for number, (category_slug, title, summary, problem, steps, evidence, resources) in enumerate(
            PRACTICES * 3):
        round_ = number // len(PRACTICES)
        metro = rng.choice(list(metros))
        if round_:
            title = f"{title} ({metro})"
        author = rng.choice(people)
        published = now - timedelta(days=rng.randint(3, 700), minutes=rng.randint(0, 600))
        sections = {"summary": summary, "problem": problem, "steps": steps, "evidence": evidence,
                    "resources": resources, "contact": f"Write to {author.display_name} through Exchange.",
                    "context": f"{rng.choice(ORGANISATIONS[metro])}, {metro}."}
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
            text = rng.choice(content.REPLIES).format(**filler(rng, title.lower(), list(metros)))
            db.session.add(Post(thread=thread, author_id=replier.id, body_source=text, body_html=render_markdown(text),
                                created_at=at))
            thread.post_count += 1
            thread.last_post_at, thread.last_poster_id = at, replier.id
        tagger.file(thread, category_slug)
        category.thread_count += 1
        report.add("practices")


def filler(rng: random.Random, subject: str, places: list[str]) -> dict[str, str]:
    return {
        "subject": subject,
        "place": rng.choice(places),
        "count": str(rng.choice([4, 6, 8, 12, 15, 22, 30])),
        "month": rng.choice(content.MONTHS),
        "students": f"{rng.choice([8, 12, 25, 40, 55, 80, 120])},000",
        "share": f"{rng.randint(35, 85)}%",
        "role": rng.choice(HEADLINES).lower(),
    }


def unique_title(rng: random.Random, subject: str, places: list[str], seen: set[str]) -> str:
    for _ in range(20):
        title = rng.choice(content.TITLE_PATTERNS).format(subject=subject, place=rng.choice(places))
        title = title[0].upper() + title[1:]
        if title not in seen:
            break
    seen.add(title)
    return title
