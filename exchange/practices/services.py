"""Best practices: structured write-ups on practice threads, their lifecycle, the library.

A practice is a thread of kind ``practice``. Its opening post carries the whole write-up
as Markdown (so everything that reads posts — lists, counters, later the search index —
sees it); the ``Practice`` row carries the sections for display and the facets for filtering.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, extract, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import posting
from ..database import transaction
from ..extensions import db
from ..facets import FacetValue
from ..forms import ServiceError
from ..markup import render_markdown
from ..moderation.log import log_moderation, moderator_edit
from ..members.regions import area, metro_id
from .. import events
from ..models import (HelpfulMark, Post, Practice, Region, Tag, TagGroup, Thread, ThreadTag, User,
                      utcnow)
from ..taxonomy import services as taxonomy
from ..threads import status

SECTION_TITLES = {
    "summary": "Summary",
    "problem": "The problem",
    "context": "Context",
    "steps": "What we did",
    "evidence": "Evidence and results",
    "resources": "Resources",
    "contact": "Contact",
}
REQUIRED_SECTIONS = ("summary", "problem", "steps")
SORTS = {"newest": "Newest", "helpful": "Most helpful", "active": "Recently active"}
PER_PAGE = 20
# A resource on a line of its own: "Name — https://…" (or "Name: https://…"), or a bare address; listed or not.
RESOURCE = re.compile(r"(?P<lead>[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+| {0,3})"
                      r"(?:(?P<name>\S.*?)(?:[ \t]*:|[ \t]+[—–-])[ \t]+)?<?(?P<url>https?://[^\s<>]+?)>?[.,;]?[ \t]*")


@dataclass
class PracticeInput:
    title: str
    category_id: int
    tags: list[Tag]
    sections: dict[str, str]
    setting: str
    size: str = ""
    region_id: int | None = None


def resources_markdown(text: str) -> str:
    """Resources as a list of links (markup.py renders them): a named address links its name, a bare one
    itself. Every other line, and code, stays as it was written."""
    lines, fenced = [], False
    for line in text.splitlines():
        fenced ^= line.lstrip().startswith(("```", "~~~"))
        if (found := None if fenced else RESOURCE.fullmatch(line)) is not None:
            name, url = re.sub(r"([\\\[\]])", r"\\\1", found["name"] or ""), found["url"]
            line = (found["lead"] if found["lead"].strip() else "- ") + (f"[{name}](<{url}>)" if name else f"<{url}>")
        lines.append(line)
    return "\n".join(lines)


def compose_body(title: str, sections: dict[str, str]) -> str:
    """The write-up as one Markdown document, for the opening post."""
    parts = []
    for name, heading in SECTION_TITLES.items():
        text = (sections.get(name) or "").strip()
        text = resources_markdown(text) if name == "resources" else text
        if text:
            parts.append(text if name == "summary" else f"## {heading}\n\n{text}")
    return "\n\n".join(parts)


def _apply(practice: Practice, data: PracticeInput) -> None:
    for name in Practice.SECTIONS:
        text = (data.sections.get(name) or "").strip()
        setattr(practice, name, text)
        shown = resources_markdown(text) if name == "resources" else text
        setattr(practice, f"{name}_html", render_markdown(shown) if text else "")
    practice.setting, practice.size, practice.region_id = data.setting, data.size.strip(), data.region_id


def create(*, author: User, data: PracticeInput, publish: bool, proposals: list[str] = (),
           source_post: Post | None = None) -> Thread:
    """A practice, as a draft (seen by its author alone, asked of nobody) or, with ``publish``, as the
    posting policy decides: published, held for a moderator (``thread.is_held``) or refused
    (``posting.Refused``, nothing written)."""
    verdict = posting.decide_or_refuse("practice", author) if publish else None
    with transaction():
        now = utcnow()
        thread = Thread(kind=Thread.PRACTICE, status=Thread.DRAFT, title=data.title, category_id=data.category_id,
                        author_id=author.id, created_at=now, last_post_at=now, last_poster_id=author.id, post_count=1)
        db.session.add(thread)
        db.session.flush()
        body = compose_body(data.title, data.sections)
        opening = Post(thread_id=thread.id, author_id=author.id, body_source=body,
                       body_html=render_markdown(body), created_at=now)
        db.session.add(opening)
        status.file_new(thread)
        practice = Practice(thread_id=thread.id, source_post_id=source_post.id if source_post else None)
        thread.practice = practice
        _apply(practice, data)
        db.session.add(practice)
        taxonomy.file_under(thread.id, data.tags)
        taxonomy.propose_words(list(proposals), proposer=author, thread_id=thread.id)
        if verdict is not None:
            _publish_or_hold(thread, opening, verdict, now)
    return thread


def _publish_or_hold(thread: Thread, opening: Post, verdict: posting.Verdict, now) -> None:
    """A draft leaves the draft stage as the verdict says: listed now, or held (listed nowhere,
    its opening post in the moderators' queue) until ``go_live`` on approval."""
    if verdict.held:
        status.set_status(thread, Thread.HELD)
        opening.review, opening.held_reason = Post.HELD, verdict.reason
    else:
        go_live(thread, now)


def go_live(thread: Thread, now) -> None:
    """A practice is published: dated, reviewed now, counted in its category, searchable."""
    thread.created_at, thread.last_post_at = now, now
    thread.practice.published_at = thread.practice.reviewed_at = now
    thread.practice.refresh_requested_at = None
    status.set_status(thread, Thread.PUBLISHED)
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))
    events.post_published(post_id=opening, thread_id=thread.id, author_id=thread.author_id, opens_thread=True)


def update_practice(*, thread: Thread, data: PracticeInput, proposals: list[str] = (),
                    publish: bool = False, editor: User | None = None, reason: str = "") -> Thread:
    """Save a practice; a moderator editing someone else's gives a reason (logged, shown on its post)."""
    reason = moderator_edit(editor, thread.author_id, reason)
    # Publishing a draft from its edit page goes through the posting policy like any other post.
    verdict = posting.decide_or_refuse("practice", thread.author) if publish and thread.is_draft else None
    with transaction():
        practice = thread.practice
        _apply(practice, data)
        thread.title = data.title
        status.move_to(thread, data.category_id)  # counted only if listed: a hidden or held one is not
        opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))
        body = compose_body(data.title, data.sections)
        if opening is not None and opening.body_source != body:
            opening.body_source, opening.body_html = body, render_markdown(body)
            opening.edited_at = utcnow()
            if reason:
                opening.edited_by_id, opening.edit_reason = editor.id, reason
                log_moderation(editor, "edit_practice", thread, label=data.title, reason=reason)
        if verdict is not None:
            _publish_or_hold(thread, opening, verdict, utcnow())
        elif thread.status not in (Thread.DRAFT, Thread.HELD, Thread.REJECTED):  # never published: nothing to review
            practice.reviewed_at = utcnow()  # the author (or a moderator) just went over it
            practice.refresh_requested_at = None
        taxonomy.file_under(thread.id, data.tags)
        existing = {p.slug for p in taxonomy.pending_proposals_for(thread.id)}
        taxonomy.propose_words([w for w in proposals if taxonomy.tag_key(w) not in existing],
                               proposer=thread.author, thread_id=thread.id)
        events.threads_changed(thread.id)
    return thread


def publish(thread: Thread) -> Thread:
    """A draft goes through the posting policy: published, held (``thread.is_held``) or refused."""
    if not thread.is_draft:
        raise ServiceError("This practice is already published.")
    missing = [SECTION_TITLES[n] for n in REQUIRED_SECTIONS if not getattr(thread.practice, n).strip()]
    if missing:
        raise ServiceError(f"Fill in {', '.join(missing)} before publishing.")
    verdict = posting.decide_or_refuse("practice", thread.author)
    with transaction():
        _publish_or_hold(thread, _opening(thread), verdict, utcnow())
    return thread


def _opening(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


def get(thread_id: int) -> Thread | None:
    return db.session.scalar(
        select(Thread).options(joinedload(Thread.practice).joinedload(Practice.region),
                               joinedload(Thread.category), joinedload(Thread.author),
                               selectinload(Thread.tag_links).joinedload(ThreadTag.tag))
        .where(Thread.id == thread_id, Thread.kind == Thread.PRACTICE)
    )


def has_marked_helpful(thread: Thread, user: User) -> bool:
    return db.session.get(HelpfulMark, (thread.id, user.id)) is not None


def toggle_helpful(*, thread: Thread, user: User) -> bool:
    """Mark or unmark; returns whether it is marked now. One mark per member."""
    if thread.is_draft:
        raise ServiceError("Drafts cannot be marked helpful.")
    with transaction():
        mark = db.session.get(HelpfulMark, (thread.id, user.id))
        if mark is None:
            db.session.add(HelpfulMark(thread_id=thread.id, user_id=user.id))
            events.helpful_marked(thread_id=thread.id, user_id=user.id)
            delta = 1
        else:
            db.session.delete(mark)
            delta = -1
        db.session.execute(update(Practice).where(Practice.thread_id == thread.id)
                           .values(helpful_count=Practice.helpful_count + delta))
    return delta == 1


def promotion_draft(*, thread: Thread, post: Post) -> dict:
    """Form data for a practice started from a discussion (or one reply in it)."""
    if post.is_hidden:
        raise ServiceError("This post is hidden by a moderator and cannot become a practice.")
    if thread.is_practice:
        raise ServiceError("This is already a practice.")
    text = post.body_source.strip()
    first_paragraph = text.split("\n\n", 1)[0]
    return {"title": thread.title, "category": thread.category_id, "tags": taxonomy.tag_field_value(thread),
            "summary": first_paragraph[:1000], "problem": text, "steps": "",
            "resources": f"Started from the discussion “{thread.title}”.", "source_post": post.id}


# --- the library ---------------------------------------------------------------------------

@dataclass
class Filters:
    tags: list[str] = field(default_factory=list)  # slugs, all must match (AND)
    region: str = ""
    setting: str = ""
    year: int | None = None
    sort: str = "newest"
    page: int = 1

    def cache_key(self) -> tuple:
        return (tuple(self.tags), self.region, self.setting, self.year, self.sort, self.page)

    def without(self, **changes) -> dict:
        """Query-string arguments for these filters with some changed (for facet links)."""
        args = {"tag": list(self.tags), "region": self.region, "setting": self.setting,
                "year": self.year or "", "sort": self.sort if self.sort != "newest" else ""}
        args.update(changes)
        return {k: v for k, v in args.items() if v}


@dataclass
class Library:
    practices: list[Thread]
    total: int
    page: int
    pages: int
    tag_facets: list[tuple[TagGroup, list[FacetValue]]]
    region_facet: list[FacetValue]
    setting_facet: list[FacetValue]
    year_facet: list[FacetValue]
    selected_tags: list[Tag]
    unknown_tags: list[str]


def _published() -> Select:
    return (select(Thread.id).join(Practice, Practice.thread_id == Thread.id)
            .where(Thread.kind == Thread.PRACTICE, Thread.listed_sql()))


def _in_region(slug: str):
    """A metro region's practices include its cities': one subquery, no extra round trip."""
    return Practice.region_id.in_(area(select(Region.id).where(Region.slug == slug).scalar_subquery()))


def _filtered(filters: Filters, tags: list[Tag], *, skip: str = "") -> Select:
    """Ids of published practices matching every filter except ``skip`` (for its own facet)."""
    query = _published()
    for tag in tags:
        # ThreadTag holds implied parents too, so a parent tag finds its children's practices.
        query = query.where(Thread.id.in_(select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)))
    if filters.region and skip != "region":
        query = query.where(_in_region(filters.region))
    if filters.setting and skip != "setting":
        query = query.where(Practice.setting == filters.setting)
    if filters.year and skip != "year":
        query = query.where(extract("year", Practice.published_at) == filters.year)
    return query


def library(filters: Filters) -> Library:
    known = {t.slug: t for t in db.session.scalars(select(Tag).options(joinedload(Tag.group))
                                                   .where(Tag.slug.in_(filters.tags)))} if filters.tags else {}
    selected = [known[s] for s in dict.fromkeys(filters.tags) if s in known]
    unknown = [s for s in filters.tags if s not in known]
    ids = _filtered(filters, selected).subquery()
    total = db.session.scalar(select(func.count()).select_from(ids))
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(filters.page, 1), pages)
    order = {
        "helpful": (Practice.helpful_count.desc(), Practice.published_at.desc()),
        "active": (Thread.last_post_at.desc(),),
    }.get(filters.sort, (Practice.published_at.desc(),))
    practices = list(db.session.scalars(
        select(Thread).join(Practice, Practice.thread_id == Thread.id)
        .options(joinedload(Thread.practice).joinedload(Practice.region), joinedload(Thread.author),
                 selectinload(Thread.tag_links).joinedload(ThreadTag.tag))
        .where(Thread.id.in_(select(ids.c.id))).order_by(*order, Thread.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).unique())
    return Library(practices, total, page, pages, _tag_facets(ids, selected), _region_facet(filters, selected),
                   _setting_facet(filters, selected), _year_facet(filters, selected), selected, unknown)


def _tag_facets(ids, selected: list[Tag]) -> list[tuple[TagGroup, list[FacetValue]]]:
    """Counts per tag, grouped by tag group, in one query (selected tags show even at zero)."""
    chosen = {t.id for t in selected}
    rows = db.session.execute(
        select(TagGroup, Tag.id, Tag.slug, Tag.name, func.count(ThreadTag.thread_id))
        .join(Tag, Tag.group_id == TagGroup.id)
        .outerjoin(ThreadTag, and_(ThreadTag.tag_id == Tag.id, ThreadTag.thread_id.in_(select(ids.c.id))))
        .group_by(TagGroup.id, Tag.id, Tag.slug, Tag.name)
        .having(or_(func.count(ThreadTag.thread_id) > 0, Tag.id.in_(chosen or [0])))
        .order_by(TagGroup.position, TagGroup.id)
    ).all()
    facets: dict[int, tuple[TagGroup, list[FacetValue]]] = {}
    for group, tag_id, slug, name, count in rows:
        facets.setdefault(group.id, (group, []))[1].append(FacetValue(slug, name, count, tag_id in chosen))
    for _, values in facets.values():
        values.sort(key=lambda v: (-v.count, v.label))
    return list(facets.values())


def _region_facet(filters: Filters, tags: list[Tag]) -> list[FacetValue]:
    """Counts per metro region (cities count for their metro), in one query."""
    ids = _filtered(filters, tags, skip="region").subquery()
    place, metro = aliased(Region), aliased(Region)
    rows = db.session.execute(
        select(metro.slug, metro.name, func.count())
        .select_from(Practice).join(place, place.id == Practice.region_id)
        .join(metro, metro.id == metro_id(place))
        .where(Practice.thread_id.in_(select(ids.c.id))).group_by(metro.slug, metro.name)).all()
    values = [FacetValue(slug, name, n, slug == filters.region) for slug, name, n in rows]
    return sorted(values, key=lambda v: (-v.count, v.label))


def _setting_facet(filters: Filters, tags: list[Tag]) -> list[FacetValue]:
    ids = _filtered(filters, tags, skip="setting").subquery()
    rows = dict(db.session.execute(select(Practice.setting, func.count())
                                   .where(Practice.thread_id.in_(select(ids.c.id))).group_by(Practice.setting)).all())
    return [FacetValue(s, s.capitalize(), rows[s], s == filters.setting) for s in Practice.SETTINGS if rows.get(s)]


def _year_facet(filters: Filters, tags: list[Tag]) -> list[FacetValue]:
    ids = _filtered(filters, tags, skip="year").subquery()
    year = extract("year", Practice.published_at)
    rows = db.session.execute(select(year, func.count()).where(Practice.thread_id.in_(select(ids.c.id)))
                              .group_by(year).order_by(year.desc())).all()
    return [FacetValue(str(int(y)), str(int(y)), n, filters.year == int(y)) for y, n in rows]


def highlights(*, limit: int = 4) -> list[Thread]:
    """For the home page: the most helpful practices of the last year (curation arrives with moderation)."""
    return list(db.session.scalars(
        select(Thread).join(Practice, Practice.thread_id == Thread.id)
        .options(joinedload(Thread.practice), joinedload(Thread.author))
        .where(Thread.listed_sql())
        .order_by(Practice.helpful_count.desc(), Practice.published_at.desc()).limit(limit)
    ).unique())


def feed_entries(*, tag: Tag | None = None, limit: int = 50) -> list[Thread]:
    """The newest published items for a feed: practices, or everything filed under a tag."""
    query = (select(Thread).options(joinedload(Thread.author), joinedload(Thread.practice))
             .where(Thread.listed_sql()))
    if tag is None:
        query = query.join(Practice, Practice.thread_id == Thread.id).order_by(Practice.published_at.desc())
    else:
        query = (query.where(Thread.id.in_(select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)))
                 .order_by(Thread.created_at.desc()))
    return list(db.session.scalars(query.limit(limit)).unique())


def filed_under(tag: Tag, *, kind: str, limit: int = 20, leave_out=()) -> list[Thread]:
    return list(db.session.scalars(
        select(Thread).options(joinedload(Thread.author), joinedload(Thread.practice))
        .where(Thread.listed_sql(), Thread.kind == kind, *leave_out,
               Thread.id.in_(select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)))
        .order_by(Thread.last_post_at.desc()).limit(limit)
    ).unique())


def my_drafts(user: User) -> list[Thread]:
    return list(db.session.scalars(select(Thread).where(
        Thread.author_id == user.id, Thread.kind == Thread.PRACTICE, Thread.status == Thread.DRAFT)
        .order_by(Thread.created_at.desc())))

