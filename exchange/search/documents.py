"""What gets indexed: one document per thread (its title, every visible post, its tags with
their aliases, category, authors and region), one per active member and one per listed opening
(its title, organisation, description, tags with their aliases, region and metro, kind and level).

This is the single place that decides what a reader may find. Drafts, hidden posts and
members who are not active are left out, so no backend can show them in results or
snippets; a thread whose opening post is hidden is left out whole (its title belongs to that
post, and moderation takes such a thread out of every list). Member documents, and the
author's region in thread documents, hold only fields every member may see
(members/privacy.py decides). An opening is indexed while it is listed (``Opportunity.listed_sql``).
``listed_threads``, ``listed_members`` and ``listed_opportunities`` say the same in SQL, for the
hits a stale index may still return.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..markup import plain_text
from ..members import privacy
from ..models import (Affiliation, Opportunity, Post, Practice, Region, Sector, Seeking, Tag, Thread, ThreadTag,
                      User)
from ..taxonomy import tree
from . import copies

THREAD = "thread"
MEMBER = "member"
OPPORTUNITY = "opportunity"
BATCH = 200
DOCTYPES = (THREAD, MEMBER, OPPORTUNITY)  # every doctype the index holds, in the order a rebuild writes them


@dataclass
class Document:
    doctype: str
    id: int
    kind: str                      # practice | discussion | member | opportunity
    title: str
    body: str
    tagtext: str = ""              # tag names and every alias
    meta: str = ""                 # category, authors, region and kind, as words
    tag_ids: list[int] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)
    category_id: int | None = None
    created: datetime | None = None
    copy_of: str = ""              # what a practice's regional copies share (copies.py), else ""

    @property
    def key(self) -> str:
        return key(self.doctype, self.id)


def key(doctype: str, doc_id: int) -> str:
    return f"{doctype}:{doc_id}"


def listed_members() -> ColumnElement[bool]:
    """SQL: the members the directory lists, and so search."""
    return User.listed_sql()


def listed_threads() -> ColumnElement[bool]:
    """SQL: the threads search may show. Published only: a thread whose opening post is held or
    hidden is not (moderation gives it the held or hidden status), nor a merged one."""
    return Thread.listed_sql()


def listed_opportunities() -> ColumnElement[bool]:
    """SQL: the openings search may show: open, not hidden, not past their closing date (even before
    the sweep marks them expired). Evaluated afresh each time: the date moves."""
    return Opportunity.listed_sql(date.today())


def _tags_by_thread(thread_ids: list[int]) -> dict[int, list[Tag]]:
    tagged: dict[int, list[Tag]] = defaultdict(list)
    rows = db.session.execute(
        select(ThreadTag.thread_id, Tag).join(Tag, Tag.id == ThreadTag.tag_id)
        .options(selectinload(Tag.aliases)).where(ThreadTag.thread_id.in_(thread_ids)))
    for thread_id, tag in rows:
        tagged[thread_id].append(tag)
    return tagged


def thread_documents(thread_ids: list[int]) -> tuple[list[Document], list[int]]:
    """(documents for the published threads among ``thread_ids``; the ids to drop from the index)."""
    docs: list[Document] = []
    for start in range(0, len(thread_ids), BATCH):
        docs += _thread_batch(thread_ids[start:start + BATCH])
    found = {d.id for d in docs}
    return docs, [i for i in thread_ids if i not in found]


def _thread_batch(ids: list[int]) -> list[Document]:
    threads = list(db.session.scalars(
        select(Thread).options(joinedload(Thread.category), joinedload(Thread.author).joinedload(User.region),
                               joinedload(Thread.author).selectinload(User.affiliations),  # privacy.can_see reads them
                               joinedload(Thread.practice).joinedload(Practice.region))
        .where(Thread.id.in_(ids), listed_threads())))
    if not threads:
        return []
    thread_ids = [t.id for t in threads]
    practices = {t.id for t in threads if t.practice is not None}
    openers = dict(db.session.execute(select(Post.thread_id, func.min(Post.id)).where(Post.thread_id.in_(thread_ids))
                                      .group_by(Post.thread_id)).all())
    posts: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    opener_shown: set[int] = set()
    for post_id, thread_id, html, author_id, author_name in db.session.execute(
            select(Post.id, Post.thread_id, Post.body_html, Post.author_id, User.display_name)
            .join(User, User.id == Post.author_id)
            .where(Post.thread_id.in_(thread_ids), Post.is_hidden.is_(False), Post.review == Post.SHOWN)
            .order_by(Post.id)):
        if post_id == openers.get(thread_id):
            opener_shown.add(thread_id)
            if thread_id in practices:
                continue  # the opening post repeats the practice's sections, indexed below
        posts[thread_id].append((plain_text(html), author_id, author_name))
    tags = _tags_by_thread(thread_ids)
    docs = []
    for thread in threads:
        if thread.id not in opener_shown:
            continue  # a hidden opening post takes the title (and a practice's write-up) with it
        thread_posts = posts.get(thread.id, [])
        body = [text for text, _, _ in thread_posts]
        author_region = thread.author.region if privacy.can_see(privacy.EVERY_MEMBER, thread.author, "region") else None
        regions = [r for r in (author_region, thread.practice.region if thread.practice else None) if r]
        if thread.practice is not None:
            body = [plain_text(getattr(thread.practice, f"{s}_html")) for s in Practice.SECTIONS] + body
        thread_tags = tags.get(thread.id, [])
        authors = dict.fromkeys([thread.author.display_name] + [name for _, _, name in thread_posts])
        docs.append(Document(
            doctype=THREAD, id=thread.id, kind=thread.kind, title=thread.title, body="\n".join(body),
            tagtext=" ".join([t.name for t in thread_tags] + [a.name for t in thread_tags for a in t.aliases]),
            meta=" ".join([thread.category.name, *authors, thread.author.username,
                           *(r.name for r in regions), thread.kind]),
            tag_ids=sorted({t.id for t in thread_tags}),
            region_ids=sorted({r.id for r in regions}),
            author_ids=sorted({thread.author_id} | {a for _, a, _ in thread_posts}),
            category_id=thread.category_id, created=thread.created_at,
            copy_of=copies.copy_key(thread.kind, thread.title, [r.name for r in regions]),
        ))
    return docs


def member_documents(user_ids: list[int]) -> tuple[list[Document], list[int]]:
    """(documents for the active members among ``user_ids``; the ids to drop from the index)."""
    docs: list[Document] = []
    parents = tree.parents_by_id()
    for start in range(0, len(user_ids), BATCH):
        users = db.session.scalars(
            select(User).options(joinedload(User.region).joinedload(Region.parent),
                                 selectinload(User.affiliations).joinedload(Affiliation.program),
                                 selectinload(User.expertise).selectinload(Tag.aliases))
            .where(User.id.in_(user_ids[start:start + BATCH]), listed_members()))
        docs += [member_document(u, parents) for u in users]
    found = {d.id for d in docs}
    return docs, [i for i in user_ids if i not in found]


def member_document(user: User, parents: dict[int, int] | None = None) -> Document:
    """Only the fields the member shows to all members: a search result is seen by every member,
    so a field kept to "my programs" or "only me" stays out. Never the email or registration note.
    Expertise is filed under its tags' ancestors too (``parents``: tag id → parent id), as content is."""
    shown = privacy.view(user, privacy.EVERY_MEMBER)
    region = shown.region
    places = [region.name, region.parent.name if region.parent else ""] if region else []
    programs = [f"{a.program.name} {a.program.short_name} {a.cohort_year} {a.capacity}" for a in shown.affiliations]
    expertise = [name for t in shown.expertise for name in (t.name, *(a.name for a in t.aliases))]
    return Document(
        doctype=MEMBER, id=user.id, kind=MEMBER, title=user.display_name,
        body=" ".join(filter(None, [shown.headline, shown.organisation])),
        tagtext=" ".join(expertise),
        meta=" ".join(filter(None, [user.username, *places, *programs, Sector.LABELS.get(shown.sector, "")])),
        tag_ids=tree.with_ancestors([t.id for t in shown.expertise], parents or {}),
        region_ids=[region.id] if region else [], author_ids=[user.id], created=user.created_at,
    )


def opportunity_documents(opening_ids: list[int]) -> tuple[list[Document], list[int]]:
    """(documents for the listed openings among ``opening_ids``; the ids to drop from the index).

    An opening is filed under its tags' ancestors too, as member expertise is, and under its region
    and that region's metro, so ``region:metro`` finds an opening in one of the metro's cities. Who
    posted it is not on the opening's page, so it is not indexed either (no ``@poster``)."""
    docs: list[Document] = []
    parents = tree.parents_by_id()
    for start in range(0, len(opening_ids), BATCH):
        openings = db.session.scalars(
            select(Opportunity).options(joinedload(Opportunity.region).joinedload(Region.parent),
                                        selectinload(Opportunity.tags).selectinload(Tag.aliases))
            .where(Opportunity.id.in_(opening_ids[start:start + BATCH]), listed_opportunities()))
        docs += [opportunity_document(o, parents) for o in openings]
    found = {d.id for d in docs}
    return docs, [i for i in opening_ids if i not in found]


def opportunity_document(opening: Opportunity, parents: dict[int, int]) -> Document:
    regions = [r for r in (opening.region, opening.region.parent if opening.region else None) if r]
    return Document(
        doctype=OPPORTUNITY, id=opening.id, kind=OPPORTUNITY, title=opening.title,
        body=plain_text(opening.body_html),
        tagtext=" ".join([t.name for t in opening.tags] + [a.name for t in opening.tags for a in t.aliases]),
        meta=" ".join(filter(None, [
            opening.organisation, *(r.name for r in regions), "Remote" if opening.remote else "",
            Seeking.KIND_LABELS.get(opening.kind, ""), Seeking.LEVEL_LABELS.get(opening.level, ""),
            Sector.LABELS.get(opening.sector, ""), OPPORTUNITY])),
        tag_ids=tree.with_ancestors([t.id for t in opening.tags], parents),
        region_ids=sorted({r.id for r in regions}), created=opening.published_at or opening.created_at,
    )


def all_ids(doctype: str) -> list[int]:
    if doctype == THREAD:
        return list(db.session.scalars(select(Thread.id).where(listed_threads()).order_by(Thread.id)))
    if doctype == OPPORTUNITY:
        return list(db.session.scalars(select(Opportunity.id).where(listed_opportunities()).order_by(Opportunity.id)))
    return list(db.session.scalars(select(User.id).where(listed_members()).order_by(User.id)))


def documents(doctype: str, ids: list[int]) -> tuple[list[Document], list[int]]:
    if doctype == OPPORTUNITY:
        return opportunity_documents(ids)
    return (thread_documents if doctype == THREAD else member_documents)(ids)

