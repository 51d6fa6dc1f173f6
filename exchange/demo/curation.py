"""The demo library's curation: collections (matched by slug) and featured practices."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..markup import render_markdown
from ..models import Collection, CollectionItem, FeaturedPractice, Thread, User
from ..moderation.log import log_moderation
from ..text import slugify
from .content import practices as content
from .network import DEMO_DOMAIN
from .report import LoadReport


def curate(report: LoadReport) -> None:
    """Collections (matched by slug; one still an unpublished draft) and featured practices (only when none are featured yet, so a
    curator's own choices survive another load), curated by the demo moderator."""
    curator = db.session.scalar(select(User).where(User.email == f"moderator@{DEMO_DOMAIN}"))
    collections = [(spec, True) for spec in content.COLLECTIONS] + [(spec, False) for spec in content.DRAFT_COLLECTIONS]
    titles = {title for (_, _, items), _ in collections for title, _ in items} | set(content.FEATURED)
    db.session.flush()
    practices: dict[str, Thread] = {}
    for thread in db.session.scalars(select(Thread).where(Thread.kind == Thread.PRACTICE, Thread.title.in_(titles),
                                                          Thread.status == Thread.PUBLISHED).order_by(Thread.id)):
        practices.setdefault(thread.title, thread)
    if curator is None or not practices:
        return
    existing = set(db.session.scalars(select(Collection.slug)))
    for (title, description, items), published in collections:
        if slugify(title) in existing:
            continue
        collection = Collection(slug=slugify(title), title=title, description=description,
                                description_html=render_markdown(description), curator_id=curator.id,
                                is_published=published)
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
