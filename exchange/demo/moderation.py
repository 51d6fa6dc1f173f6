"""What the demo's moderators find waiting: a scoped moderator, a pinned welcome, a newcomer's held posts,
flags, a roster invitation and tag proposals."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..markup import render_markdown
from ..models import Category, Flag, Post, Program, Region, Role, Status, TagProposal, Thread, User, utcnow
from ..moderation.log import log_moderation
from ..taxonomy import services as taxonomy
from ..text import slugify
from .content import moderation as content
from .network import DEMO_DOMAIN, affiliate, unique_username
from .report import LoadReport

SCOPED_MODERATOR = ("talent.moderator", "talentmod", "Tess Talent", "Talent lead, Exchange")
NEWCOMER = ("newcomer", "newcomer", "Nico Newcomer")


def stage_moderation(rng: random.Random, report: LoadReport, categories: list[Category], programs: list[Program],
                     metros: dict[str, Region], password_hash: str) -> None:
    """Something in every section of the queue: a moderator scoped to one category, a pinned welcome
    thread, a newcomer's held thread and reply, a flagged post, a reply a moderator hid, and a
    registration that matches an imported roster. Made once, when the scoped moderator does not exist yet."""
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
        affiliate(rng, user, programs)
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

    # A reply, never an opening post: hiding that would take its thread out of the lists and counts.
    openings = select(func.min(Post.id)).group_by(Post.thread_id)
    hidden = db.session.scalar(select(Post).join(Post.thread).where(
        Thread.status == Thread.PUBLISHED, Thread.kind == Thread.DISCUSSION, Post.review == Post.SHOWN,
        Post.id.not_in(openings), Post.id != (flagged.id if flagged is not None else 0))
        .order_by(Post.id).limit(1))
    if hidden is not None:
        hidden.is_hidden, hidden.hidden_reason, hidden.hidden_at = True, content.HIDDEN_REASON, now - timedelta(hours=5)
        log_moderation(admin, "hide_post", hidden, label=f"in “{hidden.thread.title}”", reason=content.HIDDEN_REASON)
        report.add("hidden posts")

    applicant = db.session.scalar(select(User).where(User.status == Status.PENDING).order_by(User.id).limit(1))
    if applicant is not None:
        invited = User(email=f"{slugify(applicant.display_name)}@district.example.org",
                       username=unique_username(slugify(applicant.display_name).replace("-", ".")[:24] + ".roster",
                                                 set(db.session.scalars(select(User.username)))),
                       display_name=applicant.display_name, password_hash="!invited", status=Status.INVITED,
                       organisation="Memphis-Shelby County Schools", headline="Director of Talent",
                       region_id=applicant.region_id)
        affiliate(rng, invited, programs)
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
