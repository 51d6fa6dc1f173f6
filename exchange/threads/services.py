"""Discussions: reading lists and threads, starting threads, replying, editing.

Counters on threads and categories are kept here, in the same transaction as the
change, so that lists never count posts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..database import transaction
from .. import permissions, posting
from ..fragments import cached
from ..extensions import db
from ..markup import render_markdown
from ..moderation.log import log_moderation, moderator_edit
from .. import events
from ..models import Category, Post, Tag, TagProposal, Thread, ThreadTag, User, utcnow
from ..taxonomy import services as taxonomy
from . import status


@dataclass
class ThreadPage:
    threads: list[Thread]
    page: int
    has_next: bool
    pinned: list[Thread] = field(default_factory=list)  # shown above the first page, not repeated below


@dataclass
class PostPage:
    posts: list[Post]
    page: int
    pages: int
    first_number: int  # the position of posts[0] in the whole thread, from 1


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def category_by_id(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


@dataclass(frozen=True)
class Hidden:
    """What one reader's lists leave out (the threads, categories and tags they muted)."""

    threads: frozenset[int] = frozenset()
    categories: frozenset[int] = frozenset()
    tags: frozenset[int] = frozenset()

    @property
    def key(self) -> tuple | None:
        """For a list's cache key: ``None``, the list every reader shares, when nothing is left out."""
        if not (self.threads or self.categories or self.tags):
            return None
        return tuple(sorted(self.threads)), tuple(sorted(self.categories)), tuple(sorted(self.tags))

    def where(self):
        conditions = []
        if self.threads:
            conditions.append(Thread.id.not_in(sorted(self.threads)))
        if self.categories:
            conditions.append(Thread.category_id.not_in(sorted(self.categories)))
        if self.tags:  # implied links too: muting a tag mutes its narrower tags
            conditions.append(~select(ThreadTag.thread_id).where(
                ThreadTag.thread_id == Thread.id, ThreadTag.tag_id.in_(sorted(self.tags))).exists())
        return conditions


def latest_threads(*, category: Category | None = None, page: int = 1, per_page: int | None = None,
                   hidden: Hidden = Hidden()) -> ThreadPage:
    """Threads by last activity, one page, pinned threads first; authors and categories joined.

    A category shows its own pins and global ones; the site-wide list shows global pins only.
    """
    per_page = per_page or current_app.config["THREADS_PER_PAGE"]
    page = max(page, 1)
    pinned_here = ((Thread.PIN_CATEGORY, Thread.PIN_GLOBAL) if category is not None else (Thread.PIN_GLOBAL,))
    query = (
        _listed(hidden)
        .where(Thread.pinned.not_in(pinned_here))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)  # one extra row tells whether a next page exists, without COUNT
    )
    pins = _listed(hidden).where(Thread.is_pinned_sql()).order_by(Thread.pinned_at.desc())
    if category is not None:
        query = query.where(Thread.category_id == category.id)
        pins = pins.where((Thread.pinned == Thread.PIN_GLOBAL)
                          | ((Thread.pinned == Thread.PIN_CATEGORY) & (Thread.category_id == category.id)))
    else:
        pins = pins.where(Thread.pinned == Thread.PIN_GLOBAL)
    rows = list(db.session.scalars(query))
    pinned = list(db.session.scalars(pins)) if page == 1 else []
    return ThreadPage(rows[:per_page], page, len(rows) > per_page, pinned)


def _listed(hidden: Hidden = Hidden()):
    return (select(Thread)
            .options(joinedload(Thread.category), joinedload(Thread.author), joinedload(Thread.last_poster),
                     selectinload(Thread.tag_links).joinedload(ThreadTag.tag))
            .where(Thread.listed_sql(), *hidden.where()))


def get_thread(thread_id: int) -> Thread | None:
    """The thread alone: its category and tags load only when its cached header is rendered."""
    return db.session.get(Thread, thread_id)


def chosen_tags(thread: Thread) -> list[Tag]:
    return list(db.session.scalars(select(Tag).join(ThreadTag).where(
        ThreadTag.thread_id == thread.id, ThreadTag.implied.is_(False)).order_by(Tag.name)))


def get_post(post_id: int) -> Post | None:
    return db.session.scalar(
        select(Post).options(joinedload(Post.author), joinedload(Post.thread)).where(Post.id == post_id)
    )


def posts_per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


def page_bounds(thread: Thread, page: int) -> tuple[int, int]:
    """(the page to show, clamped; how many pages the thread has)."""
    pages = max(math.ceil(thread.post_count / posts_per_page()), 1)
    return min(max(page, 1), pages), pages


def first_post(thread: Thread) -> Post | None:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


def _shown_posts(thread: Thread):
    """The posts a thread shows. Held replies wait outside it; a held thread shows its own post
    (to its author and moderators, the only ones who can open it)."""
    condition = Post.thread_id == thread.id
    opens_held = thread.status in (Thread.HELD, Thread.REJECTED)
    return condition if opens_held else condition & (Post.review == Post.SHOWN)


def viewer_signature(thread: Thread, page: int, user: User) -> str:
    """Readers with the same signature see the same controls on this page of posts."""
    per_page = posts_per_page()
    return permissions.post_controls_signature(user, thread, lambda: cached(
        "page-authors", thread.id, page, compute=lambda: frozenset(db.session.scalars(
            select(Post.author_id).where(_shown_posts(thread)).order_by(Post.id)
            .offset((page - 1) * per_page).limit(per_page)))))


def thread_posts(thread: Thread, page: int) -> PostPage:
    per_page = posts_per_page()
    page, pages = page_bounds(thread, page)
    posts = list(db.session.scalars(
        select(Post).options(joinedload(Post.author), joinedload(Post.edited_by))
        .where(_shown_posts(thread)).order_by(Post.id)
        .offset((page - 1) * per_page).limit(per_page)
    ))
    return PostPage(posts, page, pages, (page - 1) * per_page + 1)


def proposals_shown_to(user: User, thread: Thread) -> list[TagProposal]:
    """The thread's tag words waiting for a moderator, for its author and its moderators (nobody else
    learns of them until one decides)."""
    if user.id != thread.author_id and not permissions.can_moderate_thread(user, thread):
        return []
    return taxonomy.pending_proposals_for(thread.id)


def held_replies(thread: Thread, user: User) -> list[Post]:
    """The viewer's own replies on this thread that a moderator held or rejected (shown to them alone)."""
    waiting = cached("held-authors", compute=lambda: frozenset(db.session.scalars(
        select(Post.author_id).where(Post.not_shown_sql()).distinct())))
    if not thread.is_listed or not user.is_authenticated or user.id not in waiting:
        return []
    return list(db.session.scalars(select(Post).options(joinedload(Post.author)).where(
        Post.thread_id == thread.id, Post.author_id == user.id, Post.not_shown_sql())
        .order_by(Post.id)))


def page_of_post(post: Post) -> int:
    position = db.session.scalar(
        select(func.count()).select_from(Post).where(_shown_posts(post.thread), Post.id <= post.id)
    )
    return max(math.ceil(position / posts_per_page()), 1)


def opening_post_id(thread_id: int) -> int | None:
    """Posts keep their order by id: the lowest opens the thread (merges keep it so)."""
    return db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == thread_id))


def is_first_post(post: Post) -> bool:
    return opening_post_id(post.thread_id) == post.id


def start_thread(*, author: User, title: str, category_id: int, body: str,
                 tags: list[Tag] = (), proposals: list[str] = ()) -> Thread:
    """A new thread, as the posting policy decides: published, or held for a moderator (its status
    says so), or refused (``posting.Refused``, nothing written)."""
    verdict = posting.decide_or_refuse("thread", author)
    held_reason = verdict.reason if verdict.held else ""
    with transaction():
        now = utcnow()
        thread = Thread(title=title.strip(), category_id=category_id, author_id=author.id,
                        created_at=now, last_post_at=now, last_poster_id=author.id, post_count=1,
                        status=Thread.HELD if held_reason else Thread.PUBLISHED)
        db.session.add(thread)
        db.session.flush()
        db.session.add(Post(thread_id=thread.id, author_id=author.id, body_source=body,
                            body_html=render_markdown(body), created_at=now,
                            review=Post.HELD if held_reason else Post.SHOWN, held_reason=held_reason))
        status.file_new(thread)
        if tags or proposals:
            taxonomy.file_under(thread.id, list(tags))
            taxonomy.propose_words(list(proposals), proposer=author, thread_id=thread.id)
        if not held_reason:
            opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
            events.post_published(post_id=opening, thread_id=thread.id, author_id=author.id, opens_thread=True)
    return thread


def reply(*, author: User, thread: Thread, body: str) -> Post:
    """A reply, as the posting policy decides; a held one (``post.is_held``) stays out of the thread,
    its counters and search until approved; a refused one raises ``posting.Refused``."""
    verdict = posting.decide_or_refuse("reply", author)
    held_reason = verdict.reason if verdict.held else ""
    with transaction():
        now = utcnow()
        post = Post(thread_id=thread.id, author_id=author.id, body_source=body, body_html=render_markdown(body),
                    created_at=now, review=Post.HELD if held_reason else Post.SHOWN, held_reason=held_reason)
        db.session.add(post)
        if not held_reason:
            count_in(thread.id, author_id=author.id, at=now)
            db.session.flush()
            events.post_published(post_id=post.id, thread_id=thread.id, author_id=author.id, opens_thread=False)
    return post


def count_in(thread_id: int, *, author_id: int, at) -> None:
    """A post joins its thread: counters and last activity, and the thread's search document."""
    # SQL-side increment: concurrent replies cannot overwrite each other's count.
    db.session.execute(update(Thread).where(Thread.id == thread_id).values(
        post_count=Thread.post_count + 1, last_post_at=at, last_poster_id=author_id))
    events.threads_changed(thread_id)


def edit_post(*, post: Post, body: str, title: str | None = None, tags: list[Tag] | None = None,
              proposals: list[str] = (), editor: User | None = None, reason: str = "") -> Post:
    """Edit a post; for an opening post also the thread's title and tags (``None`` leaves tags alone).

    A moderator editing someone else's post gives a reason: it is logged and shown on the post.
    """
    reason = moderator_edit(editor, post.author_id, reason)
    with transaction():
        changed = body != post.body_source or (title is not None and title.strip() != post.thread.title)
        new_words = _new_words(post.thread_id, proposals) if tags is not None else []
        retagged = tags is not None and (
            bool(new_words) or {t.id for t in tags} != {t.id for t in chosen_tags(post.thread)})
        if body != post.body_source:
            post.body_source = body
            post.body_html = render_markdown(body)
        if title is not None and title.strip() != post.thread.title:
            post.thread.title = title.strip()
        if changed:
            post.edited_at = utcnow()
        if reason and (changed or retagged):
            post.edited_by_id, post.edit_reason = editor.id, reason
            log_moderation(editor, "edit_post", post, label=f"in “{post.thread.title}”",
                           reason=reason if changed else f"tags changed: {reason}")
        if tags is not None:
            taxonomy.file_under(post.thread_id, tags)
            taxonomy.propose_words(new_words, proposer=post.author, thread_id=post.thread_id)
        events.threads_changed(post.thread_id)
    return post


def _new_words(thread_id: int, proposals) -> list[str]:
    """Unknown tag words not already proposed for this thread."""
    pending = {p.slug for p in taxonomy.pending_proposals_for(thread_id)}
    return [w for w in proposals if taxonomy.tag_key(w) not in pending]
