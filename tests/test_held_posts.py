"""Held posts: a new member's first posts and posts past the flood limits wait for a moderator."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.feeds import feed_key
from exchange.models import Category, ModerationLog, Post, Role, Thread
from exchange.search import outbox
from tests.helpers import visible

WORDS = "marmalade rubric"  # a phrase nothing else contains


@pytest.fixture
def scene(app, holding, make_user, make_thread, make_category):
    talent, finance = make_category(name="Talent"), make_category(name="Finance")
    veteran = make_user(username="veteran")
    thread = make_thread(author=veteran, category=talent, title="Coaching cycles that stick")
    elsewhere = make_thread(author=veteran, category=finance, title="Budgeting for tutoring")
    # The factory's moderator approved the veteran's first thread: nothing of theirs is held any more.
    return {"talent": talent, "finance": finance, "thread": thread, "elsewhere": elsewhere, "veteran": veteran,
            "newcomer": make_user(username="newcomer"), "reader": make_user(username="reader"),
            "moderator": make_user(username="mod", role=Role.MODERATOR)}


def as_(app, user):
    return app.test_client().sign_in_as(user)


def reply(app, user, thread, body, *, htmx=True):
    return as_(app, user).submit(f"/t/{thread.id}/reply", {"body": body, "page": "1"}, htmx=htmx)


def searchable(app, user, words) -> bool:
    outbox.drain()
    return "Coaching cycles that stick" in visible(as_(app, user).get("/search", query_string={"q": words}))


def test_a_new_members_first_reply_waits_for_review(app, scene, mailbox):
    thread = scene["thread"]
    before = db.session.get(Thread, thread.id).post_count
    response = reply(app, scene["newcomer"], thread, f"Our {WORDS} for coaching cycles")
    assert response.status_code == 200
    assert "Your reply waits for a moderator's review" in visible(response)
    held = db.session.scalar(select(Post).where(Post.author_id == scene["newcomer"].id))
    assert held.review == Post.HELD and "first post" in held.held_reason
    assert db.session.get(Thread, thread.id).post_count == before       # not counted, not the last activity
    assert WORDS not in visible(as_(app, scene["reader"]).get(f"/t/{thread.id}"))
    assert as_(app, scene["reader"]).get(f"/p/{held.id}").status_code == 404
    own = visible(as_(app, scene["newcomer"]).get(f"/t/{thread.id}"))
    assert "Your replies not on the thread yet" in own and WORDS in own
    assert not searchable(app, scene["reader"], "marmalade")
    queue = visible(as_(app, scene["moderator"]).get("/mod"))
    assert "Held for review 1" in queue and WORDS in queue and "Coaching cycles that stick" in queue

    approved = as_(app, scene["moderator"]).submit(f"/mod/posts/{held.id}/approve", {}, htmx=True)
    assert approved.status_code == 200 and "Approved post" in visible(approved)
    assert "Held for review 0" in visible(approved)
    # (the reader read the thread before: it opens at their first unread post, the approved one)
    assert WORDS in visible(as_(app, scene["reader"]).get(f"/t/{thread.id}", follow_redirects=True))
    assert db.session.get(Thread, thread.id).post_count == before + 1
    assert db.session.get(Thread, thread.id).last_poster_id == scene["newcomer"].id
    assert searchable(app, scene["reader"], "marmalade")
    assert db.session.scalar(select(ModerationLog).where(ModerationLog.action == "approve_post",
                                                         ModerationLog.actor_id == scene["moderator"].id)).target_id == held.id
    # With one approved post, the member's next reply is published at once.
    reply(app, scene["newcomer"], thread, "And a follow-up")
    assert db.session.scalar(select(Post).where(Post.body_source == "And a follow-up")).review == Post.SHOWN


def test_a_new_members_first_thread_is_unlisted_until_approved(app, scene):
    newcomer, talent = scene["newcomer"], scene["talent"]
    form = {"title": "Exit interviews that teach us something", "category": str(talent.id),
            "body": "We ask three questions.", "tags": ""}
    response = as_(app, newcomer).submit("/threads/new", form, follow_redirects=True)
    assert "Your thread waits for a moderator's review" in visible(response)
    assert "only you and the moderators see it" in visible(response)
    thread = db.session.scalar(select(Thread).where(Thread.title.startswith("Exit interviews")))
    assert thread.status == Thread.HELD
    for url in ("/threads", f"/c/{talent.slug}", "/"):
        assert "Exit interviews" not in visible(as_(app, scene["reader"]).get(url)), url
    assert as_(app, scene["reader"]).get(f"/t/{thread.id}").status_code == 404
    count = db.session.get(Category, talent.id).thread_count
    as_(app, scene["moderator"]).submit(f"/mod/posts/{thread.id and _first(thread).id}/approve", {}, htmx=True)
    assert db.session.get(Thread, thread.id).status == Thread.PUBLISHED
    assert db.session.get(Category, talent.id).thread_count == count + 1
    assert "Exit interviews" in visible(as_(app, scene["reader"]).get(f"/c/{talent.slug}"))


def _first(thread):
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id))


def test_a_rejected_post_stays_out_and_its_author_is_told(app, scene, mailbox):
    reply(app, scene["newcomer"], scene["thread"], "Visit my consultancy's website")
    held = db.session.scalar(select(Post).where(Post.author_id == scene["newcomer"].id))
    response = as_(app, scene["moderator"]).submit(f"/mod/posts/{held.id}/reject",
                                                   {"reason": "Advertising"}, htmx=True)
    assert "Rejected post" in visible(response)
    assert db.session.get(Post, held.id).review == Post.REJECTED              # kept, never deleted
    assert "consultancy" not in visible(as_(app, scene["reader"]).get(f"/t/{scene['thread'].id}"))
    own = visible(as_(app, scene["newcomer"]).get(f"/t/{scene['thread'].id}"))
    assert "A moderator did not approve this post" in own and "Reason: Advertising" in own
    assert "was not approved" in mailbox()[-1] and "Reason: Advertising" in mailbox()[-1]
    entry = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "reject_post"))
    assert entry.reason == "Advertising" and entry.actor_id == scene["moderator"].id
    again = as_(app, scene["moderator"]).submit(f"/mod/posts/{held.id}/approve", {}, htmx=True)
    assert "not waiting for review" in visible(again)


def test_moderators_are_never_held(app, scene):
    reply(app, scene["moderator"], scene["thread"], "A moderator's first word")
    assert db.session.scalar(select(Post).where(Post.author_id == scene["moderator"].id)).review == Post.SHOWN


def test_scoped_moderators_review_only_their_categories(app, scene, make_user):
    scoped = make_user(username="talentmod", role=Role.MODERATOR)
    db.session.get(type(scoped), scoped.id).moderated_categories = [db.session.get(Category, scene["talent"].id)]
    db.session.commit()
    reply(app, scene["newcomer"], scene["elsewhere"], "A finance question held for review")
    held = db.session.scalar(select(Post).where(Post.author_id == scene["newcomer"].id))
    queue = visible(as_(app, scoped).get("/mod"))
    assert "Held for review 0" in queue and "A finance question" not in queue
    assert "Waiting for approval" not in queue                  # registrations are for unscoped moderators
    assert as_(app, scoped).submit(f"/mod/posts/{held.id}/approve", {}, htmx=True).status_code == 403
    assert db.session.get(Post, held.id).review == Post.HELD
    assert as_(app, scene["moderator"]).submit(f"/mod/posts/{held.id}/approve", {}, htmx=True).status_code == 200


def test_members_cannot_approve_or_reject(app, scene):
    reply(app, scene["newcomer"], scene["thread"], "Held reply")
    held = db.session.scalar(select(Post).where(Post.author_id == scene["newcomer"].id))
    for verb in ("approve", "reject"):
        assert as_(app, scene["reader"]).submit(f"/mod/posts/{held.id}/{verb}", {}).status_code == 403
    assert db.session.get(Post, held.id).review == Post.HELD


def test_posts_past_the_flood_limit_are_held_then_refused_with_the_text_kept(app, scene):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "reply": "2 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "reply": "2 per hour"}
    veteran, thread = scene["veteran"], scene["thread"]
    for n in range(2):
        reply(app, veteran, thread, f"Reply {n}")
    for n in range(app.config["HOLD_MAX_PER_MEMBER"]):
        response = reply(app, veteran, thread, f"Fast reply {n}")
        assert response.status_code == 200 and "waits for a moderator's review" in visible(response)
    held = db.session.scalars(select(Post).where(Post.review == Post.HELD)).all()
    assert len(held) == 3 and "past the limit on replies (2 per hour)" in held[0].held_reason
    refused = reply(app, veteran, thread, "One more carefully written reply")
    assert refused.status_code == 422
    assert "as many replies as we allow for now (2 per hour)" in visible(refused)
    assert "still waiting for a moderator" in visible(refused)
    assert "One more carefully written reply" in refused.get_data(as_text=True)


# --- practices: the third way to publish goes through the same policy -----------------------------

PRACTICE_TITLE = "Quokka coaching for new principals"


def _practice_form(category, **overrides) -> dict:
    return {"title": PRACTICE_TITLE, "category": str(category.id), "tags": "Principal", "setting": "district",
            "region": "0", "summary": "Every new principal met a quokka coach weekly.",
            "problem": "Half our new principals left within two years.", "steps": "1. Match a coach\n2. Meet weekly",
            "action": "publish", **overrides}


def _listed_anywhere(app, user, thread) -> list[str]:
    """Where a reader finds the practice: the library, thread lists, feeds, search, the tag page."""
    client = as_(app, user)
    outbox.drain()
    pages = {"library": "/practices", "threads": "/threads", "category": f"/c/{thread.category.slug}",
             "home": "/", "search": "/search?q=quokka", "tag": "/tags/principal"}
    found = [name for name, url in pages.items() if PRACTICE_TITLE in visible(client.get(url))]
    with app.test_request_context():
        key = feed_key(db.session.get(type(user), user.id))
    if PRACTICE_TITLE in client.get(f"/practices.atom?key={key}").get_data(as_text=True):
        found.append("feed")
    return found


def test_a_new_members_first_practice_is_held_then_approved_from_the_queue(app, scene, taxonomy):
    newcomer, reader, moderator, talent = scene["newcomer"], scene["reader"], scene["moderator"], scene["talent"]
    count = db.session.get(Category, talent.id).thread_count
    response = as_(app, newcomer).submit("/practices/new", _practice_form(talent), follow_redirects=True)
    assert "Your practice waits for a moderator's review" in visible(response)
    thread = db.session.scalar(select(Thread).where(Thread.title == PRACTICE_TITLE))
    opening = _first(thread)
    assert thread.status == Thread.HELD and opening.review == Post.HELD and "first post" in opening.held_reason
    assert thread.practice.published_at is None
    assert db.session.get(Category, talent.id).thread_count == count
    assert _listed_anywhere(app, reader, thread) == []
    assert as_(app, reader).get(f"/practices/{thread.id}").status_code == 404
    assert as_(app, reader).get(f"/t/{thread.id}").status_code == 404
    own = visible(as_(app, newcomer).get(f"/practices/{thread.id}"))
    assert "This practice waits for a moderator's review" in own and "Every new principal" in own
    assert "This practice waits" in visible(as_(app, moderator).get(f"/practices/{thread.id}"))
    queue = visible(as_(app, moderator).get("/mod"))
    assert "Held for review 1" in queue and f"shared the practice {PRACTICE_TITLE}" in queue

    approved = as_(app, moderator).submit(f"/mod/posts/{opening.id}/approve", {}, htmx=True)
    assert approved.status_code == 200 and "Held for review 0" in visible(approved)
    thread = db.session.get(Thread, thread.id)
    assert thread.status == Thread.PUBLISHED and _first(thread).review == Post.SHOWN
    assert thread.practice.published_at is not None and thread.practice.reviewed_at is not None
    assert db.session.get(Category, talent.id).thread_count == count + 1
    assert {"library", "threads", "category", "search", "tag", "feed"} <= set(_listed_anywhere(app, reader, thread))
    assert "waits for a moderator" not in visible(as_(app, reader).get(f"/practices/{thread.id}"))


def test_a_rejected_practice_stays_unseen_and_its_author_keeps_the_reason(app, scene, taxonomy, mailbox):
    as_(app, scene["newcomer"]).submit("/practices/new", _practice_form(scene["talent"]))
    thread = db.session.scalar(select(Thread).where(Thread.title == PRACTICE_TITLE))
    as_(app, scene["moderator"]).submit(f"/mod/posts/{_first(thread).id}/reject", {"reason": "Advertising"},
                                        htmx=True)
    assert db.session.get(Thread, thread.id).status == Thread.REJECTED
    assert _listed_anywhere(app, scene["reader"], thread) == []
    assert as_(app, scene["reader"]).get(f"/practices/{thread.id}").status_code == 404
    own = visible(as_(app, scene["newcomer"]).get(f"/practices/{thread.id}"))
    assert "A moderator did not approve this practice" in own
    assert "Your practice on Exchange was not approved" in mailbox()[-1] and "Reason: Advertising" in mailbox()[-1]


def test_a_draft_is_not_held_and_publishing_it_goes_through_the_policy(app, scene, taxonomy):
    newcomer = scene["newcomer"]
    as_(app, newcomer).submit("/practices/new", _practice_form(scene["talent"], action="draft"))
    thread = db.session.scalar(select(Thread).where(Thread.title == PRACTICE_TITLE))
    assert thread.status == Thread.DRAFT and _first(thread).review == Post.SHOWN      # a draft asks nobody
    assert "waits for a moderator" not in visible(as_(app, newcomer).get(f"/practices/{thread.id}"))
    # The draft's own post is nobody's approval: publishing it is still the newcomer's first post.
    response = as_(app, newcomer).submit(f"/practices/{thread.id}/publish", {}, follow_redirects=True)
    assert "Your practice waits for a moderator's review" in visible(response)
    thread = db.session.get(Thread, thread.id)
    assert thread.status == Thread.HELD and _first(thread).review == Post.HELD
    assert _listed_anywhere(app, scene["reader"], thread) == []


def test_moderators_practices_and_threads_are_never_held(app, scene, taxonomy):
    moderator = scene["moderator"]
    as_(app, moderator).submit("/practices/new", _practice_form(scene["talent"]))
    as_(app, moderator).submit("/threads/new", {"title": "A moderator's first thread", "body": "Welcome, all.",
                                                "category": str(scene["talent"].id), "tags": ""})
    for title in (PRACTICE_TITLE, "A moderator's first thread"):
        assert db.session.scalar(select(Thread).where(Thread.title == title)).status == Thread.PUBLISHED, title


def test_a_practice_past_the_flood_limit_is_held_then_refused_with_the_text_kept(app, scene, taxonomy):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "practice": "1 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = {**app.config["FLOOD_LIMITS_NEWCOMER"], "practice": "1 per hour"}
    veteran, talent = scene["veteran"], scene["talent"]
    assert as_(app, veteran).submit("/practices/new", _practice_form(talent, title="Practice zero")).status_code == 303
    assert db.session.scalar(select(Thread).where(Thread.title == "Practice zero")).status == Thread.PUBLISHED
    for n in range(app.config["HOLD_MAX_PER_MEMBER"]):
        response = as_(app, veteran).submit("/practices/new", _practice_form(talent, title=f"Fast practice {n}"),
                                            follow_redirects=True)
        assert "Your practice waits for a moderator's review" in visible(response)
    held = db.session.scalars(select(Post).where(Post.review == Post.HELD)).all()
    assert len(held) == 3 and "past the limit on practices (1 per hour)" in held[0].held_reason
    refused = as_(app, veteran).submit("/practices/new", _practice_form(
        talent, title="One more practice", summary="A carefully written summary of what worked."))
    assert refused.status_code == 422
    assert "as many practices as we allow for now (1 per hour)" in visible(refused)
    assert "still waiting for a moderator" in visible(refused)
    assert "A carefully written summary of what worked." in refused.get_data(as_text=True)
    assert db.session.scalar(select(Thread).where(Thread.title == "One more practice")) is None
