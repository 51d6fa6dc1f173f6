"""Every status change the app makes keeps three things right at once (exchange.threads.status):
each category's ``thread_count`` equals the listed threads in it, counted here with a query; the
thread's search intent is queued with the change; and the category page, a cached fragment
rendered once before the change, shows the change right after it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.models import Category, Post, Role, SearchOutbox, Thread
from exchange.moderation import flags, held, thread_actions
from exchange.practices import services as practices
from exchange.search import documents, outbox
from exchange.threads import services as threads
from tests.helpers import visible


@pytest.fixture
def scene(app, make_user, make_category):
    talent, finance = make_category(name="Talent"), make_category(name="Finance")
    return {"talent": talent, "finance": finance, "author": make_user(username="author"),
            "moderator": make_user(username="mod", role=Role.MODERATOR),
            "reader": app.test_client().sign_in_as(make_user(username="reader"))}


def _listed_in(category_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Thread)
                             .where(Thread.category_id == category_id, Thread.listed_sql()))


def _shown_count(page: str, category: Category) -> int:
    """The count the categories sidebar shows beside ``category``."""
    found = re.search(rf'>{re.escape(category.name)}</a> <span class="count">(\d+)</span>', page)
    assert found, f"no count for {category.name}"
    return int(found.group(1))


def _queued(thread_id: int) -> bool:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox).where(
        SearchOutbox.doc_type == documents.THREAD, SearchOutbox.doc_id == thread_id)) > 0


def _warm(scene) -> None:
    """Drain the outbox and render both category pages, so their fragments are cached."""
    outbox.drain()
    for category in (scene["talent"], scene["finance"]):
        assert scene["reader"].get(f"/c/{category.slug}").status_code == 200


def _check(scene, thread_id: int, *, listed: bool) -> None:
    db.session.rollback()  # read what was committed, as the next request does
    thread = db.session.get(Thread, thread_id)
    assert thread.is_listed == listed
    assert _queued(thread_id)
    for name in ("talent", "finance"):
        category = db.session.get(Category, scene[name].id)
        assert category.thread_count == _listed_in(category.id), name
        response = scene["reader"].get(f"/c/{category.slug}")
        assert _shown_count(response.get_data(as_text=True), category) == category.thread_count, name
        shown_here = listed and thread.category_id == category.id
        assert (thread.title in visible(response)) == shown_here, name
    found, missing = documents.documents(documents.THREAD, [thread_id])
    assert bool(found) == listed and bool(missing) == (not listed)


def _opening(thread_id: int) -> Post:
    return db.session.get(Post, threads.opening_post_id(thread_id))


def _start(scene, title: str, category: str = "talent") -> Thread:
    return threads.start_thread(author=scene["author"], title=title, category_id=scene[category].id,
                                body="What worked for you?")


def _practice_input(scene, title: str, category: str = "talent") -> practices.PracticeInput:
    return practices.PracticeInput(
        title=title, category_id=scene[category].id, tags=[], setting="district",
        sections={"summary": "Mentors for new principals.", "problem": "They left.", "steps": "1. Match"})


# --- discussions --------------------------------------------------------------------------------

def test_starting_a_thread_lists_and_counts_it(scene):
    _warm(scene)
    thread = _start(scene, "Coaching cycles that stick")
    _check(scene, thread.id, listed=True)


def test_a_held_thread_is_counted_only_once_approved(scene, holding):
    _warm(scene)
    thread = _start(scene, "Coaching cycles that stick")
    _check(scene, thread.id, listed=False)
    _warm(scene)
    held.approve_post(moderator=scene["moderator"], post=_opening(thread.id))
    _check(scene, thread.id, listed=True)


def test_a_rejected_thread_is_never_counted(scene, holding):
    thread = _start(scene, "Coaching cycles that stick")
    _warm(scene)
    held.reject_post(moderator=scene["moderator"], post=_opening(thread.id), reason="Off topic")
    _check(scene, thread.id, listed=False)


def test_hiding_the_opening_post_uncounts_the_thread_and_unhiding_counts_it_again(scene):
    thread = _start(scene, "Coaching cycles that stick")
    _warm(scene)
    flags.hide_post(moderator=scene["moderator"], post=_opening(thread.id), reason="Advertising")
    _check(scene, thread.id, listed=False)
    _warm(scene)
    flags.unhide_post(moderator=scene["moderator"], post=_opening(thread.id), reason="A real question")
    _check(scene, thread.id, listed=True)


def test_a_merged_thread_leaves_its_category_count(scene):
    target = _start(scene, "Coaching cycles that stick")
    source = _start(scene, "Coaching cycles, again")
    _warm(scene)
    thread_actions.merge_thread(moderator=scene["moderator"], source=source, target=target)
    _check(scene, source.id, listed=False)
    _check(scene, target.id, listed=True)


def test_moving_a_listed_thread_moves_its_count(scene):
    thread = _start(scene, "Coaching cycles that stick")
    _warm(scene)
    thread_actions.move_thread(moderator=scene["moderator"], thread=thread, category=scene["finance"])
    _check(scene, thread.id, listed=True)
    assert db.session.get(Category, scene["finance"].id).thread_count == 1
    assert db.session.get(Category, scene["talent"].id).thread_count == 0


def test_moving_an_unlisted_thread_moves_no_count(scene):
    thread = _start(scene, "Coaching cycles that stick")
    flags.hide_post(moderator=scene["moderator"], post=_opening(thread.id), reason="Advertising")
    _warm(scene)
    thread_actions.move_thread(moderator=scene["moderator"], thread=db.session.get(Thread, thread.id),
                               category=scene["finance"])
    _check(scene, thread.id, listed=False)
    assert (db.session.get(Category, scene["talent"].id).thread_count,
            db.session.get(Category, scene["finance"].id).thread_count) == (0, 0)
    flags.unhide_post(moderator=scene["moderator"], post=_opening(thread.id))
    _check(scene, thread.id, listed=True)  # counted where it is now
    assert db.session.get(Category, scene["finance"].id).thread_count == 1


# --- practices ----------------------------------------------------------------------------------

def test_publishing_a_draft_practice_counts_it(scene):
    thread = practices.create(author=scene["author"], data=_practice_input(scene, "A 90-day plan"), publish=False)
    _check(scene, thread.id, listed=False)
    _warm(scene)
    practices.publish(db.session.get(Thread, thread.id))
    _check(scene, thread.id, listed=True)


def test_a_held_practice_is_counted_once_approved(scene, holding):
    _warm(scene)
    thread = practices.create(author=scene["author"], data=_practice_input(scene, "A 90-day plan"), publish=True)
    _check(scene, thread.id, listed=False)
    _warm(scene)
    held.approve_post(moderator=scene["moderator"], post=_opening(thread.id))
    _check(scene, thread.id, listed=True)


def test_editing_a_listed_practice_into_another_category_moves_its_count(scene):
    thread = practices.create(author=scene["author"], data=_practice_input(scene, "A 90-day plan"), publish=True)
    _warm(scene)
    practices.update_practice(thread=db.session.get(Thread, thread.id),
                              data=_practice_input(scene, "A 90-day plan", "finance"))
    _check(scene, thread.id, listed=True)
    assert db.session.get(Category, scene["finance"].id).thread_count == 1


@pytest.mark.parametrize("unlisted", ["hidden", "held"])
def test_editing_an_unlisted_practice_into_another_category_moves_no_count(scene, request, unlisted):
    """The bug: update_practice moved the count of a hidden practice, which was never counted."""
    if unlisted == "held":
        request.getfixturevalue("holding")
    thread = practices.create(author=scene["author"], data=_practice_input(scene, "A 90-day plan"), publish=True)
    if unlisted == "hidden":
        flags.hide_post(moderator=scene["moderator"], post=_opening(thread.id), reason="Advertising")
    _warm(scene)
    practices.update_practice(thread=db.session.get(Thread, thread.id),
                              data=_practice_input(scene, "A 90-day plan", "finance"))
    _check(scene, thread.id, listed=False)
    assert (db.session.get(Category, scene["talent"].id).thread_count,
            db.session.get(Category, scene["finance"].id).thread_count) == (0, 0)
