"""Curation: practices featured on the home page, and collections of practices with a curator's note.

Every action writes its moderation-log row in the same transaction. Nothing is deleted but an
item leaving a collection (logged); a collection is unpublished instead. Positions run 1..n with
no gaps: every reordering and removal renumbers the whole (short) list, which also heals any
duplicate positions two concurrent curators might have left behind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..markup import render_markdown
from ..models import Collection, CollectionItem, FeaturedPractice, Thread, ThreadTag, User, utcnow
from ..moderation.log import log_moderation
from ..text import slugify

UP, DOWN = "up", "down"
# Paths under /collections/ that are pages, not collections.
RESERVED_SLUGS = frozenset({"new"})


# --- reading ------------------------------------------------------------------------------------

def _practice_options():
    """What a practice card shows (title, summary, author, tags), loaded with the rows."""
    return (joinedload(Thread.practice), joinedload(Thread.author),
            selectinload(Thread.tag_links).joinedload(ThreadTag.tag))


def featured_practices() -> list[Thread]:
    """The home page's featured practices, in order; practices no longer published drop out."""
    return list(db.session.scalars(
        select(Thread).join(FeaturedPractice, FeaturedPractice.thread_id == Thread.id)
        .options(*_practice_options())
        .where(Thread.listed_sql(), Thread.kind == Thread.PRACTICE)
        .order_by(FeaturedPractice.position, FeaturedPractice.featured_at)
    ).unique())


def featured_entries() -> list[FeaturedPractice]:
    """Every featured row, for curators (including practices that are no longer published)."""
    return list(db.session.scalars(
        select(FeaturedPractice).options(joinedload(FeaturedPractice.thread).joinedload(Thread.practice))
        .order_by(FeaturedPractice.position, FeaturedPractice.featured_at)))


def is_featured(thread: Thread) -> bool:
    return db.session.get(FeaturedPractice, thread.id) is not None


@dataclass
class CollectionSummary:
    collection: Collection
    practice_count: int


def collections(*, include_unpublished: bool) -> list[CollectionSummary]:
    """Collections for the index, newest first, each with its number of published practices."""
    shown = (select(CollectionItem.collection_id, func.count().label("n"))
             .join(Thread, Thread.id == CollectionItem.thread_id)
             .where(Thread.listed_sql()).group_by(CollectionItem.collection_id).subquery())
    query = (select(Collection, func.coalesce(shown.c.n, 0))
             .outerjoin(shown, shown.c.collection_id == Collection.id)
             .options(joinedload(Collection.curator))
             .order_by(Collection.is_published.desc(), Collection.updated_at.desc(), Collection.id.desc()))
    if not include_unpublished:
        query = query.where(Collection.is_published)
    return [CollectionSummary(c, n) for c, n in db.session.execute(query).all()]


def get_collection(slug: str) -> Collection | None:
    return db.session.scalar(select(Collection).options(joinedload(Collection.curator)).where(Collection.slug == slug))


def collection_items(collection: Collection, *, published_only: bool) -> list[CollectionItem]:
    query = (select(CollectionItem).join(Thread, Thread.id == CollectionItem.thread_id)
             .options(joinedload(CollectionItem.thread).options(*_practice_options()))
             .where(CollectionItem.collection_id == collection.id)
             .order_by(CollectionItem.position, CollectionItem.id))
    if published_only:
        query = query.where(Thread.listed_sql())
    return list(db.session.scalars(query).unique())


def get_item(collection: Collection, item_id: int) -> CollectionItem | None:
    item = db.session.get(CollectionItem, item_id)
    return item if item is not None and item.collection_id == collection.id else None


def collection_choices() -> list[Collection]:
    """Every collection, for a curator's "Add to collection" select."""
    return list(db.session.scalars(select(Collection).order_by(Collection.title)))


def collections_holding(thread: Thread) -> list[Collection]:
    return list(db.session.scalars(
        select(Collection).join(CollectionItem, CollectionItem.collection_id == Collection.id)
        .where(CollectionItem.thread_id == thread.id).order_by(Collection.title)))


# At most 9 digits: ids are 32-bit integers on PostgreSQL, and a longer number names no practice.
_PRACTICE_REF = re.compile(r"^\s*(?:\S*/practices/)?(\d{1,9})(?:[/?#]\S*)?\s*$")


def find_practice(reference: str) -> Thread:
    """The practice a curator means by its address (``…/practices/42``) or its number."""
    match = _PRACTICE_REF.match(reference or "")
    thread = db.session.get(Thread, int(match.group(1))) if match else None
    if thread is None:
        raise ServiceError("No practice has that address. Paste a practice's address, e.g. "
                           "https://…/practices/42, or just its number.", field="practice")
    return thread


# --- collections --------------------------------------------------------------------------------

def _unique_slug(title: str) -> str:
    base = slugify(title, 72) or "collection"
    taken = set(db.session.scalars(select(Collection.slug).where(
        (Collection.slug == base) | Collection.slug.like(f"{base}-%"))))
    slug, n = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _describe(collection: Collection, title: str, description: str) -> None:
    collection.title = " ".join(title.split())
    collection.description = description.strip()
    collection.description_html = render_markdown(collection.description) if collection.description else ""
    collection.updated_at = utcnow()


def create_collection(*, curator: User, title: str, description: str = "") -> Collection:
    """A new collection starts unpublished, so the curator can fill it before members see it."""
    try:
        with transaction():
            collection = Collection(slug=_unique_slug(title), curator_id=curator.id, is_published=False)
            _describe(collection, title, description)
            db.session.add(collection)
            db.session.flush()
            log_moderation(curator, "create_collection", collection, label=collection.title)
    except IntegrityError:
        # Another curator took the same address a moment ago.
        raise ServiceError("A collection with that title was just created. Choose another title.", field="title")
    return collection


def update_collection(*, curator: User, collection: Collection, title: str, description: str = "") -> Collection:
    """The address stays as it was: links already shared keep working."""
    with transaction():
        _describe(collection, title, description)
        log_moderation(curator, "edit_collection", collection, label=collection.title)
    return collection


def set_published(*, curator: User, collection: Collection, published: bool) -> Collection:
    if collection.is_published == published:
        raise ServiceError("This collection is already published." if published
                           else "This collection is already unpublished.")
    with transaction():
        collection.is_published = published
        collection.updated_at = utcnow()
        log_moderation(curator, "publish_collection" if published else "unpublish_collection", collection,
                       label=collection.title)
    return collection


def _check_collectable(thread: Thread) -> None:
    if not thread.is_practice:
        raise ServiceError("That is a discussion, not a practice: only practices go into collections.",
                           field="practice")
    if thread.is_draft:
        raise ServiceError("That practice is still a draft: it can be added once its author publishes it.",
                           field="practice")
    if not thread.is_listed:
        raise ServiceError("Only published practices can be added to a collection.", field="practice")


def _item_label(collection: Collection, thread: Thread) -> str:
    return f"“{thread.title}” in “{collection.title}”"


def add_item(*, curator: User, collection: Collection, thread: Thread, note: str = "") -> CollectionItem:
    _check_collectable(thread)
    duplicate = ServiceError(f"“{thread.title}” is already in “{collection.title}”.", field="practice")
    if db.session.scalar(select(CollectionItem.id).where(CollectionItem.collection_id == collection.id,
                                                         CollectionItem.thread_id == thread.id)):
        raise duplicate
    try:
        with transaction():
            last = db.session.scalar(select(func.max(CollectionItem.position))
                                     .where(CollectionItem.collection_id == collection.id)) or 0
            item = CollectionItem(collection_id=collection.id, thread_id=thread.id, position=last + 1,
                                  note=note.strip(), added_by_id=curator.id)
            db.session.add(item)
            collection.updated_at = utcnow()
            log_moderation(curator, "add_to_collection", collection, label=_item_label(collection, thread),
                           reason=item.note)
    except IntegrityError:
        raise duplicate  # added by another curator at the same moment
    return item


def update_note(*, curator: User, item: CollectionItem, note: str) -> CollectionItem:
    with transaction():
        item.note = note.strip()
        item.collection.updated_at = utcnow()
        log_moderation(curator, "edit_collection_note", item.collection,
                       label=_item_label(item.collection, item.thread), reason=item.note)
    return item


def _ordered_items(collection_id: int) -> list[CollectionItem]:
    return list(db.session.scalars(select(CollectionItem).where(CollectionItem.collection_id == collection_id)
                                   .order_by(CollectionItem.position, CollectionItem.id)))


def _renumber(rows) -> None:
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position


def _moved(rows: list, row, direction: str) -> list:
    """``rows`` with ``row`` one place up or down (unchanged at either end)."""
    index = rows.index(row)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


def move_item(*, curator: User, item: CollectionItem, direction: str) -> None:
    with transaction():
        rows = _ordered_items(item.collection_id)
        _renumber(_moved(rows, item, direction))
        log_moderation(curator, "move_collection_item", item.collection,
                       label=_item_label(item.collection, item.thread), reason=f"moved {direction} to {item.position}")


def remove_item(*, curator: User, item: CollectionItem) -> None:
    with transaction():
        collection, thread = item.collection, item.thread
        log_moderation(curator, "remove_from_collection", collection, label=_item_label(collection, thread),
                       reason=item.note)
        db.session.delete(item)
        db.session.flush()
        _renumber(_ordered_items(collection.id))
        collection.updated_at = utcnow()


# --- featured practices -------------------------------------------------------------------------

def _ordered_featured() -> list[FeaturedPractice]:
    return list(db.session.scalars(select(FeaturedPractice)
                                   .order_by(FeaturedPractice.position, FeaturedPractice.featured_at)))


def feature(*, curator: User, thread: Thread) -> FeaturedPractice:
    """Newly featured practices go last; the curator reorders them on the featured page."""
    _check_collectable(thread)
    if is_featured(thread):
        raise ServiceError(f"“{thread.title}” is already featured on the home page.")
    try:
        with transaction():
            last = db.session.scalar(select(func.max(FeaturedPractice.position))) or 0
            row = FeaturedPractice(thread_id=thread.id, position=last + 1, featured_by_id=curator.id)
            db.session.add(row)
            log_moderation(curator, "feature_practice", thread, label=thread.title)
    except IntegrityError:
        raise ServiceError(f"“{thread.title}” is already featured on the home page.")
    return row


def unfeature(*, curator: User, thread: Thread) -> None:
    row = db.session.get(FeaturedPractice, thread.id)
    if row is None:
        raise ServiceError(f"“{thread.title}” is not featured.")
    with transaction():
        log_moderation(curator, "unfeature_practice", thread, label=thread.title)
        db.session.delete(row)
        db.session.flush()
        _renumber(_ordered_featured())


def move_featured(*, curator: User, thread: Thread, direction: str) -> None:
    row = db.session.get(FeaturedPractice, thread.id)
    if row is None:
        raise ServiceError(f"“{thread.title}” is not featured.")
    with transaction():
        rows = _ordered_featured()
        row = next(r for r in rows if r.thread_id == thread.id)
        _renumber(_moved(rows, row, direction))
        log_moderation(curator, "move_featured_practice", thread, label=thread.title,
                       reason=f"moved {direction} to {row.position}")

