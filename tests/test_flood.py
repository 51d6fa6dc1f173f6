"""Flood control: per-member limits on new threads and replies, stricter in the first week; the text is kept."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from limits import parse

from exchange import flood, posting
from exchange.extensions import db, limiter
from exchange.models import Post, Thread, User, utcnow
from exchange.threads import services as thread_services
from tests.helpers import visible

# Holds on, as in production: these are posting paths (see tests/conftest.py `holding`).
pytestmark = pytest.mark.usefixtures("holding")


@pytest.fixture
def limits(app):
    app.config["FLOOD_LIMITS"] = {"thread": "3 per hour", "reply": "3 per hour", "contact": "5 per hour"}
    app.config["FLOOD_LIMITS_NEWCOMER"] = {"thread": "1 per hour", "reply": "2 per hour", "contact": "1 per hour"}
    app.config["HOLD_MAX_PER_MEMBER"] = 0  # past the limit, refuse at once (holding is in test_held_posts.py)


def veteran(make_user, **kwargs):
    user = make_user(**kwargs)
    db.session.get(User, user.id).approved_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return user


def test_replies_past_the_limit_are_refused_with_the_text_kept(app, limits, make_user, make_thread, make_category):
    thread = make_thread()
    client = app.test_client().sign_in_as(veteran(make_user))
    for n in range(3):
        assert client.submit(f"/t/{thread.id}/reply", {"body": f"Reply number {n}", "page": "1"},
                             htmx=True).status_code == 200
    refused = client.submit(f"/t/{thread.id}/reply", {"body": "My fourth, carefully written reply", "page": "1"},
                            htmx=True)
    assert refused.status_code == 422
    assert "as many replies as we allow for now (3 per hour)" in visible(refused)
    assert "My fourth, carefully written reply" in refused.get_data(as_text=True)
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 4     # the opening post + 3


def test_newcomers_have_stricter_limits(app, limits, make_user, make_category):
    category = make_category()
    newcomer = app.test_client().sign_in_as(make_user())        # approved just now
    form = {"title": "How do you run data chats?", "category": str(category.id), "body": "We meet weekly.", "tags": ""}
    assert newcomer.submit("/threads/new", form).status_code == 303
    refused = newcomer.submit("/threads/new", {**form, "title": "A second question today"})
    assert refused.status_code == 422 and "as many new threads as we allow for now (1 per hour)" in visible(refused)
    assert "A second question today" in refused.get_data(as_text=True)
    old_hand = app.test_client().sign_in_as(veteran(make_user))
    assert old_hand.submit("/threads/new", form).status_code == 303
    assert old_hand.submit("/threads/new", {**form, "title": "Another one"}).status_code == 303
    assert db.session.query(Thread).count() == 3


def test_limits_are_per_member(app, limits, make_user, make_thread):
    thread = make_thread()
    first, second = (app.test_client().sign_in_as(make_user()) for _ in range(2))
    for client in (first, second):
        for n in range(2):
            assert client.submit(f"/t/{thread.id}/reply", {"body": f"Reply {n}", "page": "1"}, htmx=True).status_code == 200
    assert first.submit(f"/t/{thread.id}/reply", {"body": "Third", "page": "1"}, htmx=True).status_code == 422


def test_the_shipped_limits_hold_newcomers_contact_requests_to_two_an_hour(app, make_user):
    """The default configuration, not a test's: a newcomer sends 2 contact requests an hour, a veteran 5."""
    message = "Hello! I read your practice on hiring fairs and would love to compare notes this month."
    people = [make_user(username=f"peer{n}") for n in range(6)]
    newcomer = app.test_client().sign_in_as(make_user(username="newbie"))
    for peer in people[:2]:
        assert newcomer.submit(f"/members/{peer.username}/contact", {"message": message}).status_code == 303
    third = newcomer.submit(f"/members/{people[2].username}/contact", {"message": message + " (third)"})
    assert third.status_code == 422 and "(2 per hour, 5 per day)" in visible(third)
    assert message + " (third)" in third.get_data(as_text=True)
    old_hand = app.test_client().sign_in_as(veteran(make_user, username="oldhand"))
    for peer in people[:5]:
        assert old_hand.submit(f"/members/{peer.username}/contact", {"message": message}).status_code == 303
    refused = old_hand.submit(f"/members/{people[5].username}/contact", {"message": message})
    assert refused.status_code == 422 and "(5 per hour, 20 per day)" in visible(refused)


def test_a_thread_past_the_limit_waits_for_a_moderator(app, make_user, make_category):
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "thread": "1 per hour"}
    category = make_category()
    client = app.test_client().sign_in_as(veteran(make_user))
    form = {"title": "How do you run data chats?", "category": str(category.id), "body": "We meet weekly.", "tags": ""}
    assert client.submit("/threads/new", form).status_code == 303
    held = client.submit("/threads/new", {**form, "title": "A second question within the hour"}, follow_redirects=True)
    assert "waits for a moderator's review" in visible(held)
    thread = db.session.query(Thread).filter_by(title="A second question within the hour").one()
    opening = db.session.query(Post).filter_by(thread_id=thread.id).one()
    assert thread.status == Thread.HELD and "past the limit on new threads" in opening.held_reason
    assert "A second question within the hour" not in visible(app.test_client().sign_in_as(make_user()).get("/threads"))


def test_two_posts_at_once_cannot_both_take_the_last_place(app, make_user, make_category, establish):
    """One atomic hit decides: with room for one more thread, two requests never both pass."""
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "thread": "1 per hour"}
    app.config["HOLD_MAX_PER_MEMBER"] = 0
    category = make_category()
    author = establish(veteran(make_user))
    outcomes = []
    for title in ("First of two at once", "Second of two at once"):  # back to back, nothing recorded in between
        try:
            outcomes.append(thread_services.start_thread(author=author, title=title, category_id=category.id,
                                                         body="Sent twice, quickly.").status)
        except posting.Refused as refused:
            outcomes.append(refused.verdict.outcome)
    assert outcomes == [Thread.PUBLISHED, posting.REFUSED]

    other_id = veteran(make_user).id
    start, passed = threading.Barrier(8), []

    def send() -> None:
        with app.app_context():
            other = db.session.get(User, other_id)
            start.wait()
            passed.append(flood.hit("thread", other))
            db.session.remove()

    workers = [threading.Thread(target=send) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(passed) == 8 and sum(passed) <= 1


def test_a_form_that_fails_validation_costs_nothing(app, limits, make_user, make_category, establish):
    category = make_category()
    client = app.test_client().sign_in_as(establish(veteran(make_user)))
    for _ in range(5):  # 3 per hour: these would have used them all
        assert client.submit("/threads/new", {"title": "", "category": str(category.id), "body": "x"}).status_code == 422
    form = {"title": "A valid question at last", "category": str(category.id), "body": "We meet weekly.", "tags": ""}
    assert client.submit("/threads/new", form).status_code == 303
    assert db.session.query(Thread).filter_by(title="A valid question at last").one().status == Thread.PUBLISHED


def test_several_limit_items_each_count_and_the_first_refusal_stops_the_count(app, make_user):
    """ "2 per hour; 3 per day": the hour refuses the third; a refused send is not counted against the day."""
    app.config["FLOOD_LIMITS"] = {**app.config["FLOOD_LIMITS"], "practice": "2 per hour; 3 per day"}
    member = veteran(make_user)
    assert [flood.hit("practice", member) for _ in range(3)] == [True, True, False]
    day = parse("3 per day")
    assert limiter.limiter.get_window_stats(day, "flood", "practice", str(member.id)).remaining == 1
